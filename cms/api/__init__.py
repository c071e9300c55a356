"""Shared GraphQL machinery. Imports no app: apps plug their fields in through
Wagtail's ``register_schema_query`` hook."""
