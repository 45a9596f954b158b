from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Sign-in accounts"

    def ready(self) -> None:
        from accounts import receivers  # noqa: F401, PLC0415 - connects the sign-in receivers
