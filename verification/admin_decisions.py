"""Credentialing decisions in the staff admin: the "Record credentialing decision" page of a
provider, and the read-only list of decisions with their notices.

Permissions, checked on every request (POST included): recording needs
`verification.record_credentialing_decision` (the Credentialing Committee, Admin); the override
reason field is shown, and accepted, only with `verification.override_file_readiness` (Admin).
The list needs `verification.view_credentialingdecision`. Decisions are written only by
verification.services.decisions.decision_record and never changed or deleted here.
"""

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from alma.admin import ReadOnlyAdmin, ServiceActionMixin
from onboarding.models import OutboxEmail, Provider
from verification import emails
from verification import file as verification_file
from verification.errors import (
    DecisionDateRefused,
    DecisionDetailsMissing,
    DecisionNotPermitted,
    FileNotReady,
    VerificationError,
)
from verification.models import CredentialingDecision, RecredentialingAttestation
from verification.services.decisions import OVERRIDE_PERMISSION, RECORD_PERMISSION, decision_record

Outcome = CredentialingDecision.Outcome


def decision_url(provider: Provider) -> str:
    return reverse("admin:verification_decision_record", args=[provider.public_id])


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=[
            (Outcome.APPROVED, "Approve"),
            (Outcome.DENIED, "Deny"),
            (Outcome.DEFERRED, "Defer (the committee waits for something)"),
        ],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(
        label="Decided on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The committee's meeting date; not in the future. Each verification must be at most "
        "120 days old on this date.",
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The provider reads it in their notice: plain words.",
    )
    override_reason = forms.CharField(
        label="Override: why decide on a file that is not ready",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only when the file is not ready. Kept with the decision, with your name.",
    )

    def __init__(self, *args, can_override: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not can_override:
            del self.fields["override_reason"]


# Which field a refusal concerns, so the page shows it next to that field.
ERROR_FIELDS: dict[type[VerificationError], str | None] = {
    DecisionDateRefused: "decided_on",
    DecisionDetailsMissing: "reason",
    DecisionNotPermitted: None,
}


@admin.register(CredentialingDecision)
class CredentialingDecisionAdmin(ServiceActionMixin, ReadOnlyAdmin):
    list_display = (
        "decided_on",
        "recorded_at",
        "provider_link",
        "cycle",
        "outcome",
        "decided_by",
        "overridden",
        "notice",
        "recredentialing_due_on",
    )
    list_filter = ("outcome", "cycle", "decided_on")
    search_fields = ("provider__legal_name", "provider__user__email")
    list_select_related = ("provider", "decided_by", "overridden_by")
    date_hierarchy = "decided_on"
    ordering = ("-decided_on", "-pk")
    fields = readonly_fields = (
        "provider_link",
        "cycle",
        "outcome",
        "decided_on",
        "reason",
        "decided_by",
        "recorded_at",
        "override_reason",
        "overridden_by",
        "notice",
        "recredentialing_due_on",
        "file_at_decision",
    )

    def get_queryset(self, request):
        notice = OutboxEmail.objects.filter(
            provider=OuterRef("provider"),
            step=emails.CREDENTIALING_DECISION,
            key=Concat(Value("decision-"), Cast(OuterRef("pk"), CharField())),
            sent_at__isnull=False,
        ).order_by("sent_at")
        return super().get_queryset(request).annotate(notice_sent_at=Subquery(notice.values("sent_at")[:1]))

    @admin.display(description="provider", ordering="provider__legal_name")
    def provider_link(self, decision: CredentialingDecision) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:onboarding_provider_change", args=[decision.provider_id]),
            decision.provider,
        )

    @admin.display(description="override")
    def overridden(self, decision: CredentialingDecision) -> str:
        return f"Yes, by {decision.overridden_by}" if decision.overridden_by_id else "No"

    @admin.display(description="notice to the provider")
    def notice(self, decision: CredentialingDecision) -> str:
        sent_at = getattr(decision, "notice_sent_at", None)
        if sent_at is not None:
            return f"Sent {timezone.localtime(sent_at):%d %b %Y}"
        if decision.notice_queued_at is not None:
            return f"Queued {timezone.localtime(decision.notice_queued_at):%d %b %Y}, not sent yet"
        return "Not queued"

    @admin.display(description="the file at the decision")
    def file_at_decision(self, decision: CredentialingDecision) -> str:
        items = decision.file_snapshot.get("items", [])
        if not items:
            return "No items"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {}</li>",
                ((item["label"], "ready" if item["ready"] else item["reason"]) for item in items),
            ),
        )

    def get_urls(self):
        return [
            path(
                "record/<uuid:public_id>/",
                self.admin_site.admin_view(self.record_view),
                name="verification_decision_record",
            ),
            *super().get_urls(),
        ]

    def record_view(self, request: HttpRequest, public_id) -> HttpResponse:
        self.check_permission(request, RECORD_PERMISSION)
        provider = get_object_or_404(Provider.objects.select_related("user"), public_id=public_id)
        today = timezone.localdate()
        can_override = request.user.has_perm(OVERRIDE_PERMISSION)
        form = DecisionForm(
            request.POST if request.method == "POST" else None,
            can_override=can_override,
            initial={"decided_on": _date_from(request.GET.get("decided_on")) or today},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                decision = decision_record(
                    provider=provider,
                    outcome=data["outcome"],
                    decided_on=data["decided_on"],
                    reason=data["reason"],
                    override_reason=data.get("override_reason", ""),
                    actor=request.user,  # type: ignore[arg-type]
                )
            except FileNotReady as error:
                form.add_error(
                    "override_reason" if can_override else None, _not_ready_message(error, can_override)
                )
            except VerificationError as error:
                form.add_error(ERROR_FIELDS.get(type(error)), str(error))
            else:
                self.log_addition(
                    request, decision, f"Recorded the decision: {decision.get_outcome_display()}."
                )
                messages.success(
                    request,
                    f"Recorded: {decision.get_outcome_display().lower()} on {decision.decided_on:%d %b %Y}. "
                    f"{provider} has been emailed the decision.",
                )
                return redirect("admin:verification_credentialingdecision_change", decision.pk)
        decided_on = _decided_on(form, today)
        readiness = verification_file.file_readiness_for(provider, today, decided_on)
        return self.intermediate_page(
            request,
            "admin/verification/credentialingdecision/record.html",
            title=f"Record credentialing decision: {provider}",
            form=form,
            provider=provider,
            readiness=readiness,
            decided_on=decided_on,
            can_override=can_override,
            earlier=CredentialingDecision.objects.filter(provider=provider).select_related("decided_by"),
            # The provider's "these are still right" for the recredentialing now open, if any.
            attestation=RecredentialingAttestation.objects.filter(provider=provider)
            .order_by("-due_on")
            .first(),
            file_url=reverse("admin:verification_file", args=[provider.public_id]),
        )


def _date_from(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _decided_on(form: DecisionForm, today: date) -> date:
    """The date the page shows the file on: the one typed (when valid and not in the future)."""
    if form.is_bound:
        typed = form.cleaned_data.get("decided_on") if hasattr(form, "cleaned_data") else None
    else:
        typed = form.initial.get("decided_on")
    return typed if isinstance(typed, date) and typed <= today else today


def _not_ready_message(error: FileNotReady, can_override: bool) -> str:
    if can_override:
        return "The file is not ready on this date (see above). To decide anyway, write why here."
    return (
        "The file is not ready on this date (see above): verify the items listed, "
        "or ask an Admin to override."
    )


@admin.register(RecredentialingAttestation)
class RecredentialingAttestationAdmin(ReadOnlyAdmin):
    """The providers' "these are still right" for a recredentialing (written only by the provider
    on their Confirm your credentialing details page)."""

    list_display = ("attested_at", "provider", "due_on", "attested_by")
    list_filter = ("due_on",)
    search_fields = ("provider__legal_name", "provider__user__email")
    list_select_related = ("provider", "attested_by")
    ordering = ("-attested_at", "-pk")
    fields = readonly_fields = ("provider", "due_on", "attested_at", "attested_by", "details")
