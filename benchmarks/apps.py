from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Adds the stock-grapple baseline to the schema, for benchmarks only.

    This is how a stock Wagtail + grapple project exposes publications:
    ``graphql_fields`` on the models and ``register_paginated_query_field``.
    It must run before grapple's own ``ready()`` builds the types, so this app
    is listed before ``grapple`` in ``benchmarks.settings``.
    """

    name = "benchmarks"

    def ready(self):
        from grapple.actions import register_django_model, register_snippet_model
        from grapple.helpers import register_paginated_query_field
        from grapple.models import (
            GraphQLCollection,
            GraphQLForeignKey,
            GraphQLInt,
            GraphQLSnippet,
            GraphQLString,
        )
        from grapple.registry import registry
        from wagtail import hooks

        from home.models import Person
        from research.models import Publication, PublicationAuthor, ResearchDomain

        Person.graphql_fields = [GraphQLString("name"), GraphQLString("slug")]
        ResearchDomain.graphql_fields = [GraphQLString("name"), GraphQLString("slug")]
        PublicationAuthor.graphql_fields = [
            GraphQLString("name"),
            GraphQLSnippet("person", "home.Person"),
        ]
        Publication.graphql_fields = [
            GraphQLString("title"),
            GraphQLString("slug"),
            GraphQLString("venue"),
            GraphQLInt("year"),
            GraphQLSnippet("domain", "research.ResearchDomain"),
            GraphQLCollection(GraphQLForeignKey, "authors", "research.PublicationAuthor"),
        ]
        for model in (Person, ResearchDomain, Publication):
            register_snippet_model(model, "Stock")
        register_django_model(PublicationAuthor, "Stock")
        collected = len(registry.schema)
        register_paginated_query_field("stock_publication", "stock_publications")(Publication)
        stock_fields = registry.schema[collected:]

        # The public schema takes root fields only through the project's hook
        # (cms.api.schema.QUERY_HOOK, named here: importing that module builds the
        # schema), not grapple's collected mixins: hand it grapple's stock fields.
        @hooks.register("register_public_api_query")
        def register_stock_fields(query_mixins):
            query_mixins.extend(stock_fields)
