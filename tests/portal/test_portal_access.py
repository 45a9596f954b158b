"""Step 4: the provider sets a first password from an emailed link and signs in; staff MFA."""

import datetime as dt
from html import unescape

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from onboarding.errors import InvalidTransition
from onboarding.models import OnboardingStep, OutboxEmail
from portal import emails as portal_emails
from portal import services as portal_services
from tests.factories import ProviderFactory, submit_general_onboarding
from tests.helpers import (
    PORTAL_ACCESS_SUBJECT,
    STAFF_PASSWORD,
    WEBINAR_SUBJECT,
    only_link,
    open_link,
    path_of,
    set_password,
    staff_user,
    totp_code,
)
from tests.pipeline import PASSWORD, provider_at_forms_approved
from training import emails as training_emails

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rate_limits_reset")]

SENT_BACK = "The password reset link was invalid, possibly because it has already been used."


def emails_with(mailoutbox, subject: str) -> list:
    return [m for m in mailoutbox if m.subject == subject]


@pytest.fixture
def approved(django_capture_on_commit_callbacks, mailoutbox):
    """A provider whose forms are both approved, with the portal-access email delivered."""
    with django_capture_on_commit_callbacks(execute=True):
        return provider_at_forms_approved()


def portal_access_link(mailoutbox, provider) -> str:
    [email] = [m for m in emails_with(mailoutbox, PORTAL_ACCESS_SUBJECT) if m.to == [provider.user.email]]
    return only_link(email.body)


def test_the_emailed_link_sets_a_password_signs_in_and_queues_the_webinar_email(
    approved, client, django_capture_on_commit_callbacks, mailoutbox
):
    provider = approved
    link = portal_access_link(mailoutbox, provider)
    assert not provider.user.has_usable_password()
    mailoutbox.clear()

    page = open_link(client, link)
    assert page.status_code == 200
    assert "Set your password" in page.text
    assert 'id="auth-card"' in page.text  # allauth's page inside the portal's own layout

    # Django's validators refuse a weak password; allauth's form shows why, next to the field.
    response = set_password(client, page, "password123")
    assert response.status_code == 200
    assert "This password is too common." in unescape(response.text)
    provider.user.refresh_from_db()
    assert not provider.user.has_usable_password()
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.FORMS_APPROVED

    with django_capture_on_commit_callbacks(execute=True):
        response = set_password(client, page, PASSWORD)
    # Signed in at once and sent to the portal (home sends a provider to their portal).
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.session["_auth_user_id"] == str(provider.user.pk)
    provider.user.refresh_from_db()
    assert provider.user.check_password(PASSWORD)

    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.PORTAL_ACCESS_GRANTED
    [granted] = provider.onboarding_events.filter(to_step=OnboardingStep.PORTAL_ACCESS_GRANTED)
    assert (granted.from_step, granted.actor) == (OnboardingStep.FORMS_APPROVED, provider.user)
    assert granted.note == "Portal password set from an emailed link"  # in the admin's step history

    # The next step's email: the webinar, with the provider's signed training link (no password
    # needed; tests/training/test_training_webinar.py opens it).
    [row] = OutboxEmail.objects.filter(provider=provider, step=training_emails.WEBINAR)
    assert row.key == ""
    assert row.sent_at is not None
    [email] = emails_with(mailoutbox, WEBINAR_SUBJECT)
    assert email.to == [provider.user.email]
    assert "Watch the webinar" in email.body
    webinar_link = only_link(email.body)
    assert webinar_link in unescape(email.alternatives[0][0])
    match = resolve(path_of(webinar_link))
    assert (match.view_name, match.kwargs["provider_id"]) == ("training:webinar_link", provider.public_id)


def test_the_link_works_only_once(approved, client, mailoutbox):
    provider = approved
    link = portal_access_link(mailoutbox, provider)
    set_password(client, open_link(client, link), PASSWORD)
    client.logout()

    again = open_link(client, link)
    assert again.context["token_fail"] is True
    assert "This link has expired or has already been used" in unescape(again.text)
    assert reverse("account_reset_password") in again.text  # where to get a fresh one
    assert provider.onboarding_events.filter(to_step=OnboardingStep.PORTAL_ACCESS_GRANTED).count() == 1


