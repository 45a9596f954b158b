"""An Insurance Form draft keeps every answer as typed, an invalid one and a half-filled row
too, and shows them again with their errors on return; the CAQH password is never kept so."""

from html import unescape

import pytest

from credentialing import links as credentialing_links
from credentialing.models import InsuranceForm
from onboarding import links
from tests.factories import CAQH_PASSWORD, submit_general_onboarding
from tests.helpers import form_errors, formset, text_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(provider):
    submit_general_onboarding(provider)
    return links.form_path(provider, credentialing_links.INSURANCE_FORM)


def test_an_invalid_npi_and_a_half_filled_row_come_back_with_their_errors(client, provider, url):
    client.post(
        url,
        {
            "action": "save_draft",
            "caqh_username": "jrivera",
            "caqh_password": CAQH_PASSWORD,
            "npi": "12345",
            **formset("licenses", [{"state": "NY", "license_type": "LCSW", "number": "R-081234"}]),
            **formset("education", []),
            **formset("work_history", []),
        },
    )
    page = client.get(url)

    assert "still need attention" in text_at(page.text, "#draft-to-fix")
    assert page.context["form"]["npi"].value() == "12345"
    assert "exactly 10 digits" in form_errors(page, "npi")[0]
    row = page.context["bundle"].sections["licenses"].forms[0]
    assert (row["state"].value(), row["number"].value()) == ("NY", "R-081234")
    assert row.errors["expiry"] == ["This field is required."]
    assert "Nothing in this section is saved until" in unescape(page.text)

    record = InsuranceForm.objects.get(provider=provider)
    assert record.caqh_username == "jrivera"
    assert record.has_caqh_password  # stored encrypted, as always
    assert CAQH_PASSWORD not in str(record.draft_answers)
    assert CAQH_PASSWORD not in page.text


def test_a_clean_draft_or_a_submission_leaves_no_typed_answers(client, provider, url):
    sections = {**formset("licenses", []), **formset("education", []), **formset("work_history", [])}
    client.post(url, {"action": "save_draft", "npi": "12345", **sections})
    client.post(url, {"action": "save_draft", "npi": "1234567893", **sections})
    assert InsuranceForm.objects.get(provider=provider).draft_answers == {}
    page = client.get(url)
    assert not page.context["form"].is_bound
    assert page.context["form"]["npi"].value() == "1234567893"


def test_a_half_filled_row_the_provider_removed_does_not_hold_the_section_back(client, provider, url):
    rows = [{"state": "NY", "number": "R-1", "DELETE": "on"}]
    response = client.post(
        url,
        {
            "action": "save_draft",
            **formset("licenses", rows),
            **formset("education", []),
            **formset("work_history", []),
        },
    )
    assert response.status_code == 302
    assert not InsuranceForm.objects.get(provider=provider).licenses.exists()
