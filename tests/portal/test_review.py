"""Step 3: staff review of both onboarding forms, from the queue to portal access."""

import time
from html import unescape
from unittest import mock

import pytest
import time_machine
from django.test import Client
from django.urls import resolve, reverse

from credentialing import emails as credentialing_emails
from credentialing import links as credentialing_links
from credentialing.models import InsuranceForm
from credentialing.services.insurance_form import insurance_form_submit
from onboarding import links, selectors, services
from onboarding.errors import InvalidTransition
from onboarding.models import (
    FormReview,
    GeneralOnboarding,
    OnboardingStep,
    OutboxEmail,
    Provider,
    ReviewedForm,
    ReviewStatus,
)
from portal import emails as portal_emails
from portal import selectors as portal_selectors
from portal import services as portal_services
from portal.services import review as review_service
from portal.services.review import ReasonRequired
from tests.factories import (
    ProviderFactory,
    general_onboarding_answers,
    insurance_form_rows,
    insurance_form_values,
    submit_general_onboarding,
    submit_insurance_form,
)
from tests.helpers import new_york, only_link, path_of, run_at_once, staff_user, text_at

pytestmark = pytest.mark.django_db

GENERAL = ReviewedForm.GENERAL_ONBOARDING
INSURANCE = ReviewedForm.INSURANCE_FORM
QUEUE_URL = "admin:onboarding_reviewqueue_changelist"
# An apostrophe, an ampersand and a line break: the provider must read them as written.
REASON = (
    "Your liability policy number doesn't match the certificate & the expiry is missing.\nPlease fix both."
)


def approve_url(provider, form):
    return reverse("admin:onboarding_reviewqueue_approve", args=[provider.pk, form])


def request_changes_url(provider, form):
    return reverse("admin:onboarding_reviewqueue_request_changes", args=[provider.pk, form])


@pytest.fixture
def reviewer(db):
    return staff_user(
        "reviewer@alma.test",
        "review_onboarding_forms",
        "view_provider",
        "view_formreview",
        "view_generalonboarding",
    )


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def submitted(provider, django_capture_on_commit_callbacks, mailoutbox):
    """A provider with both forms submitted and waiting for review; earlier emails cleared."""
    with django_capture_on_commit_callbacks(execute=True):
        submit_general_onboarding(provider)
        submit_insurance_form(provider)
    mailoutbox.clear()
    return provider


def queue_rows(client):
    response = client.get(reverse(QUEUE_URL))
    assert response.status_code == 200
    return [(item.provider_id, item.form, item.round) for item, _ in response.context["rows"]]


