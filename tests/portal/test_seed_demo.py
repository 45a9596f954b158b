"""`manage.py seed_demo`: reference data, staff in each role, providers at every step, overdue cases,
and credentialing files complete, stale, with a possible exclusion match and due for recredentialing."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from credentialing.models import ApplicationStatus, InsuranceForm, PayerApplication
from credentialing.selectors import applications_overdue, effective_start_date
from exclusions.models import CaseStatus, ExclusionCase, ExclusionImport, ExclusionRun
from onboarding.models import OnboardingStep, OutboxEmail, Provider
from portal.sla import sla_board
from support.models import Article
from training.models import Question
from verification.file import file_readiness_for, file_summary
from verification.models import CredentialingDecision
from verification.selectors.decisions import latest_decision, notices_not_sent

# The demo's dates are built from the day it runs; the tests run it on a fixed day.
TODAY = dt.date(2026, 6, 10)

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 6, 10, 15, 0, tzinfo=dt.UTC), tick=False)
def test_seed_demo_loads_every_step_and_can_run_again(capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "admin@alma.test / alma-demo-staff" in out
    assert "credentialing@alma.test" in out
    assert "committee@alma.test / alma-demo-staff" in out
    assert "olivia.chen@example.com" in out
    assert "/onboarding/" in out  # the links of providers still onboarding

    assert User.objects.filter(email="admin@alma.test", is_superuser=True).count() == 1
    assert User.objects.get(email="support@alma.test").groups.get().name == "Support"
    assert User.objects.get(email="committee@alma.test").groups.get().name == "Credentialing Committee"
    assert Article.objects.exists()
    assert Question.objects.exists()
    steps = dict(Provider.objects.values_list("user__email", "onboarding_step"))
    assert len(steps) == 8
    assert steps["dana.whitfield@example.com"] == OnboardingStep.ACCOUNT_CREATED
    assert steps["priya.raman@example.com"] == OnboardingStep.GENERAL_ONBOARDING_SUBMITTED
    assert steps["samira.haddad@example.com"] == OnboardingStep.INSURANCE_FORM_SUBMITTED
    assert steps["luis.ortega@example.com"] == OnboardingStep.FORMS_APPROVED
    assert steps["grace.kim@example.com"] == OnboardingStep.PORTAL_ACCESS_GRANTED
    assert steps["noah.bennett@example.com"] == OnboardingStep.ONBOARDING_COMPLETE
    assert steps["olivia.chen@example.com"] == OnboardingStep.ONBOARDING_COMPLETE
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


@time_machine.travel(dt.datetime(2026, 6, 10, 15, 0, tzinfo=dt.UTC), tick=False)
def test_seed_demo_credentialing_files_in_every_state(capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    call_command("seed_demo")  # the files are built once: nothing is imported, run or decided again
    out = capsys.readouterr().out
    assert "Luis Ortega: a possible OIG LEIE match waits" in out
    people = {p.user.email: p for p in Provider.objects.select_related("user")}
    noah, grace = people["noah.bennett@example.com"], people["grace.kim@example.com"]
    luis, olivia = people["luis.ortega@example.com"], people["olivia.chen@example.com"]

    # Noah: every item verified within 120 days, both lists checked clear, approved today.
    assert file_readiness_for(noah, TODAY).ready
    approval = latest_decision(noah)
    assert (approval.outcome, approval.decided_on) == (CredentialingDecision.Outcome.APPROVED, TODAY)
    assert approval.decided_by.email == "committee@alma.test"
    assert approval.recredentialing_due_on == dt.date(2029, 6, 10)
    notice = OutboxEmail.objects.get(provider=noah, step="credentialing_decision")
    assert notice.sent_at is not None  # the demo's notices are sent, none late on the SLA board
    assert (
        notices_not_sent(now=dt.datetime(2026, 6, 10, 15, 0, tzinfo=dt.UTC), within=dt.timedelta(days=30))
        == []
    )

    # Grace: her licence verification is 130 days old, the rest fresh.
    readiness = file_readiness_for(grace, TODAY)
    assert [item.reason for item in readiness.items if not item.ready] == [
        "verified 130 days before the decision date; at most 120 days are allowed"
    ]
    assert str(file_summary(grace, today=TODAY)) == "5 of 6 items ready, 1 stale or with a problem"

    # Luis: a namesake on the LEIE born the same day; the case waits in the staff queue.
    case = ExclusionCase.objects.get()
    assert (case.provider, case.source, case.status) == (luis, "leie", CaseStatus.OPEN)
    assert case.entry.last_name == "ORTEGA"
    assert not file_readiness_for(luis, TODAY).ready

    # Olivia: approved 36 months before a date 25 days away, her 30-day reminders queued.
    earlier = latest_decision(olivia)
    assert earlier.recredentialing_due_on == TODAY + dt.timedelta(days=25)
    assert earlier.decided_on == dt.date(2023, 7, 5)
    assert earlier.override_reason == ""  # decided on a file ready on that day
    assert set(OutboxEmail.objects.filter(provider=olivia, step__startswith="recredentialing").values_list(
        "step", "key"
    )) == {
        ("recredentialing_reminder", "2026-07-05:30"),
        ("recredentialing_reminder_staff", "2026-07-05:30"),
    }  # fmt: skip
    assert not file_readiness_for(olivia, TODAY).ready  # recredentialing needs fresh verification

    # This month's lists (and the ones Olivia was checked against) ran over every active provider once.
    assert ExclusionImport.objects.count() == 4
    monthly = ExclusionRun.objects.filter(provider__isnull=True)
    assert sorted(monthly.values_list("source", "providers_checked")) == [("leie", 5), ("sam", 5)]
    kinds = {promise.kind for promise in sla_board().overdue}
    assert not any("xclusion" in kind for kind in kinds), kinds
