"""Verification's pages reached by the Insurance Form's signed link (mounted beside
credentialing.urls under "onboarding/" in portal/urls.py, namespace "verification_form")."""

from django.urls import path

from verification import npi_views

app_name = "verification_form"
urlpatterns = [
    path(
        "<uuid:provider_id>/insurance-form/<str:token>/npi-registry/",
        npi_views.npi_prefill,
        name="npi_prefill",
    ),
]
