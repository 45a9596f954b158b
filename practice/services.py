"""Payouts account and client roster: every write (PRODUCT.md, "Around it").

Payouts account. The account number is encrypted (alma.secrets) before it reaches the model and
only its last four digits are kept in clear; it is never logged, and the email that tells the
provider their account changed (outbox, round = the account's version) shows the last four only.

Client roster. A cash-pay client can be added at any time. An insurance client only while
credentialing.selectors.in_network(provider, payer, today) holds; otherwise the refusal says why
and when it will be possible (practice.selectors.insurance_refusal).
"""

import logging
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from alma import secrets
from credentialing.models import Payer
from credentialing.selectors import in_network
from onboarding.models import Provider
from onboarding.services.outbox import outbox_enqueue
from practice import emails, rules
from practice.errors import ClientArchived, InsuranceNotAllowed, InvalidBankDetails
from practice.models import Client, ClientEvent, PaymentMethod, PayoutAccount, PayoutAccountChange
from practice.selectors import insurance_refusal

logger = logging.getLogger(__name__)


def payout_account_set(
    *,
    provider: Provider,
    holder_name: str,
    account_type: str,
    routing_number: str,
    account_number: str,
    actor: User | None,
    now: datetime | None = None,
) -> PayoutAccount:
    """Set up or replace the provider's payouts account, record it and email the provider."""
    now = now or timezone.now()
    routing_number = rules.digits_only(routing_number)
    account_number = rules.digits_only(account_number)
    if problem := rules.routing_number_problem(routing_number):
        raise InvalidBankDetails(problem)
    if problem := rules.account_number_problem(account_number):
        raise InvalidBankDetails(problem)
    last4 = rules.last_four(account_number)
    values = {
        "holder_name": holder_name.strip(),
        "account_type": account_type,
        "routing_number": routing_number,
        "account_number_encrypted": secrets.encrypt(account_number),
        "account_last4": last4,
        "updated_at": now,
        "updated_by": actor,
    }
    with transaction.atomic():
        # Lock the provider row: two first-time set-ups at once must not both create an account.
        Provider.objects.select_for_update().filter(pk=provider.pk).get()
        account = PayoutAccount.objects.select_for_update().filter(provider=provider).first()
        previous_last4 = ""
        if account is None:
            account = PayoutAccount.objects.create(provider=provider, version=1, **values)
        else:
            previous_last4 = account.account_last4
            account.version += 1
            for name, value in values.items():
                setattr(account, name, value)
            account.save(update_fields=["version", *values])
        PayoutAccountChange.objects.create(
            provider=provider,
            version=account.version,
            holder_name=account.holder_name,
            account_type=account_type,
            routing_number=routing_number,
            account_last4=last4,
            previous_last4=previous_last4,
            changed_by=actor,
            changed_at=now,
        )
        outbox_enqueue(
            provider=provider,
            kind=emails.PAYOUT_ACCOUNT_CHANGED,
            now=now,
            key=f"payout-v{account.version}",
            context={
                "first_time": account.version == 1,
                "account_type": account.get_account_type_display().lower(),
                "last4": last4,
                "previous_last4": previous_last4,
                "holder_name": account.holder_name,
                "changed_on": date_format(timezone.localtime(now), r"M j, Y \a\t g:i A T"),
            },
        )
    # The last four only, as everywhere outside the encrypted column.
    logger.info(
        "Payouts account of provider %s set (version %s, account ending in %s) by user %s",
        provider.pk,
        account.version,
        last4,
        getattr(actor, "pk", None),
    )
    return account


