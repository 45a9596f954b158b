from django.shortcuts import redirect, render

from alma.uploads import failed_uploads
from onboarding import links, selectors, services
from onboarding.errors import FormAlreadySubmitted
from onboarding.form_pages import answers_as_data, saved_outcome
from onboarding.forms import GeneralOnboardingForm
from onboarding.models import GeneralOnboarding, ReviewedForm, ReviewStatus

# The training app's link kind (training/links.py), looked up in the registry by name.
TRAINING_LINK = "training"
# Credentialing's email kind (credentialing/emails.py) that invites to step 2, looked up by code.
INSURANCE_FORM_EMAIL = "insurance_form"


@links.form_link_view(links.GENERAL_ONBOARDING)
def general_onboarding(request, provider):
    record = GeneralOnboarding.objects.filter(provider=provider).first() or GeneralOnboarding(
        provider=provider
    )
    if record.status in {ReviewStatus.SUBMITTED, ReviewStatus.APPROVED}:
        next_email = selectors.next_step_email(provider, INSURANCE_FORM_EMAIL)
        return render(
            request,
            "onboarding/general_onboarding_submitted.html",
            {
                "provider": provider,
                "record": record,
                "next_email": next_email,
                # PRODUCT.md step 5: the training may be done at any time after signing. Its link
                # kind is registered by the training app (onboarding names no app above it).
                "training_url": links.link_url(provider, TRAINING_LINK),
            },
        )

    page = {"provider": provider}
    if record.status == ReviewStatus.CHANGES_REQUESTED:
        # Staff sent the form back: the page opens with their reason (PRODUCT.md step 3).
        page["change_request"] = selectors.latest_change_request(provider, ReviewedForm.GENERAL_ONBOARDING)

    if request.method != "POST":
        if record.draft_answers:
            # The last draft had answers to fix: show them as typed, with their errors.
            form = GeneralOnboardingForm(answers_as_data(record.draft_answers), instance=record, draft=True)
            form.is_valid()
            page["draft_to_fix"] = True
        else:
            form = GeneralOnboardingForm(instance=record)
        return render(request, "onboarding/general_onboarding.html", {**page, "form": form})

    saving_draft = request.POST.get("action") == "save_draft"
    form = GeneralOnboardingForm(request.POST, request.FILES, instance=record, draft=saving_draft)
    try:
        if form.is_valid() and not saving_draft:
            services.general_onboarding_submit(
                provider=provider, values=form.cleaned_data, actor=provider.user
            )
            return redirect(request.path)
        # A draft, or a submission with mistakes: keep every answer that passed its own check,
        # so nothing valid is lost if the provider closes the tab.
        saved = services.general_onboarding_save_draft(
            provider=provider,
            values=form.valid_values(),
            typed_answers=form.typed_answers() if form.errors else None,
        )
    except FormAlreadySubmitted:
        return redirect(request.path)
    if (
        response := saved_outcome(request, saving_draft=saving_draft, has_errors=bool(form.errors))
    ) is not None:
        return response
    # Show what was typed, with the errors, around what is now saved (a kept photo included).
    shown = GeneralOnboardingForm(
        request.POST, failed_uploads(request.FILES, form), instance=saved, draft=saving_draft
    )
    shown.is_valid()
    return render(request, "onboarding/general_onboarding.html", {**page, "form": shown})
