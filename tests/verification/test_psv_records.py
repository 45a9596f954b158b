"""Recording a primary-source verification: what the service refuses, and that it only ever adds."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.helpers import pdf_upload, png_upload, staff_user
from tests.verification_factories import file_provider, record
from verification import file as credentialing_file
from verification.errors import VerificationRefused
from verification.file import file_entries
from verification.models import (
    PrimarySourceVerification,
    VerificationMethod,
    VerificationResult,
    VerificationSource,
    VerifiedItem,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 1, 16, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 7, 1)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(credentialing_file, "screenings", lambda provider: [])
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def provider(db):
    return file_provider()


def entry_of(provider, kind):
    return next(entry for entry in file_entries(provider) if entry.kind == kind)


def refusal(provider, kind, **overrides) -> VerificationRefused:
    with pytest.raises(VerificationRefused) as refused:
        record(provider, entry_of(provider, kind), **{"verified_on": TODAY, **overrides})
    assert not PrimarySourceVerification.objects.exists()
    return refused.value


def test_a_verification_is_recorded_with_its_source_method_verifier_and_evidence(provider):
    licence = entry_of(provider, VerifiedItem.STATE_LICENSE)

    saved = record(
        provider, licence, verified_on=TODAY - dt.timedelta(days=1), notes=" Board site, printed. "
    )

    assert saved.item_label == "CA LCSW licence LIC-0000"
    assert saved.item_key == "CA:LIC-0000"
    assert saved.source == VerificationSource.STATE_BOARD
    assert saved.verifier.email == "verifier@alma.test"
    assert saved.recorded_at == NOW
    assert saved.notes == "Board site, printed."
    assert saved.evidence.name.startswith(f"providers/{provider.public_id}/verification/")
    assert saved.evidence.name.endswith(".pdf")


def test_a_verification_dated_in_the_future_is_refused(provider):
    error = refusal(provider, VerifiedItem.STATE_LICENSE, verified_on=TODAY + dt.timedelta(days=1))

    assert error.field == "verified_on"
    assert str(error) == "A verification cannot be dated in the future (02 Jul 2026 is after today)."


@pytest.mark.parametrize(
    ("kind", "source", "words"),
    [
        (VerifiedItem.STATE_LICENSE, VerificationSource.NPDB, "use State licensing board"),
        (VerifiedItem.EDUCATION, VerificationSource.CARRIER,
         "use The school or National Student Clearinghouse"),
        (VerifiedItem.LIABILITY_INSURANCE, VerificationSource.STATE_BOARD, "use The insurance carrier"),
        (VerifiedItem.MALPRACTICE_HISTORY, VerificationSource.SCHOOL,
         "use The insurance carrier or National Practitioner Data Bank (NPDB)"),
    ],
)  # fmt: skip
def test_a_source_that_is_not_a_primary_source_for_the_credential_is_refused(provider, kind, source, words):
    error = refusal(provider, kind, source=source)

    assert error.field == "source"
    assert words in str(error)


def test_every_accepted_source_is_accepted(provider):
    record(
        provider,
        entry_of(provider, VerifiedItem.EDUCATION),
        verified_on=TODAY,
        source=VerificationSource.SCHOOL,
    )
    record(
        provider,
        entry_of(provider, VerifiedItem.MALPRACTICE_HISTORY),
        verified_on=TODAY,
        source=VerificationSource.CARRIER,
    )

    assert PrimarySourceVerification.objects.count() == 2


def test_evidence_is_checked_by_its_content_not_its_name(provider):
    fake = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    error = refusal(provider, VerifiedItem.STATE_LICENSE, evidence=fake)

    assert error.field == "evidence"
    assert str(error) == "This file is not a PDF or PNG or JPEG file (checked by its content)."
    # A screenshot of the board's page is evidence too.
    assert record(
        provider, entry_of(provider, VerifiedItem.STATE_LICENSE), verified_on=TODAY, evidence=png_upload()
    )


def test_evidence_over_the_upload_limit_is_refused(provider, settings):
    settings.UPLOAD_MAX_BYTES = 100

    error = refusal(
        provider, VerifiedItem.STATE_LICENSE, evidence=pdf_upload(content=b"%PDF-1.4\n" + b"0" * 200)
    )

    assert error.field == "evidence"
    assert "the limit is 100" in str(error)


def test_evidence_is_required_except_for_a_documented_phone_call(provider):
    assert refusal(provider, VerifiedItem.STATE_LICENSE, evidence=None).field == "evidence"
    phoned = refusal(provider, VerifiedItem.STATE_LICENSE, evidence=None, method=VerificationMethod.PHONE)
    assert phoned.field == "notes"

    saved = record(
        provider,
        entry_of(provider, VerifiedItem.STATE_LICENSE),
        verified_on=TODAY,
        evidence=None,
        method=VerificationMethod.PHONE,
        notes="Called the CA board, spoke with J. Ortiz: active, no discipline.",
    )
    assert not saved.evidence


def test_staff_without_the_add_permission_are_refused(provider):
    reader = staff_user("reader@alma.test", "verification.view_primarysourceverification")

    error = refusal(provider, VerifiedItem.STATE_LICENSE, by=reader)

    assert "needs the permission" in str(error)


def test_a_credential_no_longer_on_the_form_is_refused(provider):
    licence = entry_of(provider, VerifiedItem.STATE_LICENSE)
    provider.insurance_form.licenses.update(number="LIC-9999")

    with pytest.raises(VerificationRefused, match="no longer in the provider's file"):
        record(provider, licence, verified_on=TODAY)


def test_a_new_verification_supersedes_and_never_edits_the_old(provider):
    licence = entry_of(provider, VerifiedItem.STATE_LICENSE)
    first = record(provider, licence, verified_on=TODAY - dt.timedelta(days=150))

    second = record(provider, licence, verified_on=TODAY, result=VerificationResult.DISCREPANCY)

    first.refresh_from_db()
    assert (first.verified_on, first.result) == (TODAY - dt.timedelta(days=150), VerificationResult.VERIFIED)
    assert second.pk != first.pk
    assert entry_of(provider, VerifiedItem.STATE_LICENSE).latest == second
