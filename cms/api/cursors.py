"""Opaque, signed pagination cursors.

A keyset cursor holds the sort key values of one row (ending in its id), the
name of the sort and a fingerprint of the search and filters it was issued
for. It is signed, so a tampered cursor is refused rather than trusted, and a
cursor from another sort, search or filter is refused with a clear message
rather than silently returning a wrong page.
"""

import hashlib
import json

from django.core import signing

from .errors import UserInputError

SALT = "cms.api.cursor"


def encode_cursor(*, sort, fingerprint, values=None, position=None, index=None, version=None):
    """``values``: keyset sort key; ``position``: offset cursor; ``index``/``version``:
    the row's index when it was known, valid while content is unchanged."""
    payload = {"s": sort, "f": fingerprint}
    if values is not None:
        payload["k"] = list(values)
    if position is not None:
        payload["p"] = position
    if index is not None:
        payload["n"] = index
        payload["g"] = version
    return signing.dumps(payload, salt=SALT, compress=False)


def decode_cursor(cursor, *, sort, fingerprint, argument):
    """Return the cursor's payload, or raise a coded error naming ``argument``."""
    try:
        payload = signing.loads(cursor, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise UserInputError(
            f"The `{argument}` cursor is not valid. Use a cursor exactly as the API returned it.",
            field=argument,
        ) from None
    if not isinstance(payload, dict) or payload.get("s") != sort:
        raise UserInputError(
            f"The `{argument}` cursor was issued for a different sort order. "
            "Start again without a cursor when you change the sort.",
            field=argument,
        )
    if payload.get("f") != fingerprint:
        raise UserInputError(
            f"The `{argument}` cursor was issued for a different search or filter. "
            "Start again without a cursor when you change the search or filters.",
            field=argument,
        )
    return payload


def fingerprint(*parts):
    """A short digest binding cursors to the sort, search and filters they were issued for."""
    encoded = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]
