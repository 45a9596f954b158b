"""What the provider's "Confirm your credentialing details" page reads."""

from dataclasses import asdict, dataclass, field
from datetime import date

from credentialing.selectors import insurance_form_with_rows
from onboarding.models import Provider
from verification.models import RecredentialingAttestation
from verification.recredentialing import RecredentialingStatus
from verification.selectors.decisions import standing_approvals


def open_recredentialing(provider: Provider, *, today: date) -> RecredentialingStatus | None:
    """The provider's recredentialing clock (None before a first approval or after a denial)."""
    due_on = (
        standing_approvals()
        .filter(provider=provider)
        .values_list("recredentialing_due_on", flat=True)
        .first()
    )
    return RecredentialingStatus(due_on=due_on, today=today) if due_on else None


def attestation_for(provider: Provider, due_on: date) -> RecredentialingAttestation | None:
    return RecredentialingAttestation.objects.filter(provider=provider, due_on=due_on).first()


@dataclass(frozen=True)
class DetailsOnFile:
    """The credentials the file verifies, as the provider gave them on the Insurance Form."""

    licenses: list[dict[str, str]] = field(default_factory=list)
    liability: dict[str, str] = field(default_factory=dict)
    dea: dict[str, str] = field(default_factory=dict)
    board: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def _date(day: date | None) -> str:
    return f"{day:%b} {day.day}, {day.year}" if day else ""


def details_on_file(provider: Provider) -> DetailsOnFile:
    """Licences, liability insurance, DEA and board certification (2 queries: the form, its licences)."""
    record = insurance_form_with_rows(provider)
    if record is None:
        return DetailsOnFile()
    licenses = [
        {"state": row.state, "type": row.license_type, "number": row.number, "expires": _date(row.expiry)}
        for row in record.licenses.all()
    ]
    liability = (
        {
            "carrier": record.liability_carrier,
            "policy": record.liability_policy_number,
            "expires": _date(record.liability_expiry),
        }
        if record.liability_policy_number
        else {}
    )
    dea = {"number": record.dea_number, "expires": _date(record.dea_expiry)} if record.dea_number else {}
    board = (
        {
            "board": record.board_name,
            "specialty": record.board_specialty,
            "expires": _date(record.board_expiry),
        }
        if record.board_name
        else {}
    )
    return DetailsOnFile(licenses=licenses, liability=liability, dea=dea, board=board)
