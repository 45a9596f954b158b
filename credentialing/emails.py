"""The emails credentialing sends (onboarding.email_kinds), registered in CredentialingConfig.ready().

The payer-application emails are queued by the application services in the transaction of
the move (credentialing.services.applications), one per event: their key names the application
and the event, so an application denied, requested again and approved gets each email once.
"""

from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from credentialing import links
from credentialing.decision_clock import expected_decision_at
from credentialing.models import ApplicationStatus, PayerApplication, PayerApplicationEvent
from onboarding.email_kinds import EmailKind
from onboarding.models import Provider
from onboarding.services.outbox import OutgoingEmail

INSURANCE_FORM = "insurance_form"
EXPIRY_REMINDER = "expiry_reminder"
APPLICATION_SUBMITTED = "payer_application_submitted"
APPLICATION_APPROVED = "payer_application_approved"
APPLICATION_DENIED = "payer_application_denied"
# Unenrolling: the one email about it, naming every consequence (credentialing.unenrolling),
# unless the live profile comes down: the directory's "profile taken down" email is then the one.
PAYER_UNENROLLED = "payer_unenrolled"


def _portal_home(provider: Provider) -> str:
    return f"{settings.SITE_URL}{reverse('home')}"


def _insurance_page(provider: Provider) -> str:
    # The Insurance & Directories page (behind sign-in): every payer's status and dates.
    return f"{settings.SITE_URL}{reverse('insurance:overview')}"


KINDS = (
    EmailKind(
        code=INSURANCE_FORM,
        label="Insurance Form",
        action_url=links.insurance_form_url,
        timeline="the Insurance Form",
    ),
    EmailKind(
        code=EXPIRY_REMINDER,
        label="A credential expires soon",
        action_url=_portal_home,
        timeline="a credential of yours expires soon",
    ),
    EmailKind(
        code=APPLICATION_SUBMITTED,
        label="Payer application submitted",
        action_url=_insurance_page,
        timeline="we sent your application to an insurance payer",
        bulk=True,
    ),
    EmailKind(
        code=APPLICATION_APPROVED,
        label="Payer application approved",
        action_url=_insurance_page,
        timeline="an insurance payer approved you",
        bulk=True,
    ),
    EmailKind(
        code=APPLICATION_DENIED,
        label="Payer application denied",
        action_url=_insurance_page,
        timeline="an insurance payer denied your application",
        bulk=True,
    ),
    EmailKind(
        code=PAYER_UNENROLLED,
        label="You unenrolled from a payer",
        action_url=_insurance_page,
        timeline="you unenrolled from an insurance payer",
    ),
)

# Which email a move to this status earns (the others earn none).
APPLICATION_EMAILS: dict[str, str] = {
    ApplicationStatus.SUBMITTED: APPLICATION_SUBMITTED,
    ApplicationStatus.APPROVED: APPLICATION_APPROVED,
    ApplicationStatus.DENIED: APPLICATION_DENIED,
}


def _day(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"  # "July 1, 2026", as the other emails write dates


def application_email(application: PayerApplication, event: PayerApplicationEvent) -> OutgoingEmail | None:
    """The email an application's move earns, with what it says captured now (the row is
    already moved: its status, dates and reason are the new ones). None for moves the provider
    is not emailed about (requested, withdrawn: the provider made those themselves)."""
    kind = APPLICATION_EMAILS.get(event.to_status)
    if kind is None:
        return None
    context: dict[str, str] = {"payer": application.payer.name}
    if kind == APPLICATION_DENIED:
        context["reason"] = application.denial_reason
    if kind == APPLICATION_APPROVED and application.effective_date is not None:
        context["effective_date"] = _day(application.effective_date)
    if kind == APPLICATION_SUBMITTED and application.submitted_at is not None:
        decision_by = timezone.localtime(expected_decision_at(application.submitted_at)).date()
        context["decision_by"] = _day(decision_by)
    return OutgoingEmail(
        provider_id=application.provider_id,
        to_email=application.provider.user.email,
        kind=kind,
        key=f"application-{application.pk}-event-{event.pk}",
        context=context,
    )
