"""The client roster on a phone (390 px): each client is a card, nothing scrolls sideways, and the
Help button never covers the last card's text. A provider edits and archives a client by label."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.browser.pages import field, no_horizontal_scroll, open_page
from tests.factories import ProviderFactory
from tests.practice_factories import add_client

PHONE_390 = {"width": 390, "height": 844}


def signed_in_page(new_context, live_server, provider, viewport):
    client = Client()
    client.force_login(provider.user)
    page = open_page(new_context, viewport)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def overlaps(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.django_db(transaction=True)
def test_the_roster_fits_a_phone_and_the_help_button_covers_no_text(live_server, new_context):
    provider = ProviderFactory()
    for n in range(6):
        add_client(
            provider,
            n=n,
            first_name="Maximiliana",
            last_name=f"Featherstonehaugh-Worthington{n}",
            email=f"maximiliana.featherstonehaugh{n}@example-long-domain.com",
        )
    page = signed_in_page(new_context, live_server, provider, PHONE_390)
    page.goto(f"{live_server.url}/practice/clients/")
    expect(page.get_by_role("heading", name="Clients", level=1)).to_be_visible()
    no_horizontal_scroll(page, PHONE_390["width"])
    # Nor inside the page: the roster itself does not scroll sideways (no hidden overflow).
    roster = page.locator("#client-roster")
    assert roster.evaluate(
        "el => el.scrollWidth <= el.clientWidth"
        " && el.parentElement.scrollWidth <= el.parentElement.clientWidth"
    )
    assert roster.bounding_box()["x"] + roster.bounding_box()["width"] <= PHONE_390["width"]

    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    help_box = page.locator("#help-button").bounding_box()
    last_card = page.locator("tr[data-client]").last
    for part in last_card.locator("th, td").all():
        box = part.bounding_box()
        assert box is not None
        assert not overlaps(help_box, box), (help_box, box)


@pytest.mark.django_db(transaction=True)
def test_a_provider_edits_and_archives_a_client_by_label(live_server, new_context):
    provider = ProviderFactory()
    add_client(provider, first_name="Maya", last_name="Okafor")
    page = signed_in_page(new_context, live_server, provider, PHONE_390)
    page.goto(f"{live_server.url}/practice/clients/")
    page.get_by_role("link", name="Edit Maya Okafor").click()
    field(page, "Last name").fill("Okafor-Reyes")
    page.get_by_role("button", name="Save client").click()
    expect(page.get_by_text("Maya Okafor-Reyes's details are saved (Cash-pay).")).to_be_visible()

    page.get_by_role("button", name="Archive Maya Okafor-Reyes").click()
    expect(page.get_by_text("Maya Okafor-Reyes is archived")).to_be_visible()
    expect(page.locator("tr[data-client]")).to_have_count(0)
    page.get_by_role("link", name="Show archived clients (1)").click()
    page.get_by_role("button", name="Restore Maya Okafor-Reyes").click()
    expect(page.get_by_text("Maya Okafor-Reyes is back on your roster.")).to_be_visible()
    no_horizontal_scroll(page, PHONE_390["width"])
