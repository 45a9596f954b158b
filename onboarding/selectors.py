"""Reads that views, admin and reports need, with their queries kept in one place."""

from django.http import Http404

from onboarding.models import OutboxEmail, Provider


def provider_for_user(user) -> Provider:
    try:
        return Provider.objects.select_related("user").get(user=user)
    except Provider.DoesNotExist as exc:
        raise Http404("No provider account is linked to this login.") from exc


def next_step_email(provider: Provider, step: str) -> OutboxEmail | None:
    return OutboxEmail.objects.filter(provider=provider, step=step).order_by("-round").first()


def provider_timeline(provider: Provider):
    return provider.onboarding_events.select_related("actor").order_by("occurred_at", "pk")
