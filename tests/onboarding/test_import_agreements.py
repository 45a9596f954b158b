"""`manage.py import_agreements`: all rows or nothing, each error with its line number."""

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from onboarding import emails as onboarding_emails
from onboarding.models import LicenseType, MembershipAgreement, OutboxEmail, Provider
from tests.helpers import REPO, image_bytes

pytestmark = pytest.mark.django_db

HEADER = "name,email,license type,contracted start date,signed at\n"
GOOD = (
    HEADER
    + """Ada Brennan,ada@example.com,LMFT,2026-12-14,2026-11-20 09:30
Ben Okafor,ben@example.com,np,2027-01-04,2026-11-23T14:00:00-05:00
Chen Liu,chen@example.com,PsyD,2026-12-01,2026-11-24
"""
)


def write(tmp_path, text, name="agreements.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_creates_providers_and_queues_their_emails(tmp_path, capsys):
    path = write(tmp_path, GOOD)
    call_command("import_agreements", str(path))
    assert "Imported 3 agreement(s)" in capsys.readouterr().out

    assert set(Provider.objects.values_list("user__email", flat=True)) == {
        "ada@example.com",
        "ben@example.com",
        "chen@example.com",
    }
    ben = Provider.objects.get(user__email="ben@example.com")
    assert ben.license_type == LicenseType.NP
    assert ben.agreement.source == MembershipAgreement.Source.IMPORT
    assert ben.agreement.source_reference == "agreements.csv:3"
    assert OutboxEmail.objects.filter(step=onboarding_emails.GENERAL_ONBOARDING).count() == 3


def test_a_bad_row_names_its_line_and_nothing_is_imported(tmp_path):
    path = write(
        tmp_path,
        GOOD
        + "Dee Park,not-an-email,LCSW,2026-12-01,2026-11-24\n"
        + "Eve Stone,eve@example.com,Shaman,2026-12-01,2026-11-24\n",
    )
    with pytest.raises(CommandError) as excinfo:
        call_command("import_agreements", str(path))
    message = str(excinfo.value)
    assert "line 5: email 'not-an-email': Enter a valid email address." in message
    assert "line 6: license_type 'Shaman'" in message
    assert "nothing imported" in message
    assert not Provider.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_a_duplicate_in_the_file_or_in_the_database_is_an_error(tmp_path, make_provider):
    make_provider(email="chen@example.com")
    path = write(tmp_path, GOOD + "Ada Again,ADA@example.com,LMFT,2026-12-14,2026-11-20\n")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_agreements", str(path))
    assert "line 5: email ada@example.com is also on line 2" in str(excinfo.value)
    assert "line 4: email chen@example.com already has an account" in str(excinfo.value)
    assert Provider.objects.count() == 1


def test_a_signature_in_the_future_is_refused(tmp_path):
    path = write(tmp_path, HEADER + "A B,a@example.com,LPC,2031-01-01,2030-01-01\n")
    with pytest.raises(CommandError, match=r"line 2: signed_at .*cannot be signed in the future"):
        call_command("import_agreements", str(path))


def test_missing_columns_are_named(tmp_path):
    path = write(tmp_path, "name,email\nA B,a@example.com\n")
    with pytest.raises(
        CommandError, match="missing column\\(s\\): contracted_start_date, license_type, signed_at"
    ):
        call_command("import_agreements", str(path))


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*nope\.csv"):
        call_command("import_agreements", str(tmp_path / "nope.csv"))


def test_dry_run_checks_without_importing(tmp_path, capsys):
    call_command("import_agreements", str(write(tmp_path, GOOD)), "--dry-run")
    assert "3 agreement(s) would be imported" in capsys.readouterr().out
    assert not Provider.objects.exists()


def test_the_command_exits_non_zero_on_a_bad_file(tmp_path):
    # What an operator's shell sees: exit status and the message on stderr.
    path = write(
        tmp_path,
        "name,email,license type,contracted start date,signed at\nA B,bad,LPC,2026-12-01,2026-11-20\n",
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "import_agreements", str(path), "--dry-run"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "alma.settings.test"},
    )
    assert result.returncode == 1
    assert "line 2: email 'bad'" in result.stderr


