"""Matching providers against the lists: the acceptance rules of issue 13, in SQL."""

import datetime as dt

import pytest
import time_machine

from directory.services import profile_offboard
from exclusions import selectors, services
from exclusions.models import CaseStatus, ExclusionCase, ExclusionCheck, ExclusionEntry, ExclusionRun
from tests.directory_factories import make_live_provider
from tests.exclusions_factories import import_leie, leie_row, leie_rows, sam_file, sam_row, screened_provider
from tests.helpers import staff_user

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 12, 15, 0, tzinfo=dt.UTC)


def cases_of(provider) -> list[ExclusionCase]:
    return list(ExclusionCase.objects.filter(provider=provider).select_related("entry"))


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_list_row_with_the_provider_s_real_npi_matches_whatever_the_name(tmp_path):
    provider = screened_provider("Jordan Rivera", npi="1245319599")
    import_leie(
        tmp_path, [leie_row(LASTNAME="RIVERA-SMITH", FIRSTNAME="J", NPI="1245319599", DOB="19500101")]
    )

    [run] = services.exclusions_run(trigger="test")

    [case] = cases_of(provider)
    assert case.matched_on == "npi"
    assert case.status == CaseStatus.OPEN
    assert case.entry.npi == "1245319599"
    assert (run.providers_checked, run.possible_matches, run.new_cases) == (1, 1, 1)


def test_an_all_zero_npi_never_matches_by_npi(tmp_path):
    # A list row's 0000000000 means "unknown": it is stored blank and never acts as a key.
    # Neither a provider with a real NPI and nothing else in common, nor a namesake born on
    # another day (whose NPI, blank on the list, cannot decide), is a match.
    stranger = screened_provider("Casey Morgan", npi="1245319599")
    namesake = screened_provider("Jordan Rivera", npi="1234567893", date_of_birth=dt.date(1984, 3, 14))
    import_leie(
        tmp_path,
        [
            leie_row(LASTNAME="OTHER", FIRSTNAME="PERSON", NPI="0000000000", DOB="19500101", STATE="CA"),
            leie_row(LASTNAME="RIVERA", FIRSTNAME="JORDAN", NPI="0000000000", DOB="19840315", STATE="NY"),
        ],
    )

    [run] = services.exclusions_run()

    assert cases_of(stranger) == []
    assert cases_of(namesake) == []
    assert (run.providers_checked, run.possible_matches) == (2, 0)
    assert set(ExclusionEntry.objects.values_list("npi", flat=True)) == {""}


def test_a_provider_with_no_date_of_birth_on_file_is_a_possible_match_on_the_name(tmp_path):
    # Insurance Forms submitted before the date of birth was asked have none: the name (and the
    # state, when both have one) opens a case for staff to decide, never a silent "checked".
    provider = screened_provider("Jordan Rivera", date_of_birth=None)  # practice state NY
    elsewhere = screened_provider("Casey Morgan", date_of_birth=None)
    import_leie(
        tmp_path,
        [
            leie_row(LASTNAME="RIVERA", FIRSTNAME="JORDAN", DOB="19840314", STATE="NY"),
            leie_row(LASTNAME="MORGAN", FIRSTNAME="CASEY", DOB="19700101", STATE="CA"),
        ],
    )

    [run] = services.exclusions_run()

    [case] = cases_of(provider)
    assert case.status == CaseStatus.OPEN
    assert case.matched_on == "name, no date of birth on file"
    assert case.entry.dob == dt.date(1984, 3, 14)
    assert cases_of(elsewhere) == []  # the states differ
    assert (run.providers_checked, run.possible_matches, run.new_cases) == (2, 1, 1)
    # The credentialing file's exclusion item waits on the case: not "checked, clear".
    leie, _sam = selectors.screenings(provider)
    assert (leie.open_case, leie.confirmed) == (True, False)


def test_a_different_real_npi_on_both_sides_is_a_different_person(tmp_path):
    provider = screened_provider("Jordan Rivera", npi="1234567893")
    import_leie(tmp_path, [leie_row(LASTNAME="RIVERA", FIRSTNAME="JORDAN", NPI="1245319599", DOB="19840314")])

    services.exclusions_run()

    assert cases_of(provider) == []


def test_name_and_date_of_birth_match_across_case_and_accents(tmp_path):
    provider = screened_provider("José Núñez-García", date_of_birth=dt.date(1979, 1, 2))
    import_leie(tmp_path, [leie_row(LASTNAME="NUNEZ GARCIA", FIRSTNAME="JOSE", DOB="19790102", STATE="")])

    services.exclusions_run()

    [case] = cases_of(provider)
    assert case.matched_on == "name"
    assert case.entry.last_name == "NUNEZ GARCIA"


def test_a_compound_surname_matches_the_list_s_last_name(tmp_path):
    provider = screened_provider("Maria de la Cruz", date_of_birth=dt.date(1990, 6, 1))
    import_leie(tmp_path, [leie_row(LASTNAME="DE LA CRUZ", FIRSTNAME="MARIA", DOB="19900601", STATE="NY")])

    services.exclusions_run()

    assert len(cases_of(provider)) == 1


