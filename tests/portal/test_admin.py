"""Staff work in Django admin: lists that stay cheap, agreements recorded through the service."""

import datetime as dt
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from onboarding import emails as onboarding_emails
from onboarding.models import MembershipAgreement, OutboxEmail, Provider
from tests.factories import ProviderFactory
from tests.helpers import count_queries, staff_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "changelist", ["admin:onboarding_provider_changelist", "admin:onboarding_outboxemail_changelist"]
)
def test_list_pages_cost_the_same_at_5_and_50_rows(admin_client, changelist, django_assert_num_queries):
    url = reverse(changelist)
    ProviderFactory.create_batch(5)
    at_5 = count_queries(admin_client, url)
    ProviderFactory.create_batch(45)
    assert count_queries(admin_client, url) == at_5
    with django_assert_num_queries(at_5):
        admin_client.get(url)
    assert at_5 <= 8


def test_provider_list_shows_email_step_and_agreement(admin_client, provider):
    page = admin_client.get(reverse("admin:onboarding_provider_changelist")).text
    assert provider.user.email in page
    assert "Account created" in page
    assert "Record signed agreement" in page


def test_staff_record_an_agreement_in_admin(
    admin_client, admin_user, django_capture_on_commit_callbacks, mailoutbox
):
    url = reverse("admin:onboarding_provider_record_agreement")
    form = {
        "legal_name": "Ada Brennan",
        "email": "ada@example.com",
        "license_type": "LMFT",
        "contracted_start_date": "2026-12-14",
        "signed_at": "2026-11-20 09:30",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, form)
    provider = Provider.objects.get(user__email="ada@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:onboarding_provider_change", args=[provider.pk])
    assert provider.agreement.recorded_by == admin_user
    assert provider.agreement.source == MembershipAgreement.Source.ADMIN
    assert [m.to for m in mailoutbox] == [["ada@example.com"]]

    again = admin_client.post(url, form)
    assert again.status_code == 200
    assert "ada@example.com already has an account." in unescape(again.text)


