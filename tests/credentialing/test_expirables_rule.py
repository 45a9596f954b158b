"""When to remind a provider that a credential expires. No database."""

from datetime import date

import pytest

from credentialing.expirables import Expirable, caqh_attestation_due, reminder_due

TODAY = date(2026, 11, 27)


def expiring_in(days: int) -> Expirable:
    return Expirable(
        provider_id=1,
        kind="license",
        reference="NY LCSW R-1",
        expires_on=date.fromordinal(TODAY.toordinal() + days),
    )


@pytest.mark.parametrize(
    ("days_left", "reminder"),
    [
        (90, None),
        (61, None),
        (60, 60),
        (45, 60),
        (31, 60),
        (30, 30),
        (8, 30),
        (7, 7),
        (1, 7),
        (0, 7),
        (-1, None),
    ],
)
def test_the_reminder_window_a_day_falls_in(days_left, reminder):
    assert reminder_due(expiring_in(days_left), TODAY) == reminder


def test_caqh_asks_for_re_attestation_every_120_days():
    assert caqh_attestation_due(date(2026, 8, 1)) == date(2026, 11, 29)
