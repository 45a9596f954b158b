"""The action items of "Account Created" and "Getting Started": the agreement, both forms, the
staff review, the password and the payouts account."""

from __future__ import annotations

from django.urls import reverse

from credentialing import links as credentialing_links
from onboarding import links
from onboarding.models import FormReview, OnboardingStep, Provider, ReviewedForm, ReviewStatus
from portal.dashboard.action_items import Facts, Item, on, page_url, related, step_reached
from support.action_items import ActionItem


def _form_item(provider: Provider, facts: Facts, *, key: str, reviewed_form: str, record, link: str) -> Item:
    title = ActionItem(key).label
    status = record.status if record is not None else ReviewStatus.DRAFT
    form_url = links.form_path(provider, link)
    if status in {ReviewStatus.SUBMITTED, ReviewStatus.APPROVED}:
        label = "Approved" if status == ReviewStatus.APPROVED else "Submitted, in review"
        when = record.reviewed_at if status == ReviewStatus.APPROVED else record.submitted_at
        return Item(key, title, done=True, status=f"{label} · {on(when)}")
    if status == ReviewStatus.CHANGES_REQUESTED:
        request = next(
            (
                r
                for r in facts.reviews
                if r.form == reviewed_form and r.decision == FormReview.Decision.CHANGES_REQUESTED
            ),
            None,
        )
        return Item(
            key,
            title,
            done=False,
            status=f"Changes requested · {on(record.reviewed_at)}",
            detail=f"Our team asked: {request.reason}" if request and request.reason else "",
            cta_label="Make the changes",
            cta_url=form_url,
        )
    saved = record is not None and record.draft_saved_at
    return Item(
        key,
        title,
        done=False,
        status=f"Draft saved · {on(record.draft_saved_at)}" if saved else "Not started",
        cta_label="Continue the form" if saved else "Open the form",
        cta_url=form_url,
    )


def agreement(provider: Provider, facts: Facts) -> Item:
    signed_agreement = related(provider, "agreement")
    signed = signed_agreement.signed_at if signed_agreement else None
    return Item(
        ActionItem.MEMBERSHIP_AGREEMENT,
        ActionItem.MEMBERSHIP_AGREEMENT.label,
        done=True,  # a provider exists only once their agreement is recorded (step 0)
        status=f"Signed · {on(signed)}" if signed else "Signed",
    )


def general_onboarding(provider: Provider, facts: Facts) -> Item:
    return _form_item(
        provider,
        facts,
        key=ActionItem.GENERAL_ONBOARDING,
        reviewed_form=ReviewedForm.GENERAL_ONBOARDING,
        record=related(provider, "general_onboarding"),
        link=links.GENERAL_ONBOARDING,
    )


def insurance_form(provider: Provider, facts: Facts) -> Item:
    if not step_reached(provider, OnboardingStep.GENERAL_ONBOARDING_SUBMITTED):
        return Item(
            ActionItem.INSURANCE_FORM,
            ActionItem.INSURANCE_FORM.label,
            done=False,
            status="Not open yet",
            detail="Opens once you submit the General Onboarding form; we email you the link.",
            waiting=True,
        )
    return _form_item(
        provider,
        facts,
        key=ActionItem.INSURANCE_FORM,
        reviewed_form=ReviewedForm.INSURANCE_FORM,
        record=related(provider, "insurance_form"),
        link=credentialing_links.INSURANCE_FORM,
    )


def staff_review(provider: Provider, facts: Facts) -> Item:
    forms = {
        "General Onboarding form": related(provider, "general_onboarding"),
        "Insurance Form": related(provider, "insurance_form"),
    }
    statuses = {name: (record.status if record else ReviewStatus.DRAFT) for name, record in forms.items()}
    key, title = ActionItem.STAFF_REVIEW, ActionItem.STAFF_REVIEW.label
    if all(status == ReviewStatus.APPROVED for status in statuses.values()):
        approved = max((record.reviewed_at for record in forms.values() if record.reviewed_at), default=None)
        return Item(
            key, title, done=True, status=f"Both approved · {on(approved)}" if approved else "Both approved"
        )
    in_review = [name for name, status in statuses.items() if status == ReviewStatus.SUBMITTED]
    sent_back = [name for name, status in statuses.items() if status == ReviewStatus.CHANGES_REQUESTED]
    if sent_back:
        status = f"Changes requested on the {' and the '.join(sent_back)}"
        detail = "Make the changes and submit again; we review it within one business day."
    elif in_review:
        status = f"In review: the {' and the '.join(in_review)}"
        detail = "We review each submission within one business day."
    else:
        status = "Waiting for your forms"
        detail = "We review each form within one business day of your submission."
    return Item(key, title, done=False, status=status, detail=detail, waiting=not sent_back)


def set_password(provider: Provider, facts: Facts) -> Item:
    key, title = ActionItem.SET_PASSWORD, ActionItem.SET_PASSWORD.label
    if step_reached(provider, OnboardingStep.PORTAL_ACCESS_GRANTED):
        when = facts.step_times.get(OnboardingStep.PORTAL_ACCESS_GRANTED)
        return Item(key, title, done=True, status=f"Done · {on(when)}" if when else "Done")
    if not step_reached(provider, OnboardingStep.FORMS_APPROVED):
        return Item(
            key,
            title,
            done=False,
            status="Not open yet",
            detail="Once both forms are approved we email you a link to set your password.",
            waiting=True,
        )
    return Item(
        key,
        title,
        done=False,
        status="Ready for you",
        detail="Use the link in your portal-access email, or set it here.",
        cta_label="Set your password",
        cta_url=reverse("account_set_password"),
    )


def payouts(provider: Provider, facts: Facts) -> Item:
    key, title = ActionItem.PAYOUTS, ActionItem.PAYOUTS.label
    account = related(provider, "payout_account")
    if account is not None:
        last4 = account.account_last4
        status = f"Set up · account ending in {last4}" if last4 else "Set up"
        return Item(key, title, done=True, status=status, required=False)
    return Item(
        key,
        title,
        done=False,
        status="Not set up",
        detail="Add the bank account Alma pays you into before your first session.",
        cta_label="Set up payouts",
        cta_url=page_url(key),
        required=False,
    )
