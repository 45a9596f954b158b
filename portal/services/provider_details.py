"""Staff correct the details a provider's agreement gave: legal name, licence type, start date.

These three fields feed other apps: the directory shows the name and licence type and dates
the go-live from the contracted start date; the Insurance Form asks prescribers for DEA and
board answers. So a correction is a transition, not a raw save: it locks the provider, changes
only what differs, writes one ProviderDetailsChange row per field (who, when, old -> new, why),
refreshes the directory profile's name and credentials, sends an Insurance Form already handed
in back to the provider when the new licence type needs answers it lacks, and re-syncs the
directory profile once the correction is committed (a later start date can take a live profile
down; an earlier one can put it up).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from alma.text import without_bidi_controls
from credentialing.models import InsuranceForm
from credentialing.selectors import insurance_form_missing_answers
from directory.services import profile_identity_refresh, profiles_sync
from onboarding.errors import OnboardingError
from onboarding.models import (
    FormReview,
    LicenseType,
    Provider,
    ProviderDetailsChange,
    ReviewedForm,
    ReviewStatus,
)
from portal.services.review import form_send_back

PERMISSION = "onboarding.change_provider"
# The directory's history names what caused a change (ProfileEvent.trigger).
TRIGGER = "provider details corrected"
# A form still with the provider asks for the new answers itself when it is next submitted.
HANDED_IN = frozenset({ReviewStatus.SUBMITTED, ReviewStatus.APPROVED})


class DetailsRefused(OnboardingError):
    """A correction the rules refuse; `field` names the detail concerned (None: the whole)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class DetailsCorrection:
    provider: Provider
    changes: list[ProviderDetailsChange] = field(default_factory=list)
    # The Insurance Form sent back because the new licence type needs answers it lacks.
    insurance_form_sent_back: FormReview | None = None
    missing_answers: list[str] = field(default_factory=list)

    @property
    def changed_fields(self) -> list[str]:
        return [change.field for change in self.changes]


def _shown(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _wanted(
    provider: Provider,
    *,
    legal_name: str | None,
    license_type: str | None,
    contracted_start_date: date | None,
) -> dict[str, object]:
    wanted: dict[str, object] = {}
    if legal_name is not None:
        # The legal name becomes the public directory name: no bidi controls (alma/text.py).
        legal_name = " ".join(without_bidi_controls(legal_name).split())
        if not legal_name:
            raise DetailsRefused("A provider needs a legal name.", field="legal_name")
        wanted["legal_name"] = legal_name
    if license_type is not None:
        if license_type not in LicenseType.values:
            raise DetailsRefused(f"{license_type!r} is not a license type Alma knows.", field="license_type")
        wanted["license_type"] = license_type
    if contracted_start_date is not None:
        wanted["contracted_start_date"] = contracted_start_date
    return {name: value for name, value in wanted.items() if getattr(provider, name) != value}


def _send_back_reason(provider: Provider, missing: list[str]) -> str:
    return (
        f"Your license type is now {LicenseType(provider.license_type).label}. As a prescriber, "
        f"your Insurance Form also needs: {', '.join(missing)}. Please add them and submit the "
        "form again."
    )


def provider_details_correct(
    *,
    provider: Provider,
    actor: User,
    legal_name: str | None = None,
    license_type: str | None = None,
    contracted_start_date: date | None = None,
    reason: str,
    shown: Mapping[str, object] | None = None,
    now: datetime | None = None,
) -> DetailsCorrection:
    """Correct the provider's legal name, licence type or contracted start date (None: keep).

    Needs `onboarding.change_provider`. Refuses a correction without a reason, or one that
    changes nothing. `shown`: the values the staff member saw; if any has changed since (another
    correction landed meanwhile), the correction is refused rather than undoing that one.
    """
    if not actor.has_perm(PERMISSION):
        raise PermissionDenied("Correcting a provider's details needs the change-provider permission.")
    reason = (reason or "").strip()
    if not reason:
        raise DetailsRefused("Say why the details are corrected; it is kept in the history.", field="reason")
    now = now or timezone.now()
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider.pk)
        for name, value in (shown or {}).items():
            if getattr(provider, name) != value:
                raise DetailsRefused(
                    f"Someone changed this since you opened the page: it is now "
                    f"{_shown(getattr(provider, name))!r}. Reload the page and check before correcting.",
                    field=name,
                )
        wanted = _wanted(
            provider,
            legal_name=legal_name,
            license_type=license_type,
            contracted_start_date=contracted_start_date,
        )
        if not wanted:
            raise DetailsRefused(f"These are already {provider}'s details: nothing to correct.")
        correction = DetailsCorrection(provider=provider)
        for name, value in wanted.items():
            correction.changes.append(
                ProviderDetailsChange(
                    provider=provider,
                    field=name,
                    old_value=_shown(getattr(provider, name)),
                    new_value=_shown(value),
                    reason=reason,
                    actor=actor,
                    occurred_at=now,
                )
            )
            setattr(provider, name, value)
        provider.save(update_fields=list(wanted))
        ProviderDetailsChange.objects.bulk_create(correction.changes)
        if {"legal_name", "license_type"} & wanted.keys():
            profile_identity_refresh(provider=provider, actor=actor, trigger=TRIGGER, now=now)
        if "license_type" in wanted:
            _send_back_if_incomplete(correction, actor=actor, now=now)
        # After commit, like the review's publishing: a directory problem never undoes the
        # correction, and the sweep brings the profile in line later.
        transaction.on_commit(
            lambda: profiles_sync(provider_ids=[provider.pk], trigger=TRIGGER, now=now, actor=actor),
            robust=True,
        )
    return correction


def _send_back_if_incomplete(correction: DetailsCorrection, *, actor: User, now: datetime) -> None:
    provider = correction.provider
    status = InsuranceForm.objects.filter(provider=provider).values_list("status", flat=True).first()
    if status not in HANDED_IN:
        return
    missing = insurance_form_missing_answers(provider)
    if not missing:
        return
    correction.missing_answers = missing
    correction.insurance_form_sent_back = form_send_back(
        provider=provider,
        form=ReviewedForm.INSURANCE_FORM,
        actor=actor,
        reason=_send_back_reason(provider, missing),
        now=now,
    )