def test_the_same_name_born_another_day_is_no_match(tmp_path):
    provider = screened_provider("Jordan Rivera", date_of_birth=dt.date(1984, 3, 14))
    import_leie(tmp_path, [leie_row(LASTNAME="RIVERA", FIRSTNAME="JORDAN", DOB="19840315", STATE="NY")])

    services.exclusions_run()

    assert cases_of(provider) == []


def test_the_state_must_agree_when_both_have_one(tmp_path):
    provider = screened_provider("Jordan Rivera")  # practice state NY
    import_leie(tmp_path, [leie_row(LASTNAME="RIVERA", FIRSTNAME="JORDAN", DOB="19840314", STATE="CA")])

    services.exclusions_run()

    assert cases_of(provider) == []


def test_a_sam_row_without_a_date_of_birth_matches_on_name_and_state(tmp_path):
    same_state = screened_provider("Casey Morgan")  # NY
    services.list_import(
        source="sam",
        path=sam_file(tmp_path, [sam_row(First="Casey", Last="Morgan", **{"State / Province": "NY"}),
                                 sam_row(First="Casey", Last="Morgan", **{"State / Province": ""})]),
        file_date=dt.date(2026, 11, 10),
    )  # fmt: skip

    [run] = services.exclusions_run()

    assert run.source == "sam"
    [case] = cases_of(same_state)  # the row without a state is not enough on a name alone
    assert case.entry.state == "NY"


def test_a_reinstated_row_closes_nothing_by_itself(tmp_path):
    provider = screened_provider("Jordan Rivera")
    import_leie(tmp_path, [leie_row(LASTNAME="RIVERA", FIRSTNAME="JORDAN", DOB="19840314", STATE="NY")])
    services.exclusions_run()
    [case] = cases_of(provider)

    # The next month's reinstatement supplement carries the same person with REINDATE set.
    import_leie(
        tmp_path,
        [leie_row(LASTNAME="RIVERA", FIRSTNAME="JORDAN", DOB="19840314", STATE="NY", REINDATE="20261201")],
        name="reinstated.csv",
        supplement=True,
    )
    services.exclusions_run()

    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert ExclusionCase.objects.filter(provider=provider).count() == 1


def test_a_re_run_and_next_month_s_full_file_open_no_second_case(tmp_path):
    provider = screened_provider("Jordan Rivera")
    row = leie_row(LASTNAME="RIVERA", FIRSTNAME="JORDAN", DOB="19840314", STATE="NY")
    import_leie(tmp_path, [row, *leie_rows(3)], name="october.csv")
    services.exclusions_run()
    services.exclusions_run()
    import_leie(tmp_path, [row, *leie_rows(4)], name="november.csv")  # the same person, a new file
    [run] = services.exclusions_run()

    assert ExclusionCase.objects.filter(provider=provider).count() == 1
    assert (run.possible_matches, run.new_cases) == (1, 0)
    assert ExclusionRun.objects.count() == 3


def test_a_cleared_row_stays_cleared_on_later_runs(tmp_path):
    staff = staff_user("credentialing@alma.test", "exclusions.decide_exclusioncase")
    provider = screened_provider("Jordan Rivera")
    import_leie(tmp_path, [leie_row(LASTNAME="RIVERA", FIRSTNAME="JORDAN", DOB="19840314", STATE="NY")])
    services.exclusions_run()
    [case] = cases_of(provider)
    services.case_clear(case=case, actor=staff, reason="Different middle name and licence; born in Ohio.")

    services.exclusions_run()

    assert [c.status for c in cases_of(provider)] == [CaseStatus.CLEARED]


def test_offboarded_providers_and_those_without_an_insurance_form_are_not_checked(tmp_path):
    checked = screened_provider("Jordan Rivera")
    gone = make_live_provider(legal_name="Sam Gone")
    profile_offboard(profile=gone.directory_profile, actor=None, reason="Left Alma")
    from tests.factories import ProviderFactory  # noqa: PLC0415

    ProviderFactory(legal_name="Not Yet Submitted")
    import_leie(tmp_path, leie_rows(2))

    [run] = services.exclusions_run()

    assert run.providers_checked == 1
    assert list(ExclusionCheck.objects.filter(run=run).values_list("provider_id", flat=True)) == [checked.pk]


def test_matching_runs_in_a_pinned_number_of_queries_whatever_the_list_size(
    tmp_path, django_assert_num_queries
):
    for n in range(3):
        screened_provider(f"Alex Provider{n}")
    screened_provider("Jordan Rivera")

    rivera = leie_row(LASTNAME="RIVERA", FIRSTNAME="JORDAN", DOB="19840314", STATE="NY")
    import_leie(tmp_path, [rivera, *leie_rows(10)], name="small.csv")
    # Read the forms, replace the subjects (DELETE, INSERT), each source's latest list (SAM has
    # none), the run, the checks, the count, the cases, their events, the run's counts; savepoints.
    with django_assert_num_queries(15):
        [small] = services.exclusions_run()

    import_leie(tmp_path, [rivera, *leie_rows(500)], name="large.csv")
    with django_assert_num_queries(15):
        [large] = services.exclusions_run()

    assert (small.providers_checked, small.possible_matches) == (4, 1)
    assert (large.providers_checked, large.possible_matches) == (4, 1)
