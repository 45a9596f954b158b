"""Steps 4 onward in a real browser: the portal-access email, a first password (a weak one
refused), the Onboarding Dashboard, the client roster's insurance rule, and a Help ticket.

Screenshots of the dashboard at desktop and phone width land in test-artifacts/ (not committed)
for a reviewer to look at.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from credentialing.models import ApplicationStatus
from helpdesk.models import Ticket
from practice.models import Client
from tests.browser.pages import DESKTOP, PHONE, delivered_email, feedback, field, link_in, open_page
from tests.credentialing_factories import PayerFactory, make_application
from tests.pipeline import provider_at_forms_approved

# Not test-results/: pytest-playwright empties that folder at the start of every run.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.django_db(transaction=True)
def test_from_the_portal_access_email_to_a_first_client_and_a_help_ticket(live_server, settings, new_context):
    settings.SITE_URL = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    payer = PayerFactory(name="Aetna", slug="aetna")
    provider = provider_at_forms_approved(legal_name="Jordan Rivera", email="jordan.rivera@example.com")
    make_application(
        provider=provider,
        payer=payer,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=3),
    )

    page = open_page(new_context, DESKTOP)
    page.goto(link_in(delivered_email("jordan.rivera@example.com", "set your password")))

    # A weak password first: a clear error next to the field, nothing saved.
    page.locator("input[name=password1]").fill("password123")
    page.locator("input[name=password2]").fill("password123")
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.get_by_text("This password is too common.")).to_be_visible()
    provider.user.refresh_from_db()
    assert not provider.user.has_usable_password()

    page.locator("input[name=password1]").fill("Harbor-Counsel-2026")
    page.locator("input[name=password2]").fill("Harbor-Counsel-2026")
    page.get_by_role("button", name="Set password and sign in").click()

    # Signed in, on the dashboard, with the right items done and undone.
    expect(page.get_by_role("heading", name="Onboarding", exact=False).first).to_be_visible()
    assert page.url.startswith(f"{live_server.url}/portal/onboarding/")
    for done in ("general_onboarding", "insurance_form", "staff_review", "set_password"):
        expect(page.locator(f"#item-{done}")).to_have_attribute("data-done", "true")
    for undone in ("webinar", "quiz", "payouts", "add_client", "payer_approval"):
        expect(page.locator(f"#item-{undone}")).to_have_attribute("data-done", "false")
    page.screenshot(path=str(ARTIFACTS / "dashboard-desktop.png"), full_page=True)
    phone = open_page(
        new_context, PHONE, is_mobile=True, has_touch=True, storage_state=page.context.storage_state()
    )
    phone.goto(page.url)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)

    # A cash-pay client is welcome before the effective date...
    page.goto(f"{live_server.url}/practice/clients/add/")
    field(page, "First name").fill("Sam")
    field(page, "Last name").fill("Lee")
    field(page, "Email").fill("sam.lee@example.com")
    page.get_by_label("Cash-pay", exact=False).check()
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("status")).to_contain_text("Sam Lee is on your roster as a cash-pay client.")
    expect(page.get_by_role("cell", name="Sam Lee")).to_be_visible()

    # ...an insurance client with a payer still deciding is not, and the page says why and when.
    page.goto(f"{live_server.url}/practice/clients/add/")
    field(page, "First name").fill("Ana")
    field(page, "Last name").fill("Cruz")
    field(page, "Email").fill("ana.cruz@example.com")
    page.get_by_label("Insurance", exact=False).first.check()
    field(page, "Insurance payer").select_option(label="Aetna")
    page.get_by_role("button", name="Add client").click()
    payer_error = feedback(page, field(page, "Insurance payer"))
    expect(payer_error).to_contain_text("Aetna")
    expect(payer_error).to_contain_text("decision expected by")
    assert list(Client.objects.filter(provider=provider).values_list("last_name", flat=True)) == ["Lee"]

    # Help, from whatever page they are on.
    page.locator("#help-button").click()
    field(page, "What is it about?").select_option(index=1)
    field(page, "Subject").fill("When can I see Aetna clients?")
    field(page, "How can we help?").fill(
        "My Aetna application was submitted three days ago. What happens next?"
    )
    page.get_by_role("button", name="Send", exact=False).click()
    expect(page.get_by_text("When can I see Aetna clients?").first).to_be_visible()
    ticket = Ticket.objects.get(provider=provider)
    assert ticket.subject == "When can I see Aetna clients?"
    assert "/practice/clients/add/" in ticket.page
    delivered_email("jordan.rivera@example.com", "We received your help request")