def test_request_changes_then_resubmit_then_approve_both_grants_portal_access(
    submitted, reviewer, reviewer_client, client, django_capture_on_commit_callbacks, mailoutbox
):
    provider = submitted
    assert queue_rows(reviewer_client) == [(provider.pk, GENERAL, 1), (provider.pk, INSURANCE, 1)]

    # Staff send the Insurance Form back with a reason.
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(
            request_changes_url(provider, INSURANCE), {"reason": REASON, "round": 1}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse(QUEUE_URL)
    assert queue_rows(reviewer_client) == [(provider.pk, GENERAL, 1)]
    assert InsuranceForm.objects.get(provider=provider).status == ReviewStatus.CHANGES_REQUESTED

    [row] = OutboxEmail.objects.filter(provider=provider, step=portal_emails.INSURANCE_FORM_CHANGES)
    assert (row.key, row.context) == ("round-1", {"reason": REASON})
    [email] = mailoutbox
    assert email.to == [provider.user.email]
    assert "Insurance Form" in email.subject
    html = email.alternatives[0][0]
    assert REASON in email.body  # the plain-text part is not HTML-escaped
    assert REASON.replace("\n", "<br>") in unescape(html)
    # The link opens exactly this provider's Insurance Form, with no password.
    link = only_link(email.body)
    assert link in unescape(html)
    assert resolve(path_of(link)).view_name == "credentialing:insurance_form"
    token = resolve(path_of(link)).kwargs["token"]
    assert (
        links.provider_for_link(
            provider_id=provider.public_id, form=credentialing_links.INSURANCE_FORM, token=token
        )
        == provider
    )
    assert client.get(path_of(link)).status_code == 200

    # The provider fixes the form and submits again: it is back in the queue as round 2.
    insurance_form_submit(
        provider=provider,
        values=insurance_form_values(liability_policy_number="PL-55821-B"),
        caqh_password=None,
        actor=provider.user,
        **insurance_form_rows(),
    )
    assert queue_rows(reviewer_client) == [(provider.pk, GENERAL, 1), (provider.pk, INSURANCE, 2)]

    # Approving the first form grants nothing yet.
    with django_capture_on_commit_callbacks(execute=True):
        reviewer_client.post(approve_url(provider, GENERAL), {"round": 1})
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.INSURANCE_FORM_SUBMITTED
    assert not OutboxEmail.objects.filter(provider=provider, step=portal_emails.PORTAL_ACCESS).exists()

    # Approving the second one does: step 3 is done and the portal-access email goes out once.
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(approve_url(provider, INSURANCE), {"round": 2}, follow=True)
    assert "Both forms are approved: the portal-access email is queued." in unescape(response.text)
    assert response.context["rows"] == []
    assert "Nothing is waiting for review." in response.text
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.FORMS_APPROVED
    assert provider.onboarding_events.last().actor == reviewer
    [portal] = OutboxEmail.objects.filter(provider=provider, step=portal_emails.PORTAL_ACCESS)
    assert portal.key == ""
    assert portal.sent_at is not None
    assert [m.subject for m in mailoutbox][-1] == "Your Alma portal is ready: set your password"

    # The history says who decided what, round by round.
    assert list(
        FormReview.objects.filter(provider=provider).values_list("form", "round", "decision", "reviewer")
    ) == [
        (INSURANCE, 1, FormReview.Decision.CHANGES_REQUESTED, reviewer.pk),
        (GENERAL, 1, FormReview.Decision.APPROVED, reviewer.pk),
        (INSURANCE, 2, FormReview.Decision.APPROVED, reviewer.pk),
    ]

    # A second approval is refused and changes nothing.
    with pytest.raises(InvalidTransition, match="approved"):
        portal_services.form_approve(provider=provider, form=INSURANCE, reviewer=reviewer)
    assert OutboxEmail.objects.filter(provider=provider, step=portal_emails.PORTAL_ACCESS).count() == 1
    assert FormReview.objects.filter(provider=provider).count() == 3


def test_the_portal_access_link_lets_the_provider_set_a_password(
    submitted, reviewer, client, django_capture_on_commit_callbacks, mailoutbox
):
    provider = submitted
    with django_capture_on_commit_callbacks(execute=True):
        portal_services.form_approve(provider=provider, form=GENERAL, reviewer=reviewer)
        portal_services.form_approve(provider=provider, form=INSURANCE, reviewer=reviewer)
    [email] = mailoutbox
    link = only_link(email.body)
    assert "works once, for 3 days" in email.body  # Django's PASSWORD_RESET_TIMEOUT
    assert link in unescape(email.alternatives[0][0])
    assert resolve(path_of(link)).url_name == "account_reset_password_from_key"
    assert not provider.user.has_usable_password()

    page = client.get(path_of(link), follow=True)
    assert page.status_code == 200
    assert "password1" in page.context["form"].fields
    response = client.post(
        page.request["PATH_INFO"], {"password1": "Harbor-Counsel-2026", "password2": "Harbor-Counsel-2026"}
    )
    assert response.status_code == 302
    provider.user.refresh_from_db()
    assert provider.user.check_password("Harbor-Counsel-2026")

    # The provider signs in with it; the link itself is spent.
    client.logout()
    assert client.login(email=provider.user.email, password="Harbor-Counsel-2026")
    client.logout()
    assert client.get(path_of(link), follow=True).context["token_fail"] is True


def test_only_a_submitted_form_can_be_reviewed(provider, make_provider, reviewer):
    submit_general_onboarding(provider)  # the Insurance Form has not even been started
    with pytest.raises(InvalidTransition, match="draft"):
        portal_services.form_approve(provider=provider, form=INSURANCE, reviewer=reviewer)

    drafting = make_provider()
    services.general_onboarding_save_draft(provider=drafting, values={"practice_name": "Harbor"})
    with pytest.raises(InvalidTransition, match="draft"):
        portal_services.form_request_changes(
            provider=drafting, form=GENERAL, reviewer=reviewer, reason="Add a bio."
        )

    portal_services.form_request_changes(
        provider=provider, form=GENERAL, reviewer=reviewer, reason="Add a photo."
    )
    with pytest.raises(InvalidTransition, match="changes requested"):
        portal_services.form_approve(provider=provider, form=GENERAL, reviewer=reviewer)

    assert FormReview.objects.count() == 1
    assert GeneralOnboarding.objects.get(provider=drafting).status == ReviewStatus.DRAFT
    assert not OutboxEmail.objects.filter(step=portal_emails.PORTAL_ACCESS).exists()


def test_a_blank_reason_is_refused_next_to_the_field(submitted, reviewer, reviewer_client):
    provider = submitted
    with pytest.raises(ReasonRequired):
        portal_services.form_request_changes(
            provider=provider, form=GENERAL, reviewer=reviewer, reason="  \n "
        )

    page = reviewer_client.get(request_changes_url(provider, GENERAL) + "?round=1")
    assert page.status_code == 200
    assert "<textarea" in page.text
    response = reviewer_client.post(request_changes_url(provider, GENERAL), {"reason": "   ", "round": 1})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "Write the reason: the provider receives it in the email."
    ]
    assert "Write the reason: the provider receives it in the email." in text_at(
        response.text, "[data-field=reason]"
    )

    assert GeneralOnboarding.objects.get(provider=provider).status == ReviewStatus.SUBMITTED
    assert not FormReview.objects.exists()
    assert not OutboxEmail.objects.filter(step=portal_emails.GENERAL_ONBOARDING_CHANGES).exists()


