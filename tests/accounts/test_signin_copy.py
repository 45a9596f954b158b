"""allauth's pages and messages in the portal's words, branded error pages and the favicon."""

from html import unescape

import pytest
from django.test import Client
from django.urls import path, reverse

from onboarding import links
from tests.helpers import element, text_at
from tests.pipeline import provider_at_forms_approved

pytestmark = pytest.mark.django_db


def test_the_first_password_is_welcomed_not_changed(client, provider):
    provider = provider_at_forms_approved(provider)
    url = links.set_password_url(provider).split("/", 3)[3]
    page = client.get(f"/{url}", follow=True)
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else f"/{url}",
        {"password1": "Harbor-Counsel-2026", "password2": "Harbor-Counsel-2026"},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["Your password is set. Welcome to the Alma portal."]
    assert "Password successfully changed." not in unescape(response.text)


def test_a_wrong_password_points_a_provider_without_one_to_their_link(client, provider, rate_limits_reset):
    response = client.post(
        reverse("account_login"), {"login": provider.user.email, "password": "guess-a-password"}
    )
    assert "Still onboarding? You don't have a password yet" in text_at(response.text, "div#login-error")


def test_signing_out_says_so_in_the_portals_words(client, provider):
    client.force_login(provider.user)
    response = client.post(reverse("account_logout"), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["You've signed out of the Alma portal."]


def test_forgot_password_pages_speak_to_providers_still_onboarding(client, provider, rate_limits_reset):
    page = client.get(reverse("account_reset_password")).text
    assert "email me my onboarding link again" in text_at(page, "main")
    done = client.post(reverse("account_reset_password"), {"email": provider.user.email}, follow=True)
    assert "We've emailed a link to choose your password." in text_at(done.text, "p#password-reset-sent")


def test_an_unknown_address_gets_the_branded_404_page(client, settings):
    assert settings.DEBUG is False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert text_at(response.text, "h1") == "We can't find that page"
    assert 'href="/"' in element(response.text, "a#error-home")
    assert settings.SUPPORT_EMAIL in response.text


def _boom(request):
    raise RuntimeError("the database is down")


urlpatterns = [path("boom/", _boom)]
handler500 = "portal.views.server_error"


def test_a_server_error_gets_the_branded_500_page_without_any_context(settings):
    settings.ROOT_URLCONF = __name__
    browser = Client(raise_request_exception=False)
    response = browser.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert settings.SUPPORT_EMAIL in response.text
    assert 'href="/"' in response.text
    assert "the database is down" not in response.text


def test_the_favicon_is_linked_and_served(client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    browser = Client()
    page = browser.get(reverse("account_login")).text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    icon = browser.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content) if icon.streaming else icon.content
    ico = browser.get("/favicon.ico", follow=True)
    assert ico.redirect_chain[0][0] == "/static/favicon.svg"
    assert ico.status_code == 200
