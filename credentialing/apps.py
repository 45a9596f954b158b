from django.apps import AppConfig


class CredentialingConfig(AppConfig):
    name = "credentialing"
    verbose_name = "Credentialing"

    def ready(self) -> None:
        # Imported here: both modules load models, which exist only once the apps are ready.
        from credentialing import links  # noqa: PLC0415
        from onboarding.links import register_link_kind  # noqa: PLC0415

        register_link_kind(links.INSURANCE_FORM, links.URL_NAME)
