"""A DEA number issued under another name (issue 12): the surname rule is a warning, a "name on
the DEA registration" lets the provider submit, and staff see the mismatch in review."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from credentialing import links as credentialing_links
from credentialing.models import InsuranceForm
from onboarding import links
from onboarding.models import LicenseType, ReviewStatus
from tests.factories import ProviderFactory, insurance_form_answers, submit_general_onboarding
from tests.helpers import element, form_errors, pdf_upload, text_at

pytestmark = pytest.mark.django_db

# A valid DEA number (its check digit is right) whose second letter, B, is not Okafor's O.
BRENNAN_DEA = "AB1234563"


@pytest.fixture
def prescriber():
    provider = ProviderFactory(license_type=LicenseType.MD, legal_name="Ada Okafor")
    submit_general_onboarding(provider)
    return provider


@pytest.fixture
def url(prescriber):
    return links.form_path(prescriber, credentialing_links.INSURANCE_FORM)


def prescriber_answers(**overrides) -> dict:
    today = timezone.localdate()
    return insurance_form_answers(
        dea_number=BRENNAN_DEA,
        dea_state="NY",
        dea_expiry=(today + dt.timedelta(days=300)).isoformat(),
        dea_certificate=pdf_upload(),
        board_name="American Board of Psychiatry and Neurology",
        board_specialty="Psychiatry",
        board_expiry=(today + dt.timedelta(days=900)).isoformat(),
        board_certificate=pdf_upload(),
        **overrides,
    )


def test_a_valid_number_under_another_surname_asks_for_the_name_on_it(client, url):
    response = client.post(url, prescriber_answers())
    assert response.status_code == 200
    assert form_errors(response, "dea_number") == []  # the number itself is fine
    assert "enter the name on it" in form_errors(response, "dea_registered_name")[0]


def test_the_name_on_the_registration_lets_the_provider_submit(client, prescriber, url):
    response = client.post(url, prescriber_answers(dea_registered_name="Ada Brennan"))
    assert response.status_code == 302
    record = InsuranceForm.objects.get(provider=prescriber)
    assert (record.status, record.dea_registered_name) == (ReviewStatus.SUBMITTED, "Ada Brennan")


def test_a_name_that_matches_neither_is_a_warning_that_still_submits(client, prescriber, url):
    draft = client.post(
        url, prescriber_answers(action="save_draft", dea_registered_name="Ada Smith"), follow=True
    )
    assert "you can still submit" in text_at(draft.text, "#dea-name-warning")
    field = element(draft.text, "#id_dea_registered_name")
    assert "dea-name-warning" in field

    response = client.post(url, prescriber_answers(dea_registered_name="Ada Smith"))
    assert response.status_code == 302
    assert InsuranceForm.objects.get(provider=prescriber).status == ReviewStatus.SUBMITTED


def test_staff_see_the_mismatch_in_review(client, prescriber, url, admin_client):
    client.post(url, prescriber_answers(dea_registered_name="Ada Smith"))
    record = InsuranceForm.objects.get(provider=prescriber)
    page = admin_client.get(reverse("admin:credentialing_insuranceform_change", args=[record.pk])).text
    assert "Mismatch: verify with the DEA." in text_at(page, "[data-testid=dea-name-mismatch]")
    assert "Ada Smith" in page


def test_staff_see_a_former_surname_as_a_match(client, prescriber, url, admin_client):
    client.post(url, prescriber_answers(dea_registered_name="Ada Brennan"))
    record = InsuranceForm.objects.get(provider=prescriber)
    page = admin_client.get(reverse("admin:credentialing_insuranceform_change", args=[record.pk])).text
    assert "Matches the name on the registration (Ada Brennan)" in page
    assert "dea-name-mismatch" not in page
