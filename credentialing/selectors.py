"""Reads about payers, payer applications and programs, with their queries kept in one place.

"In network with payer X on date D" has exactly one definition, `in_effect_on` below: the
application is approved and its effective date is on or before D (PRODUCT.md: a client on payer
X is allowed only from X's effective date). Every other read here builds on it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from localflavor.us.us_states import US_STATES

from credentialing.decision_clock import DECISION_DAYS, DatedStatus, expected_decision_at
from credentialing.models import (
    ApplicationStatus,
    InsuranceForm,
    Payer,
    PayerApplication,
    Program,
    ProgramEnrollment,
)
from credentialing.services.applications import can_move
from credentialing.turnaround import dated_statuses, with_status_inputs
from onboarding.models import Provider

if TYPE_CHECKING:
    # Only the type checker reads this: django-stubs-ext is a development dependency.
    from django_stubs_ext import WithAnnotations

    class _ProgramPrefetch(TypedDict):
        active_enrollments: list[ProgramEnrollment]

    class _PayerPrefetch(TypedDict):
        provider_applications: list[PayerApplication]
        listed_programs: list[WithAnnotations[Program, _ProgramPrefetch]]


ALL_STATES = frozenset(code for code, _name in US_STATES)  # the 50 states and DC
# DECISION_DAYS and expected_decision_at, the payer's 45-day decision clock, are defined in the
# pure credentialing.decision_clock (imported above) and are still read from here.


def in_effect_on(on: date, prefix: str = "") -> Q:
    """Applications (reached through `prefix`, e.g. "applications__") in effect on `on`."""
    return Q(**{f"{prefix}status": ApplicationStatus.APPROVED, f"{prefix}effective_date__lte": on})


def in_network(provider: Provider, payer: Payer, on: date) -> bool:
    """Whether the provider may see a client on `payer` on `on`. The one check for this rule."""
    return PayerApplication.objects.filter(in_effect_on(on), provider=provider, payer=payer).exists()


def payers_in_effect(provider: Provider, on: date) -> QuerySet[Payer]:
    return Payer.objects.filter(
        Exists(PayerApplication.objects.filter(in_effect_on(on), provider=provider, payer=OuterRef("pk")))
    )


def effective_start_date(provider: Provider) -> date | None:
    """The earliest effective date among approved applications; None while out-of-network.

    It may be in the future (approved, not effective yet): the provider is out-of-network
    until that day.
    """
    return PayerApplication.objects.filter(provider=provider, status=ApplicationStatus.APPROVED).aggregate(
        start=Min("effective_date")
    )["start"]


def earliest_effective_date(applications: Iterable[PayerApplication]) -> date | None:
    """`effective_start_date` of applications already read (no query): the earliest effective
    date among the approved ones. A test holds the two equal."""
    return min(
        (
            a.effective_date
            for a in applications
            if a.status == ApplicationStatus.APPROVED and a.effective_date
        ),
        default=None,
    )


def overdue_q(now: datetime, prefix: str = "") -> Q:
    """Submitted to the payer more than 45 days ago and still without a decision."""
    return Q(
        **{
            f"{prefix}status": ApplicationStatus.SUBMITTED,
            f"{prefix}submitted_at__lt": now - timedelta(days=DECISION_DAYS),
        }
    )


def applications_overdue(now: datetime | None = None) -> QuerySet[PayerApplication]:
    now = now or timezone.now()
    return (
        PayerApplication.objects.filter(overdue_q(now))
        .select_related("provider__user", "payer")
        .order_by("submitted_at", "pk")
    )


def is_overdue(application: PayerApplication, now: datetime) -> bool:
    """The same rule as overdue_q, for a row already in memory."""
    return (
        application.status == ApplicationStatus.SUBMITTED
        and application.submitted_at is not None
        and expected_decision_at(application.submitted_at) < now
    )


def active_programs_of_payer(provider: Provider, payer: Payer) -> QuerySet[Program]:
    """The payer's programs the provider is enrolled in now (they end if the provider unenrolls)."""
    return Program.objects.filter(
        payer=payer, enrollments__provider=provider, enrollments__left_at__isnull=True
    ).order_by("name")


def states_label(states: list[str]) -> str:
    if set(states) >= ALL_STATES:
        return "All states and DC"
    return ", ".join(sorted(states))


