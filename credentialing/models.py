"""The Insurance Form (step 2), payers and programs, and payer applications.

State changes happen only in credentialing.services; these models hold data and read helpers.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from localflavor.us.models import USStateField

from onboarding.models import LicenseType, Provider, ReviewStatus


def private_upload_path(instance, filename: str) -> str:
    # Names are never trusted: a random name in the provider's folder, with the extension of the
    # kind the content check found (set by the form as `instance._checked_suffix`).
    suffix = Path(filename).suffix.lower()
    suffix = suffix if suffix in {".pdf", ".png", ".jpg", ".jpeg"} else ""
    return f"providers/{instance.provider.public_id}/credentialing/{uuid.uuid4().hex}{suffix}"


class InsuranceForm(models.Model):
    """Step 2: what Alma needs to credential the provider with insurance payers."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="insurance_form")
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    caqh_id = models.CharField("CAQH ProView ID", max_length=10, blank=True)
    caqh_username = models.CharField("CAQH username", max_length=150, blank=True)
    # Fernet token (alma.secrets); never rendered back. Staff read it only through an audited reveal.
    caqh_password_encrypted = models.TextField(blank=True, editable=False)
    npi = models.CharField("NPI (Type 1, individual)", max_length=10, blank=True)
    # Matched against the federal exclusion lists (exclusions app) with the name; CAQH asks too.
    date_of_birth = models.DateField("date of birth", null=True, blank=True)
    caqh_attested_on = models.DateField(
        "last CAQH attestation", null=True, blank=True, help_text="CAQH asks you to re-attest every 120 days."
    )

    liability_carrier = models.CharField("insurance carrier", max_length=200, blank=True)
    liability_policy_number = models.CharField("policy number", max_length=100, blank=True)
    liability_per_claim = models.PositiveIntegerField("per-claim limit (USD)", null=True, blank=True)
    liability_aggregate = models.PositiveIntegerField("aggregate limit (USD)", null=True, blank=True)
    liability_effective = models.DateField("policy effective date", null=True, blank=True)
    liability_expiry = models.DateField("policy expiry date", null=True, blank=True)
    liability_certificate = models.FileField(
        "certificate of insurance", upload_to=private_upload_path, blank=True
    )

    # Prescribers only (MD, DO, NP/PMHNP).
    dea_number = models.CharField("DEA number", max_length=9, blank=True)
    # When the registration is under another name (a former surname): the DEA number's second
    # letter is that surname's initial (credentialing.checks.dea_name_mismatch).
    dea_registered_name = models.CharField("name on the DEA registration", max_length=200, blank=True)
    dea_state = USStateField("DEA registration state", blank=True)
    dea_expiry = models.DateField("DEA expiry date", null=True, blank=True)
    dea_certificate = models.FileField("DEA certificate", upload_to=private_upload_path, blank=True)
    board_name = models.CharField("certifying board", max_length=200, blank=True)
    board_specialty = models.CharField("board specialty", max_length=200, blank=True)
    board_expiry = models.DateField("board certification expiry", null=True, blank=True)
    board_certificate = models.FileField("board certificate", upload_to=private_upload_path, blank=True)

    work_gap_explanation_recent = models.TextField(
        "explanation of the time since your last position", blank=True
    )
    # The draft's answers as typed, when some did not pass their checks (onboarding.form_pages):
    # the page shows them again with their errors. Never a file or the CAQH password. Empty once
    # a draft is clean or submitted.
    draft_answers = models.JSONField(default=dict, blank=True, editable=False)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_round = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = "Insurance Form"
        permissions = [("reveal_caqh_password", "Can reveal a provider's CAQH password (audited)")]
        # The review queue (portal.selectors.review_queue_page) reads only submitted forms,
        # oldest first, and counts those submitted before the overdue cutoff: from the index
        # alone (an index-only scan), the form's wide row (bio, answers) is never read.
        indexes = [
            models.Index(
                fields=["submitted_at", "id"],
                include=["provider_id", "review_round"],
                name="insurance_form_waiting",
                condition=Q(status=ReviewStatus.SUBMITTED),
            )
        ]

    def __str__(self) -> str:
        return f"Insurance Form of {self.provider}"

    @property
    def has_caqh_password(self) -> bool:
        return bool(self.caqh_password_encrypted)

    FILE_FIELDS = ("liability_certificate", "dea_certificate", "board_certificate")
    # Prescribers only (MD, DO, NP/PMHNP): required for them, absent for everyone else.
    PRESCRIBER_FIELDS = (
        "dea_number",
        "dea_state",
        "dea_expiry",
        "dea_certificate",
        "board_name",
        "board_specialty",
        "board_expiry",
        "board_certificate",
    )
    # Prescribers only, and optional: given when the DEA registration is under another name.
    PRESCRIBER_OPTIONAL_FIELDS = ("dea_registered_name",)
    # What the provider fills in (the form shows them, the services save them), in page order.
    PROVIDER_FIELDS = (
        "caqh_id",
        "caqh_username",
        "caqh_attested_on",
        "npi",
        "date_of_birth",
        "liability_carrier",
        "liability_policy_number",
        "liability_per_claim",
        "liability_aggregate",
        "liability_effective",
        "liability_expiry",
        "liability_certificate",
        *PRESCRIBER_FIELDS,
        *PRESCRIBER_OPTIONAL_FIELDS,
        "work_gap_explanation_recent",
    )


