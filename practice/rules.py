"""Bank details rules, pure (no Django): the routing number and the account number.

The routing number is checked with python-stdnum's ABA routing transit number rule (9 digits,
the last one a check digit over the first eight, weights 3-7-1) and must start with a Federal
Reserve routing symbol that identifies a bank: 01-12 (banks), 21-32 (thrift institutions) or
61-72 (electronic transactions). 00 (the US Government) and 80 (traveler's cheques) never
identify a provider's account.
"""

import re

from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.us import rtn

BANK_PREFIXES = frozenset(range(1, 13)) | frozenset(range(21, 33)) | frozenset(range(61, 73))
# US account numbers are not standardised; banks use 4 to 17 digits (NACHA's field is 17 wide).
ACCOUNT_MIN_DIGITS, ACCOUNT_MAX_DIGITS = 4, 17
_SEPARATORS = re.compile(r"[\s-]")


def digits_only(value: str) -> str:
    """What the provider typed, without the spaces and hyphens people add for readability."""
    return _SEPARATORS.sub("", value or "")


def routing_number_problem(value: str) -> str | None:
    """Why `value` (separators removed) is not a US bank routing number, or None."""
    try:
        rtn.validate(value)
    except InvalidLength:  # a subclass of InvalidFormat, so caught first
        return f"A routing number has 9 digits; this one has {len(value)}."
    except InvalidFormat:
        return "A routing number has digits only."
    except InvalidChecksum:
        return (
            "This routing number's check digit doesn't match, so one of the digits is probably "
            "mistyped. Copy it again from a check or your bank's website."
        )
    if int(value[:2]) not in BANK_PREFIXES:
        return "This is not a bank's routing number (it must start with 01-12, 21-32 or 61-72)."
    return None


def account_number_problem(value: str) -> str | None:
    """Why `value` (separators removed) cannot be a US bank account number, or None."""
    if not value.isdigit():
        return "An account number has digits only."
    if not ACCOUNT_MIN_DIGITS <= len(value) <= ACCOUNT_MAX_DIGITS:
        return f"An account number has {ACCOUNT_MIN_DIGITS} to {ACCOUNT_MAX_DIGITS} digits."
    return None


def last_four(account_number: str) -> str:
    return account_number[-4:]
