from django.urls import path

from cms.urls import urlpatterns as cms_urlpatterns

from .floor import floor_view

urlpatterns = [path("bench/floor/", floor_view), *cms_urlpatterns]
