"""A prospective client in a real browser: search the directory by insurance and by words, open a
profile, on a desktop and on a phone. No sign-in anywhere.

A provider becomes live through the real path (forms approved by staff, payer approval, the
training moments, then the publishing sweep); screenshots land in test-results/ (not committed).
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from playwright.sync_api import expect

from directory import services as directory
from directory.models import DirectoryProfile
from tests.browser.pages import DESKTOP, PHONE, no_horizontal_scroll, open_page
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import Setup, bulk_providers, ready_provider
from tests.helpers import image_bytes

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.mark.django_db(transaction=True)
def test_a_client_finds_a_provider_by_insurance_and_words_and_opens_the_profile(live_server, new_context):
    ARTIFACTS.mkdir(exist_ok=True)
    aetna = PayerFactory(name="Aetna Test", slug="aetna-test")
    cigna = PayerFactory(name="Cigna Test", slug="cigna-test")
    today = timezone.localdate()
    provider = ready_provider(
        effective=today - dt.timedelta(days=3),
        trained_at=timezone.now() - dt.timedelta(days=5),
        payer=aetna,
        legal_name="Jordan Rivera",
        contracted_start_date=today - dt.timedelta(days=10),
    )
    name = default_storage.save(f"providers/{provider.public_id}/face.png", ContentFile(image_bytes()))
    DirectoryProfile.objects.filter(provider=provider).update(photo=name)
    # Others around: live with another payer, and one not live yet with the same payer.
    long_ago = timezone.now() - dt.timedelta(days=400)
    bulk_providers(
        [
            Setup(name=f"Other Provider {n}", effective=dt.date(2025, 1, 1), training_at=long_ago)
            for n in range(5)
        ],
        payer=cigna,
    )
    bulk_providers(
        [Setup(name="Pending Rivera", effective=today + dt.timedelta(days=20), training_at=long_ago)],
        payer=aetna,
    )
    directory.profiles_publish_due()

    page = open_page(new_context, DESKTOP)
    page.goto(f"{live_server.url}/directory/")
    expect(page.get_by_role("heading", name="Find a therapist")).to_be_visible()
    expect(page.get_by_role("heading", name="6 providers in the directory")).to_be_visible()

    page.get_by_label("Insurance").select_option(label="Aetna Test")
    page.get_by_label("Name or keywords").fill("anxiety transitions")
    page.get_by_label("Your state").select_option("NY")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", name="1 provider matches your search")).to_be_visible()
    result = page.locator("li[data-slug]")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("Jordan Rivera, LCSW")
    expect(result).to_contain_text("Aetna Test")
    # The filters stay filled in, so the client can refine the search.
    expect(page.get_by_label("Name or keywords")).to_have_value("anxiety transitions")
    page.screenshot(path=str(ARTIFACTS / "directory-search-desktop.png"), full_page=True)

    page.get_by_role("link", name="Jordan Rivera, LCSW").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jordan Rivera, LCSW")
    assert re.fullmatch(rf"{re.escape(live_server.url)}/directory/jordan-rivera/(\?.*)?", page.url)
    expect(page.locator("#insurance")).to_contain_text("Aetna Test")
    expect(page.locator("#bio")).to_contain_text("I work with adults navigating anxiety")
    photo = page.get_by_role("img", name="Photo of Jordan Rivera")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") > 0  # the private upload, served for a live profile
    page.get_by_role("link", name="Back to the search results").click()
    expect(page.locator("li[data-slug]")).to_have_count(1)

    # On a phone: the same search, nothing wider than the screen, the profile one tap away.
    phone = open_page(new_context, PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"{live_server.url}/directory/?payer=aetna-test&q=Rivera")
    expect(phone.locator("li[data-slug]")).to_have_count(1)
    no_horizontal_scroll(phone, PHONE["width"])
    phone.screenshot(path=str(ARTIFACTS / "directory-search-phone.png"), full_page=True)
    phone.get_by_role("link", name="Jordan Rivera, LCSW").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Jordan Rivera, LCSW")
    no_horizontal_scroll(phone, PHONE["width"])
