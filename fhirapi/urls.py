from django.urls import path, re_path

from fhirapi import search, views

# Mounted at fhir/ (portal/urls.py). One search and one read route per published type.
app_name = "fhirapi"
_TYPES = "|".join(search.SEARCH_PARAMS)
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    re_path(rf"^(?P<resource_type>{_TYPES})/?$", views.search_type, name="search"),
    re_path(
        rf"^(?P<resource_type>{_TYPES})/(?P<resource_id>[A-Za-z0-9\-.]{{1,64}})$", views.read, name="read"
    ),
    re_path(r"^(?P<path>.*)$", views.unknown, name="unknown"),
]
