from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top layer (no models): what composes several apps. Nothing below imports it; it
    reacts to the apps below through the signals they send (portal/receivers.py)."""

    name = "portal"
    verbose_name = "Provider portal"

    def ready(self) -> None:
        from portal import receivers  # noqa: F401, PLC0415 - connects the receivers at app-ready time
