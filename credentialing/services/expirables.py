"""Expiry reminders: 60, 30 and 7 days before a credential expires, each exactly once."""

import logging
from collections.abc import Mapping
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from credentialing import emails
from credentialing.expirables import (
    CAQH_ATTESTATION_VALID,
    KIND_LABELS,
    REMINDER_DAYS,
    Expirable,
    caqh_attestation_due,
    reminder_due,
)
from credentialing.models import ExpiryReminder, InsuranceForm, StateLicense
from onboarding.models import Provider, ReviewStatus
from onboarding.services.outbox import outbox_enqueue

logger = logging.getLogger(__name__)
# Credentials count once the provider has submitted them (a draft may still change).
GIVEN = [ReviewStatus.SUBMITTED, ReviewStatus.CHANGES_REQUESTED, ReviewStatus.APPROVED]


# The insurance form's dated credentials, and what each reminder names.
FORM_FIELDS = (
    *("provider_id", "liability_policy_number", "liability_expiry", "dea_number", "dea_expiry"),
    *("board_name", "board_expiry", "caqh_id", "caqh_attested_on"),
)


def _licenses_within(whose: Q, today: date, horizon: date) -> list[Expirable]:
    return [
        Expirable(
            provider_id,
            "license",
            f"{state} {license_type} license {number}",
            expiry,
            f"license:{state}:{license_type}",
        )
        for provider_id, state, license_type, number, expiry in StateLicense.objects.filter(
            whose, insurance_form__status__in=GIVEN, expiry__range=(today, horizon)
        ).values_list("insurance_form__provider_id", "state", "license_type", "number", "expiry")
    ]


def _form_within(row: Mapping, today: date, horizon: date) -> list[Expirable]:
    """The credentials of one insurance form (its FORM_FIELDS) expiring by `horizon`."""
    candidates = [
        ("liability", f"Liability policy {row['liability_policy_number']}", row["liability_expiry"]),
        ("dea", f"DEA registration {row['dea_number']}", row["dea_expiry"]),
        ("board", f"Board certification ({row['board_name']})", row["board_expiry"]),
        (
            "caqh_attestation",
            f"CAQH ProView attestation ({row['caqh_id']})",
            caqh_attestation_due(row["caqh_attested_on"]) if row["caqh_attested_on"] else None,
        ),
    ]
    return [
        Expirable(row["provider_id"], kind, reference, expires_on)
        for kind, reference, expires_on in candidates
        if expires_on and today <= expires_on <= horizon
    ]


def _in_order(found: list[Expirable]) -> list[Expirable]:
    return sorted(found, key=lambda item: (item.expires_on, item.provider_id, item.kind))


def expirables_within(*, today: date, days: int, provider_id: int | None = None) -> list[Expirable]:
    """Every given credential expiring between today and `days` from now (of one provider, or
    of all). Two queries."""
    horizon = today + timedelta(days=days)
    whose = Q(insurance_form__provider_id=provider_id) if provider_id else Q()
    found = _licenses_within(whose, today, horizon)
    window = Q(liability_expiry__range=(today, horizon)) | Q(dea_expiry__range=(today, horizon))
    window |= Q(board_expiry__range=(today, horizon))
    window |= Q(caqh_attested_on__range=(today - CAQH_ATTESTATION_VALID, horizon - CAQH_ATTESTATION_VALID))
    if provider_id:
        window &= Q(provider_id=provider_id)
    for row in InsuranceForm.objects.filter(window, status__in=GIVEN).values(*FORM_FIELDS):
        found += _form_within(row, today, horizon)
    return _in_order(found)


def provider_expirables(provider: Provider, *, today: date, days: int) -> list[Expirable]:
    """`expirables_within` for one provider whose insurance form was loaded with it (the
    Onboarding Dashboard joins it): one query, the licences; the form's own dates are read from
    the loaded row."""
    horizon = today + timedelta(days=days)
    found = _licenses_within(Q(insurance_form__provider_id=provider.pk), today, horizon)
    form = getattr(provider, "insurance_form", None)  # None: no form started yet
    if form is not None and form.status in GIVEN:
        found += _form_within({name: getattr(form, name) for name in FORM_FIELDS}, today, horizon)
    return _in_order(found)


def expiry_reminders_send(*, today: date | None = None) -> int:
    """Queue every reminder that is due today and not sent before. Safe to run any number of
    times, also concurrently: the reminder's unique key decides, row by row."""
    today = today or timezone.localdate()
    due = [(item, days) for item in expirables_within(today=today, days=max(REMINDER_DAYS))
           if (days := reminder_due(item, today))]  # fmt: skip
    if not due:
        return 0
    existing = set(
        ExpiryReminder.objects.filter(
            provider_id__in={item.provider_id for item, _ in due}, expires_on__gte=today
        ).values_list("provider_id", "identity", "expires_on", "days_before")
    )
    providers = Provider.objects.select_related("user").in_bulk({item.provider_id for item, _ in due})
    queued = 0
    now = timezone.now()
    for item, days in due:
        if (item.provider_id, item.identity, item.expires_on, days) in existing:
            continue
        try:
            with transaction.atomic():
                reminder = ExpiryReminder.objects.create(
                    provider_id=item.provider_id,
                    kind=item.kind,
                    identity=item.identity,
                    reference=item.reference,
                    expires_on=item.expires_on,
                    days_before=days,
                )
                outbox_enqueue(
                    provider=providers[item.provider_id],
                    kind=emails.EXPIRY_REMINDER,
                    now=now,
                    key=f"reminder-{reminder.pk}",
                    context={
                        "credential": KIND_LABELS[item.kind],
                        "reference": item.reference,
                        "expires_on": f"{item.expires_on:%B} {item.expires_on.day}, {item.expires_on.year}",
                        "days_left": item.days_left(today),
                    },
                )
        except IntegrityError:
            continue  # another sweep queued this one a moment ago
        queued += 1
    logger.info("Queued %s expiry reminder(s) for %s", queued, today.isoformat())
    return queued