@dataclass
class ProgramRow:
    program: Program
    enrollment: ProgramEnrollment | None
    can_enroll: bool
    why_not: str  # shown next to a disabled "Enroll" button


@dataclass
class PayerRow:
    payer: Payer
    application: PayerApplication | None
    programs: list[ProgramRow] = field(default_factory=list)
    # The status in words, who acts next and the expected decision (credentialing.turnaround).
    dated: DatedStatus | None = None
    expected_decision_date: date | None = None  # the latest day of the expected range
    overdue: bool = False  # past the expected range: Alma is following up
    can_request: bool = False
    can_unenroll: bool = False

    @property
    def states(self) -> str:
        return states_label(self.payer.states)


@dataclass
class InsuranceOverview:
    today: date
    effective_start_date: date | None
    payers: list[PayerRow]

    @property
    def in_network_yet(self) -> bool:
        return self.effective_start_date is not None and self.effective_start_date <= self.today


def _payer_rows(provider: Provider) -> "QuerySet[WithAnnotations[Payer, _PayerPrefetch]]":
    mine = with_status_inputs(PayerApplication.objects.filter(provider=provider))
    active_enrollments = ProgramEnrollment.objects.filter(provider=provider, left_at__isnull=True)
    # Payers and programs no longer offered still show while the provider has something there
    # (an application; an enrollment they may want to leave).
    programs = Program.objects.filter(
        Q(is_active=True) | Exists(active_enrollments.filter(program=OuterRef("pk")))
    ).prefetch_related(Prefetch("enrollments", queryset=active_enrollments, to_attr="active_enrollments"))
    return Payer.objects.filter(
        Q(is_active=True) | Exists(mine.filter(payer=OuterRef("pk")))
    ).prefetch_related(
        Prefetch("applications", queryset=mine, to_attr="provider_applications"),
        Prefetch("programs", queryset=programs, to_attr="listed_programs"),
    )


def insurance_overview(provider: Provider, now: datetime | None = None) -> InsuranceOverview:
    """Everything the Insurance & Directories page shows, in six queries whatever the counts:
    the effective start date, payers, the provider's applications (with their latest event's
    note), programs, their enrollments, and the payers' decision history (the expected ranges)."""
    now = now or timezone.now()
    rows = []
    payers = list(_payer_rows(provider))
    statuses = dated_statuses([a for payer in payers for a in payer.provider_applications], now=now)
    for payer in payers:
        application = payer.provider_applications[0] if payer.provider_applications else None
        status = application.status if application else ""
        approved = status == ApplicationStatus.APPROVED
        row = PayerRow(
            payer=payer,
            application=application,
            can_request=payer.is_active and can_move(status, ApplicationStatus.REQUESTED),
            can_unenroll=can_move(status, ApplicationStatus.WITHDRAWN),
        )
        if application is not None:
            row.dated = statuses[application.pk]
            if row.dated.decision is not None:
                row.expected_decision_date = row.dated.decision.latest
                row.overdue = row.dated.overdue
        for program in payer.listed_programs:
            enrollment = program.active_enrollments[0] if program.active_enrollments else None
            if approved and program.is_active:
                why_not = ""
            elif not program.is_active:
                why_not = "No longer offered."
            else:
                why_not = f"Open once {payer} approves you."
            row.programs.append(
                ProgramRow(program=program, enrollment=enrollment, can_enroll=not why_not, why_not=why_not)
            )
        rows.append(row)
    return InsuranceOverview(
        today=timezone.localdate(now), effective_start_date=effective_start_date(provider), payers=rows
    )


def insurance_form_missing_answers(provider: Provider) -> list[str]:
    """The answers the provider's licence type needs that their saved Insurance Form lacks, by
    the names the form gives them: a prescriber's DEA and board answers (PRODUCT.md), missing
    when the licence type became a prescriber's after the form was filled in."""
    record = InsuranceForm.objects.filter(provider=provider).first()
    if record is None or not provider.is_prescriber:
        return []
    labels = {field.name: str(field.verbose_name) for field in InsuranceForm._meta.concrete_fields}
    return [labels[name] for name in InsuranceForm.PRESCRIBER_FIELDS if not getattr(record, name)]


def insurance_form_with_rows(provider: Provider) -> InsuranceForm | None:
    """The provider's Insurance Form with its licences and education (3 queries), or None: what
    the credentialing file verifies (verification.file)."""
    return InsuranceForm.objects.filter(provider=provider).prefetch_related("licenses", "education").first()
