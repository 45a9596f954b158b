"""Providers, their signed agreements, the onboarding pipeline and the email outbox.

State changes happen only in onboarding.services; these models hold data and read helpers.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from localflavor.us.models import USStateField, USZipCodeField
from phonenumber_field.modelfields import PhoneNumberField

from onboarding import email_kinds


class LicenseType(models.TextChoices):
    LCSW = "LCSW", "LCSW - Licensed Clinical Social Worker"
    LMFT = "LMFT", "LMFT - Licensed Marriage and Family Therapist"
    LPC = "LPC", "LPC - Licensed Professional Counselor"
    LMHC = "LMHC", "LMHC - Licensed Mental Health Counselor"
    PSYD = "PsyD", "PsyD - Doctor of Psychology"
    PHD = "PhD", "PhD - Psychologist"
    MD = "MD", "MD - Psychiatrist"
    DO = "DO", "DO - Psychiatrist"
    NP = "NP/PMHNP", "NP/PMHNP - Psychiatric Nurse Practitioner"

    @classmethod
    def prescribers(cls) -> frozenset[str]:
        # PRODUCT.md: prescribers also give DEA registration and board certification.
        return frozenset({cls.MD, cls.DO, cls.NP})


class OnboardingStep(models.TextChoices):
    """Where a provider's onboarding stands: the last step completed (PRODUCT.md table)."""

    ACCOUNT_CREATED = "account_created", "Account created"
    GENERAL_ONBOARDING_SUBMITTED = "general_onboarding_submitted", "General Onboarding form submitted"
    INSURANCE_FORM_SUBMITTED = "insurance_form_submitted", "Insurance Form submitted"
    FORMS_APPROVED = "forms_approved", "Both forms approved by staff"
    PORTAL_ACCESS_GRANTED = "portal_access_granted", "Portal password set"
    ONBOARDING_COMPLETE = "onboarding_complete", "Onboarding complete"


class ReviewStatus(models.TextChoices):
    """Where one onboarding form stands, from the provider's draft to staff approval."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted, waiting for review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"


class ReviewedForm(models.TextChoices):
    GENERAL_ONBOARDING = "general_onboarding", "General Onboarding form"
    INSURANCE_FORM = "insurance_form", "Insurance Form"


class Provider(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="provider")
    legal_name = models.CharField(max_length=200)
    license_type = models.CharField(max_length=16, choices=LicenseType.choices)
    contracted_start_date = models.DateField()
    onboarding_step = models.CharField(
        max_length=40,
        choices=OnboardingStep.choices,
        default=OnboardingStep.ACCOUNT_CREATED,
        db_index=True,
    )
    step_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    # Every form link signs this number; staff's "send fresh links" raises it, so every link
    # emailed before stops working at once (onboarding.links, services.links).
    link_version = models.PositiveIntegerField(
        default=1, help_text="Raised by “send fresh links”: older form links stop working."
    )

    class Meta:
        ordering = ["legal_name"]
        # What the staff provider list sorts by (portal.admin.ProviderAdmin): newest first by
        # default (created_at, with the pk Django adds as a tie-break, read backwards), and the
        # columns it lets staff sort on (an index scan, then an incremental sort on the pk).
        indexes = [
            models.Index(fields=["created_at", "id"], name="provider_created"),
            models.Index(fields=["legal_name"], name="provider_legal_name"),
            models.Index(fields=["step_changed_at"], name="provider_step_changed"),
            models.Index(fields=["contracted_start_date"], name="provider_start_date"),
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def is_prescriber(self) -> bool:
        return self.license_type in LicenseType.prescribers()


class MembershipAgreement(models.Model):
    class Source(models.TextChoices):
        ADMIN = "admin", "Recorded by staff in admin"
        IMPORT = "import", "Imported from CSV"
        DEMO = "demo", "Demo data"

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="agreement")
    signed_at = models.DateTimeField()
    source = models.CharField(max_length=16, choices=Source.choices)
    source_reference = models.CharField(max_length=255, blank=True, help_text="e.g. the CSV file and line")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "membership agreement"

    def __str__(self) -> str:
        return f"Agreement of {self.provider} signed {self.signed_at:%Y-%m-%d}"


class OnboardingEvent(models.Model):
    """The step history: one row per transition, with time and actor."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="onboarding_events")
    from_step = models.CharField(max_length=40, choices=OnboardingStep.choices, blank=True)
    to_step = models.CharField(max_length=40, choices=OnboardingStep.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.provider}: {self.get_to_step_display()}"