def test_the_link_expires_after_three_days(client, django_capture_on_commit_callbacks, mailoutbox):
    sent_at = timezone.now().replace(microsecond=0)
    with time_machine.travel(sent_at, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            provider = provider_at_forms_approved()
        link = portal_access_link(mailoutbox, provider)
        assert "works once, for 3 days" in emails_with(mailoutbox, PORTAL_ACCESS_SUBJECT)[0].body

    with time_machine.travel(sent_at + dt.timedelta(days=3) - dt.timedelta(minutes=5), tick=False):
        assert "password1" in open_link(client, link).context["form"].fields
    client.logout()

    with time_machine.travel(sent_at + dt.timedelta(days=3, minutes=5), tick=False):
        page = open_link(client, link)
        assert page.context["token_fail"] is True
        assert "This link has expired or has already been used" in unescape(page.text)
        response = client.post(page.request["PATH_INFO"], {"password1": PASSWORD, "password2": PASSWORD})
    provider.user.refresh_from_db()
    assert not provider.user.has_usable_password()
    assert "_auth_user_id" not in client.session
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.FORMS_APPROVED
    assert response.status_code == 200


def resend(client, *providers):
    return client.post(
        reverse("admin:onboarding_provider_changelist"),
        {"action": "resend_portal_access_email", "_selected_action": [p.pk for p in providers]},
        follow=True,
    )


def test_staff_resend_the_portal_access_email_as_a_new_recorded_send(
    approved, support_client, django_capture_on_commit_callbacks, mailoutbox
):
    provider = approved
    not_yet = ProviderFactory(legal_name="Noor Haddad")
    first_link = portal_access_link(mailoutbox, provider)
    mailoutbox.clear()

    changelist = support_client.get(reverse("admin:onboarding_provider_changelist"))
    assert "Resend the portal-access email" in changelist.text
    with django_capture_on_commit_callbacks(execute=True):
        response = resend(support_client, provider, not_yet)

    shown = [str(m) for m in response.context["messages"]]
    assert f"Portal-access email to {provider.user.email} queued again (send 2)." in shown
    assert any("Noor Haddad is not waiting for portal access" in m for m in shown)
    rows = OutboxEmail.objects.filter(step=portal_emails.PORTAL_ACCESS).order_by("created_at", "pk")
    assert [(r.provider, r.key) for r in rows] == [(provider, ""), (provider, "send-2")]
    assert rows[1].sent_at is not None
    assert rows[1].message_id != rows[0].message_id
    assert rows[1].context["resent_by"] == "support@alma.test"

    # The provider got exactly one new email, and its link works.
    [email] = mailoutbox
    assert (email.to, email.subject) == ([provider.user.email], PORTAL_ACCESS_SUBJECT)
    new_link = only_link(email.body)
    browser = Client()  # the provider's own browser
    response = set_password(browser, open_link(browser, new_link), PASSWORD)
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.PORTAL_ACCESS_GRANTED
    assert open_link(Client(), first_link).context["token_fail"] is True  # older links are spent too

    # Once the provider has portal access there is nothing to resend.
    response = resend(support_client, provider)
    assert any("is not waiting for portal access" in str(m) for m in response.context["messages"])
    assert OutboxEmail.objects.filter(provider=provider, step=portal_emails.PORTAL_ACCESS).count() == 2


def test_resending_needs_the_change_provider_permission(approved, client):
    client.force_login(staff_user("viewer@alma.test", "view_provider"))
    changelist = client.get(reverse("admin:onboarding_provider_changelist"))
    assert changelist.status_code == 200
    assert "Resend the portal-access email" not in changelist.text

    resend(client, approved)
    assert OutboxEmail.objects.filter(provider=approved, step=portal_emails.PORTAL_ACCESS).count() == 1
    with pytest.raises(InvalidTransition):
        portal_services.portal_access_email_resend(provider=ProviderFactory(), actor=None)


def forgot_password(client, email: str):
    login_page = client.get(reverse("account_login"))
    assert reverse("account_reset_password") in login_page.text  # "Forgot your password?"
    return client.post(reverse("account_reset_password"), {"email": email})


def test_forgot_password_works_for_a_provider_waiting_for_portal_access(
    approved, client, django_capture_on_commit_callbacks, mailoutbox
):
    provider = approved
    mailoutbox.clear()
    response = forgot_password(client, provider.user.email.upper())
    assert response.status_code == 302
    [email] = mailoutbox
    assert email.to == [provider.user.email]
    assert email.subject == "Set or reset your Alma password"

    with django_capture_on_commit_callbacks(execute=True):
        response = set_password(client, open_link(client, only_link(email.body)), PASSWORD)
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.session["_auth_user_id"] == str(provider.user.pk)
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.PORTAL_ACCESS_GRANTED
    assert len(emails_with(mailoutbox, WEBINAR_SUBJECT)) == 1


def test_forgot_password_before_the_forms_are_approved_skips_no_step(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    provider = ProviderFactory()
    submit_general_onboarding(provider)
    mailoutbox.clear()

    forgot_password(client, provider.user.email)
    [email] = mailoutbox
    response = set_password(client, open_link(client, only_link(email.body)), PASSWORD)
    # The password works and the provider is signed in...
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(provider.user.pk)
    # ...but steps 2-4 still happen in order: nothing moved, no webinar email.
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.GENERAL_ONBOARDING_SUBMITTED
    assert not provider.onboarding_events.filter(to_step=OnboardingStep.PORTAL_ACCESS_GRANTED).exists()
    assert not OutboxEmail.objects.filter(provider=provider, step=training_emails.WEBINAR).exists()
    client.logout()

    # Once both forms are approved, signing in with that password is portal access.
    provider_at_forms_approved(provider)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_login"), {"login": provider.user.email, "password": PASSWORD})
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.PORTAL_ACCESS_GRANTED
    assert provider.onboarding_events.get(to_step=OnboardingStep.PORTAL_ACCESS_GRANTED).actor == provider.user
    assert len(emails_with(mailoutbox, WEBINAR_SUBJECT)) == 1

    # Signing in again later changes nothing.
    client.logout()
    client.post(reverse("account_login"), {"login": provider.user.email, "password": PASSWORD})
    assert OutboxEmail.objects.filter(provider=provider, step=training_emails.WEBINAR).count() == 1


def test_staff_activate_an_authenticator_app_and_then_sign_in_with_its_code(client):
    staff_user("support@alma.test", "view_provider")
    credentials = {"login": "support@alma.test", "password": STAFF_PASSWORD}
    # Frozen clock: a TOTP code is valid for one 30-second period.
    with time_machine.travel(timezone.now(), tick=False):
        assert client.post(reverse("account_login"), credentials).url == reverse("home")

        # Turning MFA on asks for the password again first (allauth's reauthentication).
        response = client.get("/accounts/2fa/totp/activate/")
        assert response.url.startswith(reverse("account_reauthenticate"))
        response = client.post(response.url, {"password": credentials["password"]})
        assert response.url == reverse("mfa_activate_totp")
        page = client.get(response.url)
        assert page.status_code == 200
        assert 'id="auth-card"' in page.text
        secret = page.context["form"].secret
        wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
        assert "Incorrect code" in wrong.text
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
        assert response.url == reverse("mfa_view_recovery_codes")
        assert set(Authenticator.objects.values_list("type", flat=True)) == {
            Authenticator.Type.TOTP,
            Authenticator.Type.RECOVERY_CODES,
        }
        client.post(reverse("account_logout"))

        # The password alone no longer signs in: allauth asks for the code.
        response = client.post(reverse("account_login"), credentials)
        assert response.url == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session
        assert 'id="auth-card"' in client.get(response.url).text
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
        assert response.url == reverse("home")
        assert client.get(response.url).url == reverse("admin:index")


def test_when_required_staff_set_up_two_factor_before_the_admin_opens(client, settings):
    settings.STAFF_MFA_REQUIRED = True
    staff = staff_user("support@alma.test", "view_provider")
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.url == reverse("mfa_activate_totp")
    # With an authenticator app, a session that never entered its code is asked for one
    # (the code itself opening the admin: tests/accounts/test_staff_signin.py).
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={})
    assert client.get(reverse("admin:index")).url.startswith(reverse("mfa_reauthenticate"))
