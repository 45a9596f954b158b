"""The provider's practice: where Alma pays them (payouts account) and who they see (client roster).

State changes happen only in practice.services; these models hold data and read helpers.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from credentialing.models import Payer
from onboarding.models import Provider


class AccountType(models.TextChoices):
    CHECKING = "checking", "Checking"
    SAVINGS = "savings", "Savings"


class PayoutAccount(models.Model):
    """The bank account Alma pays the provider into. One per provider; replacing it keeps history.

    The account number is stored only encrypted (alma.secrets, Fernet) and never shown: pages,
    emails and admin use `account_last4`, kept apart for that purpose.
    """

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="payout_account")
    holder_name = models.CharField("name on the account", max_length=200)
    account_type = models.CharField(max_length=16, choices=AccountType.choices)
    # A routing number identifies the bank, not the account; it is printed on every check.
    routing_number = models.CharField(max_length=9)
    account_number_encrypted = models.TextField(editable=False)
    account_last4 = models.CharField("account number, last four digits", max_length=4)
    # The n-th time the provider set the account: the round of its "account changed" email.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "payouts account"

    def __str__(self) -> str:
        return f"{self.get_account_type_display()} account ending in {self.account_last4} ({self.provider})"

    @property
    def masked_number(self) -> str:
        return f"•••• {self.account_last4}"


class PayoutAccountChange(models.Model):
    """History of a provider's payouts account: each time it was set, by whom, to what (masked)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="payout_account_changes")
    version = models.PositiveIntegerField()
    holder_name = models.CharField("name on the account", max_length=200)
    account_type = models.CharField(max_length=16, choices=AccountType.choices)
    routing_number = models.CharField(max_length=9)
    account_last4 = models.CharField("account number, last four digits", max_length=4)
    previous_last4 = models.CharField("replaced account, last four digits", max_length=4, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "version"], name="one_payout_change_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}: payouts account ending in {self.account_last4} (version {self.version})"


class PaymentMethod(models.TextChoices):
    CASH_PAY = "cash_pay", "Cash-pay"
    INSURANCE = "insurance", "Insurance"


class Client(models.Model):
    """A client on the provider's roster: cash-pay, or insurance with a payer the provider was in
    network with on the day the client was added or last edited (PRODUCT.md, "Credentialing").

    Nothing is deleted: archiving hides a client from the roster (`archived_at`) and keeps the row
    and its history (ClientEvent); restoring brings it back. `payer_ended_at` flags an insurance
    client whose payer the provider unenrolled from: the provider updates their insurance or
    moves them to cash-pay, which clears it.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="clients")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()
    payment_method = models.CharField(max_length=16, choices=PaymentMethod.choices)
    payer = models.ForeignKey(Payer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    payer_ended_at = models.DateTimeField(
        "payer ended at",
        null=True,
        blank=True,
        help_text="Set when the provider unenrolls from the client's payer; cleared by updating the payment.",
    )

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [models.Index(fields=["provider", "archived_at"], name="client_roster_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(payment_method=PaymentMethod.INSURANCE) & Q(payer__isnull=False))
                | (Q(payment_method=PaymentMethod.CASH_PAY) & Q(payer__isnull=True)),
                name="insurance_client_has_payer_cash_pay_has_none",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def payment_label(self) -> str:
        if self.payment_method == PaymentMethod.INSURANCE and self.payer is not None:
            return f"Insurance: {self.payer.name}"
        return self.get_payment_method_display()

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ClientEvent(models.Model):
    """The roster's history: each client added, edited, archived, restored or flagged, by whom."""

    class Kind(models.TextChoices):
        ADDED = "added", "Added"
        EDITED = "edited", "Edited"
        ARCHIVED = "archived", "Archived"
        RESTORED = "restored", "Restored"
        PAYER_ENDED = "payer_ended", "Payer ended"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # What changed, in words without the client's details ("payment: Insurance: X -> Cash-pay").
    note = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.get_kind_display()} at {self.occurred_at:%Y-%m-%d %H:%M}"
