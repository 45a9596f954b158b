"""Exclusion lists written as the sources publish them, and providers ready to be matched."""

import datetime as dt
from pathlib import Path

from exclusions import services
from exclusions.sources import LEIE_COLUMNS, SAM_ALL_COLUMNS
from tests.factories import ProviderFactory, submit_general_onboarding, submit_insurance_form

FIXTURES = Path(__file__).parent / "exclusions" / "fixtures"
FILE_DATE = dt.date(2026, 11, 9)


def leie_row(**values: str) -> dict[str, str]:
    """One LEIE row: an excluded individual with no NPI (as most historic rows are)."""
    row = dict.fromkeys(LEIE_COLUMNS, "")
    row.update(
        LASTNAME="DOE", FIRSTNAME="JANE", GENERAL="IND- LIC HC SERV PRO", SPECIALTY="COUNSELOR",
        NPI="0000000000", DOB="19600101", STATE="OH", EXCLTYPE="1128a1", EXCLDATE="20200101",
        REINDATE="00000000", WAIVERDATE="00000000",
    )  # fmt: skip
    row.update(values)
    return row


def leie_rows(count: int, **values: str) -> list[dict[str, str]]:
    """`count` distinct people nobody in the tests is called."""
    return [leie_row(LASTNAME=f"NOBODY{n}", FIRSTNAME=f"PERSON{n}", **values) for n in range(count)]


def _csv_cell(value: str) -> str:
    return f'"{value}"' if any(ch in value for ch in ',"\n') else value


def write_csv(
    path: Path, columns: list[str], rows: list[dict[str, str]], *, header: list[str] | None = None
) -> Path:
    lines = [",".join(header or columns)]
    lines += [",".join(_csv_cell(row.get(name, "")) for name in columns) for row in rows]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def leie_file(tmp_path: Path, rows: list[dict[str, str]], name: str = "UPDATED.csv", **kwargs) -> Path:
    return write_csv(tmp_path / name, LEIE_COLUMNS, rows, **kwargs)


def sam_row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(SAM_ALL_COLUMNS, "")
    row.update(
        Classification="Individual", Country="USA", **{"Exclusion Program": "Reciprocal"},
        **{"Excluding Agency": "HHS", "Exclusion Type": "Prohibition/Restriction"},
        **{"Active Date": "03/15/2022", "Termination Date": "Indefinite", "Record Status": "Active"},
    )  # fmt: skip
    row.update(values)
    return row


def sam_file(tmp_path: Path, rows: list[dict[str, str]], name: str = "SAM_Exclusions.csv") -> Path:
    return write_csv(tmp_path / name, SAM_ALL_COLUMNS, rows)


def import_leie(
    tmp_path: Path,
    rows: list[dict[str, str]],
    *,
    supplement: bool = False,
    name: str = "UPDATED.csv",
    file_date: dt.date = FILE_DATE,
    force: bool = False,
):
    return services.list_import(
        source="leie",
        path=leie_file(tmp_path, rows, name=name),
        file_date=file_date,
        supplement=supplement,
        force=force,
        imported_by="test",
    )


def screened_provider(
    legal_name: str,
    *,
    date_of_birth: dt.date | None = dt.date(1984, 3, 14),
    npi: str = "1234567893",
    **form,
):
    """A provider who has submitted both forms (practice state NY), ready to be matched."""
    provider = ProviderFactory(legal_name=legal_name)
    submit_general_onboarding(provider)
    submit_insurance_form(provider, date_of_birth=date_of_birth, npi=npi, **form)
    return provider
