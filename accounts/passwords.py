"""How long a set-password link works, in the words the emails use."""

from datetime import timedelta

from django.conf import settings


def password_link_lifetime() -> str:
    # allauth's reset key lives PASSWORD_RESET_TIMEOUT seconds (Django's default is 3 days); the
    # email states it, since it differs from the 30 days of the form links.
    lifetime = timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    if lifetime >= timedelta(days=1) and lifetime % timedelta(days=1) == timedelta(0):
        days = lifetime.days
        return f"{days} day{'s' if days != 1 else ''}"
    hours = max(1, round(lifetime / timedelta(hours=1)))
    return f"{hours} hour{'s' if hours != 1 else ''}"
