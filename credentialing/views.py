from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from alma.uploads import failed_uploads, serve_private_file
from credentialing import links as credentialing_links
from credentialing.forms import InsuranceFormBundle
from credentialing.models import InsuranceForm
from credentialing.services.insurance_form import insurance_form_save_draft, insurance_form_submit
from onboarding import links, selectors
from onboarding.errors import FormAlreadySubmitted, OnboardingError
from onboarding.form_pages import answers_as_data, saved_outcome
from onboarding.models import GeneralOnboarding, OnboardingStep, Provider, ReviewedForm, ReviewStatus


def _record(provider: Provider) -> InsuranceForm:
    record = (
        InsuranceForm.objects.filter(provider=provider)
        .prefetch_related("licenses", "education", "work_history")
        .first()
    )
    return record or InsuranceForm(provider=provider)


def _render_form(request, provider, bundle, record, *, draft_to_fix=False):
    context = {
        "draft_to_fix": draft_to_fix,
        "provider": provider,
        "record": record,
        "bundle": bundle,
        "form": bundle.form,
        "change_request": selectors.latest_change_request(provider, ReviewedForm.INSURANCE_FORM)
        if record.status == ReviewStatus.CHANGES_REQUESTED
        else None,
        "link_path": request.path,
    }
    return render(request, "credentialing/insurance_form.html", context)


@links.form_link_view(credentialing_links.INSURANCE_FORM)
def insurance_form(request, provider):
    if provider.onboarding_step == OnboardingStep.ACCOUNT_CREATED:
        return render(request, "credentialing/insurance_form_not_yet.html", {"provider": provider})
    record = _record(provider)
    if record.status in {ReviewStatus.SUBMITTED, ReviewStatus.APPROVED}:
        return render(
            request, "credentialing/insurance_form_submitted.html", {"provider": provider, "record": record}
        )

    if request.method != "POST":
        if record.draft_answers:
            # The last draft had answers to fix: show them as typed, with their errors.
            bundle = InsuranceFormBundle.build(
                provider=provider, record=record, data=answers_as_data(record.draft_answers), draft=True
            )
            bundle.is_valid()
            return _render_form(request, provider, bundle, record, draft_to_fix=True)
        return _render_form(
            request, provider, InsuranceFormBundle.build(provider=provider, record=record), record
        )
    return _save(request, provider, record)


def _save(request, provider, record):
    saving_draft = request.POST.get("action") == "save_draft"
    bundle = InsuranceFormBundle.build(
        provider=provider, record=record, data=request.POST, files=request.FILES, draft=saving_draft
    )
    try:
        if bundle.is_valid() and not saving_draft:
            insurance_form_submit(provider=provider, actor=provider.user, **bundle.service_arguments())
            return redirect(request.path)
        # A draft, or a submission with mistakes: keep every valid answer and row.
        draft_bundle = bundle
        if not saving_draft:
            draft_bundle = InsuranceFormBundle.build(
                provider=provider, record=record, data=request.POST, files=request.FILES, draft=True
            )
            draft_bundle.is_valid()
        saved = insurance_form_save_draft(
            provider=provider,
            typed_answers=bundle.typed_answers() if bundle.has_errors else None,
            **draft_bundle.service_arguments(),
        )
    except FormAlreadySubmitted:
        return redirect(request.path)
    except OnboardingError as error:
        messages.error(request, str(error))
        return redirect(request.path)
    if (
        response := saved_outcome(request, saving_draft=saving_draft, has_errors=bundle.has_errors)
    ) is not None:
        return response
    # Show what was typed, with its errors, around what is now saved (kept files included).
    shown = InsuranceFormBundle.build(
        provider=provider,
        record=saved,
        data=request.POST,
        files=failed_uploads(request.FILES, bundle.form),
        draft=saving_draft,
    )
    shown.is_valid()
    return _render_form(request, provider, shown, saved)


@links.form_link_view(credentialing_links.INSURANCE_FORM)
def insurance_document_by_link(request, provider, field):
    """The provider's own document, from their emailed form link (they have no password yet)."""
    if field not in InsuranceForm.FILE_FIELDS:
        raise Http404
    record = get_object_or_404(InsuranceForm, provider=provider)
    return serve_private_file(getattr(record, field), filename_stem=field.replace("_", "-"))


@never_cache
def insurance_document(request, provider_id, field):
    """A provider's document for the provider themself (signed in) or permitted staff.

    Everyone else gets 404, as if the file did not exist, so nothing about it leaks.
    """
    if field not in InsuranceForm.FILE_FIELDS or not request.user.is_authenticated:
        raise Http404
    record = get_object_or_404(
        InsuranceForm.objects.select_related("provider"), provider__public_id=provider_id
    )
    is_owner = record.provider.user_id == request.user.pk
    if not (is_owner or request.user.has_perm("credentialing.view_insuranceform")):
        raise Http404
    return serve_private_file(getattr(record, field), filename_stem=field.replace("_", "-"))


@never_cache
def general_onboarding_photo(request, provider_id):
    """The General Onboarding photo for the provider themself or staff who review the form;
    404 for everyone else. (The public sees it only on a live directory profile.)"""
    if not request.user.is_authenticated:
        raise Http404
    record = get_object_or_404(
        GeneralOnboarding.objects.select_related("provider"), provider__public_id=provider_id
    )
    if not (
        record.provider.user_id == request.user.pk
        or request.user.has_perm("onboarding.view_generalonboarding")
    ):
        raise Http404
    return serve_private_file(record.photo, filename_stem="profile-photo")
