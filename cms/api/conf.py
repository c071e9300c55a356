"""API limits and defaults, overridable through the ``CMS_API`` setting.

``CMS_API = {"MAX_PAGE_SIZE": 50}`` in settings changes one value; the rest keep
the defaults below.
"""

from django.conf import settings

DEFAULTS = {
    #: Page size when a list query gives neither ``first`` nor ``last`` (the seed page shows 12).
    "DEFAULT_PAGE_SIZE": 12,
    #: Largest ``first``/``last`` accepted; larger values are refused, never capped.
    "MAX_PAGE_SIZE": 100,
    #: Longest search string accepted, in characters.
    "MAX_SEARCH_LENGTH": 200,
    #: Most words a search may have.
    "MAX_SEARCH_TERMS": 12,
    #: Most values a list filter (e.g. ``domains``) may have.
    "MAX_FILTER_VALUES": 50,
}


def api_setting(name):
    return getattr(settings, "CMS_API", {}).get(name, DEFAULTS[name])
