from django.apps import AppConfig


class ExclusionsConfig(AppConfig):
    name = "exclusions"
    verbose_name = "Exclusion monitoring"