def test_the_provider_sees_the_reason_on_the_general_onboarding_form_and_resubmits(
    submitted, reviewer, reviewer_client, client, photo_upload, django_capture_on_commit_callbacks, mailoutbox
):
    provider = submitted
    with django_capture_on_commit_callbacks(execute=True):
        portal_services.form_request_changes(
            provider=provider, form=GENERAL, reviewer=reviewer, reason=REASON
        )
    [email] = mailoutbox
    assert REASON in email.body
    link = only_link(email.body)
    assert resolve(path_of(link)).view_name == "onboarding:general_onboarding"

    page = client.get(path_of(link))
    assert page.status_code == 200
    assert "Alma's team asked for changes:" in page.text
    assert REASON.replace("\n", "<br>") in unescape(page.text)
    assert 'value="Harbor Counseling"' in page.text  # the answers are still there to edit

    response = client.post(
        path_of(link),
        {
            **general_onboarding_answers(practice_name="Harbor Counseling Group"),
            "photo": photo_upload,
            "action": "submit",
        },
    )
    assert response.status_code == 302
    record = GeneralOnboarding.objects.get(provider=provider)
    assert (record.status, record.review_round, record.practice_name) == (
        ReviewStatus.SUBMITTED,
        2,
        "Harbor Counseling Group",
    )
    assert "asked for changes" not in client.get(path_of(link)).text
    assert (provider.pk, GENERAL, 2) in queue_rows(reviewer_client)
    # Resubmitting moves no step and sends no second Insurance Form email.
    emails = OutboxEmail.objects.filter(provider=provider, step=credentialing_emails.INSURANCE_FORM)
    assert emails.count() == 1
    assert selectors.latest_change_request(provider, GENERAL).reason == REASON
    assert selectors.latest_change_request(provider, INSURANCE) is None


