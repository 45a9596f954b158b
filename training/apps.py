from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Insurance program training"

    def ready(self) -> None:
        # Imported here: both modules load models, which exist only once the apps are ready.
        from onboarding import email_kinds  # noqa: PLC0415
        from onboarding.links import register_link_kind  # noqa: PLC0415
        from training import emails, links  # noqa: PLC0415

        register_link_kind(links.TRAINING, "training:webinar_link", url=links.webinar_url)
        email_kinds.register(*emails.KINDS)
