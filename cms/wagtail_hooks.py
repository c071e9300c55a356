from wagtail import hooks


@hooks.register("register_schema_query", order=100)
def register_preview_query(query_mixins):
    """Last, so every app has registered its previewable types (see cms.api.preview)."""
    from .api.preview import preview_query

    query_mixins.append(preview_query())
