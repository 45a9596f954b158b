"""Staff sign-in has one door: allauth's, with its authenticator-code stage and its rate limits.

Issue 10, item 2 (and the trusted-proxy finding of item 9). Django admin's own login form
authenticated with the password alone, unthrottled, for anyone who reached it signed in.
"""

import datetime as dt
import uuid
from html import unescape

import pytest
import yaml
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import ProviderFactory
from tests.helpers import REPO, STAFF_PASSWORD, manage, production_env, staff_user, totp_code
from tests.pipeline import PASSWORD, grant_portal_access

pytestmark = pytest.mark.django_db

STAFF_EMAIL = "credentialing@alma.test"
TOO_MANY = "Too many sign-in attempts"
# allauth 65's default "login_failed" limit: 10 per minute per client address (and 5 per
# 5 minutes per account). The 11th bad password within the minute is the one refused.
ATTEMPTS_ALLOWED = 10


@pytest.fixture(autouse=True)
def _rate_limit_cache(settings):
    # allauth counts attempts in the cache; DummyCache would count nothing. A fresh locmem
    # cache per test, so counts never leak from one test to the next.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"staff-signin-{uuid.uuid4()}",
        }
    }


def staff_with_authenticator_app(email: str = STAFF_EMAIL) -> tuple[User, str]:
    staff = staff_user(email, "view_provider")
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    return staff, secret


def sign_in(client, email: str = STAFF_EMAIL, password: str = STAFF_PASSWORD, *, next_url: str = ""):
    """A POST to allauth's sign-in page."""
    query = f"?next={next_url}" if next_url else ""
    return client.post(f"{reverse('account_login')}{query}", {"login": email, "password": password})


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def is_refused(response) -> bool:
    """allauth refuses over the limit with a 429 page or a form error, depending on the path."""
    return response.status_code == 429 or TOO_MANY in unescape(response.content.decode())


# --- the admin login view -------------------------------------------------------------------