def test_the_queue_is_oldest_first_and_flags_overdue_across_thanksgiving(make_provider, reviewer):
    # Thanksgiving 2026 is Thursday 26 November: no business time passes that day.
    with time_machine.travel(new_york(2026, 11, 24, 15, 0), tick=False):
        early = make_provider(legal_name="Early Provider")
        submit_general_onboarding(early)
    with time_machine.travel(new_york(2026, 11, 25, 9, 30), tick=False):
        late = make_provider(legal_name="Late Provider")
        submit_general_onboarding(late)
    with time_machine.travel(new_york(2026, 11, 25, 10, 0), tick=False):
        submit_insurance_form(late)

    def queue_at(moment):
        with time_machine.travel(moment, tick=False):
            client = Client()  # a session started at the frozen time
            client.force_login(reviewer)
            response = client.get(reverse(QUEUE_URL))
        rows = [(item.provider_id, item.form, item.overdue) for item, _ in response.context["rows"]]
        return rows, response.text

    rows, page = queue_at(new_york(2026, 11, 27, 9, 0))
    assert rows == [(early.pk, GENERAL, True), (late.pk, GENERAL, False), (late.pk, INSURANCE, False)]
    assert "1 overdue" in page
    # Wed 10:00 to Fri 09:00 is 14 + 9 business hours: not yet one business day.
    assert "0.9 business days" in page
    assert "Fri 27 Nov 2026, 10:00 EST" in page  # when the Insurance Form's review falls due

    rows, page = queue_at(new_york(2026, 11, 27, 10, 30))
    assert rows == [(early.pk, GENERAL, True), (late.pk, GENERAL, True), (late.pk, INSURANCE, True)]
    assert "3 overdue" in page
    assert page.count('data-overdue="true"') == 3


def test_staff_without_the_review_permission_get_403(submitted, client):
    viewer = staff_user("support@alma.test", "view_provider", "view_formreview", "view_generalonboarding")
    client.force_login(viewer)
    provider = submitted
    assert client.get(reverse(QUEUE_URL)).status_code == 403
    assert client.post(approve_url(provider, GENERAL), {"round": 1}).status_code == 403
    assert client.get(request_changes_url(provider, GENERAL)).status_code == 403
    assert client.post(request_changes_url(provider, GENERAL), {"reason": "No."}).status_code == 403
    assert "Review queue" not in client.get(reverse("admin:index")).text
    assert GeneralOnboarding.objects.get(provider=provider).status == ReviewStatus.SUBMITTED
    assert not FormReview.objects.exists()


def test_the_queue_is_linked_from_the_admin_index_with_links_to_each_form(submitted, reviewer_client):
    index = reviewer_client.get(reverse("admin:index")).text
    assert f'href="{reverse(QUEUE_URL)}"' in index
    assert "Review queue" in index

    page = reviewer_client.get(reverse(QUEUE_URL)).text
    record = GeneralOnboarding.objects.get(provider=submitted)
    assert reverse("admin:onboarding_generalonboarding_change", args=[record.pk]) in page
    assert reverse("admin:onboarding_provider_change", args=[submitted.pk]) in page
    assert approve_url(submitted, INSURANCE) in page


def test_an_approval_never_lands_on_a_round_the_reviewer_did_not_see(
    submitted, reviewer, reviewer_client, client
):
    provider = submitted
    portal_services.form_request_changes(
        provider=provider, form=GENERAL, reviewer=reviewer, reason="Add a photo."
    )
    submit_general_onboarding(provider)  # round 2, while a stale queue page still shows round 1

    response = reviewer_client.post(approve_url(provider, GENERAL), {"round": 1}, follow=True)
    assert "was resubmitted (now round 2)" in unescape(response.text)
    assert GeneralOnboarding.objects.get(provider=provider).status == ReviewStatus.SUBMITTED
    assert (provider.pk, GENERAL, 2) in queue_rows(reviewer_client)


def waiting_submissions(count: int) -> None:
    """`count` forms waiting for review, both kinds, from different providers."""
    while count > 0:
        provider = ProviderFactory()
        submit_general_onboarding(provider)
        count -= 1
        if count > 0:
            submit_insurance_form(provider)
            count -= 1