def client_add(
    *,
    provider: Provider,
    first_name: str,
    last_name: str,
    email: str,
    payment_method: str,
    payer: Payer | None = None,
    actor: User | None,
    today: date | None = None,
    now: datetime | None = None,
) -> Client:
    """Add a client to the roster: cash-pay any time; insurance only with a payer in network today."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    if payment_method == PaymentMethod.INSURANCE:
        if payer is None:
            raise InsuranceNotAllowed("Choose the client's insurance payer.")
        if not in_network(provider, payer, today):
            raise InsuranceNotAllowed(insurance_refusal(provider, payer, today))
    else:
        payer = None
    with transaction.atomic():
        client = Client.objects.create(
            provider=provider,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=email.strip(),
            payment_method=payment_method,
            payer=payer,
            added_at=now,
            added_by=actor,
        )
        ClientEvent.objects.create(client=client, kind=ClientEvent.Kind.ADDED, actor=actor, occurred_at=now)
    # No client name or email in the log: the roster is the client's private information.
    logger.info("Client %s added to provider %s's roster (%s)", client.pk, provider.pk, payment_method)
    return client


def _locked_client(client: Client) -> Client:
    return Client.objects.select_for_update(of=("self",)).select_related("payer").get(pk=client.pk)


def client_update(
    *,
    client: Client,
    first_name: str,
    last_name: str,
    email: str,
    payment_method: str,
    payer: Payer | None,
    actor: User | None,
    now: datetime | None = None,
) -> Client:
    """Edit a roster client. A new insurance payer (or the same one after it ended) needs the
    provider in network with it today, as when adding; a payer kept as it was is left alone.
    Changing the payment clears the "payer ended" flag."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        locked = _locked_client(client)
        if locked.archived_at is not None:
            raise ClientArchived("Restore this client to your roster before editing them.")
        if payment_method == PaymentMethod.INSURANCE:
            if payer is None:
                raise InsuranceNotAllowed("Choose the client's insurance payer.")
            unchanged = payer.pk == locked.payer_id and locked.payer_ended_at is None
            if not unchanged and not in_network(locked.provider, payer, today):
                raise InsuranceNotAllowed(insurance_refusal(locked.provider, payer, today))
        else:
            payer = None
        before = locked.payment_label
        payment_changed = (payment_method, payer.pk if payer else None) != (
            locked.payment_method,
            locked.payer_id,
        )
        locked.first_name, locked.last_name, locked.email = (
            first_name.strip(),
            last_name.strip(),
            email.strip(),
        )
        locked.payment_method, locked.payer, locked.updated_at = payment_method, payer, now
        fields = ["first_name", "last_name", "email", "payment_method", "payer", "updated_at"]
        if payment_changed and locked.payer_ended_at is not None:
            locked.payer_ended_at = None
            fields.append("payer_ended_at")
        locked.save(update_fields=fields)
        note = f"payment: {before} -> {locked.payment_label}" if payment_changed else ""
        ClientEvent.objects.create(
            client=locked, kind=ClientEvent.Kind.EDITED, note=note, actor=actor, occurred_at=now
        )
    logger.info("Client %s on provider %s's roster edited", locked.pk, locked.provider_id)
    return locked


def client_archive(*, client: Client, actor: User | None, now: datetime | None = None) -> Client:
    """Take a client off the roster. Nothing is deleted: the row and its history stay, and
    client_restore brings it back."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_client(client)
        if locked.archived_at is not None:
            raise ClientArchived(f"{locked.full_name} is already archived.")
        locked.archived_at = now
        locked.save(update_fields=["archived_at"])
        ClientEvent.objects.create(
            client=locked, kind=ClientEvent.Kind.ARCHIVED, actor=actor, occurred_at=now
        )
    return locked


def client_restore(*, client: Client, actor: User | None, now: datetime | None = None) -> Client:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_client(client)
        if locked.archived_at is None:
            raise ClientArchived(f"{locked.full_name} is already on your roster.")
        locked.archived_at = None
        locked.save(update_fields=["archived_at"])
        ClientEvent.objects.create(
            client=locked, kind=ClientEvent.Kind.RESTORED, actor=actor, occurred_at=now
        )
    return locked


def clients_flag_payer_ended(*, provider_id: int, payer_id: int, now: datetime) -> int:
    """The provider unenrolled from a payer: flag each of their roster clients on it (archived
    ones too, so a restored client still shows it). Run inside the withdrawal's transaction
    (practice.receivers): the flag and the withdrawal stand or fall together. Set-based."""
    flagged = list(
        Client.objects.select_for_update()
        .filter(provider_id=provider_id, payer_id=payer_id, payer_ended_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if not flagged:
        return 0
    Client.objects.filter(pk__in=flagged).update(payer_ended_at=now)
    ClientEvent.objects.bulk_create(
        ClientEvent(client_id=pk, kind=ClientEvent.Kind.PAYER_ENDED, occurred_at=now) for pk in flagged
    )
    return len(flagged)


def payout_account_numbers_rotate() -> int:
    """Re-encrypt every stored account number under the newest key (alma.secrets), for
    `rotate_encryption_keys`. Run it inside the caller's transaction: a value no key can read
    raises SecretUnreadable, and the caller rolls everything back."""
    accounts = list(
        PayoutAccount.objects.select_for_update().only("pk", "account_number_encrypted").order_by("pk")
    )
    for account in accounts:
        account.account_number_encrypted = secrets.rotate(account.account_number_encrypted)
    PayoutAccount.objects.bulk_update(accounts, ["account_number_encrypted"], batch_size=500)
    return len(accounts)
