"""Helpers for the help desk, payouts and client roster tests: rows made through the services,
as in production, and what a reader sees on a page."""

import re
from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import strip_tags

from conftest import image_bytes
from helpdesk import services as helpdesk_services
from helpdesk.models import TicketCategory
from practice import services as practice_services
from practice.models import AccountType, PaymentMethod

ACCOUNT_NUMBER = "000123456789"  # a plausible 12-digit account number; its last four are 6789
ROUTING_NUMBER = "011000015"  # a valid ABA routing number (Federal Reserve Bank of Boston)


def text_of(html: str) -> str:
    """What a reader sees: no tags, blocks apart, one space between words."""
    blocks_apart = re.sub(
        r"</?(?:dt|dd|p|br|div|li|h[1-6]|section|ul|ol|form|td|th|tr|label)\b[^>]*>", " ", html
    )
    return " ".join(unescape(strip_tags(blocks_apart)).split())


def png_upload(name: str = "screenshot.png"):
    return SimpleUploadedFile(name, image_bytes(), content_type="image/png")


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
