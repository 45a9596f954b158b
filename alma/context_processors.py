"""What every template may read from the settings (TEMPLATES' context_processors)."""

from django.conf import settings
from django.http import HttpRequest


def support(request: HttpRequest) -> dict[str, str]:
    """SUPPORT_EMAIL: where providers write to Member Support (the footer, the help button)."""
    return {"SUPPORT_EMAIL": settings.SUPPORT_EMAIL}
