from django.conf import settings
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView


def graphql_view():
    """The public endpoint; GraphiQL only where the settings allow it."""
    return csrf_exempt(GraphQLView.as_view(graphiql=settings.GRAPHIQL))
