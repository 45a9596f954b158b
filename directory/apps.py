from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Provider directory"

    def ready(self) -> None:
        # Imported here: both load models, which exist once apps are ready; receivers connect on import.
        from directory import emails, receivers, search_cache  # noqa: F401, PLC0415
        from onboarding import email_kinds  # noqa: PLC0415

        email_kinds.register(*emails.KINDS)
