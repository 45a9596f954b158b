from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top layer (no models): what composes several apps. Nothing below imports it; it
    reacts to the apps below through the signals they send (portal/receivers.py)."""

    name = "portal"
    verbose_name = "Provider portal"

    def ready(self) -> None:
        # Imported here: both load models, which exist once apps are ready; receivers connect on import.
        from onboarding import email_kinds  # noqa: PLC0415
        from portal import emails, receivers  # noqa: F401, PLC0415

        email_kinds.register(*emails.KINDS)
