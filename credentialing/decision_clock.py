"""The payer's decision clock (PRODUCT.md): a submitted application is decided within 45 days;
later ones are flagged. Pure, no Django import: the selectors, the admin and the emails share it
(credentialing.selectors re-exports both names)."""

from datetime import datetime, timedelta

DECISION_DAYS = 45


def expected_decision_at(submitted_at: datetime) -> datetime:
    return submitted_at + timedelta(days=DECISION_DAYS)
