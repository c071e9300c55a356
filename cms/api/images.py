"""Grapple's image renditions, limited to a fixed set and refused with a clear error.

Each new rendition is an image resized on the server and a file kept forever, so
letting a client ask for any ``rendition(width: …)`` or ``srcSet(sizes: […])``
would let anyone fill the disk and the CPU. Only ``GRAPPLE["ALLOWED_IMAGE_FILTERS"]``
is made; grapple itself answers anything else with an internal error (``rendition``)
or drops it silently (``srcSet``): here both are a BAD_USER_INPUT error that lists
what is allowed (checked in grapple's resolvers: ``cms.api.upstream_patches``).
"""

from grapple.settings import grapple_settings
from grapple.types.images import rendition_allowed

from .errors import UserInputError


def allowed_filters():
    return list(grapple_settings.ALLOWED_IMAGE_FILTERS or [])


def _refuse(argument, asked):
    raise UserInputError(
        f"The image rendition {asked!r} is not offered. Ask for one of: "
        f"{', '.join(allowed_filters())}.",
        field=argument,
    )


def check_rendition(arguments):
    """Refuse a ``rendition(...)`` whose filter is not offered."""
    spec = "|".join(f"{key}-{value}" for key, value in arguments.items() if key != "preserve_svg")
    if not rendition_allowed(spec):
        _refuse("rendition", spec)


def check_src_set(sizes, format=None):
    """Refuse a ``srcSet(...)`` with a width (or format) not offered."""
    suffix = f"|format-{format}" if format else ""
    for width in sizes:
        if width is None or not rendition_allowed(f"width-{width}{suffix}"):
            _refuse("srcSet", f"width-{width}{suffix}")
