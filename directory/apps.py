from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Provider directory"

    def ready(self) -> None:
        from directory import receivers  # noqa: F401, PLC0415 - connects the receivers at app-ready time
