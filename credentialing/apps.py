from django.apps import AppConfig


class CredentialingConfig(AppConfig):
    name = "credentialing"
    verbose_name = "Credentialing"

    def ready(self) -> None:
        # Imported here: these modules load models, which exist only once the apps are ready.
        # receivers connects credentialing's signal receivers on import.
        from credentialing import emails, links, receivers  # noqa: F401, PLC0415
        from onboarding import email_kinds  # noqa: PLC0415
        from onboarding.links import register_link_kind  # noqa: PLC0415

        register_link_kind(links.INSURANCE_FORM, links.URL_NAME)
        email_kinds.register(*emails.KINDS)
