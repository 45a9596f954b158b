"""Staff revoke every outstanding link of a provider ("send fresh links") and the provider gets new ones."""

from html import unescape

import pytest
from django.core import signing
from django.urls import reverse

from credentialing import emails as credentialing_emails
from credentialing import links as credentialing_links
from onboarding import emails as onboarding_emails
from onboarding import links
from onboarding.models import LinkRenewal, OutboxEmail, ReviewedForm
from portal import emails as portal_emails
from portal.services import form_request_changes
from portal.services.links import provider_links_renew
from tests.factories import ProviderFactory, submit_general_onboarding
from tests.helpers import emailed_link, link_paths, staff_user
from tests.pipeline import PASSWORD, grant_portal_access, provider_at_forms_approved, reviewer
from tests.training_factories import seed_training
from training import links as training_links

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rate_limits_reset")]

REPLACED = "This link was replaced"


def send_fresh_links(client, *providers, confirmed=True):
    data = {"action": "send_fresh_links", "_selected_action": [p.pk for p in providers]}
    if confirmed:
        data["post"] = "yes"
    return client.post(reverse("admin:onboarding_provider_changelist"), data, follow=True)


def test_staff_send_fresh_links_and_the_old_link_says_it_was_replaced(
    support_client, client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        provider = ProviderFactory(legal_name="Rosa Quint")
    old_link = emailed_link(mailoutbox, provider.user.email, "/onboarding/")
    assert client.get(old_link).status_code == 200

    # First a confirmation page that changes nothing.
    page = send_fresh_links(support_client, provider, confirmed=False)
    assert page.status_code == 200
    assert "stops working at once" in page.text
    assert "Rosa Quint" in page.text
    assert client.get(old_link).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = send_fresh_links(support_client, provider)
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [
        (
            "Every earlier link of Rosa Quint now says it was replaced. Sent again to "
            f"{provider.user.email}: General Onboarding form."
        )
    ]

    old = client.get(old_link)
    assert old.status_code == 410
    assert REPLACED in unescape(old.text)
    assert "Open the most recent email from Alma" in unescape(old.text)
    assert "Rosa Quint" not in old.text
    # Nor can the old link save anything.
    assert client.post(old_link, {"action": "save_draft", "practice_name": "Hijacked"}).status_code == 410
    assert not hasattr(provider, "general_onboarding")

    new_link = emailed_link(mailoutbox, provider.user.email, "/onboarding/")
    assert new_link != old_link
    assert "Rosa Quint" in client.get(new_link).text

    # The audit: who replaced which version, and what went out again.
    [renewal] = LinkRenewal.objects.filter(provider=provider)
    assert (renewal.from_version, renewal.to_version, renewal.actor.email) == (1, 2, "support@alma.test")
    assert renewal.note == "Sent again: General Onboarding form"
    [_first, resent] = OutboxEmail.objects.filter(provider=provider).order_by("pk")
    assert (resent.step, resent.key, resent.resend) == (onboarding_emails.GENERAL_ONBOARDING, "", 1)
    assert resent.sent_at is not None
    provider_page = support_client.get(reverse("admin:onboarding_provider_change", args=[provider.pk]))
    assert "links replaced" in provider_page.text


def test_without_the_change_permission_staff_cannot_send_fresh_links(client, provider):
    client.force_login(staff_user("reader@alma.test", "view_provider"))
    assert "Send fresh links" not in client.get(reverse("admin:onboarding_provider_changelist")).text
    before = links.make_token(provider, links.GENERAL_ONBOARDING)
    send_fresh_links(client, provider)
    provider.refresh_from_db()
    assert provider.link_version == 1
    assert not LinkRenewal.objects.exists()
    assert client.get(f"/onboarding/{provider.public_id}/general-onboarding/{before}/").status_code == 200


def test_every_form_and_training_link_is_replaced_and_only_what_is_left_to_do_is_emailed(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    seed_training()  # a published webinar for the training link to open
    with django_capture_on_commit_callbacks(execute=True):
        provider = provider_at_forms_approved()
        provider = grant_portal_access(provider)
    old = {
        form: links.form_path(provider, form)
        for form in (links.GENERAL_ONBOARDING, credentialing_links.INSURANCE_FORM, training_links.TRAINING)
    }
    staff = staff_user("support@alma.test", "change_provider")

    with django_capture_on_commit_callbacks(execute=True):
        mailoutbox.clear()
        renewal = provider_links_renew(provider=provider, actor=staff)

    assert renewal.version == 2
    # Both forms are approved: only the training (not done yet) gets its email again.
    assert [m.subject for m in mailoutbox] == [
        "Step 5 of 6 in your Alma onboarding: the Insurance Program Training Webinar"
    ]
    for path in old.values():
        response = client.get(path)
        assert (response.status_code, REPLACED in unescape(response.text)) == (410, True), path
    new_training = emailed_link(mailoutbox, provider.user.email, "/training/")
    assert client.get(new_training).status_code == 200


def test_a_form_sent_back_for_changes_gets_its_change_request_again(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        provider = ProviderFactory()
        submit_general_onboarding(provider)
        form_request_changes(
            provider=provider,
            form=ReviewedForm.GENERAL_ONBOARDING,
            reviewer=reviewer(),
            reason="Please add your suite number.",
        )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        renewal = provider_links_renew(provider=provider, actor=None)

    # The Insurance Form (a draft) and the General Onboarding change request, with its reason.
    assert sorted(row.step for row in renewal.emails) == [
        portal_emails.GENERAL_ONBOARDING_CHANGES,
        credentialing_emails.INSURANCE_FORM,
    ]
    [changes] = [m for m in mailoutbox if "Please add your suite number." in m.body]
    general = [p for p in link_paths(changes.body) if "/general-onboarding/" in p]
    assert general
    assert client.get(general[0]).status_code == 200


def test_an_unused_set_password_link_is_revoked_too(client, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        provider = provider_at_forms_approved()
    old_key_link = emailed_link(mailoutbox, provider.user.email, "/accounts/password/reset/key/")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        provider_links_renew(provider=provider, actor=None)

    old = client.get(old_key_link, follow=True)
    assert old.context["token_fail"] is True
    new_key_link = emailed_link(mailoutbox, provider.user.email, "/accounts/password/reset/key/")
    page = client.get(new_key_link, follow=True)
    assert "password1" in page.context["form"].fields
    client.post(page.request["PATH_INFO"], {"password1": PASSWORD, "password2": PASSWORD})
    provider.user.refresh_from_db()
    assert provider.user.check_password(PASSWORD)


def test_a_provider_with_a_password_keeps_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        provider = grant_portal_access(provider_at_forms_approved())
    provider_links_renew(provider=provider, actor=None)
    provider.user.refresh_from_db()
    assert provider.user.check_password(PASSWORD)


def test_a_link_signed_before_link_versions_is_version_one(client, provider):
    # Emails already in inboxes when versions were introduced carry {"p": ...} only.
    salt = f"alma.onboarding.form-link.{links.GENERAL_ONBOARDING}"
    token = signing.TimestampSigner(salt=salt).sign_object({"p": str(provider.public_id)})
    path = f"/onboarding/{provider.public_id}/general-onboarding/{token}/"
    assert client.get(path).status_code == 200

    provider_links_renew(provider=provider, actor=None)
    assert client.get(path).status_code == 410


def test_two_renewals_leave_only_the_newest_links_working(client, provider):
    first = links.form_path(provider, links.GENERAL_ONBOARDING)
    provider_links_renew(provider=provider, actor=None)
    provider.refresh_from_db()
    second = links.form_path(provider, links.GENERAL_ONBOARDING)
    provider_links_renew(provider=provider, actor=None)
    provider.refresh_from_db()
    third = links.form_path(provider, links.GENERAL_ONBOARDING)
    assert [client.get(p).status_code for p in (first, second, third)] == [410, 410, 200]
    assert list(LinkRenewal.objects.values_list("from_version", "to_version")) == [(1, 2), (2, 3)]
