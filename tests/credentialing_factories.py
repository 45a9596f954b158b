"""Factories for payers and programs, and a helper that walks an application to any status
through the services, as in production."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from credentialing.models import ApplicationStatus, Payer, PayerApplication, Program
from credentialing.services import applications as services

S = ApplicationStatus


class PayerFactory(DjangoModelFactory):
    class Meta:
        model = Payer
        # Real payer names ("Aetna") may already be there from the reference-data migration.
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test Payer {n}")
    slug = factory.Sequence(lambda n: f"test-payer-{n}")
    states = factory.LazyFunction(lambda: ["NY", "NJ"])


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    payer = factory.SubFactory(PayerFactory)
    name = factory.Sequence(lambda n: f"Test EAP {n}")
    kind = Program.Kind.EAP


# The service calls that lead from nothing to each status.
_PATHS = {
    S.REQUESTED: [S.REQUESTED],
    S.SUBMITTED: [S.REQUESTED, S.SUBMITTED],
    S.APPROVED: [S.REQUESTED, S.SUBMITTED, S.APPROVED],
    S.DENIED: [S.REQUESTED, S.SUBMITTED, S.DENIED],
    S.WITHDRAWN: [S.REQUESTED, S.WITHDRAWN],
}


def make_application(
    *,
    provider,
    payer,
    status: str = S.REQUESTED,
    actor=None,
    submitted_at: dt.datetime | None = None,
    effective_date: dt.date | None = None,
    reason: str = "Panel closed for this specialty",
) -> PayerApplication:
    """An application brought to `status` by the same service calls staff and providers make."""
    actor = actor or provider.user
    application = None
    for step in _PATHS[status]:
        if step == S.REQUESTED:
            application = services.application_request(provider=provider, payer=payer, actor=actor)
        elif step == S.SUBMITTED:
            application = services.application_submit(application=application, actor=actor, now=submitted_at)
        elif step == S.APPROVED:
            application = services.application_approve(
                application=application,
                effective_date=effective_date or timezone.localdate(),
                actor=actor,
            )
        elif step == S.DENIED:
            application = services.application_deny(application=application, reason=reason, actor=actor)
        elif step == S.WITHDRAWN:
            application = services.application_withdraw(application=application, actor=actor)
    return application
