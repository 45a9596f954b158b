"""`manage.py seed_demo`: reference data, staff in each role, providers at every step, overdue cases."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from credentialing.models import ApplicationStatus, InsuranceForm, PayerApplication
from credentialing.selectors import applications_overdue, effective_start_date
from onboarding.models import OnboardingStep, Provider
from portal.sla import sla_board
from support.models import Article
from training.models import Question

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_every_step_and_can_run_again(capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "admin@alma.test / alma-demo-staff" in out
    assert "credentialing@alma.test" in out
    assert "/onboarding/" in out  # the links of providers still onboarding

    assert User.objects.filter(email="admin@alma.test", is_superuser=True).count() == 1
    assert User.objects.get(email="support@alma.test").groups.get().name == "Support"
    assert Article.objects.exists()
    assert Question.objects.exists()
    steps = dict(Provider.objects.values_list("user__email", "onboarding_step"))
    assert len(steps) == 7
    assert steps["dana.whitfield@example.com"] == OnboardingStep.ACCOUNT_CREATED
    assert steps["priya.raman@example.com"] == OnboardingStep.GENERAL_ONBOARDING_SUBMITTED
    assert steps["samira.haddad@example.com"] == OnboardingStep.INSURANCE_FORM_SUBMITTED
    assert steps["luis.ortega@example.com"] == OnboardingStep.FORMS_APPROVED
    assert steps["grace.kim@example.com"] == OnboardingStep.PORTAL_ACCESS_GRANTED
    assert steps["noah.bennett@example.com"] == OnboardingStep.ONBOARDING_COMPLETE
    assert InsuranceForm.objects.get(provider__user__email="samira.haddad@example.com").has_caqh_password

    luis = Provider.objects.get(user__email="luis.ortega@example.com")
    statuses = dict(PayerApplication.objects.filter(provider=luis).values_list("payer__slug", "status"))
    assert statuses == {
        "aetna": ApplicationStatus.APPROVED,
        "cigna": ApplicationStatus.SUBMITTED,
        "oxford": ApplicationStatus.REQUESTED,
    }
    assert effective_start_date(luis) is not None
    assert {a.payer.slug for a in applications_overdue()} == {"cigna"}
    # Noah is done, in network and past his start date: live in the directory.
    noah = Provider.objects.get(user__email="noah.bennett@example.com")
    assert noah.directory_profile.is_live
    # The SLA board has an overdue review, payer decision and help request to show.
    kinds = {promise.kind for promise in sla_board().overdue}
    assert {"Review", "Payer decision", "Help request"} <= kinds


def test_seed_demo_refuses_unknown_arguments():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--providers", "9")
