"""`manage.py seed_demo`: demo staff and providers at every step so far, safe to run again."""

import pytest
from django.core.management import call_command

from accounts.models import User
from credentialing.models import ApplicationStatus, InsuranceForm, Payer, PayerApplication
from credentialing.selectors import applications_overdue, effective_start_date
from onboarding.models import OnboardingStep, Provider

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_every_step_and_can_run_again(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "admin@alma.test / alma-demo-staff" in out
    assert "/onboarding/" in out  # each provider's link

    assert User.objects.filter(email="admin@alma.test", is_superuser=True).count() == 1
    assert Provider.objects.count() == 5
    steps = dict(Provider.objects.values_list("user__email", "onboarding_step"))
    assert steps["dana.whitfield@example.com"] == OnboardingStep.ACCOUNT_CREATED
    assert steps["priya.raman@example.com"] == OnboardingStep.GENERAL_ONBOARDING_SUBMITTED
    assert steps["samira.haddad@example.com"] == OnboardingStep.INSURANCE_FORM_SUBMITTED
    assert (
        InsuranceForm.objects.filter(provider__user__email="samira.haddad@example.com")
        .get()
        .has_caqh_password
    )

    luis = Provider.objects.get(user__email="luis.ortega@example.com")
    statuses = dict(PayerApplication.objects.filter(provider=luis).values_list("payer__slug", "status"))
    assert statuses == {
        "aetna": ApplicationStatus.APPROVED,
        "cigna": ApplicationStatus.SUBMITTED,
        "oxford": ApplicationStatus.REQUESTED,
    }
    assert effective_start_date(luis) is not None
    assert [a.payer.slug for a in applications_overdue()] == ["cigna"]
    assert Payer.objects.filter(slug="aetna").count() == 1
