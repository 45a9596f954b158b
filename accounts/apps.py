from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Sign-in accounts"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate  # noqa: PLC0415

        from accounts import receivers  # noqa: F401, PLC0415 - connects the sign-in receivers
        from accounts.roles import roles_sync  # noqa: PLC0415

        # After every migrate: permissions exist by then (Django creates them post_migrate too).
        post_migrate.connect(roles_sync, dispatch_uid="accounts.roles_sync")
