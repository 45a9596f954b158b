"""Help tickets: a provider's question, its conversation with Alma's support staff, its history.

State changes happen only in helpdesk.services; these models hold data and read helpers.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from onboarding.models import Provider


class TicketCategory(models.TextChoices):
    ONBOARDING_FORMS = "onboarding_forms", "Onboarding forms"
    CREDENTIALING = "credentialing", "Credentialing & insurance"
    PAYOUTS = "payouts", "Payouts"
    CLIENTS = "clients", "Clients & scheduling"
    TECHNICAL = "technical", "Technical problem"
    OTHER = "other", "Other"


class TicketStatus(models.TextChoices):
    OPEN = "open", "Open"  # waiting for Alma
    ANSWERED = "answered", "Answered"  # waiting for the provider, if anything
    CLOSED = "closed", "Closed"


class TicketQuerySet(models.QuerySet):
    def unanswered_past_due(self, now):
        """Open tickets whose promised answer time (one business day) has passed."""
        return self.filter(status=TicketStatus.OPEN, reply_due_at__lt=now)


class Ticket(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="help_tickets")
    category = models.CharField(max_length=32, choices=TicketCategory.choices)
    subject = models.CharField(max_length=200)
    status = models.CharField(
        max_length=16, choices=TicketStatus.choices, default=TicketStatus.OPEN, db_index=True
    )
    # The portal page the provider asked from (a local path, link tokens redacted).
    page = models.CharField("asked from page", max_length=500, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_help_tickets",
        limit_choices_to={"is_staff": True},
    )
    opened_at = models.DateTimeField(default=timezone.now)
    # While the ticket waits for Alma: since when, and the promised answer time (one business
    # day later, company calendar); both empty once staff answer or close it.
    waiting_since = models.DateTimeField(null=True, blank=True)
    reply_due_at = models.DateTimeField("answer due by", null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField("last answered at", null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = "help ticket"
        ordering = ["-last_activity_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=TicketStatus.OPEN) | Q(reply_due_at__isnull=False),
                name="open_ticket_has_answer_due_time",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def reference(self) -> str:
        return f"#{self.pk}"


def attachment_upload_path(instance: "TicketMessage", filename: str) -> str:
    # Never the uploaded name: a random name in the provider's folder; the extension is the
    # kind the content check found (set by the service as `checked_suffix`).
    suffix = instance.checked_suffix
    return f"providers/{instance.ticket.provider.public_id}/helpdesk/{uuid.uuid4().hex}{suffix}"


class TicketMessage(models.Model):
    """One message of a ticket's conversation: the provider's question and follow-ups, staff replies."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_staff = models.BooleanField(default=False)
    body = models.TextField()
    attachment = models.FileField(upload_to=attachment_upload_path, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    # Not a column: the extension of the kind the content check found, set by the service
    # before the attachment is stored and read by attachment_upload_path.
    checked_suffix = ""

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        who = "Alma" if self.from_staff else "provider"
        return f"Message from {who} on ticket #{self.ticket_id}"


class TicketEvent(models.Model):
    """The audit history of a ticket: status changes and assignments (who, when, from, to)."""

    class Kind(models.TextChoices):
        STATUS = "status", "Status change"
        ASSIGNMENT = "assignment", "Assignment"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_status = models.CharField(max_length=16, choices=TicketStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=TicketStatus.choices, blank=True)
    # For an assignment: who the ticket went to (empty = unassigned) and who had it before.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        if self.kind == self.Kind.ASSIGNMENT:
            return f"#{self.ticket_id} assigned to {self.assignee or 'nobody'}"
        return f"#{self.ticket_id}: {self.from_status or 'new'} -> {self.to_status}"
