"""The pages staff review a form on (issue 12, staff side).

Before: the General Onboarding form's page showed codes (`["NJ", "NY"]`, `["cbt"]`), neither form's
page had Approve or Request changes, and Approve on the queue was one click with no confirmation.
"""

from html import unescape

import pytest
import time_machine
from django.urls import reverse

from credentialing.models import InsuranceForm
from onboarding.models import FormReview, GeneralOnboarding, OutboxEmail, ReviewedForm, ReviewStatus
from portal import emails as portal_emails
from portal import services as portal_services
from tests.factories import ProviderFactory, submit_general_onboarding, submit_insurance_form
from tests.helpers import attribute_of, element, elements, new_york, signed_in_client, staff_user, text_at

pytestmark = pytest.mark.django_db

GENERAL = ReviewedForm.GENERAL_ONBOARDING
INSURANCE = ReviewedForm.INSURANCE_FORM
QUEUE = "admin:onboarding_reviewqueue_changelist"


def approve_url(provider, form) -> str:
    return reverse("admin:onboarding_reviewqueue_approve", args=[provider.pk, form])


def request_changes_url(provider, form) -> str:
    return reverse("admin:onboarding_reviewqueue_request_changes", args=[provider.pk, form])


def general_onboarding_page(provider) -> str:
    record = GeneralOnboarding.objects.get(provider=provider)
    return reverse("admin:onboarding_generalonboarding_change", args=[record.pk])


def insurance_form_page(provider) -> str:
    record = InsuranceForm.objects.get(provider=provider)
    return reverse("admin:credentialing_insuranceform_change", args=[record.pk])


@pytest.fixture
def reviewer():
    return staff_user(
        "reviewer@alma.test",
        "review_onboarding_forms",
        "view_provider",
        "view_generalonboarding",
        "credentialing.view_insuranceform",
    )


@pytest.fixture
def reviewer_client(reviewer):
    return signed_in_client(reviewer)


@pytest.fixture
def jane():
    """Jane Doe, both forms submitted on Tue 24 Nov 2026 at 15:00 in New York."""
    with time_machine.travel(new_york(2026, 11, 24, 15, 0), tick=False):
        provider = ProviderFactory(legal_name="Jane Doe")
        submit_general_onboarding(provider)
        submit_insurance_form(provider)
    return provider


def field_text(page: str, section: int) -> str:
    """What a reader sees in the page's `section`th fieldset (0: the first)."""
    return text_at(page, f"fieldset[aria-labelledby=fieldset-0-{section}-heading]")


# --- the General Onboarding form's page: labels, not codes -----------------------------------------


def test_the_general_onboarding_page_shows_every_answer_by_its_label(jane, reviewer_client):
    page = unescape(reviewer_client.get(general_onboarding_page(jane)).text)

    submission = field_text(page, 0)
    assert "Status: Submitted, waiting for review" in submission
    assert "Submitted: Tue 24 Nov 2026, 15:00 EST" in submission
    practice = field_text(page, 1)
    assert "Contact phone: (212) 555-0143" in practice
    assert "State: New York" in practice
    assert "States licensed: New York, New Jersey" in practice
    assert "Offers telehealth: Yes" in practice
    assert "Offers in-person sessions: No" in practice
    profile = field_text(page, 2)
    assert "Specialties: Anxiety, Trauma and PTSD" in profile
    assert "Approaches: Cognitive behavioral therapy (CBT), EMDR" in profile
    assert "Populations: Adults" in profile
    assert "Languages: English" in profile
    for code in ('["NY"', '"anxiety"', '"cbt"', '["adults"]', '["en"]', "+12125550143"):
        assert code not in page, code


def test_the_general_onboarding_page_costs_five_queries_whatever_was_chosen(
    jane, reviewer_client, django_assert_num_queries
):
    url = general_onboarding_page(jane)
    reviewer_client.get(url)  # Django caches the content types on the first page it renders
    # Session, user, the form with its provider, permissions (2): the labels come from the code's
    # vocabularies, never the database.
    with django_assert_num_queries(5):
        assert reviewer_client.get(url).status_code == 200


# --- Approve and Request changes on both forms' pages --------------------------------------------


@pytest.mark.parametrize(
    ("form", "page_of"), [(GENERAL, general_onboarding_page), (INSURANCE, insurance_form_page)]
)
def test_each_form_page_offers_approve_and_request_changes(jane, reviewer_client, form, page_of):
    page = reviewer_client.get(page_of(jane)).text
    decision = element(page, "section#review-decision")
    assert attribute_of(decision, "data-status") == "submitted"
    assert "Round 1, submitted Tue 24 Nov 2026, 15:00 EST: waiting for a decision." in text_at(decision, "p")
    approve = element(decision, "a#review-approve")
    assert text_at(approve, "a") == "Approve"
    assert unescape(attribute_of(approve, "href")) == f"{approve_url(jane, form)}?round=1&from=form"
    changes = element(decision, "a#review-request-changes")
    assert text_at(changes, "a") == "Request changes"
    assert unescape(attribute_of(changes, "href")) == f"{request_changes_url(jane, form)}?round=1&from=form"


def test_the_buttons_are_only_for_reviewers_and_only_while_the_form_waits(jane, reviewer, client):
    viewer = staff_user("support@alma.test", "view_provider", "view_generalonboarding")
    client.force_login(viewer)
    page = client.get(general_onboarding_page(jane)).text
    assert not elements(page, "a#review-approve")
    assert "needs the review permission" in text_at(page, "section#review-decision")

    portal_services.form_approve(provider=jane, form=GENERAL, reviewer=reviewer)
    page = signed_in_client(reviewer).get(general_onboarding_page(jane)).text
    decision = element(page, "section#review-decision")
    assert attribute_of(decision, "data-status") == "approved"
    assert not elements(decision, "a#review-approve")
    assert "Approved: nothing to decide now." in text_at(decision, "p")


