from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = "Practice (payouts and clients)"

    def ready(self) -> None:
        from onboarding import email_kinds  # noqa: PLC0415
        from practice import emails  # noqa: PLC0415 - loads models, which exist once apps are ready

        email_kinds.register(*emails.KINDS)
