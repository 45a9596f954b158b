"""The signed-in provider's credentialing-file pages (namespace "verification")."""

from django.urls import path  # noqa: F401 - the parts add their pages here

app_name = "verification"
urlpatterns: list = []
