"""A draft keeps what the provider typed, even an answer that fails its check (issue 12: a
too-short bio was lost when the provider left): the page they come back to shows it, with its
error next to it, and on the Insurance Form the DEA name warning too."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from credentialing import links as credentialing_links
from onboarding import links
from onboarding.models import LicenseType
from tests.browser.pages import DESKTOP, assert_error_next_to, field, open_page
from tests.factories import ProviderFactory, submit_general_onboarding

SHORT_BIO = "I help adults with anxiety."


@pytest.mark.django_db(transaction=True)
def test_a_short_bio_saved_as_a_draft_is_there_with_its_error_on_return(live_server, new_context):
    provider = ProviderFactory()
    url = live_server.url + links.form_path(provider, links.GENERAL_ONBOARDING)
    page = open_page(new_context, DESKTOP)
    page.goto(url)
    field(page, "Practice name").fill("Harbor Counseling")
    field(page, "Directory bio").fill(SHORT_BIO)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved, except the answers marked below")).to_be_visible()

    later = open_page(new_context, DESKTOP)  # the provider comes back from the email's link
    later.goto(url)
    expect(later.locator("#draft-to-fix")).to_contain_text("still need attention")
    expect(field(later, "Practice name")).to_have_value("Harbor Counseling")
    bio = field(later, "Directory bio")
    expect(bio).to_have_value(SHORT_BIO)
    assert_error_next_to(later, bio, "at least 150 characters")


@pytest.mark.django_db(transaction=True)
def test_a_dea_number_under_another_surname_is_a_warning_on_return(live_server, new_context):
    provider = ProviderFactory(license_type=LicenseType.MD, legal_name="Ada Okafor")
    submit_general_onboarding(provider)
    url = live_server.url + links.form_path(provider, credentialing_links.INSURANCE_FORM)
    page = open_page(new_context, DESKTOP)
    page.goto(url)
    field(page, "DEA number").fill("AB1234563")
    field(page, "Name on the DEA registration").fill("Ada Smith")
    field(page, "DEA expiry date").fill((timezone.localdate() + dt.timedelta(days=300)).isoformat())
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    warning = page.get_by_test_id("dea-name-warning")
    expect(warning).to_contain_text("you can still submit")
    # A screen reader hears the warning with the field it is about.
    expect(field(page, "Name on the DEA registration")).to_have_accessible_description(
        re.compile("you can still submit")
    )
    expect(field(page, "Name on the DEA registration")).to_have_value("Ada Smith")
