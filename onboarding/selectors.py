"""Reads that views, admin and reports need, with their queries kept in one place."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from onboarding.models import (
    FormReview,
    OnboardingEvent,
    OutboxEmail,
    Provider,
)


def provider_for_user(user: User) -> Provider:
    try:
        return Provider.objects.select_related("user").get(user=user)
    except Provider.DoesNotExist as exc:
        raise Http404("No provider account is linked to this login.") from exc


def next_step_email(provider: Provider, kind: str) -> OutboxEmail | None:
    """The provider's latest email of this kind (the one a page tells them to look for)."""
    return OutboxEmail.objects.filter(provider=provider, step=kind).order_by("-created_at", "-pk").first()


def provider_timeline(provider: Provider) -> QuerySet[OnboardingEvent]:
    return provider.onboarding_events.select_related("actor").order_by("occurred_at", "pk")


def latest_change_request(provider: Provider, form: str) -> FormReview | None:
    """The most recent "changes requested" decision on one of the provider's forms.

    Form pages show its reason while the form is in CHANGES_REQUESTED; callers check the status.
    """
    return (
        FormReview.objects.filter(
            provider=provider, form=form, decision=FormReview.Decision.CHANGES_REQUESTED
        )
        .order_by("-round", "-decided_at")
        .first()
    )
