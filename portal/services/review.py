"""Step 3: staff review of the General Onboarding form and the Insurance Form.

Each decision is one transition of one submitted form (SUBMITTED -> APPROVED or
CHANGES_REQUESTED) with a FormReview row as its audit record. The provider's step moves only
when the second form is approved; a change request moves no step, it sends the form back to
the provider, whose resubmission is the next review round.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.passwords import password_link_lifetime
from alma.transitions import TransitionTable
from credentialing.models import InsuranceForm
from directory.services import profiles_sync
from onboarding.errors import InvalidTransition, OnboardingError
from onboarding.models import (
    FormReview,
    GeneralOnboarding,
    OnboardingStep,
    Provider,
    ReviewedForm,
    ReviewStatus,
)
from onboarding.services.outbox import outbox_enqueue
from onboarding.services.steps import step_advance
from portal import emails

# The two forms staff review, by ReviewedForm value.
ReviewedRecord = GeneralOnboarding | InsuranceForm
FORM_MODELS: dict[str, type[GeneralOnboarding] | type[InsuranceForm]] = {
    ReviewedForm.GENERAL_ONBOARDING: GeneralOnboarding,
    ReviewedForm.INSURANCE_FORM: InsuranceForm,
}
CHANGES_EMAILS = {
    ReviewedForm.GENERAL_ONBOARDING: emails.GENERAL_ONBOARDING_CHANGES,
    ReviewedForm.INSURANCE_FORM: emails.INSURANCE_FORM_CHANGES,
}
# Only a submission waiting for review can be decided; everything else is a bad move.
REVIEW_TRANSITIONS = TransitionTable(
    {ReviewStatus.SUBMITTED: frozenset({ReviewStatus.APPROVED, ReviewStatus.CHANGES_REQUESTED})},
    error=InvalidTransition,
)
# A form sent back outside the queue because a detail it depends on changed (staff corrected the
# provider's licence type, portal.services.provider_details): waiting in the queue, or approved.
SEND_BACK_TRANSITIONS = TransitionTable(
    {
        ReviewStatus.SUBMITTED: frozenset({ReviewStatus.CHANGES_REQUESTED}),
        ReviewStatus.APPROVED: frozenset({ReviewStatus.CHANGES_REQUESTED}),
    },
    error=InvalidTransition,
)


class ReasonRequired(OnboardingError):
    """A change request without a reason: the provider would not know what to change."""

    field = "reason"  # the form field a page shows it beside


class ReviewOutdated(InvalidTransition):
    """The provider resubmitted after the reviewer opened the queue: they saw another round."""


def _locked(provider: Provider, form: str) -> tuple[Provider, ReviewedRecord | None]:
    # Provider first, then the form: the same order as the submit services, so a review racing
    # a resubmission (or the other form's review) waits instead of deadlocking. Holding the
    # provider lock also makes "are both forms approved?" a question only one review answers.
    provider = Provider.objects.select_related("user").select_for_update(of=("self",)).get(pk=provider.pk)
    record = FORM_MODELS[form].objects.select_for_update().filter(provider=provider).first()
    return provider, record


def _check_move(
    provider: Provider,
    form: str,
    record: ReviewedRecord | None,
    to_status: str,
    expected_round: int | None,
    *,
    transitions: TransitionTable = REVIEW_TRANSITIONS,
) -> ReviewedRecord:
    """The form, if it can make this move; a form never started is a draft, with no move."""
    label = ReviewedForm(form).label
    status = record.status if record is not None else ReviewStatus.DRAFT
    if record is None or not transitions.can_move(status, to_status):
        raise InvalidTransition(
            f"The {label} of {provider} is {ReviewStatus(status).label.lower()}; "
            "only a submitted form waiting for review can be approved or sent back."
        )
    if expected_round is not None and record.review_round != expected_round:
        raise ReviewOutdated(
            f"The {label} of {provider} was resubmitted (now round {record.review_round}) "
            "since you opened it; review the new round."
        )
    return record


def _decide(
    *,
    provider: Provider,
    form: str,
    to_status: str,
    reviewer: User | None,
    reason: str,
    now: datetime,
    expected_round: int | None,
    transitions: TransitionTable = REVIEW_TRANSITIONS,
) -> FormReview:
    form = ReviewedForm(form)
    try:
        with transaction.atomic():
            provider, found = _locked(provider, form)
            record = _check_move(provider, form, found, to_status, expected_round, transitions=transitions)
            if record.status == ReviewStatus.APPROVED:
                # The approved round has its decision: sending the form back after approval
                # is the next round (and the provider's resubmission the one after it).
                record.review_round += 1
            review = FormReview.objects.create(
                provider=provider,
                form=form,
                round=record.review_round,
                decision=to_status,  # FormReview.Decision shares the two status values
                reason=reason,
                reviewer=reviewer,
                decided_at=now,
            )
            record.status = to_status
            record.reviewed_at = now
            record.save(update_fields=["status", "reviewed_at", "review_round"])
            if form == ReviewedForm.GENERAL_ONBOARDING and to_status == ReviewStatus.APPROVED:
                # The approved form is the directory profile's content; if the go-live date has
                # already come, the profile goes live now rather than at the next sweep. After
                # commit, so a directory problem never undoes the staff decision.
                transaction.on_commit(lambda: _directory_sync(provider.pk, now), robust=True)
            if to_status == ReviewStatus.CHANGES_REQUESTED:
                outbox_enqueue(
                    provider=provider,
                    kind=CHANGES_EMAILS[form],
                    now=now,
                    key=f"round-{record.review_round}",
                    context={"reason": reason},
                )
            elif provider.onboarding_step == OnboardingStep.INSURANCE_FORM_SUBMITTED and _both_forms_approved(
                provider
            ):
                # Step 4 once: a form sent back after approval (form_send_back) and approved
                # again finds the provider past this step, its portal-access email long queued.
                step_advance(
                    provider=provider,
                    to_step=OnboardingStep.FORMS_APPROVED,
                    actor=reviewer,
                    now=now,
                    note="Both onboarding forms approved",
                )
                outbox_enqueue(
                    provider=provider,
                    kind=emails.PORTAL_ACCESS,
                    now=now,
                    context={"link_valid_for": password_link_lifetime()},
                )
    except IntegrityError as exc:
        # The one_decision_per_form_round constraint: this round was decided already.
        raise InvalidTransition(
            f"The {form.label} of {provider} already has a decision for this round."
        ) from exc
    return review


def _directory_sync(provider_id: int, now: datetime) -> None:
    # A direct call, not a signal: the review lives in portal, a layer above the directory.
    profiles_sync(provider_ids=[provider_id], trigger="General Onboarding form approved", now=now)


def _both_forms_approved(provider: Provider) -> bool:
    return all(
        model.objects.filter(provider=provider, status=ReviewStatus.APPROVED).exists()
        for model in FORM_MODELS.values()
    )


def form_approve(
    *,
    provider: Provider,
    form: ReviewedForm,
    reviewer: User | None,
    now: datetime | None = None,
    expected_round: int | None = None,
) -> FormReview:
    """Approve a submitted form; approving the second of the two grants portal access.

    `expected_round` is the round the reviewer looked at (the queue posts it), so an approval
    never lands on a resubmission nobody has read.
    """
    return _decide(
        provider=provider,
        form=form,
        to_status=ReviewStatus.APPROVED,
        reviewer=reviewer,
        reason="",
        now=now or timezone.now(),
        expected_round=expected_round,
    )


def form_request_changes(
    *,
    provider: Provider,
    form: ReviewedForm,
    reviewer: User | None,
    reason: str,
    now: datetime | None = None,
    expected_round: int | None = None,
) -> FormReview:
    """Send a submitted form back to the provider with the reason, by email with a link to it."""
    return _decide(
        provider=provider,
        form=form,
        to_status=ReviewStatus.CHANGES_REQUESTED,
        reviewer=reviewer,
        reason=_required_reason(reason),
        now=now or timezone.now(),
        expected_round=expected_round,
    )


def _required_reason(reason: str) -> str:
    # The reason is the email's body: a form sent back without one leaves the provider guessing.
    if not (reason := (reason or "").strip()):
        raise ReasonRequired("Say what the provider should change; the reason is sent to them.")
    return reason


def form_send_back(
    *,
    provider: Provider,
    form: ReviewedForm,
    actor: User | None,
    reason: str,
    now: datetime | None = None,
) -> FormReview:
    """Send a form back to the provider outside the queue: something it depends on changed.

    From the queue it is a change request; after approval it opens the next round. Either way
    the provider gets the changes-requested email with the reason, and the form is theirs to
    fix and submit again. Used when staff correct the licence type (provider_details_correct).
    """
    return _decide(
        provider=provider,
        form=form,
        to_status=ReviewStatus.CHANGES_REQUESTED,
        reviewer=actor,
        reason=_required_reason(reason),
        now=now or timezone.now(),
        expected_round=None,
        transitions=SEND_BACK_TRANSITIONS,
    )
