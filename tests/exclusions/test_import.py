"""import_exclusions: the LEIE and SAM files read as published, and the files refused."""

import datetime as dt
import hashlib
import shutil

import pytest
from django.core.management import CommandError, call_command

from exclusions import selectors
from exclusions.models import ExclusionEntry, ExclusionImport
from exclusions.sources import LEIE_COLUMNS
from tests.exclusions_factories import FIXTURES, import_leie, leie_file, leie_row, leie_rows

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    from io import StringIO  # noqa: PLC0415

    out = StringIO()
    call_command("import_exclusions", *args, stdout=out)
    return out.getvalue()


def test_the_monthly_leie_file_is_read_with_its_dates_npis_and_hash(tmp_path):
    path = tmp_path / "UPDATED.csv"
    shutil.copy(FIXTURES / "leie_updated.csv", path)

    said = run("--source", "leie", str(path), "--file-date", "2026-11-09")

    record = ExclusionImport.objects.get()
    assert record.kind == ExclusionImport.Kind.FULL
    assert record.file_date == dt.date(2026, 11, 9)
    assert record.row_count == 4
    assert record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "4 rows" in said
    assert record.sha256 in said
    rivera = ExclusionEntry.objects.get(last_name="RIVERA")
    assert rivera.npi == ""  # 0000000000: unknown
    assert rivera.dob == dt.date(1984, 3, 14)
    assert rivera.excl_date == dt.date(2019, 5, 20)
    assert rivera.reinstated_on is None
    assert rivera.waiver_date is None
    assert (rivera.first_norm, rivera.last_norm, rivera.state) == ("jordan", "rivera", "NY")
    agency = ExclusionEntry.objects.get(business_name="SUNRISE HOME HEALTH LLC")
    assert agency.dob is None
    assert agency.first_norm == ""
    assert ExclusionEntry.objects.get(last_name="SMITH").npi == "1245319599"


def test_a_supplement_with_the_waiverstate_header_adds_to_the_latest_list(tmp_path):
    full = import_leie(tmp_path, leie_rows(3))
    run(
        "--source", "leie", str(FIXTURES / "leie_supplement.csv"), "--supplement", "--file-date", "2026-11-20"
    )

    supplement = ExclusionImport.objects.get(kind=ExclusionImport.Kind.SUPPLEMENT)
    assert supplement.row_count == 1
    latest = selectors.latest_list("leie")
    assert latest.full == full
    assert latest.import_ids == sorted([full.pk, supplement.pk])


def test_a_new_full_file_replaces_the_list_and_its_earlier_supplements(tmp_path):
    import_leie(tmp_path, leie_rows(10), name="october.csv", file_date=dt.date(2026, 10, 9))
    import_leie(tmp_path, [leie_row()], name="supp.csv", supplement=True, file_date=dt.date(2026, 10, 20))
    november = import_leie(tmp_path, leie_rows(11), name="november.csv", file_date=dt.date(2026, 11, 9))

    assert selectors.latest_list("leie").import_ids == [november.pk]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("", "empty"),
        (",".join(LEIE_COLUMNS) + "\r\n", "no rows"),
        ("LASTNAME,FIRSTNAME,NPI\r\nDOE,JANE,0000000000\r\n", "header is not the expected one"),
    ],
    ids=["empty", "header-only", "wrong-header"],
)
def test_an_empty_or_wrong_file_is_refused_and_nothing_is_imported(tmp_path, content, says):
    path = tmp_path / "UPDATED.csv"
    path.write_text(content)

    with pytest.raises(CommandError, match=says):
        run("--source", "leie", str(path))
    assert not ExclusionImport.objects.exists()
    assert not ExclusionEntry.objects.exists()


def test_a_truncated_file_is_refused(tmp_path):
    whole = leie_file(tmp_path, leie_rows(20)).read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(whole[: len(whole) - 40])  # the download stopped inside the last row

    with pytest.raises(CommandError, match="cut short"):
        run("--source", "leie", str(cut))
    assert not ExclusionEntry.objects.exists()


def test_a_file_cut_at_the_end_of_a_field_is_refused(tmp_path):
    whole = leie_file(tmp_path, leie_rows(5)).read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(whole.rstrip(b"\r\n"))  # the right width, but no line break at the end

    with pytest.raises(CommandError, match="does not end with a line break"):
        run("--source", "leie", str(cut))
    assert not ExclusionImport.objects.exists()


def test_a_bad_date_is_refused_with_its_column(tmp_path):
    path = leie_file(tmp_path, [leie_row(DOB="1984-03-14")])
    with pytest.raises(CommandError, match="DOB '1984-03-14' is not a yyyymmdd date"):
        run("--source", "leie", str(path))


def test_a_full_file_much_shorter_than_the_last_needs_force(tmp_path):
    import_leie(tmp_path, leie_rows(100), name="october.csv")
    short = leie_file(tmp_path, leie_rows(89), name="november.csv")

    with pytest.raises(CommandError, match="89 rows, much fewer than the last full list \\(100 rows"):
        run("--source", "leie", str(short))
    assert ExclusionImport.objects.count() == 1

    run("--source", "leie", str(short), "--force")
    forced = ExclusionImport.objects.order_by("-pk").first()
    assert forced.forced
    assert forced.row_count == 89


def test_a_supplement_is_never_compared_with_the_full_list_s_length(tmp_path):
    import_leie(tmp_path, leie_rows(100))
    import_leie(tmp_path, [leie_row()], name="supp.csv", supplement=True)
    assert ExclusionImport.objects.count() == 2


def test_the_same_file_twice_is_refused(tmp_path):
    path = leie_file(tmp_path, leie_rows(3))
    run("--source", "leie", str(path))
    with pytest.raises(CommandError, match="already imported"):
        run("--source", "leie", str(path))
    assert ExclusionImport.objects.count() == 1


def test_a_large_file_is_written_in_a_fixed_number_of_statements(tmp_path, django_assert_max_num_queries):
    path = leie_file(tmp_path, leie_rows(1_050))
    # The import row, one COPY of every row (PostgreSQL), the repeat and length checks, the
    # row's update, the savepoints: the same for 1,050 rows as for 80,000.
    with django_assert_max_num_queries(10):
        run("--source", "leie", str(path))
    assert ExclusionEntry.objects.count() == 1_050


def test_the_sam_extract_is_read_individuals_by_name_firms_by_name_of_business(tmp_path):
    run("--source", "sam", str(FIXTURES / "sam_extract.csv"), "--file-date", "2026-11-30")

    assert ExclusionImport.objects.get().row_count == 2
    morgan = ExclusionEntry.objects.get(last_name="Morgan")
    assert (morgan.first_norm, morgan.last_norm, morgan.state) == ("casey", "morgan", "WA")
    assert morgan.dob is None  # SAM publishes no date of birth
    assert morgan.excl_date == dt.date(2022, 3, 15)
    assert morgan.reinstated_on is None  # "Indefinite"
    firm = ExclusionEntry.objects.get(business_name="Acme Billing Inc")
    assert firm.first_norm == ""
    assert firm.last_norm == ""
    assert firm.reinstated_on == dt.date(2025, 1, 2)


def test_an_unknown_source_is_refused_by_the_command(tmp_path):
    with pytest.raises(CommandError, match="invalid choice"):
        run("--source", "medicaid-ny", str(FIXTURES / "leie_updated.csv"))
