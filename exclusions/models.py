"""Federal exclusion lists (OIG LEIE, SAM) and the monthly matching of providers against them.

A source's *latest list* is its last full file plus every supplement imported after it
(exclusions.selectors.latest_import_ids): LEIE publishes UPDATED.csv monthly (everyone excluded
today) and monthly supplements (that month's new exclusions and reinstatements). A new full file
replaces everything before it, so a supplement older than the last full file is not read.

An entry's `entry_key` names the list row whatever file it came in (the source's identifying
columns, hashed): next month's full file holds the same people again, and a case is unique per
(provider, source, entry_key), so a re-run never opens a second case for the same row, and a
cleared row stays cleared.

State changes happen only in exclusions.services; these models hold data and read helpers.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from onboarding.models import Provider


class ExclusionImport(models.Model):
    """One file read into the database (import_exclusions)."""

    class Kind(models.TextChoices):
        FULL = "full", "Full list"
        SUPPLEMENT = "supplement", "Supplement"

    source = models.CharField(max_length=16, db_index=True)  # a key of exclusions.sources.SOURCES
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.FULL)
    file_date = models.DateField(help_text="The date the source published the file")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    row_count = models.PositiveIntegerField()
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.CharField(
        max_length=150, blank=True, help_text="Who ran the import (the operator's name, or the job)"
    )
    forced = models.BooleanField(default=False, help_text="Imported with --force past a refusal")

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = "exclusion list import"
        indexes = [models.Index(fields=["source", "kind", "-file_date"], name="exclusion_import_latest")]

    def __str__(self) -> str:
        return f"{self.source.upper()} {self.get_kind_display().lower()} of {self.file_date:%Y-%m-%d}"


class ExclusionEntry(models.Model):
    """One row of an imported list, as the source gave it, with normalised names for matching."""

    source = models.CharField(max_length=16)
    list_import = models.ForeignKey(ExclusionImport, on_delete=models.CASCADE, related_name="entries")
    entry_key = models.CharField(max_length=40, help_text="The row's identity across files")
    last_name = models.CharField(max_length=100, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    business_name = models.CharField(max_length=200, blank=True)
    general = models.CharField("type (general)", max_length=100, blank=True)
    specialty = models.CharField(max_length=100, blank=True)
    npi = models.CharField("NPI", max_length=10, blank=True, help_text="Blank when the list has none")
    dob = models.DateField("date of birth", null=True, blank=True)
    address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField(max_length=10, blank=True)
    excl_type = models.CharField("exclusion type", max_length=100, blank=True)
    excl_date = models.DateField("excluded on", null=True, blank=True)
    reinstated_on = models.DateField(null=True, blank=True)
    waiver_date = models.DateField(null=True, blank=True)
    waiver_state = models.CharField(max_length=2, blank=True)
    last_norm = models.CharField(max_length=100, blank=True)
    first_norm = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = "exclusion list row"
        verbose_name_plural = "exclusion list rows"
        indexes = [
            models.Index(fields=["npi"], name="exclusion_entry_npi", condition=~Q(npi="")),
            models.Index(fields=["last_norm", "first_norm", "dob"], name="exclusion_entry_name"),
            models.Index(fields=["list_import"], name="exclusion_entry_import"),
        ]

    def __str__(self) -> str:
        name = " ".join(part for part in (self.first_name, self.middle_name, self.last_name) if part)
        return name or self.business_name or f"row {self.pk}"

    @property
    def evidence(self) -> list[tuple[str, str]]:
        """The row as staff read it on a case: label and value, blanks left out."""
        rows = [
            ("List", self.source.upper()),
            ("Name", str(self)),
            ("Business", self.business_name),
            ("NPI", self.npi),
            ("Date of birth", f"{self.dob:%b %-d, %Y}" if self.dob else ""),
            ("Type / specialty", " / ".join(p for p in (self.general, self.specialty) if p)),
            ("Address", ", ".join(p for p in (self.address, self.city, self.state, self.zip_code) if p)),
            ("Exclusion type", self.excl_type),
            ("Excluded on", f"{self.excl_date:%b %-d, %Y}" if self.excl_date else ""),
            ("Reinstated on", f"{self.reinstated_on:%b %-d, %Y}" if self.reinstated_on else ""),
            ("Waiver", " ".join(p for p in (f"{self.waiver_date:%b %-d, %Y}" if self.waiver_date else "",
                                            self.waiver_state) if p)),
        ]  # fmt: skip
        return [(label, value) for label, value in rows if value]


class ExclusionSubject(models.Model):
    """What a provider is matched on: one row per plausible (first, last) reading of their legal
    name, with their date of birth, NPI and practice state. Rebuilt from the forms before every
    run (exclusions.services.subjects_refresh), so matching is one join in SQL."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    last_norm = models.CharField(max_length=100)
    first_norm = models.CharField(max_length=100)
    dob = models.DateField(null=True, blank=True)
    npi = models.CharField(max_length=10, blank=True)
    state = models.CharField(max_length=2, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "last_norm", "first_norm"], name="exclusion_subject_once"
            )
        ]
        indexes = [
            models.Index(fields=["npi"], name="exclusion_subject_npi", condition=~Q(npi="")),
            models.Index(fields=["last_norm", "first_norm", "dob"], name="exclusion_subject_name"),
        ]

    def __str__(self) -> str:
        return f"{self.first_norm} {self.last_norm} ({self.provider_id})"


