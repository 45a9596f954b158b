"""A provider reads each payer's dated status, by visible labels, on Insurance & Directories and
on the dashboard: the expected decision range from the portal's history, who acts next, and a
late application flagged with what Alma does about it. Writes the README's screenshot."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from credentialing.models import ApplicationStatus
from credentialing.services import applications as services
from onboarding.models import GeneralOnboarding
from tests.browser.pages import DESKTOP, PHONE, no_horizontal_scroll, open_page
from tests.credentialing_factories import PayerFactory, make_application
from tests.factories import ProviderFactory
from tests.helpers import REPO

S = ApplicationStatus
SCREENSHOT = REPO / "docs" / "screenshots" / "dashboard-payer-status.png"


def in_new_york(provider):
    GeneralOnboarding.objects.update_or_create(provider=provider, defaults={"state": "NY"})
    return provider


def seed_decisions(payer, waits_in_days: list[int]) -> None:
    """Past decisions by `payer` for New York providers, through the services staff use."""
    for n, wait in enumerate(waits_in_days):
        submitted = timezone.now() - dt.timedelta(days=200 + 3 * n)
        application = make_application(
            provider=in_new_york(ProviderFactory()), payer=payer, status=S.SUBMITTED, submitted_at=submitted
        )
        services.application_approve(
            application=application,
            effective_date=(submitted + dt.timedelta(days=wait)).date(),
            actor=None,
            now=submitted + dt.timedelta(days=wait),
        )


def signed_in_page(new_context, live_server, provider, viewport):
    client = Client()
    client.force_login(provider.user)
    page = open_page(new_context, viewport)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


@pytest.mark.django_db(transaction=True)
def test_each_payer_shows_its_dated_status_on_both_pages(live_server, new_context):
    aetna = PayerFactory(name="Aetna", slug="aetna")
    cigna = PayerFactory(name="Cigna", slug="cigna")
    evergreen = PayerFactory(name="Evergreen Health", slug="evergreen")
    seed_decisions(aetna, [24, 26, 28, 30, 35, 40])
    provider = in_new_york(ProviderFactory(legal_name="Morgan Alvarez"))
    make_application(
        provider=provider, payer=aetna, status=S.SUBMITTED, submitted_at=timezone.now() - dt.timedelta(days=3)
    )
    make_application(
        provider=provider,
        payer=cigna,
        status=S.SUBMITTED,
        submitted_at=timezone.now() - dt.timedelta(days=50),
    )
    make_application(provider=provider, payer=evergreen, status=S.REQUESTED)

    page = signed_in_page(new_context, live_server, provider, DESKTOP)
    page.goto(f"{live_server.url}/portal/onboarding/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Insurance & Directories").click()
    expect(page.get_by_role("heading", name="Insurance & Directories", level=1)).to_be_visible()

    aetna_card = page.get_by_role("region", name="Aetna")
    expect(aetna_card.get_by_text("Decision expected", exact=True)).to_be_visible()
    expected = aetna_card.locator("[data-expected-decision]")
    expect(expected).to_contain_text(
        re.compile(r"^\s*between \w{3} \d{1,2}(, \d{4})? and \w{3} \d{1,2}, \d{4}")
    )
    expect(expected).to_contain_text("From 6 recent decisions by Aetna for providers practising in NY")
    expect(aetna_card.get_by_text("Who acts next", exact=True)).to_be_visible()
    expect(aetna_card.locator("[data-next-actor]")).to_have_text(
        "Aetna: Aetna is reviewing your application."
    )

    cigna_card = page.get_by_role("region", name="Cigna")
    expect(cigna_card.locator("[data-expected-decision]")).to_contain_text(
        re.compile(r"^\s*by \w{3} \d{1,2}, \d{4}")
    )
    expect(
        cigna_card.get_by_text(
            "Past the expected date: Alma's credentialing team is following up with Cigna."
        )
    ).to_be_visible()
    expect(page.get_by_role("region", name="Evergreen Health").locator("[data-next-actor]")).to_have_text(
        "Alma: Alma's credentialing team is preparing your application to Evergreen Health."
    )

    page.goto(f"{live_server.url}/portal/onboarding/")
    credentialing = page.get_by_role("region", name="Credentialing")
    aetna_row = credentialing.locator("#payer-aetna")
    expect(aetna_row).to_contain_text(re.compile(r"Decision expected between"))
    expect(aetna_row).to_contain_text("Who acts next: Aetna")
    expect(credentialing.locator("#payer-cigna")).to_contain_text("Past the expected date")
    expect(credentialing.locator("#payer-evergreen")).to_contain_text("Who acts next: Alma")
    go_live = page.get_by_role("region", name="Directory go-live")
    expect(go_live).to_contain_text(re.compile(r"Likely live (between|on) .*waiting for Aetna's decision"))

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    credentialing.screenshot(path=str(SCREENSHOT))

    phone = signed_in_page(new_context, live_server, provider, PHONE)
    phone.goto(f"{live_server.url}/portal/onboarding/")
    expect(phone.get_by_role("region", name="Credentialing")).to_contain_text("Who acts next: Aetna")
    no_horizontal_scroll(phone, PHONE["width"])
    phone.goto(f"{live_server.url}/insurance/")
    no_horizontal_scroll(phone, PHONE["width"])
