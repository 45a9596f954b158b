"""The portal's URLs plus the two baselines every page is divided by (benchmark-only)."""

from django.urls import include, path

from benchmarks import views

urlpatterns = [
    path("bench/bare/", views.bare, name="bench_bare"),
    path("bench/floor/", views.floor, name="bench_floor"),
    path("", include("portal.urls")),
]
