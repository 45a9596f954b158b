"""Step 2: the Insurance Form page, its rules next to each field, private documents, secrets."""

import logging
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from credentialing import links as credentialing_links
from credentialing.models import InsuranceForm, SecretReveal
from onboarding import links
from onboarding.models import LicenseType, OnboardingStep, ReviewStatus
from tests.factories import CAQH_PASSWORD, ProviderFactory, insurance_form_answers, submit_general_onboarding
from tests.helpers import PDF, form_errors, formset, pdf_upload, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_provider(provider):
    submit_general_onboarding(provider)
    return provider


@pytest.fixture
def url(ready_provider):
    return links.form_path(ready_provider, credentialing_links.INSURANCE_FORM)


def test_the_form_waits_for_the_general_onboarding_form(client, provider):
    page = client.get(links.form_path(provider, credentialing_links.INSURANCE_FORM))
    assert "First, the General Onboarding form" in page.text


def test_a_complete_form_is_submitted_for_review(client, ready_provider, url, mailoutbox):
    response = client.post(url, insurance_form_answers())
    assert response.status_code == 302
    ready_provider.refresh_from_db()
    assert ready_provider.onboarding_step == OnboardingStep.INSURANCE_FORM_SUBMITTED
    record = InsuranceForm.objects.get(provider=ready_provider)
    assert record.status == ReviewStatus.SUBMITTED
    assert record.licenses.get().number == "R-081234"
    assert record.liability_certificate.name.endswith(".pdf")
    assert "certificate" not in record.liability_certificate.name.rsplit("/", 1)[-1]  # name not trusted
    assert "Thank you, your Insurance Form is in" in client.get(url).text
    assert not any(CAQH_PASSWORD in m.body or CAQH_PASSWORD in str(m.alternatives) for m in mailoutbox)
    home = client.get("/")  # not signed in: nothing of the form is shown
    assert CAQH_PASSWORD not in home.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("npi", "1234567890", "check digit is wrong (Luhn check with prefix 80840)"),
        ("npi", "12345", "exactly 10 digits"),
        ("caqh_id", "CAQH-1", "digits only"),
        ("liability_per_claim", "500000", "at least $1,000,000"),
        ("liability_aggregate", "2000000", "at least $3,000,000"),
        ("liability_expiry", "2020-01-01", "This policy expired on January 1, 2020"),
    ],
)
def test_each_rule_is_shown_next_to_its_field(client, url, field, value, message):
    response = client.post(url, insurance_form_answers(**{field: value}))
    assert response.status_code == 200
    assert any(message in error for error in form_errors(response, field)), form_errors(response, field)
    assert message in unescape(response.text)


def test_a_renamed_executable_is_refused_as_a_certificate(client, url):
    fake = pdf_upload("certificate.pdf", b"MZ\x90\x00\x03 this is a Windows executable")
    response = client.post(url, insurance_form_answers(liability_certificate=fake))
    assert "not a PDF or PNG or JPEG file" in " ".join(form_errors(response, "liability_certificate"))


def test_a_gap_over_six_months_needs_an_explanation_on_the_position_after_it(client, url):
    rows = [
        {"employer": "Harbor Counseling", "role": "Therapist", "start_date": "2024-03-01", "end_date": ""},
        {
            "employer": "City Clinic",
            "role": "Clinician",
            "start_date": "2015-01-01",
            "end_date": "2023-05-31",
        },
    ]
    response = client.post(url, insurance_form_answers(work_history=rows))
    assert response.status_code == 200
    work = response.context["bundle"].sections["work_history"]
    assert (
        "Explain the gap before this position (May 2023 to Mar 2024)"
        in work.forms[0].errors["gap_explanation"][0]
    )

    rows[0]["gap_explanation"] = "Parental leave."
    assert client.post(url, insurance_form_answers(work_history=rows)).status_code == 302


def test_every_section_needs_at_least_one_row(client, url):
    data = insurance_form_answers(**formset("education", []))
    response = client.post(url, data)
    assert "Add at least one degree." in response.context["bundle"].sections["education"].non_form_errors()


def test_a_graduation_date_in_the_future_is_refused(client, url):
    future = (timezone.localdate() + timedelta(days=30)).isoformat()
    data = insurance_form_answers(
        **formset("education", [{"institution": "NYU", "degree": "PhD", "graduation_date": future}])
    )
    response = client.post(url, data)
    row = response.context["bundle"].sections["education"].forms[0]
    assert row.errors["graduation_date"] == ["A graduation date cannot be in the future."]


