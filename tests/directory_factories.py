"""Directory test data: one provider through the real services, or many at once with bulk_create.

The bulk loader writes the rows the services would have written (user, provider, approved or
submitted General Onboarding form, payer applications, training progress, optionally a profile),
a handful of INSERTs for any number of providers, so tests can build 1,000 providers in mixed
states in well under a second. It bypasses the services on purpose: what is under test is the
directory reading that state, not how the state came about (other tests cover that).
"""

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field

from django.test import TestCase
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from credentialing.models import ApplicationStatus, Payer, PayerApplication
from directory import services as directory
from directory.models import DirectoryProfile
from onboarding.models import GeneralOnboarding, LicenseType, OnboardingStep, Provider, ReviewStatus
from tests.credentialing_factories import PayerFactory, make_application
from tests.pipeline import provider_at_forms_approved
from training.models import TrainingProgress

_serial = itertools.count(1)

BIO = (
    "I help adults with anxiety, depression and life transitions, using CBT and mindfulness. "
    "Sessions are warm, practical and paced to you."
)


@dataclass
class Setup:
    """One provider's state, for `bulk_providers`."""

    name: str = ""
    contracted: dt.date = dt.date(2026, 1, 5)
    effective: dt.date | None = None  # earliest approved effective date; None: no approved payer
    withdrawn_payer: bool = False  # also an application withdrawn from another payer
    training_at: dt.datetime | None = None
    form_approved: bool = True
    profile: bool = False  # a profile exists before the test acts (else the sweep builds it)
    live: bool = False  # ... and is live
    hidden: bool = False
    offboarded: bool = False
    bio: str = BIO
    specialties: list[str] = field(default_factory=lambda: ["anxiety", "depression"])
    languages: list[str] = field(default_factory=lambda: ["en"])
    states: list[str] = field(default_factory=lambda: ["NY", "NJ"])
    telehealth: bool = True
    in_person: bool = False
    accepting: bool = True

    @property
    def has_profile(self) -> bool:
        """Whether the loader writes a profile (else the sweep builds it from the approved form)."""
        return self.profile or self.live or self.hidden or self.offboarded or not self.accepting


def bulk_providers(setups: list[Setup], *, payer: Payer, other_payer: Payer | None = None) -> list[Provider]:
    """Providers in the states `setups` describe, in a fixed number of INSERTs."""
    now = timezone.now()
    batch = next(_serial)
    users = User.objects.bulk_create(
        [User(email=f"bulk{batch}-{i}@example.com", password="!unusable") for i in range(len(setups))]
    )
    providers = Provider.objects.bulk_create(
        [
            Provider(
                user=user,
                legal_name=setup.name or f"Provider {batch}-{i}",
                license_type=LicenseType.LCSW,
                contracted_start_date=setup.contracted,
                onboarding_step=OnboardingStep.FORMS_APPROVED,
            )
            for i, (user, setup) in enumerate(zip(users, setups, strict=True))
        ]
    )
    GeneralOnboarding.objects.bulk_create(
        [
            GeneralOnboarding(
                provider=provider,
                status=ReviewStatus.APPROVED if setup.form_approved else ReviewStatus.SUBMITTED,
                bio=setup.bio,
                specialties=setup.specialties,
                approaches=["cbt"],
                populations=["adults"],
                languages=setup.languages,
                states_licensed=setup.states,
                offers_telehealth=setup.telehealth,
                offers_in_person=setup.in_person,
                city="Brooklyn",
                state="NY",
                postal_code="11201",
                submitted_at=now,
                reviewed_at=now if setup.form_approved else None,
            )
            for provider, setup in zip(providers, setups, strict=True)
        ]
    )
    applications = []
    for provider, setup in zip(providers, setups, strict=True):
        if setup.effective:
            applications.append(
                PayerApplication(
                    provider=provider,
                    payer=payer,
                    status=ApplicationStatus.APPROVED,
                    effective_date=setup.effective,
                    submitted_at=now,
                    decided_at=now,
                )
            )
        if setup.withdrawn_payer:
            applications.append(
                PayerApplication(
                    provider=provider,
                    payer=other_payer,
                    status=ApplicationStatus.WITHDRAWN,
                    withdrawn_at=now,
                )
            )
    PayerApplication.objects.bulk_create(applications)
    TrainingProgress.objects.bulk_create(
        [
            TrainingProgress(
                provider=provider,
                webinar_completed_at=setup.training_at - dt.timedelta(minutes=30),
                quiz_passed_at=setup.training_at,
            )
            for provider, setup in zip(providers, setups, strict=True)
            if setup.training_at
        ]
    )
    DirectoryProfile.objects.bulk_create(
        [
            DirectoryProfile(
                provider=provider,
                slug=f"{slugify(provider.legal_name)}-{uuid.uuid4().hex[:8]}",
                display_name=provider.legal_name,
                credentials=provider.license_type,
                bio=setup.bio,
                specialties=setup.specialties,
                languages=setup.languages,
                states_licensed=setup.states,
                offers_telehealth=setup.telehealth,
                offers_in_person=setup.in_person,
                accepting_new_clients=setup.accepting,
                is_live=setup.live,
                went_live_at=now if setup.live else None,
                hidden_by_staff=setup.hidden,
                offboarded_at=now if setup.offboarded else None,
            )
            for provider, setup in zip(providers, setups, strict=True)
            if setup.has_profile
        ]
    )
    # With their stored go-live dates, as the services write them with every profile.
    directory.profiles_go_live_write(provider_ids=[provider.pk for provider in providers])
    return providers


def live_providers(count: int, *, payer: Payer, **overrides) -> list[Provider]:
    """`count` providers due long ago and published, e.g. to fill search results."""
    setups = [
        Setup(
            effective=dt.date(2025, 1, 1),
            training_at=timezone.now() - dt.timedelta(days=400),
            **overrides,
        )
        for _ in range(count)
    ]
    providers = bulk_providers(setups, payer=payer)
    directory.profiles_publish_due()
    return providers


def finish_training(provider: Provider, at: dt.datetime) -> TrainingProgress:
    """Training done at `at` (the training app's own services are being rebuilt; the directory
    reads only these two moments)."""
    progress, _ = TrainingProgress.objects.update_or_create(
        provider=provider,
        defaults={"webinar_completed_at": at - dt.timedelta(minutes=20), "quiz_passed_at": at},
    )
    return progress


def committed():
    """Run what the block queues on commit (payer decisions publish on commit), as if the test's
    transaction had committed."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def ready_provider(*, effective: dt.date | None, trained_at: dt.datetime | None = None, payer=None, **fields):
    """A provider through the real pipeline: forms approved by staff, optionally trained, and
    approved by `payer` (made if not given) with `effective` as the effective date."""
    provider = provider_at_forms_approved(**fields)
    if trained_at:
        finish_training(provider, trained_at)
    if effective:
        with committed():
            make_application(
                provider=provider,
                payer=payer or PayerFactory(),
                status=ApplicationStatus.APPROVED,
                effective_date=effective,
            )
    provider.refresh_from_db()
    return provider


def make_live_provider(**fields) -> Provider:
    """A provider live in the directory through the real pipeline: contracted from 20 days ago,
    approved by a payer effective 10 days ago, training done 30 days ago."""
    today = timezone.localdate()
    fields.setdefault("contracted_start_date", today - dt.timedelta(days=20))
    return ready_provider(
        effective=today - dt.timedelta(days=10), trained_at=timezone.now() - dt.timedelta(days=30), **fields
    )
