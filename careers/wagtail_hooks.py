"""Careers admin: the careers page and stories are pages; their root fields are here.

Organizations, teams and people are the shared people directory (``home``).
"""

from wagtail import hooks


@hooks.register("register_public_api_query")
def register_careers_queries(query_mixins):
    from .api.schema import CareersQueries

    query_mixins.append(CareersQueries)
