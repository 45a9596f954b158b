"""Primary-source verifications in the staff admin: the provider's credentialing file page, the
"Record verification" page of each item, the evidence download, and the read-only list.

Permissions, checked on every request (POST included): the file page, the list and the evidence
need `verification.view_primarysourceverification`; recording needs
`verification.add_primarysourceverification`. Verifications are recorded only through
verification.services.psv.verification_record and never changed or deleted here.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.cache import never_cache

from alma.admin import ReadOnlyAdmin, ServiceActionMixin
from alma.uploads import serve_private_file
from onboarding.models import Provider
from verification import file as credentialing_file
from verification.errors import VerificationRefused
from verification.models import (
    PrimarySourceVerification,
    VerificationMethod,
    VerificationResult,
    VerificationSource,
    VerifiedItem,
)
from verification.services.psv import ACCEPTED_SOURCES, verification_record

VIEW_PERMISSION = "verification.view_primarysourceverification"
ADD_PERMISSION = "verification.add_primarysourceverification"


def file_url(provider: Provider) -> str:
    return reverse("admin:verification_file", args=[provider.public_id])


class DecisionDateForm(forms.Form):
    decision_on = forms.DateField(
        label="Planned decision date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Each verification must be at most 120 days old on this date.",
    )


class RecordVerificationForm(forms.Form):
    source = forms.ChoiceField(label="Primary source")
    method = forms.ChoiceField(label="How it was checked", choices=VerificationMethod.choices)
    verified_on = forms.DateField(label="Verified on", widget=forms.DateInput(attrs={"type": "date"}))
    result = forms.ChoiceField(label="What the source said", choices=VerificationResult.choices)
    evidence = forms.FileField(
        label="Evidence",
        required=False,
        help_text="The source's page, printout or letter: PDF, PNG or JPEG. Only a phone call may go "
        "without one, and then the notes say who answered.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, item: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        accepted = ACCEPTED_SOURCES[item]
        self.fields["source"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in VerificationSource.choices if value in accepted
        ]


@admin.register(PrimarySourceVerification)
class PrimarySourceVerificationAdmin(ServiceActionMixin, ReadOnlyAdmin):
    list_display = (
        "verified_on",
        "provider",
        "item_label",
        "result",
        "source",
        "method",
        "verifier",
        "recorded_at",
        "file_link",
    )
    list_filter = ("result", "item", "source", "method", "verified_on")
    search_fields = ("provider__legal_name", "provider__user__email", "item_label", "item_key")
    list_select_related = ("provider", "verifier")
    date_hierarchy = "verified_on"
    ordering = ("-verified_on", "-recorded_at", "-pk")
    # The stored path of the evidence is never shown; the evidence link downloads it.
    fields = readonly_fields = (
        "provider_file",
        "item",
        "item_label",
        "item_key",
        "source",
        "method",
        "verified_on",
        "result",
        "verifier",
        "evidence_link",
        "notes",
        "recorded_at",
    )

    @admin.display(description="provider")
    def provider_file(self, verification: PrimarySourceVerification) -> str:
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">credentialing file</a>)',
            reverse("admin:onboarding_provider_change", args=[verification.provider_id]),
            verification.provider,
            file_url(verification.provider),
        )

    @admin.display(description="credentialing file")
    def file_link(self, verification: PrimarySourceVerification) -> str:
        return format_html(
            '<a href="{}">File of {}</a>', file_url(verification.provider), verification.provider
        )

    @admin.display(description="evidence")
    def evidence_link(self, verification: PrimarySourceVerification) -> str:
        if not verification.evidence:
            return "No file (see the notes)"
        return format_html(
            '<a href="{}">Download the evidence</a>',
            reverse("admin:verification_evidence", args=[verification.pk]),
        )

    def get_urls(self):
        return [
            path(
                "file/<uuid:public_id>/", self.admin_site.admin_view(self.file_view), name="verification_file"
            ),
            path(
                "file/<uuid:public_id>/record/<str:item>/<path:item_key>/",
                self.admin_site.admin_view(self.record_view),
                name="verification_record",
            ),
            path(
                "<int:pk>/evidence/",
                self.admin_site.admin_view(self.evidence_view),
                name="verification_evidence",
            ),
            *super().get_urls(),
        ]

    # -- the file page

    def file_view(self, request: HttpRequest, public_id) -> HttpResponse:
        self.check_permission(request, VIEW_PERMISSION)
        provider = get_object_or_404(Provider, public_id=public_id)
        today = timezone.localdate()
        date_form = DecisionDateForm(request.GET if "decision_on" in request.GET else None)
        decision_on = date_form.cleaned_data["decision_on"] if date_form.is_valid() else today
        if not date_form.is_bound:
            date_form = DecisionDateForm(initial={"decision_on": today})
        readiness, rows = credentialing_file.file_rows(provider, today=today, decision_on=decision_on)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Credentialing file of {provider}",
            "provider": provider,
            "today": today,
            "decision_on": decision_on,
            "date_form": date_form,
            "readiness": readiness,
            "rows": rows,
            "ready_count": sum(1 for row in rows if row.readiness.ready),
            "can_record": request.user.has_perm(ADD_PERMISSION),
        }
        return TemplateResponse(request, "admin/verification/primarysourceverification/file.html", context)

    # -- one item's "Record verification" page

    def record_view(self, request: HttpRequest, public_id, item: str, item_key: str) -> HttpResponse:
        self.check_permission(request, ADD_PERMISSION)
        provider = get_object_or_404(Provider, public_id=public_id)
        if item not in VerifiedItem.values:
            raise Http404
        entry = next(
            (
                entry
                for entry in credentialing_file.file_entries(provider)
                if entry.kind == item and entry.item_key == item_key
            ),
            None,
        )
        if entry is None:
            messages.warning(request, "That credential is not in the provider's file any more.")
            return redirect(file_url(provider))
        form = RecordVerificationForm(
            request.POST or None,
            request.FILES or None,
            item=item,
            initial={"verified_on": timezone.localdate(), "result": VerificationResult.VERIFIED},
        )

        def done(verification: PrimarySourceVerification) -> HttpResponse:
            self.log_addition(
                request, verification, f"Recorded the verification of {verification.item_label}."
            )
            messages.success(
                request,
                f"Recorded: {verification.item_label}, {verification.get_result_display().lower()} "
                f"on {verification.verified_on:%d %b %Y}.",
            )
            return redirect(file_url(provider))

        history = PrimarySourceVerification.objects.filter(
            provider=provider, item=item, item_key=item_key
        ).select_related("verifier")
        return self.service_form_view(
            request,
            permission=ADD_PERMISSION,
            form=form,
            service=lambda data: verification_record(
                provider=provider,
                item=item,
                item_key=item_key,
                item_label=entry.item.label,
                verifier=request.user,  # type: ignore[arg-type]
                now=timezone.now(),
                **data,
            ),
            errors=VerificationRefused,
            done=done,
            template="admin/verification/primarysourceverification/record.html",
            title=f"Record verification: {entry.item.label}",
            provider=provider,
            entry=entry,
            history=history,
            file_url=file_url(provider),
        )

    # -- the evidence

    @method_decorator(never_cache)
    def evidence_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        verification = get_object_or_404(PrimarySourceVerification, pk=pk)
        return serve_private_file(
            verification.evidence, filename_stem=f"verification-{verification.pk}-evidence"
        )
