from django.apps import AppConfig


class FhirApiConfig(AppConfig):
    name = "fhirapi"
    verbose_name = "FHIR provider directory API"
