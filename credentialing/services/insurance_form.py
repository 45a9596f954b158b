"""Step 2: the Insurance Form, saved as drafts and submitted for staff review."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from accounts.models import User
from alma import secrets
from alma.uploads import replaced_files_delete_on_commit
from credentialing import signals
from credentialing.models import Education, InsuranceForm, SecretReveal, StateLicense, WorkHistoryEntry
from credentialing.services.demographics import demographics_record
from onboarding.models import OnboardingStep, Provider
from onboarding.services.steps import step_advance
from onboarding.services.submissions import SUBMISSION_FIELDS, ensure_editable, mark_submitted

FORM_FIELDS = InsuranceForm.PROVIDER_FIELDS
ROW_MODELS: dict[str, type[Model]] = {
    "licenses": StateLicense,
    "education": Education,
    "work_history": WorkHistoryEntry,
}


def _locked_form(provider: Provider) -> InsuranceForm:
    InsuranceForm.objects.get_or_create(provider=provider)
    return InsuranceForm.objects.select_for_update().get(provider=provider)


def _apply(form: InsuranceForm, values: dict[str, Any], caqh_password: str | None) -> list[str]:
    changed = []
    for name in FORM_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name in InsuranceForm.FILE_FIELDS:
            if value is None:  # nothing new uploaded: keep the saved file
                continue
            if value is False:
                value = ""
            saved = getattr(form, name)
            if saved and saved.name != getattr(value, "name", value):
                # The certificate it replaces goes once this transaction commits (kept on rollback).
                replaced_files_delete_on_commit(saved.storage, [saved.name])
        setattr(form, name, value)
        changed.append(name)
    if caqh_password:
        # Encrypted before it touches the model; the plaintext is never stored or logged.
        form.caqh_password_encrypted = secrets.encrypt(caqh_password)
        changed.append("caqh_password_encrypted")
    return changed


def _replace_rows(form: InsuranceForm, rows: dict[str, list[dict] | None]) -> None:
    """Repeatable sections are replaced as a whole: one DELETE and one INSERT per section."""
    for related_name, items in rows.items():
        if items is None:
            continue
        model = ROW_MODELS[related_name]
        model._default_manager.filter(insurance_form=form).delete()
        model._default_manager.bulk_create(model(insurance_form=form, **item) for item in items)


def insurance_form_save_draft(
    *,
    provider: Provider,
    values: dict[str, Any],
    caqh_password: str | None = None,
    licenses: list[dict] | None = None,
    education: list[dict] | None = None,
    work_history: list[dict] | None = None,
    typed_answers: dict[str, list[str]] | None = None,
    demographics: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> InsuranceForm:
    """Save what passed its checks; `typed_answers` is the page as typed when something did
    not (shown back with its errors, onboarding.form_pages), else None."""
    now = now or timezone.now()
    with transaction.atomic():
        form = _locked_form(provider)
        ensure_editable(form)
        changed = _apply(form, values, caqh_password)
        form.draft_answers = typed_answers or {}
        form.draft_saved_at = now
        form.save(update_fields=[*changed, "draft_answers", "draft_saved_at"])
        _replace_rows(form, {"licenses": licenses, "education": education, "work_history": work_history})
        if demographics is not None:  # the optional "About you" answers: stored apart, never in the form
            demographics_record(provider=provider, **demographics, now=now)
    return form


def insurance_form_submit(
    *,
    provider: Provider,
    values: dict[str, Any],
    caqh_password: str | None,
    licenses: list[dict],
    education: list[dict],
    work_history: list[dict],
    actor: User | None,
    demographics: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> InsuranceForm:
    """Step 2 done: the form joins the staff review queue (step 3).

    Steps happen in order: the first submission needs the General Onboarding form submitted.
    A resubmission after a change request is the next review round and moves no step.
    """
    now = now or timezone.now()
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider.pk)
        form = _locked_form(provider)
        ensure_editable(form)
        changed = _apply(form, values, caqh_password)
        first_submission = mark_submitted(form, now=now)
        form.draft_answers = {}  # every answer passed its checks: nothing left to show as typed
        form.save(update_fields=[*changed, "draft_answers", *SUBMISSION_FIELDS])
        _replace_rows(form, {"licenses": licenses, "education": education, "work_history": work_history})
        if demographics is not None:  # the optional "About you" answers: stored apart, never in the form
            demographics_record(provider=provider, **demographics, now=now)
        if first_submission:
            step_advance(
                provider=provider, to_step=OnboardingStep.INSURANCE_FORM_SUBMITTED, actor=actor, now=now
            )
        # verification asks the NPI registry about it once this commits (never blocks the submission).
        signals.insurance_form_submitted.send(sender=InsuranceForm, provider=provider, npi=form.npi, now=now)
    return form


def caqh_password_reveal(*, insurance_form: InsuranceForm, staff_user: User) -> str:
    """Decrypt the CAQH password for a member of credentialing staff, and record that they did.

    The caller checks the `credentialing.reveal_caqh_password` permission; this refuses too.
    """
    if not staff_user.has_perm("credentialing.reveal_caqh_password"):
        raise PermissionError("Revealing a CAQH password needs the reveal permission.")
    if not insurance_form.caqh_password_encrypted:
        return ""
    SecretReveal.objects.create(insurance_form=insurance_form, field="caqh_password", revealed_by=staff_user)
    return secrets.decrypt(insurance_form.caqh_password_encrypted)
