"""`manage.py onboarding_report`: counts per step, median business days, everything overdue."""

import csv
import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from onboarding.models import OnboardingStep
from portal.reports import onboarding_report
from tests.factories import ProviderFactory, submit_general_onboarding
from tests.helpers import NEW_YORK

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline():
    """Two providers who took one and three business days over the General Onboarding form."""
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=NEW_YORK), tick=False):  # a Friday
        quick, slow, waiting = ProviderFactory(), ProviderFactory(), ProviderFactory()
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=NEW_YORK), tick=False):  # Monday: 1 day
        submit_general_onboarding(quick)
    with time_machine.travel(
        dt.datetime(2026, 11, 27, 9, 0, tzinfo=NEW_YORK), tick=False
    ):  # Fri after Thanksgiving: 4
        submit_general_onboarding(slow)
    return quick, slow, waiting


def test_the_report_counts_steps_and_medians_in_business_days(pipeline):
    report = onboarding_report(now=dt.datetime(2026, 11, 30, 12, 0, tzinfo=NEW_YORK))
    lines = {line.step: line for line in report.steps}
    assert lines[OnboardingStep.ACCOUNT_CREATED].providers_here == 1
    assert lines[OnboardingStep.GENERAL_ONBOARDING_SUBMITTED].providers_here == 2
    # Friday -> Monday is 1 business day; Friday -> the Friday after Thanksgiving is 4.
    assert lines[OnboardingStep.GENERAL_ONBOARDING_SUBMITTED].median_business_days == 2.5
    assert lines[OnboardingStep.GENERAL_ONBOARDING_SUBMITTED].moves == 2
    assert lines[OnboardingStep.FORMS_APPROVED].median_business_days is None


def test_csv_output_parses_with_a_header(pipeline, capsys):
    call_command("onboarding_report", "--format", "csv", "--as-of", "2026-11-30")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    steps = {row["item"]: row for row in rows if row["section"] == "step"}
    assert steps["General Onboarding form submitted"]["count"] == "2"
    assert steps["General Onboarding form submitted"]["median_business_days"] == "2.5"
    # The unsent emails of these providers (no worker in this test) are past due by Monday noon.
    assert any(row["section"] == "overdue" and row["item"].startswith("Email") for row in rows)


def test_json_and_table_output(pipeline, capsys):
    call_command("onboarding_report", "--format", "json", "--as-of", "2026-11-30")
    parsed = json.loads(capsys.readouterr().out)
    assert {"section", "item", "count"} <= set(parsed[0])
    call_command("onboarding_report")
    assert "Median business days" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--format", "xml"], "--format must be one of"), (["--as-of", "tomorrow"], "--as-of must be a date")],
)
def test_bad_arguments_are_refused_clearly(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("onboarding_report", *args)
