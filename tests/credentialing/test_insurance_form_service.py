"""The Insurance Form services: order of steps, resubmission rounds, the encrypted password."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from accounts.models import User
from credentialing.models import InsuranceForm, SecretReveal
from credentialing.services.insurance_form import caqh_password_reveal, insurance_form_save_draft
from onboarding.errors import FormAlreadySubmitted, InvalidTransition
from onboarding.models import OnboardingStep, ReviewStatus
from tests.factories import insurance_form_values, submit_general_onboarding, submit_insurance_form

pytestmark = pytest.mark.django_db


def test_the_insurance_form_cannot_be_submitted_before_the_general_onboarding_form(provider):
    with pytest.raises(InvalidTransition):
        submit_insurance_form(provider)
    assert not InsuranceForm.objects.filter(provider=provider, status=ReviewStatus.SUBMITTED).exists()


def test_submitting_moves_the_provider_to_review(provider):
    submit_general_onboarding(provider)
    form = submit_insurance_form(provider)
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.INSURANCE_FORM_SUBMITTED
    assert form.status == ReviewStatus.SUBMITTED
    assert [w.employer for w in form.work_history.all()] == ["Harbor Counseling"]
    with pytest.raises(FormAlreadySubmitted):
        insurance_form_save_draft(provider=provider, values={"npi": "1245319599"})


def test_the_caqh_password_is_not_stored_in_plain_text(provider):
    submit_general_onboarding(provider)
    form = submit_insurance_form(provider)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM credentialing_insuranceform WHERE id = %s", [form.pk])
        raw_row = " ".join(str(value) for value in cursor.fetchone())
    assert "caqh-S3cret!" not in raw_row
    assert form.caqh_password_encrypted.startswith("gAAAA")  # a Fernet token


def test_a_draft_keeps_the_saved_password_when_none_is_typed(provider):
    insurance_form_save_draft(provider=provider, values=insurance_form_values(), caqh_password="first-Pass1")
    insurance_form_save_draft(provider=provider, values={"npi": "1245319599"}, caqh_password="")
    form = InsuranceForm.objects.get(provider=provider)
    staff = User.objects.create_user(email="cred@alma.test", password="x" * 12, is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="reveal_caqh_password"))
    staff = User.objects.get(pk=staff.pk)  # fresh permission cache
    assert caqh_password_reveal(insurance_form=form, staff_user=staff) == "first-Pass1"
    assert SecretReveal.objects.filter(insurance_form=form, revealed_by=staff).count() == 1


def test_revealing_needs_the_permission(provider):
    insurance_form_save_draft(provider=provider, values={}, caqh_password="first-Pass1")
    staff = User.objects.create_user(email="viewer@alma.test", password="x" * 12, is_staff=True)
    with pytest.raises(PermissionError):
        caqh_password_reveal(insurance_form=InsuranceForm.objects.get(provider=provider), staff_user=staff)
    assert not SecretReveal.objects.exists()
