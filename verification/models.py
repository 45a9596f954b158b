"""The credentialing file: NPI-registry evidence, primary-source verifications, the credentialing
decision and its notice, and the file downloads.

NCQA's credentialing standards (files decided from 1 July 2025) shape it: every credential that
must be verified has a primary-source verification no older than 120 days at the decision
(verification.readiness), the practitioner hears of the decision within 30 days, and the
provider is recredentialed at least every 36 months (verification.recredentialing).

State changes happen only in verification.services; these models hold data and read helpers.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone

from onboarding.models import Provider


def evidence_upload_path(instance, filename: str) -> str:
    # Private, like the Insurance Form's documents: a random name, never the uploaded one.
    suffix = Path(filename).suffix.lower()
    suffix = suffix if suffix in {".pdf", ".png", ".jpg", ".jpeg"} else ""
    return f"providers/{instance.provider.public_id}/verification/{uuid.uuid4().hex}{suffix}"


class NpiRegistryCheck(models.Model):
    """One look-up of the provider's NPI in the NPPES registry, kept as evidence.

    Not primary-source verification (NCQA does not accept NPPES as a source for any credential);
    it pre-fills the form and raises the mismatches staff must look at."""

    class Status(models.TextChoices):
        PENDING = "pending", "Registry not checked yet"
        CHECKED = "checked", "Checked"
        NOT_FOUND = "not_found", "No such NPI"
        REFUSED = "refused", "Registry refused the request"
        # Still pending after MAX_ATTEMPTS failed look-ups: no longer retried; staff see it.
        UNREACHABLE = "unreachable", "Registry not reachable"
        # A newer check of the provider (a resubmission) replaced it before it was answered; kept
        # as evidence of the request, never retried.
        SUPERSEDED = "superseded", "Replaced by a newer check"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="npi_registry_checks")
    npi = models.CharField("NPI", max_length=10)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    retrieved_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    # When the sweep next tries a pending check (verification.services.npi.retry_due_after); null
    # once it is no longer pending, so the sweep's query reads only the due rows off an index.
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    # The registry's answer exactly as it came back (the JSON envelope), with retrieved_at.
    raw_answer = models.JSONField(null=True, blank=True)
    # verification.npi_registry.flags.Flag as dicts ({"code", "message"}), computed at retrieval
    # against the Insurance Form as it then was.
    flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "NPI registry check"
        indexes = [
            models.Index(fields=["provider", "-requested_at"], name="npi_check_latest"),
            models.Index(
                fields=["next_attempt_at", "id"],
                name="npi_check_due",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"NPI {self.npi} of {self.provider}: {self.get_status_display()}"


class VerifiedItem(models.TextChoices):
    """What NCQA requires verified from a primary source (CR 3)."""

    STATE_LICENSE = "state_license", "State licence"
    DEA = "dea", "DEA registration"
    BOARD_CERTIFICATION = "board_certification", "Board certification"
    EDUCATION = "education", "Highest education"
    LIABILITY_INSURANCE = "liability_insurance", "Liability insurance"
    MALPRACTICE_HISTORY = "malpractice_history", "Malpractice-claims history"


class VerificationSource(models.TextChoices):
    STATE_BOARD = "state_board", "State licensing board"
    DEA = "dea", "DEA (Diversion Control)"
    ABMS = "abms", "ABMS (CertiFACTS)"
    CERTIFYING_BOARD = "certifying_board", "The certifying board"
    SCHOOL = "school", "The school"
    CLEARINGHOUSE = "clearinghouse", "National Student Clearinghouse"
    CARRIER = "carrier", "The insurance carrier"
    NPDB = "npdb", "National Practitioner Data Bank (NPDB)"


class VerificationMethod(models.TextChoices):
    WEBSITE = "website", "Source's website, printed or captured"
    ELECTRONIC = "electronic", "Electronic feed or query"
    WRITTEN = "written", "Written confirmation (letter, email)"
    PHONE = "phone", "Phone call, documented"


class VerificationResult(models.TextChoices):
    VERIFIED = "verified", "Verified, as the provider stated"
    DISCREPANCY = "discrepancy", "Differs from what the provider stated"
    NOT_FOUND = "not_found", "The source has no such record"


class PrimarySourceVerification(models.Model):
    """One credential checked at its primary source, by whom, when, how, with the evidence."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="verifications")
    item = models.CharField(max_length=24, choices=VerifiedItem.choices)
    # Which credential of that kind: verification.file.required_items' key ("CA:PSY12345" for a
    # licence, the DEA number, ...), so a new licence needs its own verification.
    item_key = models.CharField(max_length=80)
    item_label = models.CharField(max_length=200, help_text="The credential as staff read it")
    source = models.CharField(max_length=20, choices=VerificationSource.choices)
    method = models.CharField(max_length=16, choices=VerificationMethod.choices)
    verified_on = models.DateField("verified on")
    result = models.CharField(max_length=16, choices=VerificationResult.choices)
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evidence = models.FileField(upload_to=evidence_upload_path, blank=True)
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "item_key", "-verified_on", "-pk"]
        verbose_name = "primary-source verification"
        indexes = [models.Index(fields=["provider", "item", "item_key", "-verified_on"], name="psv_latest")]

    def __str__(self) -> str:
        return f"{self.item_label}: {self.get_result_display()} on {self.verified_on}"


