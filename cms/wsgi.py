import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from cms.gc_tuning import tune_for_serving

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

application = get_wsgi_application()

# Load the URLconf, and with it the GraphQL schema, now: with gunicorn's
# preload_app every worker then starts warm instead of paying ~1 s on its first request.
get_resolver().url_patterns  # noqa: B018 (loading is the point)

# Then keep the collector off what start-up built and out of each request's way.
tune_for_serving()
