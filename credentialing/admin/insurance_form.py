from django.contrib import admin
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.views.decorators.cache import never_cache

from alma.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceActionMixin
from credentialing import checks, demographics
from credentialing.models import (
    Education,
    InsuranceForm,
    ProviderDemographics,
    SecretReveal,
    StateLicense,
    WorkHistoryEntry,
)
from credentialing.services.insurance_form import caqh_password_reveal


class StateLicenseInline(ReadOnlyInline):
    model = StateLicense
    fields = readonly_fields = ("state", "license_type", "number", "expiry")


class EducationInline(ReadOnlyInline):
    model = Education
    fields = readonly_fields = ("institution", "degree", "graduation_date")


class WorkHistoryInline(ReadOnlyInline):
    model = WorkHistoryEntry
    fields = readonly_fields = ("employer", "role", "start_date", "end_date", "gap_explanation")


class SecretRevealInline(ReadOnlyInline):
    model = SecretReveal
    fields = readonly_fields = ("field", "revealed_by", "revealed_at")
    verbose_name_plural = "password reveals (audit)"


DEMOGRAPHICS_SECTION = "Demographics (optional answers)"
HIDDEN = frozenset({"id", "caqh_password_encrypted", "draft_answers", *InsuranceForm.FILE_FIELDS})


@admin.register(InsuranceForm)
class InsuranceFormAdmin(ServiceActionMixin, ReadOnlyAdmin):
    list_display = ("provider", "status", "npi", "caqh_id", "liability_expiry", "submitted_at")
    list_filter = ("status",)
    search_fields = ("provider__legal_name", "provider__user__email", "npi", "caqh_id")
    list_select_related = ("provider",)
    # The encrypted password and the raw file paths are never shown; see caqh_password and documents.
    exclude = ("caqh_password_encrypted", *InsuranceForm.FILE_FIELDS)
    readonly_fields = (
        *(f.name for f in InsuranceForm._meta.fields if f.name not in HIDDEN),
        "caqh_password",
        "dea_name_check",
        "documents",
    )  # fmt: skip
    inlines = (StateLicenseInline, EducationInline, WorkHistoryInline, SecretRevealInline)

    @admin.display(description="CAQH password")
    def caqh_password(self, record):
        if not record.has_caqh_password:
            return "Not given yet"
        return "Saved (encrypted). Revealing it needs the reveal permission."

    @admin.display(description="CAQH password")
    def caqh_password_revealable(self, record):
        if not record.has_caqh_password:
            return "Not given yet"
        url = reverse("admin:credentialing_insuranceform_reveal", args=[record.pk])
        return format_html('Saved (encrypted). <a href="{}">Reveal it</a> (recorded in the audit).', url)

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if request.user.has_perm("credentialing.reveal_caqh_password"):
            fields = [("caqh_password_revealable" if f == "caqh_password" else f) for f in fields]
        if request.user.has_perm(demographics.PERMISSION):
            fields.append("demographic_answers")
        return fields

    def get_fieldsets(self, request, obj=None):
        """The optional demographic answers in a section of their own, for staff holding
        `see_provider_demographics` only; without it the page has no trace of them."""
        fieldsets = super().get_fieldsets(request, obj)
        if not request.user.has_perm(demographics.PERMISSION):
            return fieldsets
        [(name, options), *rest] = fieldsets
        main = {**options, "fields": [f for f in options["fields"] if f != "demographic_answers"]}
        section = (
            DEMOGRAPHICS_SECTION,
            {
                "fields": ["demographic_answers"],
                "description": "Optional answers the provider chose to give. Never used to decide "
                "credentialing, never shown in the directory or in exports.",
            },
        )
        return [(name, main), *rest, section]

    @admin.display(description="answers")
    def demographic_answers(self, record):
        answers = ProviderDemographics.objects.filter(provider_id=record.provider_id).first()
        if answers is None:
            return "Not answered"
        rows = [
            ("Race", demographics.labels(answers.race, demographics.RACE_CHOICES)),
            (
                "Ethnicity",
                demographics.labels(
                    [answers.ethnicity] if answers.ethnicity else [], demographics.ETHNICITY_CHOICES
                ),
            ),
            ("Languages", demographics.labels(answers.languages, demographics.LANGUAGE_CHOICES)),
        ]
        return format_html(
            '<dl data-testid="demographic-answers">{}</dl>',
            format_html_join(
                "", "<dt>{}</dt><dd>{}</dd>", ((q, ", ".join(a) or "Not answered") for q, a in rows)
            ),
        )

    @admin.display(description="DEA name check")
    def dea_name_check(self, record):
        """What review needs to know: whether the DEA number's second letter matches the
        provider's surname or the name on the registration (credentialing.checks)."""
        if not record.dea_number:
            return "No DEA number given"
        mismatch = checks.dea_name_mismatch(
            record.dea_number,
            legal_name=record.provider.legal_name,
            registered_name=record.dea_registered_name,
        )
        if mismatch:
            return format_html(
                '<strong data-testid="dea-name-mismatch">Mismatch: verify with the DEA.</strong> '
                "The second letter ({}) matches neither {} nor the name on the registration ({}).",
                record.dea_number[1],
                record.provider.legal_name,
                record.dea_registered_name or "not given",
            )
        if record.dea_registered_name:
            return f"Matches the name on the registration ({record.dea_registered_name})"
        return "Matches the provider's last name"

    @admin.display(description="documents")
    def documents(self, record):
        files = [
            (
                reverse("documents:insurance_document", args=[record.provider.public_id, name]),
                name.replace("_", " "),
            )
            for name in InsuranceForm.FILE_FIELDS
            if getattr(record, name)
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', files) if files else "None uploaded"

    def get_urls(self):
        return [
            path(
                "<int:pk>/reveal-caqh-password/",
                self.admin_site.admin_view(self.reveal_view),
                name="credentialing_insuranceform_reveal",
            ),
            *super().get_urls(),
        ]

    @method_decorator(never_cache)
    def reveal_view(self, request, pk):
        """GET asks for confirmation; only the POST decrypts, and records who did it."""
        self.check_permission(request, "credentialing.reveal_caqh_password")
        record = get_object_or_404(InsuranceForm.objects.select_related("provider"), pk=pk)
        password = None
        if request.method == "POST":
            password = caqh_password_reveal(insurance_form=record, staff_user=request.user)
        return self.intermediate_page(
            request,
            "admin/credentialing/insuranceform/reveal.html",
            title=f"CAQH password of {record.provider}",
            obj=record,
            record=record,
            password=password,
        )