class LinkRenewal(models.Model):
    """One "send fresh links" by staff: every earlier form link of the provider stopped working.

    Its own audit row rather than an OnboardingEvent: it moves no step, and the step history
    feeds the timeline and the per-step durations of the onboarding report.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="link_renewals")
    from_version = models.PositiveIntegerField()
    to_version = models.PositiveIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The emails queued again with the fresh links, in words staff read.
    note = models.CharField(max_length=255, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.provider}: links replaced (version {self.to_version})"


class ProviderDetailsChange(models.Model):
    """Staff corrected one of the details the agreement gave (name, licence type, start date).

    One row per field changed, written by portal.services.provider_details_correct: who, when,
    the old and new values as staff read them, and why. Its own audit row, like LinkRenewal:
    it moves no step.
    """

    class Field(models.TextChoices):
        LEGAL_NAME = "legal_name", "legal name"
        LICENSE_TYPE = "license_type", "license type"
        CONTRACTED_START_DATE = "contracted_start_date", "contracted start date"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="details_changes")
    field = models.CharField(max_length=40, choices=Field.choices)
    old_value = models.CharField(max_length=255)
    new_value = models.CharField(max_length=255)
    reason = models.TextField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = "provider details change"

    def __str__(self) -> str:
        return f"{self.provider}: {self.get_field_display()} {self.old_value} -> {self.new_value}"


def provider_upload_path(instance: "GeneralOnboarding", filename: str) -> str:
    # The uploaded name is never trusted: a random name under the provider's folder, keeping
    # only an extension that the content check has already confirmed.
    suffix = Path(filename).suffix.lower()
    suffix = suffix if suffix in {".jpg", ".jpeg", ".png", ".pdf"} else ""
    return f"providers/{instance.provider.public_id}/{uuid.uuid4().hex}{suffix}"


class GeneralOnboarding(models.Model):
    """Step 1: practice details and the directory bio. Saved as a draft until submitted."""

    Status = ReviewStatus
    # What the provider fills in (the form shows them, the services save them), in page order.
    PROVIDER_FIELDS = (
        "practice_name",
        "contact_phone",
        "address_line1",
        "address_line2",
        "city",
        "state",
        "postal_code",
        "states_licensed",
        "offers_telehealth",
        "offers_in_person",
        "specialties",
        "approaches",
        "populations",
        "languages",
        "photo",
        "bio",
    )

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="general_onboarding")
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    practice_name = models.CharField(max_length=200, blank=True)
    contact_phone = PhoneNumberField(blank=True)
    address_line1 = models.CharField("street address", max_length=200, blank=True)
    address_line2 = models.CharField("suite or unit", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = USStateField(blank=True)
    postal_code = USZipCodeField("ZIP code", blank=True)
    # Lists of codes from onboarding.vocabulary / US states. JSON keeps the embedded SQLite
    # default working; the directory keeps its own searchable copy when a profile is built.
    states_licensed = models.JSONField(default=list, blank=True)
    specialties = models.JSONField(default=list, blank=True)
    approaches = models.JSONField(default=list, blank=True)
    populations = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    offers_telehealth = models.BooleanField(default=False)
    offers_in_person = models.BooleanField(default=False)
    photo = models.ImageField(upload_to=provider_upload_path, blank=True)
    bio = models.TextField(blank=True)
    # The draft's answers as typed, when some did not pass their checks (onboarding.form_pages):
    # the page shows them again with their errors. Empty once a draft is clean or submitted.
    draft_answers = models.JSONField(default=dict, blank=True, editable=False)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_round = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = "General Onboarding form"
        # The review queue (portal.selectors.review_queue_page) reads only submitted forms,
        # oldest first, and counts those submitted before the overdue cutoff: from the index
        # alone (an index-only scan), the form's wide row (bio, answers) is never read.
        indexes = [
            models.Index(
                fields=["submitted_at", "id"],
                include=["provider_id", "review_round"],
                name="general_onboarding_waiting",
                condition=Q(status=ReviewStatus.SUBMITTED),
            ),
            # The publishing sweep's catch-up of profiles a failed build left missing reads the
            # forms approved lately (directory.services.MISSING_PROFILE_WINDOW), not all of them.
            models.Index(
                fields=["reviewed_at"],
                include=["provider_id"],
                name="general_onboarding_approved",
                condition=Q(status=ReviewStatus.APPROVED),
            ),
        ]

    def __str__(self) -> str:
        return f"General Onboarding form of {self.provider}"


class FormReview(models.Model):
    """One staff decision on one submission of an onboarding form (the review history)."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="form_reviews")
    form = models.CharField(max_length=20, choices=ReviewedForm.choices)
    round = models.PositiveSmallIntegerField()
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reason = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "form", "round"], name="one_decision_per_form_round"),
        ]
        permissions = [("review_onboarding_forms", "Can approve or request changes on onboarding forms")]

    def __str__(self) -> str:
        return (
            f"{self.get_form_display()} of {self.provider}, round {self.round}: {self.get_decision_display()}"
        )


