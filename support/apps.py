from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support Center"

    def ready(self) -> None:
        # Imported here: it loads models, which exist once apps are ready; it connects on import.
        from support import receivers  # noqa: F401, PLC0415
