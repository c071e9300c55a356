from django.urls import path

from cms.urls import urlpatterns as cms_urlpatterns

from .floor import floor_view, graphql_floor_view, search_floor_view

urlpatterns = [
    path("bench/floor/", floor_view),
    path("bench/search-floor/", search_floor_view),
    path("bench/graphql-floor/", graphql_floor_view),
    *cms_urlpatterns,
]
