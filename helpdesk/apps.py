from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = "Help tickets"

    def ready(self) -> None:
        from helpdesk import emails  # noqa: PLC0415 - loads models, which exist once apps are ready
        from onboarding import email_kinds  # noqa: PLC0415

        email_kinds.register(*emails.KINDS)
