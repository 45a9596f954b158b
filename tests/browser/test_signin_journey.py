"""Sign In for a provider still onboarding, in a real browser: the page explains they need no
password yet, "Email me my onboarding link again" answers the same for every address and emails
the link for their current step once; an expired link's page offers "Email me a fresh link".

The link is taken out of the email that was actually delivered (anymail's test backend).
"""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from onboarding import links
from onboarding.models import OutboxEmail
from portal.services.link_requests import LINK_AGAIN_KINDS
from tests.browser.pages import DESKTOP, PHONE, link_in, no_horizontal_scroll, open_page
from tests.factories import ProviderFactory

PHONE_390 = {**PHONE, "width": 390}
GENERAL_ONBOARDING_SUBJECT = "Your link to the General Onboarding form"


@pytest.fixture(autouse=True)
def _limits_reset():
    cache.clear()  # rate limits counted by earlier tests


def link_again_emails(to: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [to] and m.subject == GENERAL_ONBOARDING_SUBJECT]


def link_again_rows(provider) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(provider=provider, step__in=LINK_AGAIN_KINDS).order_by("pk"))


def ask_for_my_link_again(page: Page, base_url: str, email: str) -> str:
    """From Sign In, as a person would: the answer's text."""
    page.goto(f"{base_url}{reverse('account_login')}")
    help_section = page.get_by_role("region", name="Still onboarding? You don't need a password yet")
    help_section.get_by_label("Email address").fill(email)
    help_section.get_by_role("button", name="Email me my onboarding link again").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    return page.get_by_role("main").inner_text()


@pytest.mark.django_db(transaction=True)
def test_an_onboarding_provider_asks_sign_in_for_their_link_again(live_server, settings, new_context):
    settings.SITE_URL = live_server.url
    provider = ProviderFactory(legal_name="Dana Whitfield", email="dana.whitfield@example.com")
    page = open_page(new_context, DESKTOP)

    page.goto(f"{live_server.url}{reverse('account_login')}")
    help_section = page.get_by_role("region", name="Still onboarding? You don't need a password yet")
    expect(help_section).to_be_visible()
    expect(help_section).to_contain_text("you work from the links in Alma's emails, no password needed")
    expect(page.get_by_text("sign up", exact=False)).to_have_count(0)

    answer = ask_for_my_link_again(page, live_server.url, "Dana.Whitfield@example.com")
    assert "If the address belongs to a provider onboarding with Alma" in answer
    [row] = link_again_rows(provider)
    assert (row.step, row.key) == ("link_again_general_onboarding", "request-1")
    [email] = link_again_emails("dana.whitfield@example.com")
    # The link is the current step's: it opens the provider's General Onboarding form.
    fresh = link_in(email)
    assert fresh.startswith(f"{live_server.url}/onboarding/{provider.public_id}/general-onboarding/")
    form_page = open_page(new_context, DESKTOP)
    response = form_page.goto(fresh)
    assert response is not None
    assert response.status == 200
    expect(form_page.get_by_role("heading", name="General Onboarding", exact=False).first).to_be_visible()

    # The same request again within the quiet period: the same answer, nothing more sent.
    assert ask_for_my_link_again(page, live_server.url, "dana.whitfield@example.com") == answer
    assert len(link_again_rows(provider)) == 1
    assert len(link_again_emails("dana.whitfield@example.com")) == 1

    # An address nobody uses: word for word the same answer, and no email at all.
    sent_so_far = len(mail.outbox)
    assert ask_for_my_link_again(page, live_server.url, "nobody@example.com") == answer
    assert len(mail.outbox) == sent_so_far


@pytest.mark.django_db(transaction=True)
def test_an_expired_link_offers_a_fresh_one(live_server, settings, new_context):
    settings.SITE_URL = live_server.url
    provider = ProviderFactory(legal_name="Dana Whitfield", email="dana.whitfield@example.com")
    # A link made longer ago than links live.
    made = timezone.now() - timedelta(days=settings.FORM_LINK_MAX_AGE_DAYS, hours=1)
    with time_machine.travel(made, tick=False):
        expired_link = links.form_url(provider, links.GENERAL_ONBOARDING)

    page = open_page(new_context, DESKTOP)
    response = page.goto(expired_link)
    assert response is not None
    assert response.status == 410
    expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
    # The page knows whose link it was: one button, no address to type.
    expect(page.get_by_label("Email address")).to_have_count(0)
    page.get_by_role("button", name="Email me a fresh link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(
        "If the address belongs to a provider onboarding with Alma"
    )

    [row] = link_again_rows(provider)
    assert (row.step, row.to_email) == ("link_again_general_onboarding", "dana.whitfield@example.com")
    [email] = link_again_emails("dana.whitfield@example.com")
    fresh = link_in(email)
    assert fresh != expired_link
    response = open_page(new_context, DESKTOP).goto(fresh)
    assert response is not None
    assert response.status == 200


@pytest.mark.django_db(transaction=True)
def test_sign_in_fits_a_390_px_phone(live_server, new_context):
    page = open_page(new_context, PHONE_390, is_mobile=True, has_touch=True)
    page.goto(f"{live_server.url}{reverse('account_login')}")
    expect(page.get_by_role("button", name="Email me my onboarding link again")).to_be_visible()
    no_horizontal_scroll(page, PHONE_390["width"])
