"""Reads the payouts and client pages need, with their queries kept in one place.

Whether an insurance client is allowed is decided by credentialing.selectors.in_network, the one
definition of "in network with payer X on day D"; this module only explains a refusal.
"""

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from credentialing.models import ApplicationStatus, Payer, PayerApplication
from credentialing.selectors import effective_start_date, expected_decision_at, payers_in_effect
from onboarding.models import Provider
from practice.models import Client, PayoutAccount

CLIENTS_PER_PAGE = 50
S = ApplicationStatus


def day(value: date) -> str:
    """A date as the portal writes it: "Mar 5, 2026"."""
    return f"{value:%b} {value.day}, {value.year}"


def payout_account_of(provider: Provider) -> PayoutAccount | None:
    # Never the encrypted number: pages need only what they show.
    return PayoutAccount.objects.filter(provider=provider).defer("account_number_encrypted").first()


def client_page(provider: Provider, page_number: int | str | None, *, archived: bool = False) -> Page:
    """One page of the roster (or of its archived clients), payers joined: two queries (count,
    rows) whatever its length."""
    clients = (
        Client.objects.filter(provider=provider, archived_at__isnull=not archived)
        .select_related("payer")
        .order_by("last_name", "first_name", "pk")
    )
    return Paginator(clients, CLIENTS_PER_PAGE).get_page(page_number)


def archived_count(provider: Provider) -> int:
    return Client.objects.filter(provider=provider, archived_at__isnull=False).count()


def client_of(provider: Provider, client_id: int) -> Client | None:
    """The provider's own client, or None (another provider's client is as good as missing)."""
    return Client.objects.select_related("payer").filter(provider=provider, pk=client_id).first()


def clients_on_payer(provider_id: int, payer_id: int) -> list[Client]:
    """The roster clients (not archived) whose insurance is with this payer: unenrolling affects them."""
    return list(
        Client.objects.filter(provider_id=provider_id, payer_id=payer_id, archived_at__isnull=True).order_by(
            "last_name", "first_name", "pk"
        )
    )


@dataclass(frozen=True)
class NetworkStatus:
    """Where the provider stands for insurance clients today, for the banner on client pages."""

    today: date
    effective_start_date: date | None
    payers: list[Payer]  # payers whose clients the provider may see today

    @property
    def in_network(self) -> bool:
        return bool(self.payers)

    @property
    def summary(self) -> str:
        if self.effective_start_date is None:
            return (
                "You are out-of-network until your first payer approves you; "
                "you can see cash-pay clients now."
            )
        if self.effective_start_date > self.today:
            return (
                f"You are out-of-network until {day(self.effective_start_date)}; "
                "you can see cash-pay clients now."
            )
        names = ", ".join(payer.name for payer in self.payers)
        return f"You can see cash-pay clients and insurance clients on {names}."


def network_status(provider: Provider, today: date | None = None) -> NetworkStatus:
    today = today or timezone.localdate()
    return NetworkStatus(
        today=today,
        effective_start_date=effective_start_date(provider),
        payers=list(payers_in_effect(provider, today).order_by("name")),
    )


def payers_to_choose(provider: Provider, today: date | None = None) -> QuerySet[Payer]:
    """The payers the client form offers: every payer taking providers, plus any the provider is
    in network with (a payer no longer taking new providers still pays for existing ones)."""
    today = today or timezone.localdate()
    return (
        (Payer.objects.filter(is_active=True) | payers_in_effect(provider, today)).distinct().order_by("name")
    )


def insurance_refusal(provider: Provider, payer: Payer, today: date) -> str:
    """Why the provider cannot add a client on `payer` today, and when they will be able to."""
    never_asked = (
        f"You are not in network with {payer}. To add {payer} clients, request credentialing with "
        f"{payer} on Insurance & Directories."
    )
    application = PayerApplication.objects.filter(provider=provider, payer=payer).first()
    if application is None:
        return never_asked
    status = application.status
    not_yet = f"You are not in network with {payer} yet."
    # An approval always has its effective date (a constraint on PayerApplication).
    if status == S.APPROVED and application.effective_date and application.effective_date > today:
        return (
            f"{not_yet} Your approval takes effect on {day(application.effective_date)}: you can add "
            f"{payer} clients from that day."
        )
    if status == S.SUBMITTED and application.submitted_at:
        submitted = timezone.localdate(application.submitted_at)
        expected = timezone.localdate(expected_decision_at(application.submitted_at))
        return (
            f"{not_yet} You can add {payer} clients once {payer} approves your application "
            f"(submitted {day(submitted)}, decision expected by {day(expected)})."
        )
    if status == S.REQUESTED:
        return (
            f"{not_yet} You can add {payer} clients once {payer} approves your application; Alma is "
            f"preparing it (requested {day(timezone.localdate(application.requested_at))}) and will "
            f"submit it to {payer}."
        )
    if status in (S.DENIED, S.WITHDRAWN):
        ended = f"{payer} denied your application" if status == S.DENIED else f"you unenrolled from {payer}"
        return (
            f"You are not in network with {payer}: {ended}. To add {payer} clients, request "
            f"credentialing with {payer} again on Insurance & Directories."
        )
    return never_asked
