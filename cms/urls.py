from django.conf import settings
from django.urls import include, path
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.api.views import graphql_view
from cms.health import healthz
from cms.metrics import metrics_view

#: The reference frontend (``frontend/``): one static HTML shell whose JavaScript
#: modules (served as static files under ``/static/frontend/``) read everything
#: from /graphql/. No template and no database query is involved in serving it.
FRONTEND_DIR = settings.BASE_DIR / "frontend"


@require_safe
def frontend(request, **kwargs):
    response = serve(request, "index.html", document_root=FRONTEND_DIR)
    response["Content-Type"] = "text/html; charset=utf-8"
    # Revalidate every time (Last-Modified makes that a cheap 304): a new deploy shows at once.
    response["Cache-Control"] = "no-cache"
    return response


urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("graphql/", graphql_view(), name="graphql"),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    # The frontend's routes mirror the page tree, so a page's `url` in the API (and
    # the admin's "View live") opens the frontend's rendering of that page.
    path("", frontend, name="frontend"),
    path("publications/", frontend, name="frontend-publications"),
    path("careers/", frontend, name="frontend-careers"),
    path("careers/stories/", frontend, name="frontend-stories"),
    path("careers/stories/<slug:slug>/", frontend, name="frontend-story"),
    # The admin's preview panel frames this page (cms.preview): same origin only.
    path("preview", xframe_options_sameorigin(frontend), name="frontend-preview"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's own page view stays last: it answers 404 (or a redirect) for any other
# path, and its route is what Page.url reverses, so page URLs in the API keep working.
urlpatterns += [path("", include(wagtail_urls))]
