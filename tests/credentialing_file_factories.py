"""A credentialing file with every part an export holds: both exclusion lists imported and the
provider checked against them, as the exclusions app's import and matching services do it."""

import datetime as dt

from exclusions import services as exclusion_services
from exclusions.models import ExclusionCase
from exclusions.sources import LEIE_COLUMNS, SAM_ALL_COLUMNS
from tests.helpers import staff_user


def screen(provider, folder):
    """Both exclusion lists imported (the LEIE with a row sharing the provider's NPI, a namesake)
    and checked against the provider; staff clear the possible match."""
    leie = folder / "UPDATED.csv"
    leie_row = dict.fromkeys(LEIE_COLUMNS, "") | {
        "LASTNAME": "WHITFIELD", "FIRSTNAME": "DANE", "NPI": "1234567893", "DOB": "19610302",
        "STATE": "OH", "EXCLTYPE": "1128a1", "EXCLDATE": "20190321", "REINDATE": "00000000",
        "WAIVERDATE": "00000000",
    }  # fmt: skip
    leie.write_text(",".join(LEIE_COLUMNS) + "\n" + ",".join(leie_row[name] for name in LEIE_COLUMNS) + "\n")
    sam = folder / "SAM_Exclusions_Public_Extract.csv"
    sam_row = dict.fromkeys(SAM_ALL_COLUMNS, "") | {
        "Classification": "Individual", "Name": "LEE, PAT", "First": "PAT", "Last": "LEE",
        "Active Date": "01/05/2020", "SAM Number": "S4MRXQ1",
        "Exclusion Type": "Ineligible (Proceedings Completed)",
    }  # fmt: skip
    sam.write_text(
        ",".join(f'"{name}"' for name in SAM_ALL_COLUMNS)
        + "\n"
        + ",".join(f'"{sam_row[name]}"' for name in SAM_ALL_COLUMNS)
        + "\n"
    )
    exclusion_services.list_import(source="leie", path=leie, file_date=dt.date(2026, 2, 1))
    exclusion_services.list_import(source="sam", path=sam, file_date=dt.date(2026, 2, 15))
    runs = exclusion_services.exclusions_run(provider=provider, trigger="test")
    case = ExclusionCase.objects.get(provider=provider)
    exclusion_services.case_clear(
        case=case,
        actor=staff_user("cases@alma.test", "exclusions.decide_exclusioncase"),
        reason="Born 1961 in Ohio; our provider is not.",
    )
    return runs, case
