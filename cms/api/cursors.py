"""Opaque, signed pagination cursors.

A keyset cursor holds the sort key values of one row (ending in its id), the
name of the sort and a fingerprint of the search and filters it was issued
for. It is signed, so a tampered cursor is refused rather than trusted, and a
cursor from another sort, search or filter is refused with a clear message
rather than silently returning a wrong page.
"""

import hashlib
import json
from dataclasses import dataclass, fields

from django.core import signing

from .errors import UserInputError

SALT = "cms.api.cursor"


@dataclass(frozen=True)
class Cursor:
    """What a cursor carries, under readable names in its signed JSON.

    Cursors issued before these names (one-letter keys) are refused as not valid,
    with the same coded error as a tampered one: a client starts again without one.
    """

    #: The name of the ordering it was issued for (``Ordering.name``).
    sort: str
    #: ``fingerprint(...)`` of the search and filters it was issued for.
    filters: str
    #: A keyset cursor: the row's sort key values, ending in its id.
    key: list | None = None
    #: An offset cursor (orders SQL cannot compare, e.g. relevance): the row's position.
    position: int | None = None
    #: The row's index in the list, when known, and the content version it was
    #: known under: valid while that version lasts (``connection._known_position``).
    index: int | None = None
    version: str | int | None = None
    #: What a list that maintains its counts needs to know the row's position later
    #: without counting (``paginate``'s ``positions``), e.g. ``[log seq, rows through it]``.
    tally: list | None = None


def encode_cursor(
    *, sort, fingerprint, values=None, position=None, index=None, version=None, tally=None
):
    """``values``: keyset sort key; ``position``: offset cursor; ``index``/``version``:
    the row's index when it was known, valid while content is unchanged; ``tally``: see
    ``Cursor.tally``."""
    cursor = Cursor(
        sort=sort,
        filters=fingerprint,
        key=None if values is None else list(values),
        position=position,
        index=index,
        version=None if index is None else version,
        tally=tally,
    )
    # Not ``asdict``: it deep-copies every value, a tenth of the cost of a cursor.
    payload = {
        item.name: getattr(cursor, item.name)
        for item in fields(cursor)
        if getattr(cursor, item.name) is not None
    }
    return signing.dumps(payload, salt=SALT)


def decode_cursor(cursor, *, sort, fingerprint, argument):
    """Return the ``Cursor``, or raise a coded error naming ``argument``."""
    try:
        payload = signing.loads(cursor, salt=SALT)
        decoded = Cursor(**payload)
    except (signing.BadSignature, ValueError, TypeError):
        raise UserInputError(
            f"The `{argument}` cursor is not valid. Use a cursor exactly as the API returned it.",
            field=argument,
        ) from None
    if decoded.sort != sort:
        raise UserInputError(
            f"The `{argument}` cursor was issued for a different sort order. "
            "Start again without a cursor when you change the sort.",
            field=argument,
        )
    if decoded.filters != fingerprint:
        raise UserInputError(
            f"The `{argument}` cursor was issued for a different search or filter. "
            "Start again without a cursor when you change the search or filters.",
            field=argument,
        )
    return decoded


def fingerprint(*parts):
    """A short digest binding cursors to the sort, search and filters they were issued for."""
    encoded = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]
