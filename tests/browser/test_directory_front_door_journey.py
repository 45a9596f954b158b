"""Acceptance, by visible labels in a real browser: an anonymous visitor searches the directory from
`/`, opens a profile and sends a contact message; the provider receives it exactly once (the
outbox delivering through the test email backend), and the visitor's details are then erased.

The desktop front door is saved to docs/screenshots/directory-front-door.png for the README.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from directory.models import ContactMessage
from directory.tasks import publish_due_profiles
from onboarding.services import outbox_sweep
from tests.browser.pages import (
    DESKTOP,
    assert_error_next_to,
    delivered_email,
    field,
    no_horizontal_scroll,
    open_page,
)
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import ready_provider

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE_390 = {"width": 390, "height": 844}
MESSAGE = "Hello, I'm looking for evening video sessions for anxiety. Do you have openings this month?"
SUBJECT = "sent you a message through the Alma directory"


@pytest.mark.django_db(transaction=True)
def test_a_visitor_searches_from_the_front_door_and_contacts_a_provider_who_gets_it_once(
    live_server, new_context
):
    aetna = PayerFactory(name="Aetna Test", slug="aetna-test")
    today = timezone.localdate()
    provider = ready_provider(
        effective=today - dt.timedelta(days=3),
        trained_at=timezone.now() - dt.timedelta(days=5),
        payer=aetna,
        legal_name="Jordan Rivera",
        contracted_start_date=today - dt.timedelta(days=10),
    )
    mail.outbox.clear()  # the onboarding emails of the set-up

    page = open_page(new_context, DESKTOP)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a therapist who takes your insurance")
    expect(page.get_by_role("link", name="For providers: sign in to the portal")).to_be_visible()
    expect(page.locator("#client-footer")).to_contain_text("In crisis? Call or text 988")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "directory-front-door.png"))

    field(page, "Name or keywords").fill("anxiety")
    page.get_by_label("Insurance").select_option(label="Aetna Test")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 provider matches your search")).to_be_visible()
    page.get_by_role("link", name="Jordan Rivera, LCSW").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jordan Rivera, LCSW")
    expect(page.locator("#contact")).to_contain_text("Please don't include health details")

    # A mistake first: the error sits next to its field and nothing typed is lost.
    field(page, "Your name").fill("Sam Lee")
    field(page, "Your email address").fill("sam.lee@example")
    field(page, "Your message").fill(MESSAGE)
    page.get_by_role("button", name="Send message").click()
    assert_error_next_to(page, field(page, "Your email address"), "Enter a valid email address.")
    expect(field(page, "Your name")).to_have_value("Sam Lee")
    expect(field(page, "Your message")).to_have_value(MESSAGE)
    assert not ContactMessage.objects.exists()

    field(page, "Your email address").fill("sam.lee@example.com")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("heading", name="Your message is on its way")).to_be_visible()
    assert re.search(r"/directory/jordan-rivera/contact/sent/", page.url)

    # Delivered on commit through the outbox; a later sweep sends nothing more.
    message = delivered_email(provider.user.email, SUBJECT)
    outbox_sweep()
    message = delivered_email(provider.user.email, SUBJECT)  # still exactly one
    assert message.subject == f"Sam Lee {SUBJECT}"
    assert MESSAGE in message.body
    assert "sam.lee@example.com" in message.body

    # The directory's sweep then erases the visitor's details.
    assert publish_due_profiles()["contact_messages_erased"] == 1
    assert ContactMessage.objects.get().visitor_email == ""

    # On a 390 px phone: the front door and the profile with its form fit the screen.
    phone = open_page(new_context, PHONE_390, is_mobile=True, has_touch=True)
    phone.goto(f"{live_server.url}/")
    no_horizontal_scroll(phone, PHONE_390["width"])
    phone.goto(f"{live_server.url}/directory/jordan-rivera/")
    expect(phone.get_by_role("button", name="Send message")).to_be_visible()
    no_horizontal_scroll(phone, PHONE_390["width"])
