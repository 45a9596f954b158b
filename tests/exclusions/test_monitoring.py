"""The monthly job, the check at submission, the SLA board's lines and the file's screenings."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from exclusions import selectors, services, tasks
from exclusions.models import CaseStatus, ExclusionCase, ExclusionRun
from portal.sla import sla_board
from tests.directory_factories import committed
from tests.exclusions_factories import import_leie, leie_row, leie_rows, screened_provider
from tests.factories import ProviderFactory, submit_general_onboarding, submit_insurance_form
from tests.helpers import signed_in_client, staff_user, text_of

pytestmark = pytest.mark.django_db

# A Thursday in the middle of November, company time.
NOW = dt.datetime(2026, 11, 12, 15, 0, tzinfo=dt.UTC)
RIVERA = {"LASTNAME": "RIVERA", "FIRSTNAME": "JORDAN", "DOB": "19840314", "STATE": "NY"}


def test_the_monthly_job_runs_each_listed_source_once_a_month(tmp_path):
    with time_machine.travel(NOW, tick=False):
        provider = screened_provider("Jordan Rivera")
        import_leie(tmp_path, [leie_row(**RIVERA), *leie_rows(2)])

        assert tasks.exclusions_monthly_check.delay().get() == {"leie": 1}
        assert tasks.exclusions_monthly_check.delay().get() == {}  # again the same month: nothing

    assert ExclusionRun.objects.count() == 1
    assert ExclusionCase.objects.filter(provider=provider).count() == 1

    with time_machine.travel(NOW + dt.timedelta(days=30), tick=False):  # December
        assert tasks.exclusions_monthly_check.delay().get() == {"leie": 0}
    assert ExclusionRun.objects.count() == 2
    assert ExclusionCase.objects.filter(provider=provider).count() == 1


def test_a_newer_list_is_matched_the_day_it_is_imported_even_in_a_month_already_run(tmp_path):
    with time_machine.travel(NOW, tick=False):
        screened_provider("Jordan Rivera")
        import_leie(tmp_path, leie_rows(3), name="november.csv")
        tasks.exclusions_monthly_check.delay()
    with time_machine.travel(NOW + dt.timedelta(days=8), tick=False):
        import_leie(tmp_path, [leie_row(**RIVERA)], name="supplement.csv", supplement=True)
        assert tasks.exclusions_monthly_check.delay().get() == {"leie": 1}


def test_a_new_provider_is_matched_as_soon_as_the_insurance_form_is_submitted(tmp_path):
    with time_machine.travel(NOW, tick=False):
        import_leie(tmp_path, [leie_row(**RIVERA), *leie_rows(2)])
        provider = ProviderFactory(legal_name="Jordan Rivera")
        submit_general_onboarding(provider)
        with committed():
            submit_insurance_form(provider, date_of_birth=dt.date(1984, 3, 14))

    [run] = ExclusionRun.objects.filter(provider=provider)
    assert run.trigger == "insurance form submitted"
    assert run.providers_checked == 1
    assert ExclusionCase.objects.get(provider=provider).status == CaseStatus.OPEN


def test_the_check_at_submission_is_safe_to_repeat(tmp_path):
    with time_machine.travel(NOW, tick=False):
        provider = screened_provider("Jordan Rivera")
        import_leie(tmp_path, [leie_row(**RIVERA)])
        assert tasks.exclusions_check_provider.delay(provider.pk).get() == 1
        assert tasks.exclusions_check_provider.delay(provider.pk).get() == 0
        assert tasks.exclusions_check_provider.delay(999_999).get() == 0  # gone: nothing to do


def test_a_source_with_no_run_this_month_is_overdue_on_the_sla_board(tmp_path):
    with time_machine.travel(NOW - dt.timedelta(days=40), tick=False):  # early October
        screened_provider("Jordan Rivera")
        import_leie(tmp_path, leie_rows(3))
        services.exclusions_run()

    with time_machine.travel(NOW, tick=False):
        board = sla_board()
    lines = [promise.what for promise in board.overdue if promise.kind == "Exclusion check"]
    assert lines == [
        "Exclusion check (OIG LEIE): no run since Oct 3, 2026",
        "Exclusion check (SAM exclusions): no run since never",
    ]


def test_a_month_with_its_run_is_not_on_the_board(tmp_path):
    with time_machine.travel(NOW, tick=False):
        import_leie(tmp_path, leie_rows(3))
        services.exclusions_run()
        lines = [promise.what for promise in sla_board().overdue if promise.kind == "Exclusion check"]
    assert lines == ["Exclusion check (SAM exclusions): no run since never"]


def test_re_matching_an_old_list_this_month_leaves_the_list_stale_on_the_board(tmp_path, admin_client):
    # The run this month keeps "Exclusion check" quiet, but the file itself is from September:
    # matching it again checks nothing new.
    with time_machine.travel(NOW, tick=False):
        import_leie(tmp_path, leie_rows(3), file_date=dt.date(2026, 9, 30))
        services.exclusions_run()
        board = sla_board()
        page = text_of(admin_client.get(reverse("admin:sla")).content.decode())
    assert not [p for p in board.overdue if p.kind == "Exclusion check" and "LEIE" in p.what]
    [promise] = [p for p in board.overdue if p.kind == "Exclusion list"]
    assert promise.what == "Exclusion list (OIG LEIE): latest file dated Sep 30, 2026, import this month's"
    assert promise.due_at == dt.datetime(2026, 11, 5, tzinfo=promise.due_at.tzinfo)  # 36 days on
    assert "Exclusion list (OIG LEIE): latest file dated Sep 30, 2026, import this month's" in page


def test_a_list_is_at_risk_in_its_last_days_and_fresh_before(tmp_path):
    with time_machine.travel(NOW, tick=False):
        import_leie(tmp_path, leie_rows(3), file_date=dt.date(2026, 10, 10))  # 33 days old
        services.exclusions_run()
        board = sla_board()
    assert not [p for p in board.overdue if p.kind == "Exclusion list"]
    [promise] = [p for p in board.at_risk if p.kind == "Exclusion list"]
    assert promise.what.startswith("Exclusion list (OIG LEIE): latest file dated Oct 10, 2026")

    with time_machine.travel(NOW, tick=False):
        import_leie(tmp_path, leie_rows(4), name="november.csv", file_date=dt.date(2026, 11, 9))
        board = sla_board()
    assert not [p for p in board.overdue + board.at_risk if p.kind == "Exclusion list"]


def test_an_open_case_is_due_within_five_business_days_then_overdue(tmp_path, admin_client):
    with time_machine.travel(NOW, tick=False):  # Thursday
        screened_provider("Jordan Rivera")
        import_leie(tmp_path, [leie_row(**RIVERA)])
        services.exclusions_run()
        assert not [p for p in sla_board().overdue if p.kind == "Exclusion case"]

    with time_machine.travel(NOW + dt.timedelta(days=7, hours=1), tick=False):  # the next Thursday, later
        [promise] = [p for p in sla_board().overdue if p.kind == "Exclusion case"]
        assert promise.provider == "Jordan Rivera"
        assert promise.what == "Possible LEIE exclusion match to clear or confirm"
        page = text_of(admin_client.get(reverse("admin:sla")).content.decode())
    assert "Possible LEIE exclusion match to clear or confirm" in page


def test_screenings_give_each_source_its_latest_check_and_its_cases(tmp_path, django_assert_num_queries):
    with time_machine.travel(NOW, tick=False):
        provider = screened_provider("Jordan Rivera")
        never = ProviderFactory(legal_name="Never Checked")
        import_leie(tmp_path, [leie_row(**RIVERA)])
        services.exclusions_run()

        with django_assert_num_queries(2):
            leie, sam = selectors.screenings(provider)
        assert (leie.source_label, leie.checked_on, leie.open_case, leie.confirmed) == (
            "OIG LEIE",
            dt.date(2026, 11, 12),
            True,
            False,
        )
        assert (sam.source_label, sam.checked_on, sam.open_case) == ("SAM exclusions", None, False)

        services.case_confirm(
            case=ExclusionCase.objects.get(provider=provider), actor=None, reason="Same person"
        )
        leie, _ = selectors.screenings(provider)
        assert (leie.open_case, leie.confirmed) == (False, True)
        assert [s.checked_on for s in selectors.screenings(never)] == [None, None]


def test_the_match_command_reports_each_source(tmp_path):
    from io import StringIO  # noqa: PLC0415

    from django.core.management import call_command  # noqa: PLC0415

    with time_machine.travel(NOW, tick=False):
        screened_provider("Jordan Rivera")
        import_leie(tmp_path, [leie_row(**RIVERA)])
        out = StringIO()
        call_command("match_exclusions", stdout=out)
    assert out.getvalue().strip() == "LEIE: 1 providers checked, 1 possible matches, 1 new cases."


def test_staff_read_the_runs_list(tmp_path):
    with time_machine.travel(NOW, tick=False):
        import_leie(tmp_path, leie_rows(2))
        services.exclusions_run()
    reader = signed_in_client(staff_user("reader@alma.test", "exclusions.view_exclusionrun"))
    page = text_of(reader.get(reverse("admin:exclusions_exclusionrun_changelist")).content.decode())
    assert "every active provider" in page


@pytest.mark.django_db(transaction=True)
def test_two_monthly_sweeps_at_once_make_one_run(tmp_path):
    from tests.helpers import run_at_once  # noqa: PLC0415

    screened_provider("Jordan Rivera")
    import_leie(tmp_path, [leie_row(**RIVERA), *leie_rows(2)])

    run_at_once(services.exclusions_monthly_run, services.exclusions_monthly_run)

    assert ExclusionRun.objects.filter(source="leie").count() == 1
    assert ExclusionCase.objects.count() == 1