def test_a_bad_agreement_is_shown_next_to_its_field_and_nothing_is_created(admin_client):
    url = reverse("admin:onboarding_provider_record_agreement")
    response = admin_client.post(url, {"legal_name": "Ada", "email": "nope", "license_type": "LMFT"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"email", "contracted_start_date", "signed_at"}
    assert 'value="Ada"' in response.text  # nothing typed is lost
    assert not Provider.objects.exists()


def test_recording_an_agreement_needs_the_permission(client):
    viewer = staff_user("viewer@alma.test", "view_provider")
    client.force_login(viewer)
    url = reverse("admin:onboarding_provider_record_agreement")
    assert client.get(url).status_code == 403
    assert "Record signed agreement" not in client.get(reverse("admin:onboarding_provider_changelist")).text

    viewer.user_permissions.add(Permission.objects.get(codename="add_membershipagreement"))
    assert client.get(url).status_code == 200


def test_past_due_emails_are_filtered_in_admin(admin_client, make_provider):
    late, on_time = make_provider(), make_provider()
    OutboxEmail.objects.filter(provider=late).update(
        sent_at=None, due_at=timezone.now() - dt.timedelta(hours=1)
    )
    OutboxEmail.objects.filter(provider=on_time).update(sent_at=None)
    page = admin_client.get(reverse("admin:onboarding_outboxemail_changelist") + "?delivery=overdue")
    rows = list(page.context["cl"].result_list)
    assert [r.provider for r in rows] == [late]
    assert rows[0].step == onboarding_emails.GENERAL_ONBOARDING
    assert "overdue" in page.text


def test_outbox_rows_cannot_be_edited_or_deleted_in_admin(admin_client, provider):
    row = OutboxEmail.objects.get(provider=provider)
    page = admin_client.get(reverse("admin:onboarding_outboxemail_change", args=[row.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert admin_client.post(reverse("admin:onboarding_outboxemail_delete", args=[row.pk])).status_code == 403


def test_the_provider_page_tells_the_whole_story(admin_client):
    from helpdesk.services import ticket_open  # noqa: PLC0415
    from tests.credentialing_factories import PayerFactory, make_application  # noqa: PLC0415
    from tests.factories import submit_general_onboarding, submit_insurance_form  # noqa: PLC0415

    provider = ProviderFactory(legal_name="Ada Brennan")
    submit_general_onboarding(provider)
    submit_insurance_form(provider)
    make_application(provider=provider, payer=PayerFactory(name="Aetna"), status="submitted")
    ticket_open(provider=provider, category="other", subject="Where is my webinar?", message="Hi")
    page = admin_client.get(reverse("admin:onboarding_provider_change", args=[provider.pk])).text.lower()
    for part in (
        "step history",
        "outbox emails",
        "payer applications",
        "aetna",
        "where is my webinar?",
        "help requests",
    ):
        assert part in page, part


def test_providers_are_found_by_npi_and_filtered_by_payer_and_overdue(admin_client, make_provider):
    from tests.factories import submit_general_onboarding, submit_insurance_form  # noqa: PLC0415

    ada, ben = make_provider(legal_name="Ada Brennan"), make_provider(legal_name="Ben Okafor")
    submit_general_onboarding(ada)
    submit_insurance_form(ada, npi="1245319599")
    url = reverse("admin:onboarding_provider_changelist")
    found = admin_client.get(url, {"q": "1245319599"}).context["cl"].result_list
    assert list(found) == [ada]
    OutboxEmail.objects.filter(provider=ben).update(due_at=timezone.now() - dt.timedelta(hours=2))
    overdue = admin_client.get(url, {"overdue": "yes"}).context["cl"].result_list
    assert list(overdue) == [ben]


def test_staff_resend_an_email_as_a_new_recorded_send(
    admin_client, provider, django_capture_on_commit_callbacks, mailoutbox
):
    from django.contrib.admin.models import LogEntry  # noqa: PLC0415

    original = OutboxEmail.objects.get(provider=provider)
    url = reverse("admin:onboarding_outboxemail_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"action": "resend", "_selected_action": [original.pk]})
    rows = OutboxEmail.objects.filter(provider=provider, step=original.step).order_by("resend")
    assert [(r.key, r.resend) for r in rows] == [("", 0), ("", 1)]
    assert rows[1].message_id != original.message_id
    assert rows[1].context["resent_by"] == "admin@example.com"
    assert len(mailoutbox) == 1  # the resend (the original was not sent in this test)
    assert LogEntry.objects.filter(object_id=str(original.pk), change_message__contains="Resent").exists()


def test_a_resend_never_takes_the_round_a_later_email_needs(admin_client, provider):
    """Staff resend the changes-requested email; the provider resubmits and staff ask again:
    the second round's email must still be possible."""
    from onboarding.models import ReviewedForm  # noqa: PLC0415
    from onboarding.services import general_onboarding_submit  # noqa: PLC0415
    from portal.services import form_request_changes  # noqa: PLC0415
    from tests.factories import general_onboarding_answers, submit_general_onboarding  # noqa: PLC0415
    from tests.pipeline import reviewer  # noqa: PLC0415

    submit_general_onboarding(provider)
    form_request_changes(
        provider=provider, form=ReviewedForm.GENERAL_ONBOARDING, reviewer=reviewer(), reason="Bio"
    )
    first = OutboxEmail.objects.get(provider=provider, step="general_onboarding_changes")
    admin_client.post(
        reverse("admin:onboarding_outboxemail_changelist"),
        {"action": "resend", "_selected_action": [first.pk]},
    )
    general_onboarding_submit(
        provider=provider, values=general_onboarding_answers(offers_telehealth=True), actor=provider.user
    )
    form_request_changes(
        provider=provider, form=ReviewedForm.GENERAL_ONBOARDING, reviewer=reviewer(), reason="Photo"
    )
    rows = OutboxEmail.objects.filter(provider=provider, step="general_onboarding_changes")
    assert sorted((r.key, r.resend, r.context["reason"]) for r in rows) == [
        ("round-1", 0, "Bio"),
        ("round-1", 1, "Bio"),
        ("round-2", 0, "Photo"),
    ]