class CredentialingDecision(models.Model):
    """The Credentialing Committee's decision on a provider's file: initial or recredentialing."""

    class Cycle(models.TextChoices):
        INITIAL = "initial", "Initial credentialing"
        RECREDENTIALING = "recredentialing", "Recredentialing"

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        DEFERRED = "deferred", "Deferred"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="credentialing_decisions")
    cycle = models.CharField(max_length=16, choices=Cycle.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    decided_on = models.DateField("decided on")
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # The file as it stood at the decision (verification.readiness.FileReadiness as a dict).
    file_snapshot = models.JSONField(default=dict, blank=True)
    # An Admin recorded the decision although the file was not ready: why, and who.
    override_reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When the provider's notice was queued in the outbox (NCQA: sent within 30 days).
    notice_queued_at = models.DateTimeField(null=True, blank=True)
    # Approved decisions only: 36 months after decided_on (verification.recredentialing).
    recredentialing_due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        permissions = [
            ("record_credentialing_decision", "Can record a credentialing decision (the Committee)"),
            ("override_file_readiness", "Can record a decision on a file that is not ready (audited)"),
            ("download_credentialing_file", "Can download a provider's credentialing file (audited)"),
        ]
        indexes = [models.Index(fields=["provider", "-decided_on"], name="decision_latest")]

    def __str__(self) -> str:
        outcome = self.get_outcome_display()
        return f"{self.get_cycle_display()} of {self.provider}: {outcome} on {self.decided_on}"


class CredentialingFileDownload(models.Model):
    """Audit of every download of a provider's credentialing file."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="file_downloads")
    downloaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    downloaded_at = models.DateTimeField(default=timezone.now)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-downloaded_at"]

    def __str__(self) -> str:
        return f"File of {self.provider} downloaded by {self.downloaded_by} at {self.downloaded_at}"


class RecredentialingAttestation(models.Model):
    """The provider said "these are still right" about the details their file holds, for the
    recredentialing falling due on `due_on` (asked with the 120-day reminder)."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="recredentialing_attestations"
    )
    due_on = models.DateField("for the recredentialing due on")
    attested_at = models.DateTimeField(default=timezone.now)
    attested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # What the provider confirmed, as the page showed it (licences, insurance, DEA).
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-attested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "due_on"], name="one_attestation_per_recredentialing")
        ]

    def __str__(self) -> str:
        return f"{self.provider} confirmed their details on {self.attested_at:%Y-%m-%d} (due {self.due_on})"