# Hostile files (issue 10): each gets a clear CommandError that says what the file is, and the
# command reads a bounded amount whatever the input.


def write_bytes(tmp_path, content: bytes, name="agreements.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def import_error(path) -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("import_agreements", str(path))
    assert not Provider.objects.exists()
    return str(excinfo.value)


def test_a_utf16_file_with_a_bom_is_named_as_utf16(tmp_path):
    message = import_error(write_bytes(tmp_path, GOOD.encode("utf-16")))
    assert "is UTF-16 text, not a UTF-8 CSV file" in message
    assert 'Save it as "CSV UTF-8' in message


def test_a_utf16_file_without_a_bom_is_refused_as_not_utf8(tmp_path):
    message = import_error(write_bytes(tmp_path, GOOD.encode("utf-16-le")))
    assert "is not a UTF-8 CSV file: it contains NUL bytes" in message


def test_a_binary_file_is_refused_as_not_utf8(tmp_path):
    assert "contains NUL bytes" in import_error(write_bytes(tmp_path, image_bytes(), name="photo.csv"))


def test_an_excel_workbook_is_named_as_one(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as workbook:
        workbook.writestr("xl/workbook.xml", "<workbook/>")
    message = import_error(write_bytes(tmp_path, buffer.getvalue(), name="agreements.xlsx"))
    assert "an Excel workbook, not a CSV file" in message


def test_a_latin1_file_names_the_line_of_the_first_bad_byte(tmp_path):
    text = GOOD + "Zoë Adler,zoe@example.com,LPC,2026-12-01,2026-11-24\n"
    message = import_error(write_bytes(tmp_path, text.encode("latin-1")))
    assert "line 5: not a UTF-8 CSV file (byte 0xeb is not UTF-8" in message


def test_excels_csv_utf8_with_its_bom_imports(tmp_path):
    call_command("import_agreements", str(write_bytes(tmp_path, GOOD.encode("utf-8-sig"))))
    assert Provider.objects.count() == 3


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    from onboarding.management.commands import import_agreements  # noqa: PLC0415

    monkeypatch.setattr(import_agreements, "MAX_FILE_BYTES", len(GOOD.encode()) - 1)
    assert "is larger than the limit" in import_error(write(tmp_path, GOOD))


def test_a_file_over_the_row_limit_is_refused(tmp_path, monkeypatch):
    from onboarding.management.commands import import_agreements  # noqa: PLC0415

    monkeypatch.setattr(import_agreements, "MAX_ROWS", 2)
    assert "has more than 2 agreements; split it" in import_error(write(tmp_path, GOOD))


def test_one_huge_field_is_a_clear_csv_error(tmp_path):
    text = HEADER + "A " + "x" * 200_000 + ",a@example.com,LPC,2026-12-01,2026-11-24\n"
    assert "line 2: not readable as CSV (field larger than field limit" in import_error(write(tmp_path, text))


def run_import(path: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "import_agreements", path, "--dry-run"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,  # an unbounded read of an endless input would never return
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "alma.settings.test"},
    )


@pytest.mark.parametrize("endless", ["/dev/zero", "/dev/urandom"])
def test_an_endless_input_ends_with_a_clear_error_and_no_traceback(endless):
    result = run_import(endless)
    assert result.returncode == 1
    assert f"{endless} is larger than the limit of 5 MB" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_utf16_file_exits_non_zero_without_a_traceback(tmp_path):
    result = run_import(str(write_bytes(tmp_path, GOOD.encode("utf-16"))))
    assert result.returncode == 1
    assert "is UTF-16 text" in result.stderr
    assert "Traceback" not in result.stderr