def test_the_queue_costs_the_same_queries_at_3_and_30_submissions(reviewer_client, django_assert_num_queries):
    # Session, user, the user's and their groups' permissions, then the total and overdue count
    # per form kind (2), one page of both kinds in one UNION ALL, and the page's providers with
    # their emails: nothing per row. Two more than before pagination: the counts are their own
    # queries, and the providers are read for the page's 50 rows only, not joined to the queue.
    url = reverse(QUEUE_URL)
    waiting_submissions(3)
    with django_assert_num_queries(8):
        assert len(reviewer_client.get(url).context["rows"]) == 3
    waiting_submissions(27)
    with django_assert_num_queries(8):
        assert len(reviewer_client.get(url).context["rows"]) == 30


def test_the_review_history_list_costs_the_same_at_3_and_30_decisions(
    reviewer, reviewer_client, django_assert_num_queries
):
    url = reverse("admin:onboarding_formreview_changelist")

    def decide_everything_waiting():
        for item in portal_selectors.review_queue_page(per_page=100).items:
            provider = Provider.objects.get(pk=item.provider_id)
            portal_services.form_approve(provider=provider, form=item.form, reviewer=reviewer)

    # Session, user, permissions (2), then the changelist's own: counts, date range, one page of
    # decisions with providers and reviewers joined.
    waiting_submissions(3)
    decide_everything_waiting()
    with django_assert_num_queries(9):
        assert reviewer_client.get(url).context["cl"].result_count == 3
    waiting_submissions(27)
    decide_everything_waiting()
    with django_assert_num_queries(9):
        assert reviewer_client.get(url).context["cl"].result_count == 30


def test_the_review_history_is_read_only_and_filterable_in_admin(submitted, reviewer, admin_client):
    other = ProviderFactory(legal_name="Noor Haddad")
    submit_general_onboarding(other)
    portal_services.form_request_changes(provider=submitted, form=INSURANCE, reviewer=reviewer, reason=REASON)
    portal_services.form_approve(provider=submitted, form=GENERAL, reviewer=reviewer)
    portal_services.form_approve(provider=other, form=GENERAL, reviewer=reviewer)

    url = reverse("admin:onboarding_formreview_changelist")
    filtered = admin_client.get(url, {"form": INSURANCE, "decision": "changes_requested"})
    assert [(r.provider, r.round) for r in filtered.context["cl"].result_list] == [(submitted, 1)]
    searched = admin_client.get(url, {"q": "Haddad"})
    assert [r.provider for r in searched.context["cl"].result_list] == [other]

    review = FormReview.objects.get(provider=submitted, form=INSURANCE)
    page = admin_client.get(reverse("admin:onboarding_formreview_change", args=[review.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert (
        admin_client.post(reverse("admin:onboarding_formreview_delete", args=[review.pk])).status_code == 403
    )
    assert admin_client.get(reverse("admin:onboarding_formreview_add")).status_code == 403

    provider_page = admin_client.get(reverse("admin:onboarding_provider_change", args=[submitted.pk]))
    assert "Form review history" in provider_page.text
    assert "doesn&#x27;t match the certificate" in provider_page.text


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_the_two_forms_at_once_grant_portal_access_once(reviewer):
    provider = ProviderFactory()
    submit_general_onboarding(provider)
    submit_insurance_form(provider)
    other_reviewer = staff_user("second@alma.test", "review_onboarding_forms")
    real_check = review_service._both_forms_approved

    def slow_check(provider):
        time.sleep(0.3)  # hold each approval open, uncommitted, while the other one runs
        return real_check(provider)

    with mock.patch.object(review_service, "_both_forms_approved", slow_check):
        run_at_once(
            lambda: portal_services.form_approve(provider=provider, form=GENERAL, reviewer=reviewer),
            lambda: portal_services.form_approve(provider=provider, form=INSURANCE, reviewer=other_reviewer),
        )

    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.FORMS_APPROVED
    assert OutboxEmail.objects.filter(provider=provider, step=portal_emails.PORTAL_ACCESS).count() == 1