class ReviewQueue(FormReview):
    """Admin's entry for the staff review queue (step 3); no data of its own.

    A proxy gives the queue its own line in the admin index's Onboarding list. The queue lists
    submitted forms (portal.selectors.review_queue), not FormReview rows.
    """

    class Meta:
        proxy = True
        verbose_name = "review queue"
        verbose_name_plural = "review queue"


class OutboxEmailQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True, failed_at__isnull=True)

    def unclaimed(self, now):
        """Unsent rows nobody holds a live lease on."""
        return self.unsent().filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))

    def claimable(self, now):
        """What a sweep may take: unclaimed rows whose retry backoff (if any) has passed."""
        return self.unclaimed(now).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))

    def overdue(self, now):
        return self.filter(sent_at__isnull=True, due_at__lt=now)


class OutboxEmail(models.Model):
    """One email to a provider, written in the transaction of the transition that earned it.

    One row per (provider, kind, key, resend): `step` holds the kind's code (declared by the
    app that sends it, onboarding.email_kinds) and `key` says which occurrence of it this is.
    The row is the promise (due_at) and the record of delivery. Senders claim it with a lease
    before sending and mark it sent only after the mail server accepted it, so delivery is at
    least once: a second copy, with the same Message-ID, goes out only if a sender was stopped
    between the server's acceptance and marking the row sent (onboarding/services/outbox.py
    says when). `attempts` counts claims; a sent row with more than one attempt is a possible
    duplicate. A failed row says why in `last_error`: "Refused by the mail server: ..." (a 5xx
    reply) or "Gave up after N attempts: ..." (OUTBOX_MAX_ATTEMPTS transient failures).
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="outbox_emails")
    # The email kind's code. No choices: the kinds are registered by the apps at ready time, so
    # a new email needs no migration (the admin and the SLA board show the registry's labels).
    step = models.CharField("kind", max_length=40)
    # The de-duplication key: one email per (provider, kind, key). The service that queues the
    # email chooses it, naming what the email is about, "<what>-<its id>":
    #   ""                     an email sent once per provider (the form invitations, webinar,
    #                          onboarding complete, profile live, the first portal-access email)
    #   "round-2"              a review round (the change-request emails)
    #   "send-2"               the n-th send of an email staff send again as a new email
    #                          (portal access)
    #   "ticket-17", "reply-5" a help ticket, a staff reply
    #   "payout-v3"            a version of the payouts account
    #   "reminder-9"           an expiry reminder
    #   "event-4"              a directory profile event (bio sent back, profile taken down)
    #   "application-3-event-8" a payer application's move (submitted, approved, denied)
    # Staff resends of the same email keep its key and take the next `resend` number.
    key = models.CharField(max_length=100, blank=True, default="")
    # 0 for the email itself; 1, 2, ... for each time staff sent it again.
    resend = models.PositiveIntegerField(default=0)
    to_email = models.EmailField()
    # What the email says beyond the provider's own data (e.g. the reason changes were
    # requested), captured with the transition so sending needs no further lookups.
    context = models.JSONField(default=dict, blank=True)
    # Stable across retries, so a resend after a crash is recognisable downstream.
    message_id = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    esp_message_id = models.CharField("email provider's message id", max_length=255, blank=True)
    failed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the email provider refused for good"
    )

    objects = OutboxEmailQuerySet.as_manager()

    class Meta:
        verbose_name = "outbox email"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "step", "key", "resend"], name="outbox_one_email_per_kind_key"
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], name="outbox_unsent_due", condition=Q(sent_at__isnull=True)),
            # The SLA board counts the unsent emails due before its horizon or given up on: the
            # second half of that OR from this (tiny) index, so neither reads every queued email.
            models.Index(
                fields=["failed_at"],
                name="outbox_unsent_failed",
                condition=Q(sent_at__isnull=True, failed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        occurrence = f" ({self.key})" if self.key else ""
        return f"{self.kind_label} email to {self.to_email}{occurrence}"

    @property
    def kind_label(self) -> str:
        """Staff's name for the email's kind, from the registry."""
        return email_kinds.label(self.step)

    @property
    def status(self) -> str:
        if self.sent_at:
            return "sent"
        if self.failed_at:
            return "failed"
        if self.due_at < timezone.now():
            return "overdue"
        return "pending"