def test_prescriber_sections_are_required_for_prescribers_and_absent_for_others(client):
    lcsw, md = ProviderFactory(license_type=LicenseType.LCSW), ProviderFactory(license_type=LicenseType.MD)
    for provider in (lcsw, md):
        submit_general_onboarding(provider)
    lcsw_page = client.get(links.form_path(lcsw, credentialing_links.INSURANCE_FORM)).text
    assert "DEA number" not in lcsw_page
    assert (
        client.post(
            links.form_path(lcsw, credentialing_links.INSURANCE_FORM), insurance_form_answers()
        ).status_code
        == 302
    )

    md_url = links.form_path(md, credentialing_links.INSURANCE_FORM)
    assert "DEA number" in client.get(md_url).text
    response = client.post(md_url, insurance_form_answers())
    for field in ("dea_number", "dea_expiry", "dea_certificate", "board_name", "board_certificate"):
        assert form_errors(response, field) == ["This field is required."], field


def test_a_bad_dea_number_is_explained(client):
    md = ProviderFactory(license_type=LicenseType.MD, legal_name="Ada Brennan")
    submit_general_onboarding(md)
    response = client.post(
        links.form_path(md, credentialing_links.INSURANCE_FORM),
        insurance_form_answers(dea_number="AB1234564"),
    )
    assert "check digit is wrong" in form_errors(response, "dea_number")[0]


def test_a_draft_keeps_valid_rows_and_never_shows_the_password_back(client, url, caplog):
    with caplog.at_level(logging.DEBUG):
        response = client.post(url, insurance_form_answers(action="save_draft", npi="1234567890"))
    assert response.status_code == 200
    assert form_errors(response, "npi")
    record = InsuranceForm.objects.get()
    assert record.status == ReviewStatus.DRAFT
    assert record.licenses.count() == 1
    assert record.has_caqh_password
    page = client.get(url).text
    assert CAQH_PASSWORD not in page
    assert CAQH_PASSWORD not in response.text
    assert "A CAQH password is saved" in page
    assert CAQH_PASSWORD not in caplog.text
    # Submitting later without retyping the password keeps the saved one.
    data = insurance_form_answers()
    data["caqh_password"] = ""
    assert client.post(url, data).status_code == 302


@pytest.fixture
def submitted(client, url, ready_provider):
    client.post(url, insurance_form_answers())
    client.logout()
    return InsuranceForm.objects.get(provider=ready_provider)


def test_documents_are_served_only_to_the_owner_and_permitted_staff(client, submitted):
    owner = submitted.provider
    document = reverse("documents:insurance_document", args=[owner.public_id, "liability_certificate"])

    assert client.get(document).status_code == 404  # anonymous
    client.force_login(ProviderFactory().user)
    assert client.get(document).status_code == 404  # another provider
    client.force_login(staff_user("nobody@alma.test"))
    assert client.get(document).status_code == 404  # staff without the permission

    client.force_login(owner.user)
    response = client.get(document)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    client.force_login(staff_user("viewer@alma.test", "view_insuranceform"))
    assert client.get(document).status_code == 200


def test_the_owner_can_download_through_the_form_link(client, ready_provider, url):
    client.post(url, insurance_form_answers(action="save_draft"))
    response = client.get(f"{url}documents/liability_certificate/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="liability-certificate.pdf"'
    other = ProviderFactory()
    assert (
        client.get(
            links.form_path(other, credentialing_links.INSURANCE_FORM) + "documents/liability_certificate/"
        ).status_code
        == 404
    )


def test_media_files_have_no_public_url(client, submitted, settings):
    path = submitted.liability_certificate.name
    assert client.get(f"/media/{path}").status_code == 404
    assert client.get(f"/{path}").status_code == 404


def test_staff_see_the_form_but_never_the_password_unless_they_reveal_it(client, submitted, caplog):
    viewer = staff_user("viewer@alma.test", "view_insuranceform")
    client.force_login(viewer)
    change = reverse("admin:credentialing_insuranceform_change", args=[submitted.pk])
    page = client.get(change).text
    assert submitted.npi in page
    assert CAQH_PASSWORD not in page
    assert submitted.caqh_password_encrypted not in page
    assert "Revealing it needs the reveal permission" in page
    reveal = reverse("admin:credentialing_insuranceform_reveal", args=[submitted.pk])
    assert client.post(reveal).status_code == 403

    revealer = staff_user("revealer@alma.test", "reveal_caqh_password", "view_insuranceform")
    client.force_login(revealer)
    assert "Reveal it" in client.get(change).text
    confirm = client.get(reveal)
    assert CAQH_PASSWORD not in confirm.text  # a GET only asks
    assert not SecretReveal.objects.exists()
    with caplog.at_level(logging.DEBUG):
        shown = client.post(reveal)
    assert CAQH_PASSWORD in shown.text
    assert shown["Cache-Control"].startswith("max-age=0")
    assert CAQH_PASSWORD not in caplog.text
    audit = SecretReveal.objects.get()
    assert (audit.revealed_by, audit.field) == (revealer, "caqh_password")
