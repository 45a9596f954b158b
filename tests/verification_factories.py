"""A provider with a credentialing file to verify, and verifications recorded through the
service, as staff record them on the file page."""

import datetime as dt

from django.utils import timezone

from credentialing.services.insurance_form import insurance_form_submit
from onboarding.models import LicenseType
from tests.factories import ProviderFactory, insurance_form_values, submit_general_onboarding
from tests.helpers import pdf_upload, staff_user
from verification.models import VerificationMethod, VerificationResult, VerificationSource, VerifiedItem
from verification.services.psv import verification_record

SOURCE_OF = {
    VerifiedItem.STATE_LICENSE: VerificationSource.STATE_BOARD,
    VerifiedItem.DEA: VerificationSource.DEA,
    VerifiedItem.BOARD_CERTIFICATION: VerificationSource.ABMS,
    VerifiedItem.EDUCATION: VerificationSource.CLEARINGHOUSE,
    VerifiedItem.LIABILITY_INSURANCE: VerificationSource.CARRIER,
    VerifiedItem.MALPRACTICE_HISTORY: VerificationSource.NPDB,
}


def licence_rows(count: int) -> list[dict]:
    today = timezone.localdate()
    states = ["CA", "NY", "NJ", "TX", "FL", "WA", "OR", "IL", "MA", "PA", "OH", "GA"]
    return [
        {
            "state": states[n],
            "license_type": "LCSW",
            "number": f"LIC-{n:04d}",
            "expiry": today + dt.timedelta(days=400),
        }
        for n in range(count)
    ]


PRESCRIBER_VALUES = {
    "dea_number": "AB1234563",
    "dea_state": "NY",
    "dea_expiry": None,
    "board_name": "American Board of Psychiatry and Neurology",
    "board_specialty": "Psychiatry",
    "board_expiry": None,
}


def file_provider(*, licences: int = 1, license_type: str = LicenseType.LCSW, **fields):
    """A provider whose Insurance Form is in (submitted through the services): `licences` state
    licences, a master's degree, liability insurance, and for a prescriber the DEA and board."""
    provider = ProviderFactory(license_type=license_type, **fields)
    submit_general_onboarding(provider)
    today = timezone.localdate()
    values = insurance_form_values()
    if provider.is_prescriber:
        values.update(PRESCRIBER_VALUES)
        values["dea_expiry"] = values["board_expiry"] = today + dt.timedelta(days=500)
        values["dea_certificate"] = pdf_upload("dea.pdf")
        values["board_certificate"] = pdf_upload("board.pdf")
    insurance_form_submit(
        provider=provider,
        values=values,
        caqh_password="caqh-S3cret!",
        actor=provider.user,
        licenses=licence_rows(licences),
        education=[
            {"institution": "Columbia University", "degree": "MSW", "graduation_date": dt.date(2014, 5, 20)},
            {"institution": "Hunter College", "degree": "BA", "graduation_date": dt.date(2010, 5, 20)},
        ],
        work_history=[
            {
                "employer": "Harbor Counseling",
                "role": "Therapist",
                "start_date": dt.date(2015, 1, 5),
                "end_date": None,
                "gap_explanation": "",
            }
        ],
    )
    return provider


def verifier():
    """The credentialing staff member who records verifications (one per test database)."""
    from accounts.models import User  # noqa: PLC0415

    found = User.objects.filter(email="verifier@alma.test").first()
    return found or staff_user("verifier@alma.test", "verification.add_primarysourceverification",
                               "verification.view_primarysourceverification")  # fmt: skip


def record(
    provider, entry, *, verified_on: dt.date, result=VerificationResult.VERIFIED, by=None, **overrides
):
    """Record a verification of one file entry (verification.file.FileEntry) through the service."""
    values = {
        "provider": provider,
        "item": entry.kind.value,
        "item_key": entry.item_key,
        "item_label": entry.item.label,
        "source": SOURCE_OF[entry.kind],
        "method": VerificationMethod.WEBSITE,
        "verified_on": verified_on,
        "result": result,
        "evidence": pdf_upload("evidence.pdf"),
        "notes": "",
        "verifier": by or verifier(),
    }
    values.update(overrides)
    return verification_record(**values)


def verify_all(provider, *, verified_on: dt.date):
    """Every PSV item of the provider's file verified on `verified_on`."""
    from verification.file import file_entries  # noqa: PLC0415

    return [
        record(provider, entry, verified_on=verified_on) for entry in file_entries(provider) if entry.is_psv
    ]
