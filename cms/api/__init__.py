"""Shared GraphQL machinery. Imports no app: apps plug their fields in through
the ``register_public_api_query`` Wagtail hook (``cms.api.schema``)."""