def test_a_signed_in_provider_posting_a_staff_password_to_the_admin_login_gets_no_admin(client, settings):
    settings.STAFF_MFA_REQUIRED = True
    staff = staff_user(STAFF_EMAIL, "view_provider")
    provider = ProviderFactory()
    client.force_login(provider.user)

    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 403
    assert 'name="password"' not in page.text
    assert "no staff access" in page.text

    response = client.post(
        "/admin/login/?next=/admin/", {"username": STAFF_EMAIL, "password": STAFF_PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 403
    assert signed_in_user_id(client) == str(provider.user.pk)
    assert client.get("/admin/").status_code == 302  # back to the door, never the index
    assert signed_in_user_id(client) != str(staff.pk)


def test_posting_staff_credentials_to_the_admin_login_signed_out_only_leads_to_allauth(client):
    staff_user(STAFF_EMAIL, "view_provider")
    response = client.post(
        "/admin/login/?next=/admin/sla/", {"username": STAFF_EMAIL, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=%2Fadmin%2Fsla%2F"
    assert signed_in_user_id(client) is None
    # The door never forwards to another site.
    assert client.get("/admin/login/?next=https://evil.example/").url.endswith("next=%2Fadmin%2F")


# --- the authenticator-code step ------------------------------------------------------------


def test_a_staff_session_without_the_totp_step_gets_no_admin(client, settings, clock):
    settings.STAFF_MFA_REQUIRED = True
    staff, secret = staff_with_authenticator_app()
    # A session made some other way than allauth's code stage (here Django's force_login; in
    # the finding, admin's own form): the device exists, this session never proved it.
    client.force_login(staff)
    for page in ("/admin/", "/admin/onboarding/provider/", "/admin/sla/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response.url.startswith(reverse("mfa_reauthenticate")), page

    # Entering a code from the app is the step; it opens the page that was asked for.
    clock.shift(dt.timedelta(seconds=30))
    response = client.post(f"{reverse('mfa_reauthenticate')}?next=/admin/", {"code": totp_code(secret)})
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_password_session_that_predates_the_authenticator_app_still_needs_its_code(client, settings, clock):
    settings.STAFF_MFA_REQUIRED = True
    staff = staff_user(STAFF_EMAIL, "view_provider")
    assert sign_in(client).status_code == 302
    assert client.get("/admin/").url == reverse("mfa_activate_totp")
    TOTP.activate(staff, generate_totp_secret())  # set up later, or on another device
    assert client.get("/admin/").url.startswith(reverse("mfa_reauthenticate"))


def test_staff_who_pass_the_totp_step_at_sign_in_get_the_admin(client, settings, clock):
    settings.STAFF_MFA_REQUIRED = True
    _staff, secret = staff_with_authenticator_app()
    response = sign_in(client, next_url="/admin/")
    assert response.url.startswith(reverse("mfa_authenticate"))
    assert signed_in_user_id(client) is None  # the password alone signs nobody in
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_without_the_requirement_the_admin_opens_on_the_password(client, settings):
    # Local and compose stacks (STAFF_MFA_REQUIRED off): what seed_demo's staff logins rely on.
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(staff_user(STAFF_EMAIL, "view_provider"))
    assert client.get("/admin/").status_code == 200


def test_a_password_reset_link_signs_staff_in_only_through_the_code_stage(client, settings, clock):
    # ACCOUNT_LOGIN_ON_PASSWORD_RESET signs in after a reset: allauth's same login stages run.
    settings.STAFF_MFA_REQUIRED = True
    staff, secret = staff_with_authenticator_app()
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(staff), "key": default_token_generator.make_token(staff)},
    )
    page = client.get(path, follow=True)  # allauth moves the key out of the URL by a redirect
    new_password = "Another-Desk-2027!"
    response = client.post(page.request["PATH_INFO"], {"password1": new_password, "password2": new_password})
    assert response.url.startswith(reverse("mfa_authenticate"))
    assert signed_in_user_id(client) is None
    assert client.get("/admin/").status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert signed_in_user_id(client) == str(staff.pk)
    assert client.get("/admin/").status_code == 200


# --- rate limits on every sign-in path ------------------------------------------------------


def test_the_11th_bad_password_at_sign_in_is_refused_even_when_right(client):
    staff_user(STAFF_EMAIL, "view_provider")
    # Guessing across accounts (each account also has its own, lower limit).
    for attempt in range(ATTEMPTS_ALLOWED):
        response = sign_in(client, f"guess{attempt}@alma.test", "nope")
        assert not is_refused(response), attempt
    response = sign_in(client)
    assert is_refused(response)
    assert signed_in_user_id(client) is None


def test_bad_passwords_for_one_account_are_refused_after_allauths_per_account_limit(client):
    staff_user(STAFF_EMAIL, "view_provider")
    refused = [is_refused(sign_in(client, password=f"guess-{n}")) for n in range(ATTEMPTS_ALLOWED)]
    assert refused == [False] * 5 + [True] * 5
    assert is_refused(sign_in(client))
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("signed_in_as_provider", [False, True])
def test_the_admin_login_path_never_accepts_a_password_however_many_are_tried(client, signed_in_as_provider):
    staff = staff_user(STAFF_EMAIL, "view_provider")
    if signed_in_as_provider:
        client.force_login(ProviderFactory().user)
    attempts = [f"guess-{n}" for n in range(ATTEMPTS_ALLOWED)] + [STAFF_PASSWORD]
    for password in attempts:
        response = client.post("/admin/login/", {"username": STAFF_EMAIL, "password": password})
        if signed_in_as_provider:
            assert response.status_code == 403
        else:
            assert response.url.startswith(reverse("account_login"))
    assert signed_in_user_id(client) != str(staff.pk)


def test_the_11th_bad_password_at_reauthentication_is_refused_even_when_right(client):
    staff = staff_user(STAFF_EMAIL, "view_provider")
    client.force_login(staff)
    for attempt in range(ATTEMPTS_ALLOWED):
        client.post(reverse("account_reauthenticate"), {"password": f"guess-{attempt}"})
    response = client.post(f"{reverse('account_reauthenticate')}?next=/admin/", {"password": STAFF_PASSWORD})
    assert is_refused(response)
    assert response.status_code != 302


def test_the_11th_bad_current_password_at_password_change_is_refused(client):
    provider = ProviderFactory()
    grant_portal_access(provider)
    client.force_login(provider.user)
    for attempt in range(ATTEMPTS_ALLOWED):
        client.post(
            reverse("account_change_password"),
            {
                "oldpassword": f"guess-{attempt}",
                "password1": "Brand-New-Pass-2027",
                "password2": "Brand-New-Pass-2027",
            },
        )
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Brand-New-Pass-2027", "password2": "Brand-New-Pass-2027"},
    )
    assert response.status_code == 429
    provider.user.refresh_from_db()
    assert provider.user.check_password(PASSWORD)


@pytest.mark.parametrize("stage", ["sign-in code", "reauthentication code"])
def test_the_11th_bad_authenticator_code_is_refused_even_when_right(client, clock, stage):
    staff, secret = staff_with_authenticator_app()
    if stage == "sign-in code":
        sign_in(client)
        url = reverse("mfa_authenticate")
    else:
        client.force_login(staff)
        url = reverse("mfa_reauthenticate")
    for _attempt in range(ATTEMPTS_ALLOWED):
        client.post(url, {"code": "000000"})
    clock.shift(dt.timedelta(seconds=30))
    response = client.post(url, {"code": totp_code(secret)})
    assert is_refused(response)
    assert response.status_code != 302


# --- behind the production proxy ------------------------------------------------------------


def fail_ten_times_from(client) -> None:
    for attempt in range(ATTEMPTS_ALLOWED):
        sign_in(client, f"guess{attempt}@alma.test", "nope")


@pytest.mark.parametrize(("proxies", "other_client_refused"), [(1, False), (0, True)])
def test_behind_the_proxy_clients_are_rate_limited_by_their_own_address(
    settings, proxies, other_client_refused
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    staff_user(STAFF_EMAIL, "view_provider")
    # Both come through the same proxy (the same REMOTE_ADDR), which appends what it saw.
    attacker = Client(headers={"x-forwarded-for": "203.0.113.7"})
    colleague = Client(headers={"x-forwarded-for": "198.51.100.23"})
    fail_ten_times_from(attacker)
    assert is_refused(sign_in(attacker))

    response = sign_in(colleague)
    # With the proxy counted, the colleague signs in; without it, everyone shares one address
    # and one attacker's failures lock everyone out (the finding).
    assert is_refused(response) is other_client_refused
    assert (signed_in_user_id(colleague) is None) is other_client_refused


def test_production_counts_one_proxy_unless_told_otherwise_and_compose_counts_none():
    show = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    assert manage("shell", "--no-imports", "-c", show, env=production_env()).stdout.strip() == "1"
    two = production_env() | {"ALLAUTH_TRUSTED_PROXY_COUNT": "2"}
    assert manage("shell", "--no-imports", "-c", show, env=two).stdout.strip() == "2"
    # The compose stack publishes gunicorn itself, with no proxy in front.
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    assert compose["services"]["web"]["environment"]["ALLAUTH_TRUSTED_PROXY_COUNT"] == "0"
