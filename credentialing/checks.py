"""Identifier checks for the Insurance Form. Pure functions: each returns None when the value
passes, or a message that names the rule it breaks (shown next to the field).
"""

import re

from stdnum import luhn

# CMS: an NPI's check digit is the Luhn digit computed with the prefix 80840 (the ISO card
# issuer prefix for US health applications) in front of the first nine digits.
NPI_PREFIX = "80840"
# DEA registrant types for practitioners and mid-levels (DEA "Registration number format").
DEA_FIRST_LETTERS = frozenset("ABCDEFGHJKLMPRSTUX")
DEA_FORMAT = re.compile(r"^[A-Z][A-Z9][0-9]{7}$")  # [0-9]: \d takes any script's digits


# What people type between an NPI's digits when they copy it from a card or a letter: spaces
# (also non-breaking ones), hyphens and the dashes word processors turn them into, dots.
NPI_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.]+")


def npi_normalised(typed: str) -> str:
    """The NPI as its digits: "1234 567 893" and "1234-567-893" are 1234567893. Anything else
    (letters, other symbols) is left in place for npi_problem to name."""
    return NPI_SEPARATORS.sub("", typed)


def npi_problem(npi: str) -> str | None:
    # [0-9], not \d: \d also matches other scripts' digits, which no NPI has.
    if not re.fullmatch(r"[0-9]{10}", npi):
        if re.fullmatch(r"[0-9]*", npi):
            return f"An NPI is exactly 10 digits; this has {len(npi)}."
        return (
            "An NPI is exactly 10 digits (spaces or dashes between them are fine); "
            "remove any other characters."
        )
    if npi[0] not in "12":
        return "An NPI starts with 1 or 2."
    if not luhn.is_valid(NPI_PREFIX + npi):
        return "This NPI's check digit is wrong (Luhn check with prefix 80840); please check for a typo."
    return None


def dea_problem(dea_number: str) -> str | None:
    """The number's own rules: its format, a practitioner's first letter, its check digit. The
    second letter's tie to a name is only a warning (dea_name_mismatch)."""
    value = dea_number.upper()
    if not DEA_FORMAT.fullmatch(value):
        return "A DEA number is two letters followed by seven digits, e.g. AB1234563."
    if value[0] not in DEA_FIRST_LETTERS:
        return f"A DEA number for a practitioner does not start with {value[0]!r}."
    digits = [int(d) for d in value[2:]]
    check = (digits[0] + digits[2] + digits[4] + 2 * (digits[1] + digits[3] + digits[5])) % 10
    if check != digits[6]:
        return "This DEA number's check digit is wrong; please check for a typo."
    return None


def _surname_initial(name: str) -> str:
    words = name.split()
    return words[-1][:1].upper() if words else ""


def dea_name_mismatch(dea_number: str, *, legal_name: str, registered_name: str = "") -> str | None:
    """The DEA's second letter is the registrant's surname initial at issue ("9" for a business
    name). A registration kept under a former surname is valid, so a mismatch is a warning for
    the provider and a note for staff, never a refusal. None when it matches the legal name's
    surname or the name on the registration."""
    letter = dea_number.upper()[1:2]
    if not letter or letter == "9":
        return None
    initials = {_surname_initial(legal_name), _surname_initial(registered_name)} - {""}
    if letter in initials:
        return None
    if registered_name.strip():
        return (
            f"The second letter of this DEA number ({letter}) matches neither your last name nor the "
            "name on the registration. Please check the number; you can still submit, and our "
            "credentialing team will verify it with the DEA."
        )
    last_name = legal_name.rsplit(maxsplit=1)[-1] if legal_name.split() else "not given"
    return (
        f"The second letter of this DEA number ({letter}) is not the initial of your last name "
        f"({last_name}). If the registration is under another name, for example a former surname, "
        "enter the name on it."
    )


def caqh_id_problem(caqh_id: str) -> str | None:
    if not re.fullmatch(r"[0-9]{1,10}", caqh_id):
        return "A CAQH ProView ID is made of digits only (up to 10), e.g. 12345678."
    return None
