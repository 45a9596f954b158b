"""Help desk, payouts and client roster test data: rows made through the services, as in
production, and the payouts form's answers."""

from helpdesk import services as helpdesk_services
from helpdesk.models import TicketCategory
from practice import services as practice_services
from practice.models import AccountType, PaymentMethod

ACCOUNT_NUMBER = "000123456789"  # a plausible 12-digit account number; its last four are 6789
ROUTING_NUMBER = "011000015"  # a valid ABA routing number (Federal Reserve Bank of Boston)


def payout_account_answers(**overrides) -> dict:
    """POST data for the payouts-account form: valid bank details (the number typed twice)."""
    values = {
        "holder_name": "Jordan Rivera",
        "account_type": "checking",
        "routing_number": ROUTING_NUMBER,
        "account_number": ACCOUNT_NUMBER,
        "account_number_confirm": ACCOUNT_NUMBER,
    }
    values.update(overrides)
    return values


def open_ticket(provider, *, subject="My Insurance Form link expired", now=None, **overrides):
    values = {
        "category": TicketCategory.ONBOARDING_FORMS,
        "subject": subject,
        "message": "The link in my email says it has expired. Can you send a new one?",
        "page": "/insurance/",
    }
    values.update(overrides)
    return helpdesk_services.ticket_open(provider=provider, now=now, **values)


def set_payout_account(provider, *, account_number=ACCOUNT_NUMBER, **overrides):
    values = {
        "holder_name": provider.legal_name,
        "account_type": AccountType.CHECKING,
        "routing_number": ROUTING_NUMBER,
        "account_number": account_number,
    }
    values.update(overrides)
    return practice_services.payout_account_set(provider=provider, actor=provider.user, **values)


def add_client(provider, *, payer=None, n: int = 0, **overrides):
    values = {
        "first_name": f"Client{n}",
        "last_name": f"Roster{n:03d}",
        "email": f"client{n}@example.com",
        "payment_method": PaymentMethod.INSURANCE if payer else PaymentMethod.CASH_PAY,
        "payer": payer,
    }
    values.update(overrides)
    return practice_services.client_add(provider=provider, actor=provider.user, **values)
