"""The Insurance Form opens with the licence type the membership agreement gave (issue 12), and
never puts it over what the provider chose."""

import datetime as dt

import pytest
from django.utils import timezone

from credentialing import links as credentialing_links
from credentialing.models import InsuranceForm
from onboarding import links
from onboarding.models import LicenseType
from tests.factories import ProviderFactory, insurance_form_answers, submit_general_onboarding
from tests.helpers import element, formset

pytestmark = pytest.mark.django_db


@pytest.fixture
def lmft():
    provider = ProviderFactory(license_type=LicenseType.LMFT)
    submit_general_onboarding(provider)
    return provider


@pytest.fixture
def url(lmft):
    return links.form_path(lmft, credentialing_links.INSURANCE_FORM)


def selected_option(html: str, select_id: str) -> str:
    return element(element(html, f"#{select_id}"), "option[selected]")


def test_a_first_open_shows_the_agreements_licence_type(client, url):
    page = client.get(url).text
    assert 'value="LMFT"' in selected_option(page, "id_licenses-0-license_type")
    # A row added with "Add another" starts with it too (the row template).
    template = element(page, "template[data-formset-template]")
    assert 'value="LMFT" selected' in template


def test_an_untouched_prefilled_row_is_not_a_row_to_fix_in_a_draft(client, lmft, url):
    response = client.post(
        url,
        {
            "action": "save_draft",
            "npi": "1234567893",
            **formset("licenses", [{"license_type": "LMFT"}]),
            **formset("education", []),
            **formset("work_history", []),
        },
    )
    assert response.status_code == 302
    assert not InsuranceForm.objects.get(provider=lmft).licenses.exists()


def test_the_provider_s_own_choice_is_kept(client, lmft, url):
    expiry = (timezone.localdate() + dt.timedelta(days=300)).isoformat()
    row = {"state": "NJ", "license_type": "LPC", "number": "37PC0001", "expiry": expiry}
    client.post(url, insurance_form_answers(action="save_draft", **formset("licenses", [row])))
    assert InsuranceForm.objects.get(provider=lmft).licenses.get().license_type == "LPC"
    page = client.get(url).text
    assert 'value="LPC"' in selected_option(page, "id_licenses-0-license_type")