# --- Approve asks first ----------------------------------------------------------------------------


def test_approve_on_the_queue_opens_a_confirmation_instead_of_approving(jane, reviewer_client):
    queue = reviewer_client.get(reverse(QUEUE)).text
    # No form on the queue posts an approval: its Approve is a link to the confirmation page.
    assert not elements(queue, f"form[action={approve_url(jane, GENERAL)}]")
    [approve, _insurance] = elements(queue, "a[data-action=approve]")
    assert unescape(attribute_of(approve, "href")) == f"{approve_url(jane, GENERAL)}?round=1"

    confirmation = reviewer_client.get(f"{approve_url(jane, GENERAL)}?round=1")
    assert confirmation.status_code == 200
    assert confirmation.context["title"] == "Approve Jane Doe's General Onboarding form?"
    consequences = text_at(confirmation.text, "ul#approval-consequences")
    assert "Jane Doe's answers become their directory profile" in consequences
    assert (
        "No email is sent yet: the portal-access email goes out when their Insurance Form is approved too."
        in (consequences)
    )
    form = element(confirmation.text, "form#approve-form")
    assert attribute_of(element(form, "input[name=round]"), "value") == "1"
    assert attribute_of(element(form, "a#cancel-link"), "href") == reverse(QUEUE)  # Cancel: back to the queue
    # Opening the page decided nothing.
    assert GeneralOnboarding.objects.get(provider=jane).status == ReviewStatus.SUBMITTED
    assert not FormReview.objects.exists()


def test_confirming_the_second_form_says_it_sends_portal_access_and_does(
    jane, reviewer, reviewer_client, django_capture_on_commit_callbacks, mailoutbox
):
    portal_services.form_approve(provider=jane, form=INSURANCE, reviewer=reviewer)
    page = reviewer_client.get(f"{approve_url(jane, GENERAL)}?round=1&from=form")
    assert (
        f"This sends Jane Doe the portal-access email at {jane.user.email}, with a link to set their "
        "password: their Insurance Form is already approved."
    ) in text_at(page.text, "ul#approval-consequences")
    # Came from the form's page: Cancel goes back there.
    assert attribute_of(element(page.text, "a#cancel-link"), "href") == general_onboarding_page(jane)

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = reviewer_client.post(
            f"{approve_url(jane, GENERAL)}?round=1&from=form", {"round": 1}, follow=True
        )
    assert done.redirect_chain[-1][0] == reverse(QUEUE)
    assert "Both forms are approved: the portal-access email is queued." in unescape(done.text)
    assert GeneralOnboarding.objects.get(provider=jane).status == ReviewStatus.APPROVED
    portal_access = OutboxEmail.objects.get(provider=jane, step=portal_emails.PORTAL_ACCESS)
    assert portal_access.sent_at is not None
    # The send task also delivers the provider's other claimable emails in the same batch (the
    # fixture left her earlier emails queued), so every message went to her, the portal access too.
    assert [m.to for m in mailoutbox] == [[jane.user.email]] * OutboxEmail.objects.filter(
        provider=jane, sent_at__isnull=False
    ).count()


def test_the_confirmation_needs_the_review_permission_and_a_waiting_form(
    jane, reviewer, reviewer_client, client
):
    client.force_login(staff_user("support@alma.test", "view_provider", "view_generalonboarding"))
    assert client.get(f"{approve_url(jane, GENERAL)}?round=1").status_code == 403
    assert client.post(approve_url(jane, GENERAL), {"round": 1}).status_code == 403

    portal_services.form_approve(provider=jane, form=GENERAL, reviewer=reviewer)
    response = reviewer_client.get(f"{approve_url(jane, GENERAL)}?round=1", follow=True)
    assert response.redirect_chain[-1][0] == reverse(QUEUE)
    assert f"The General Onboarding form of {jane} is not waiting for review." in unescape(response.text)
    assert FormReview.objects.count() == 1


# --- Request changes from a form's page --------------------------------------------------------------


def test_request_changes_from_the_form_page_asks_for_the_reason_beside_its_field(
    jane, reviewer, reviewer_client
):
    url = f"{request_changes_url(jane, INSURANCE)}?round=1&from=form"
    page = reviewer_client.get(url).text
    assert attribute_of(element(page, "a#cancel-link"), "href") == insurance_form_page(jane)

    blank = reviewer_client.post(url, {"reason": " ", "round": 1})
    assert blank.status_code == 200
    assert (
        text_at(blank.text, "#id_reason_error") == "Write the reason: the provider receives it in the email."
    )
    row = element(blank.text, "[data-field=reason]")
    assert row.index('id="id_reason"') < row.index('id="id_reason_error"')

    # A round the reviewer did not see concerns no one field: it is said above the form.
    stale = reviewer_client.post(url, {"reason": "Add your DEA number.", "round": 7})
    assert "was resubmitted (now round 1) since you opened it" in unescape(
        text_at(stale.text, "#form-errors")
    )
    assert InsuranceForm.objects.get(provider=jane).status == ReviewStatus.SUBMITTED

    done = reviewer_client.post(url, {"reason": "Add your DEA number.", "round": 1})
    assert done.status_code == 302
    assert InsuranceForm.objects.get(provider=jane).status == ReviewStatus.CHANGES_REQUESTED