class ExclusionRun(models.Model):
    """One matching of providers against one source's latest list."""

    source = models.CharField(max_length=16, db_index=True)
    list_import = models.ForeignKey(
        ExclusionImport,
        on_delete=models.PROTECT,
        related_name="runs",
        help_text="The full file of the latest list used (its supplements came with it)",
    )
    # None: every active provider (the monthly run); else the one provider matched at once.
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    trigger = models.CharField(max_length=60, blank=True)
    ran_at = models.DateTimeField(default=timezone.now, db_index=True)
    providers_checked = models.PositiveIntegerField(default=0)
    possible_matches = models.PositiveIntegerField(default=0)
    new_cases = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ran_at", "-pk"]
        verbose_name = "exclusion check run"

    def __str__(self) -> str:
        return f"{self.source.upper()} check of {self.ran_at:%Y-%m-%d %H:%M}"


class ExclusionCheck(models.Model):
    """That a run included a provider (the provider's exclusion-check history)."""

    run = models.ForeignKey(ExclusionRun, on_delete=models.CASCADE, related_name="checks")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="exclusion_checks")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "provider"], name="exclusion_check_once")]
        indexes = [models.Index(fields=["provider", "run"], name="exclusion_check_provider")]

    def __str__(self) -> str:
        return f"run {self.run_id}: provider {self.provider_id}"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open: to decide"
    CLEARED = "cleared", "Cleared: not the provider"
    CONFIRMED = "confirmed", "Confirmed: the provider is excluded"


class ExclusionCase(models.Model):
    """A possible match staff decide on: cleared (not the provider) or confirmed."""

    Status = CaseStatus

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="exclusion_cases")
    source = models.CharField(max_length=16)
    entry_key = models.CharField(max_length=40)
    entry = models.ForeignKey(ExclusionEntry, on_delete=models.PROTECT, related_name="cases")
    run = models.ForeignKey(ExclusionRun, on_delete=models.PROTECT, related_name="cases")
    matched_on = models.CharField(
        max_length=40,
        help_text="npi; name (with date of birth or state); or name, no date of birth on file",
    )
    status = models.CharField(
        max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN, db_index=True
    )
    opened_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "exclusion case"
        ordering = ["opened_at", "pk"]
        permissions = [("decide_exclusioncase", "Can clear or confirm a possible exclusion match")]
        constraints = [
            models.UniqueConstraint(fields=["provider", "source", "entry_key"], name="exclusion_case_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} on {self.source.upper()}: {self.entry}"


class ExclusionCaseEvent(models.Model):
    """The case's history: opened, cleared, confirmed, and what a confirmation did."""

    case = models.ForeignKey(ExclusionCase, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"
