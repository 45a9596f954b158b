"""The credentialing file of a provider: its required items from the Insurance Form, the latest
verification of each, the exclusion checks, and readiness on a planned decision date."""

import datetime as dt

import pytest
import time_machine

from exclusions.models import CaseStatus, ExclusionCase
from exclusions.selectors import Screening
from onboarding.models import LicenseType
from tests.credentialing_file_factories import screen
from tests.factories import ProviderFactory
from tests.verification_factories import file_provider, record, verify_all
from verification import file as credentialing_file
from verification.file import file_entries, file_readiness_for, required_items
from verification.models import NpiRegistryCheck, VerificationResult, VerifiedItem

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 1, 16, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 7, 1)
CHECKED = [
    Screening(source_label="OIG LEIE", checked_on=dt.date(2026, 6, 15), open_case=False, confirmed=False),
    Screening(
        source_label="SAM exclusions", checked_on=dt.date(2026, 6, 15), open_case=False, confirmed=False
    ),
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lists(monkeypatch):
    """The exclusion lists' latest checks, as exclusions.selectors.screenings reports them."""
    found = list(CHECKED)
    monkeypatch.setattr(credentialing_file, "screenings", lambda provider: found)
    return found


def entry_of(provider, kind):
    return next(entry for entry in file_entries(provider) if entry.kind == kind)


def test_a_therapists_file_lists_each_licence_education_insurance_npdb_and_each_exclusion_list(lists):
    provider = file_provider(licences=2)

    labels = [item.label for item in required_items(provider)]

    assert labels == [
        "CA LCSW licence LIC-0000",
        "NY LCSW licence LIC-0001",
        "Highest education: MSW, Columbia University (2014)",  # the latest graduation, not the BA
        "Liability insurance: CM&F Group PL-55821",
        "Malpractice-claims history (NPDB query)",
        "Exclusion check: OIG LEIE",
        "Exclusion check: SAM exclusions",
    ]
    assert [item.key for item in required_items(provider)][:2] == [
        "state_license:CA:LIC-0000",
        "state_license:NY:LIC-0001",
    ]


def test_a_prescribers_file_adds_the_dea_registration_and_board_certification(lists):
    provider = file_provider(license_type=LicenseType.MD)

    labels = [item.label for item in required_items(provider)]

    assert "DEA registration AB1234563" in labels
    assert "Board certification: Psychiatry, American Board of Psychiatry and Neurology" in labels
    assert len(labels) == 8


def test_without_a_submitted_insurance_form_the_file_has_no_items_and_is_not_ready(lists):
    provider = ProviderFactory()

    readiness = file_readiness_for(provider, TODAY)

    assert required_items(provider) == []
    assert not readiness.ready
    assert readiness.reasons == ["The file has no required items: the Insurance Form is not in yet."]


def test_a_file_verified_within_120_days_of_the_decision_is_ready(lists):
    provider = file_provider()
    verify_all(provider, verified_on=TODAY - dt.timedelta(days=20))

    assert file_readiness_for(provider, TODAY).ready
    later = file_readiness_for(provider, TODAY, TODAY + dt.timedelta(days=101))
    assert not later.ready
    assert later.reasons[0] == (
        "CA LCSW licence LIC-0000: verified 121 days before the decision date; at most 120 days are allowed"
    )


def test_the_latest_verification_counts_and_supersedes_the_older_one(lists):
    provider = file_provider()
    verify_all(provider, verified_on=TODAY - dt.timedelta(days=200))
    licence = entry_of(provider, VerifiedItem.STATE_LICENSE)
    assert not file_readiness_for(provider, TODAY).ready

    newer = record(provider, licence, verified_on=TODAY - dt.timedelta(days=3))

    assert entry_of(provider, VerifiedItem.STATE_LICENSE).latest == newer
    assert file_readiness_for(provider, TODAY).items[0].reason == ""
    # The old one stays, as the history.
    assert provider.verifications.filter(item=VerifiedItem.STATE_LICENSE).count() == 2


@pytest.mark.parametrize(
    ("result", "problem"),
    [
        (
            VerificationResult.DISCREPANCY,
            "the source's record differs from what the provider stated (checked on 28 Jun 2026)",
        ),
        (VerificationResult.NOT_FOUND, "the source has no such record (checked on 28 Jun 2026)"),
    ],
)
def test_a_latest_discrepancy_or_not_found_is_a_problem_even_after_a_verified_one(lists, result, problem):
    provider = file_provider()
    verify_all(provider, verified_on=TODAY - dt.timedelta(days=10))
    record(
        provider,
        entry_of(provider, VerifiedItem.EDUCATION),
        verified_on=TODAY - dt.timedelta(days=3),
        result=result,
    )

    readiness = file_readiness_for(provider, TODAY)

    assert not readiness.ready
    assert readiness.reasons == [f"Highest education: MSW, Columbia University (2014): {problem}"]


def test_the_nppes_look_up_counts_for_nothing(lists):
    provider = file_provider()
    NpiRegistryCheck.objects.create(
        provider=provider, npi="1234567893", status=NpiRegistryCheck.Status.CHECKED, retrieved_at=NOW
    )

    readiness = file_readiness_for(provider, TODAY)

    assert not any(item.present for item in readiness.items if not item.key.startswith("exclusion:"))


def test_a_changed_licence_number_needs_its_own_verification(lists):
    provider = file_provider()
    verify_all(provider, verified_on=TODAY - dt.timedelta(days=10))
    provider.insurance_form.licenses.update(number="LIC-9999")  # as a resubmitted form would have it

    [licence] = [
        item for item in file_readiness_for(provider, TODAY).items if item.key.startswith("state_license")
    ]

    assert licence.label == "CA LCSW licence LIC-9999"
    assert (licence.present, licence.reason) == (False, "not verified yet")


@pytest.mark.parametrize(
    ("screening", "reason"),
    [
        (Screening("OIG LEIE", None, open_case=False, confirmed=False), "not verified yet"),
        (Screening("OIG LEIE", dt.date(2026, 6, 30), open_case=True, confirmed=False),
         "a possible match is open; clear or confirm it first"),
        (Screening("OIG LEIE", dt.date(2026, 6, 30), open_case=False, confirmed=True),
         "a confirmed match: the provider is on this exclusion list"),
        (Screening("OIG LEIE", dt.date(2026, 2, 1), open_case=False, confirmed=False),
         "verified 150 days before the decision date; at most 120 days are allowed"),
    ],
    ids=["never checked", "open case", "confirmed", "last checked too long ago"],
)  # fmt: skip
def test_an_exclusion_check_is_ready_only_when_recent_and_clear(lists, screening, reason):
    lists[:] = [screening]
    provider = file_provider()
    verify_all(provider, verified_on=TODAY - dt.timedelta(days=10))

    readiness = file_readiness_for(provider, TODAY)

    assert readiness.reasons == [f"Exclusion check: OIG LEIE: {reason}"]


@pytest.mark.parametrize("licences", [1, 8])
def test_the_file_costs_the_same_queries_at_1_and_8_licences(lists, licences, django_assert_num_queries):
    provider = file_provider(licences=licences, license_type=LicenseType.NP)
    verify_all(provider, verified_on=TODAY - dt.timedelta(days=10))

    # The Insurance Form, its licences, its education, and the verifications with their verifier.
    with django_assert_num_queries(4):
        readiness = file_readiness_for(provider, TODAY)

    assert readiness.ready
    assert len(readiness.items) == licences + 5 + 2  # DEA, board, education, insurance, NPDB; 2 lists


# --- with the real exclusion lists (exclusions.selectors.screenings), no stand-in -----------------


def test_the_real_exclusion_checks_are_missing_until_a_run_then_ready_once_a_match_is_cleared(tmp_path):
    provider = file_provider(legal_name="Dana Whitfield")
    verify_all(provider, verified_on=TODAY - dt.timedelta(days=10))

    before = file_readiness_for(provider, TODAY)
    assert before.reasons == [
        "Exclusion check: OIG LEIE: not verified yet",
        "Exclusion check: SAM exclusions: not verified yet",
    ]

    screen(provider, tmp_path)  # both lists run against the provider; the possible match cleared

    after = file_readiness_for(provider, TODAY)
    assert after.ready, after.reasons
    assert [item.verified_on for item in after.items if item.key.startswith("exclusion:")] == [TODAY, TODAY]


def test_an_open_exclusion_case_keeps_the_file_from_being_ready(tmp_path):
    provider = file_provider(legal_name="Dana Whitfield")
    verify_all(provider, verified_on=TODAY - dt.timedelta(days=10))
    screen(provider, tmp_path)
    ExclusionCase.objects.filter(provider=provider).update(status=CaseStatus.OPEN)  # as before staff decided

    readiness = file_readiness_for(provider, TODAY)

    [reason] = readiness.reasons
    assert reason.endswith(": a possible match is open; clear or confirm it first")


def test_with_the_real_exclusion_lists_the_file_still_costs_a_fixed_number_of_queries(
    tmp_path, django_assert_num_queries
):
    provider = file_provider(licences=6, legal_name="Dana Whitfield")
    verify_all(provider, verified_on=TODAY - dt.timedelta(days=10))
    screen(provider, tmp_path)

    # 4 for the file, 2 for the exclusion checks (their latest runs, their open cases).
    with django_assert_num_queries(6):
        file_readiness_for(provider, TODAY)
