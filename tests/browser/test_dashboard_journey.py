"""The Onboarding Dashboard and the Support Center in a real browser: on a phone nothing is wider
than the screen and the menu folds behind a button; once onboarding is complete the dashboard is
reached through Explore > Alma Basics."""

import importlib

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from credentialing.models import ApplicationStatus
from onboarding.models import OnboardingStep, Provider
from onboarding.services.steps import step_advance
from tests.browser.pages import DESKTOP, PHONE, no_horizontal_scroll, open_page
from tests.credentialing_factories import PayerFactory, make_application
from tests.factories import ProviderFactory, submit_general_onboarding


def signed_in_page(new_context, live_server, provider, viewport):
    client = Client()
    client.force_login(provider.user)
    page = open_page(new_context, viewport)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_and_an_article_fit_a_phone(live_server, new_context):
    importlib.import_module("support.migrations.0002_seed_articles").seed(apps, None)
    provider = ProviderFactory(legal_name="Maximiliana Featherstonehaugh-Worthington")
    submit_general_onboarding(provider)
    for name in (
        "Bluebird Behavioral Health Partners of New England",
        "Northwind Employee Assistance Cooperative",
    ):
        make_application(provider=provider, payer=PayerFactory(name=name), status=ApplicationStatus.SUBMITTED)

    page = signed_in_page(new_context, live_server, provider, PHONE)
    page.goto(f"{live_server.url}/portal/onboarding/")
    expect(page.get_by_role("heading", name="Complete the Insurance Form")).to_be_visible()
    no_horizontal_scroll(page, PHONE["width"])

    # The menu folds behind a button on a phone.
    menu = page.get_by_role("navigation", name="Main")
    onboarding_link = menu.get_by_role("link", name="Onboarding", exact=True)
    expect(onboarding_link).to_be_hidden()
    menu.get_by_role("button", name="Menu").click()
    expect(onboarding_link).to_be_visible()
    expect(menu.get_by_role("link", name="Insurance & Directories")).to_be_visible()
    no_horizontal_scroll(page, PHONE["width"])

    # An item's article opens, tables and all, within the screen.
    page.get_by_role(
        "link", name="Completing the Insurance Form: CAQH, NPI and liability insurance"
    ).first.click()
    expect(page.get_by_role("heading", name="Have these at hand")).to_be_visible()
    no_horizontal_scroll(page, PHONE["width"])


@pytest.mark.django_db(transaction=True)
def test_after_onboarding_the_dashboard_is_under_explore_alma_basics(live_server, new_context):
    provider = ProviderFactory()
    for step in (
        OnboardingStep.GENERAL_ONBOARDING_SUBMITTED,
        OnboardingStep.INSURANCE_FORM_SUBMITTED,
        OnboardingStep.FORMS_APPROVED,
        OnboardingStep.PORTAL_ACCESS_GRANTED,
        OnboardingStep.ONBOARDING_COMPLETE,
    ):
        with transaction.atomic():
            locked = Provider.objects.select_for_update().get(pk=provider.pk)
            step_advance(provider=locked, to_step=step, actor=None, now=timezone.now())

    page = signed_in_page(new_context, live_server, provider, DESKTOP)
    page.goto(f"{live_server.url}/insurance/")
    expect(page.get_by_role("link", name="Onboarding", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Explore").click()
    page.get_by_role("link", name="Alma Basics").click()
    expect(page.get_by_role("heading", name="Alma Basics", level=1)).to_be_visible()
    expect(page.locator("#onboarding-summary")).to_contain_text("Your onboarding is complete.")
