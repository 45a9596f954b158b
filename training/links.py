"""Where emails send a provider for the training (absolute links, built from SITE_URL)."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse


def webinar_url(provider=None) -> str:
    """The webinar page, or the portal home until the webinar page exists (a later issue)."""
    try:
        path = reverse("training:webinar")
    except NoReverseMatch:
        path = reverse("home")
    return f"{settings.SITE_URL}{path}"
