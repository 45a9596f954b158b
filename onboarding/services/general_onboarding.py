from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from alma.uploads import replaced_files_delete_on_commit
from onboarding.models import GeneralOnboarding, OnboardingStep, Provider
from onboarding.services.steps import step_advance
from onboarding.services.submissions import SUBMISSION_FIELDS, ensure_editable, mark_submitted
from onboarding.signals import general_onboarding_submitted

# Anything else in `values` is ignored.
FORM_FIELDS = GeneralOnboarding.PROVIDER_FIELDS


def _locked_form(provider: Provider) -> GeneralOnboarding:
    GeneralOnboarding.objects.get_or_create(provider=provider)
    return GeneralOnboarding.objects.select_for_update().get(provider=provider)


def _apply(form: GeneralOnboarding, values: dict[str, Any]) -> list[str]:
    changed = []
    for name in FORM_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name == "photo":
            if value is None:  # no new upload: keep the photo saved with the draft
                continue
            if value is False:  # the provider ticked "clear"
                value = ""
            # The photo it replaces goes once this transaction commits. Nothing else points to
            # it: the directory profile shares the file only once the form is approved, and an
            # approved form is never edited again (ensure_editable).
            if form.photo and form.photo.name != getattr(value, "name", value):
                replaced_files_delete_on_commit(form.photo.storage, [form.photo.name])
        setattr(form, name, value)
        changed.append(name)
    return changed


def general_onboarding_save_draft(
    *,
    provider: Provider,
    values: dict[str, Any],
    typed_answers: dict[str, list[str]] | None = None,
    now: datetime | None = None,
) -> GeneralOnboarding:
    """Save whatever the provider has filled in so far; nothing is required yet.

    `values` are the answers that passed their checks; `typed_answers` is everything as typed
    when some did not (shown back with their errors, onboarding.form_pages), else None.
    """
    now = now or timezone.now()
    with transaction.atomic():
        form = _locked_form(provider)
        ensure_editable(form)
        changed = _apply(form, values)
        form.draft_answers = typed_answers or {}
        form.draft_saved_at = now
        form.save(update_fields=[*changed, "draft_answers", "draft_saved_at"])
    return form


def general_onboarding_submit(
    *, provider: Provider, values: dict[str, Any], actor: User | None, now: datetime | None = None
) -> GeneralOnboarding:
    """Step 1 done: keep the validated answers and announce it (general_onboarding_submitted:
    credentialing queues the Insurance Form email in this transaction).

    A resubmission after staff asked for changes goes back to the review queue as the next
    round; the pipeline has already moved on, so no step changes and no email is queued.
    """
    now = now or timezone.now()
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider.pk)
        form = _locked_form(provider)
        ensure_editable(form)
        changed = _apply(form, values)
        first_submission = mark_submitted(form, now=now)
        form.draft_answers = {}  # every answer passed its checks: nothing left to show as typed
        form.save(update_fields=[*changed, "draft_answers", *SUBMISSION_FIELDS])
        if first_submission:
            step_advance(
                provider=provider, to_step=OnboardingStep.GENERAL_ONBOARDING_SUBMITTED, actor=actor, now=now
            )
            # Credentialing queues the Insurance Form email in this transaction (its receiver).
            general_onboarding_submitted.send(sender=GeneralOnboarding, provider=provider, now=now)
    return form
