"""Sessions end (issue 10, item 6): staff after 30 minutes idle and 12 hours in all, providers
after 4 hours idle; all configurable; the person lands on sign-in and is told why.

Every test runs on a clock it moves itself (time_machine, not ticking), started from whatever
"now" is, so it holds on any date and under a shifted suite clock.
"""

import datetime as dt
from html import unescape

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from alma.sessions import SIGNED_IN_AT
from onboarding import links
from tests.helpers import manage, production_env, staff_user
from tests.pipeline import PASSWORD, grant_portal_access, provider_at_forms_approved

pytestmark = pytest.mark.django_db


def wait(clock, **elapsed) -> None:
    clock.shift(dt.timedelta(**elapsed))


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def landing_page(client, path: str) -> str:
    """The page a person ends up on after asking for `path` (redirects followed)."""
    return unescape(client.get(path, follow=True).content.decode())


def test_staff_are_signed_out_after_30_minutes_without_activity(client, clock):
    client.force_login(staff_user("support@alma.test", "view_provider"))
    for _ in range(3):  # working steadily keeps the session: 29 minutes between requests
        wait(clock, minutes=29)
        assert client.get("/admin/").status_code == 200
    wait(clock, minutes=31)
    page = landing_page(client, "/admin/")
    assert not is_signed_in(client)
    assert "You were signed out after 30 minutes without activity" in page
    assert 'name="login"' in page  # allauth's sign-in form, on the way back to the admin


def test_staff_sessions_end_12_hours_after_sign_in_however_active(client, clock):
    client.force_login(staff_user("support@alma.test", "view_provider"))
    for _ in range(12 * 3):  # a request every 20 minutes for 12 hours
        assert client.get(reverse("home")).url == reverse("admin:index")
        wait(clock, minutes=20)
    page = landing_page(client, reverse("home"))
    assert not is_signed_in(client)
    assert "staff sessions end 12 hours after signing in" in page
    assert 'id="provider-sign-in"' in page  # the front door's way back in (`/` is public now)


def test_providers_are_signed_out_after_4_hours_without_activity(client, clock):
    provider = grant_portal_access(provider_at_forms_approved())
    assert client.post(reverse("account_login"), {"login": provider.user.email, "password": PASSWORD}).url
    wait(clock, hours=3, minutes=59)
    assert client.get(reverse("portal:dashboard")).status_code == 200
    wait(clock, hours=4, minutes=1)
    response = client.get(reverse("portal:dashboard"))
    assert response.url.startswith(reverse("account_login"))
    assert "next=" in response.url  # back to the dashboard after signing in again
    assert "You were signed out after 4 hours without activity" in landing_page(client, response.url)


def test_the_limits_come_from_settings(client, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_STAFF_MINUTES = 5
    settings.SESSION_ABSOLUTE_TIMEOUT_STAFF_HOURS = 1
    client.force_login(staff_user("support@alma.test", "view_provider"))
    wait(clock, minutes=4)
    assert client.get(reverse("home")).url == reverse("admin:index")
    wait(clock, minutes=6)
    # Signed out: `/` is the public directory's front door now (issue 12), with the way to sign in.
    assert 'id="provider-sign-in"' in client.get(reverse("home")).text
    assert not is_signed_in(client)

    client.force_login(staff_user("credentialing@alma.test", "view_provider"))
    for _ in range(15):  # active every 4 minutes, until an hour is up
        wait(clock, minutes=4)
        page = landing_page(client, reverse("home"))  # the last one: the public front door, and why
    assert "staff sessions end 1 hour after signing in" in page


def test_the_limits_are_read_from_the_environment():
    show = (
        "from django.conf import settings as s; print(s.SESSION_IDLE_TIMEOUT_MINUTES,"
        " s.SESSION_IDLE_TIMEOUT_STAFF_MINUTES, s.SESSION_ABSOLUTE_TIMEOUT_STAFF_HOURS, s.SESSION_COOKIE_AGE)"
    )
    defaults = manage("shell", "--no-imports", "-c", show, env=production_env())
    assert defaults.stdout.split() == ["240", "30", "12", str(12 * 60 * 60)]
    configured = production_env() | {
        "SESSION_IDLE_TIMEOUT_MINUTES": "120",
        "SESSION_IDLE_TIMEOUT_STAFF_MINUTES": "15",
        "SESSION_ABSOLUTE_TIMEOUT_STAFF_HOURS": "8",
    }
    assert manage("shell", "--no-imports", "-c", show, env=configured).stdout.split() == [
        "120",
        "15",
        "8",
        str(8 * 60 * 60),
    ]


@pytest.mark.parametrize("remember", [False, True])
def test_the_server_forgets_a_session_after_12_hours_not_14_days(client, clock, remember):
    provider = grant_portal_access(provider_at_forms_approved())
    form = {"login": provider.user.email, "password": PASSWORD} | ({"remember": "on"} if remember else {})
    client.post(reverse("account_login"), form)
    stored = Session.objects.get(session_key=client.session.session_key)
    # The longest limit (the staff lifetime): long enough that the middleware, not the session
    # store, ends an idle session, and can say why.
    assert stored.expire_date - timezone.now() == dt.timedelta(hours=12)


def test_activity_is_written_at_most_once_a_minute(client, clock):
    client.force_login(staff_user("support@alma.test", "view_provider"))

    def server_expiry():
        return Session.objects.get(session_key=client.session.session_key).expire_date

    signed_in = server_expiry()
    wait(clock, seconds=40)
    client.get(reverse("home"))
    assert server_expiry() == signed_in  # nothing saved: the session row was not rewritten
    wait(clock, seconds=40)
    client.get(reverse("home"))
    assert server_expiry() == signed_in + dt.timedelta(seconds=80)  # saved, moving its expiry on


def test_an_emailed_form_link_still_opens_after_an_idle_sign_out(client, clock):
    provider = grant_portal_access(provider_at_forms_approved())
    client.force_login(provider.user)
    path = links.form_path(provider, links.GENERAL_ONBOARDING)
    wait(clock, hours=5)
    response = client.get(path)
    assert response.status_code == 200  # the link needs no sign-in, so it is not sent to one
    assert not is_signed_in(client)


def test_a_session_from_before_the_limits_starts_its_clocks_at_its_next_request(client, clock):
    client.force_login(staff_user("support@alma.test", "view_provider"))
    session = client.session
    session.pop(SIGNED_IN_AT)
    session.save()
    wait(clock, hours=11)
    assert client.get(reverse("home")).url == reverse("admin:index")  # not signed out at once
    wait(clock, minutes=31)
    # Signed out: `/` is the public directory's front door now (issue 12), with the way to sign in.
    assert 'id="provider-sign-in"' in client.get(reverse("home")).text
    assert not is_signed_in(client)