class StateLicense(models.Model):
    insurance_form = models.ForeignKey(InsuranceForm, on_delete=models.CASCADE, related_name="licenses")
    state = USStateField()
    license_type = models.CharField(max_length=16, choices=LicenseType.choices)
    number = models.CharField("license number", max_length=50)
    expiry = models.DateField("expiry date")

    class Meta:
        ordering = ["state", "pk"]

    def __str__(self) -> str:
        return f"{self.state} {self.license_type} {self.number}"


class Education(models.Model):
    insurance_form = models.ForeignKey(InsuranceForm, on_delete=models.CASCADE, related_name="education")
    institution = models.CharField(max_length=200)
    degree = models.CharField(max_length=100)
    graduation_date = models.DateField()

    class Meta:
        ordering = ["-graduation_date", "pk"]
        verbose_name_plural = "education"

    def __str__(self) -> str:
        return f"{self.degree}, {self.institution}"


class WorkHistoryEntry(models.Model):
    insurance_form = models.ForeignKey(InsuranceForm, on_delete=models.CASCADE, related_name="work_history")
    employer = models.CharField(max_length=200)
    role = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField(
        null=True, blank=True, help_text="Leave empty if this is your current position"
    )
    gap_explanation = models.TextField(
        "explanation of a gap before this position",
        blank=True,
        help_text="Required when more than six months separate this position from the one before it",
    )

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name_plural = "work history"

    def __str__(self) -> str:
        return f"{self.role} at {self.employer}"


class Payer(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(unique=True)
    states = models.JSONField(default=list, blank=True, help_text="US state codes the payer serves")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Program(models.Model):
    """An associated program, e.g. an Employee Assistance Program, run with a payer."""

    class Kind(models.TextChoices):
        EAP = "eap", "Employee Assistance Program"
        OTHER = "other", "Other program"

    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="programs")
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.EAP)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    SUBMITTED = "submitted", "Submitted to payer"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PayerApplication(models.Model):
    """Credentialing of one provider with one payer."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="payer_applications")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(
        max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.REQUESTED, db_index=True
    )
    requested_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    effective_date = models.DateField(null=True, blank=True)
    denial_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["payer__name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "payer"], name="one_application_per_provider_payer"),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.APPROVED) | Q(effective_date__isnull=False),
                name="approved_application_has_effective_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} with {self.payer}"


class PayerApplicationEvent(models.Model):
    """Audit history of a payer application: who moved it, when, from what to what, and why."""

    application = models.ForeignKey(PayerApplication, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_status or 'new'} -> {self.to_status}"


class ProgramEnrollment(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="program_enrollments")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments")
    enrolled_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "program"],
                condition=Q(left_at__isnull=True),
                name="one_active_enrollment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} in {self.program}"


class SecretReveal(models.Model):
    """Audit of every time a member of staff revealed a provider's secret."""

    insurance_form = models.ForeignKey(InsuranceForm, on_delete=models.CASCADE, related_name="reveals")
    field = models.CharField(max_length=50)
    revealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-revealed_at"]

    def __str__(self) -> str:
        return f"{self.field} of {self.insurance_form.provider} revealed by {self.revealed_by}"


class ExpiryReminder(models.Model):
    """One reminder (60, 30 or 7 days) about one credential's expiry; the unique key makes it
    exactly once, also when several sweeps run the same day."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="expiry_reminders")
    kind = models.CharField(max_length=20)
    # The credential whatever its number says (see credentialing.expirables.Expirable.identity).
    identity = models.CharField(max_length=60)
    reference = models.CharField(max_length=200, help_text="As the provider reads it in the email")
    expires_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["expires_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "identity", "expires_on", "days_before"],
                name="one_reminder_per_credential_expiry_threshold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} expires {self.expires_on} ({self.days_before}-day reminder)"


class ProviderDemographics(models.Model):
    """The optional race, ethnicity and language questions NCQA asks the application to carry.

    Kept apart from the Insurance Form and the directory: nothing public or automatic reads it,
    and staff see it only with `credentialing.see_provider_demographics` (not a `view_*`
    permission, so no read-only role picks it up by pattern). An empty list means not answered;
    PREFER_NOT_TO_SAY is an answer."""

    PREFER_NOT_TO_SAY = "prefer_not_to_say"

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="demographics")
    race = models.JSONField(default=list, blank=True)
    ethnicity = models.CharField(max_length=40, blank=True)
    languages = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "provider demographics"
        default_permissions = ()
        permissions = [("see_provider_demographics", "Can see a provider's optional demographic answers")]

    def __str__(self) -> str:
        return f"Demographics of {self.provider}"
