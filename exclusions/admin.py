"""Staff work on exclusion monitoring: the queue of possible matches, and the imports and runs.

Every record is read-only. A case is decided on its own page ("Clear" or "Confirm", each with a
reason box), which checks `exclusions.decide_exclusioncase` on GET and on POST and calls one
service (exclusions.services.case_clear / case_confirm).
"""

from collections.abc import Callable
from typing import TypedDict

from django import forms
from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.html import format_html, format_html_join

from accounts.models import User
from alma.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceActionMixin
from exclusions import services
from exclusions.errors import ExclusionError
from exclusions.models import CaseStatus, ExclusionCase, ExclusionCaseEvent, ExclusionImport, ExclusionRun

DECIDE = "exclusions.decide_exclusioncase"


class DecisionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Kept in the case's history. Say what you compared (date of birth, NPI, licence, address).",
    )


class Decision(TypedDict):
    """One decision on a case: its page's title, its button, what it does, the service, the message."""

    title: str
    button: str
    explain: str
    service: Callable[[ExclusionCase, User, str], object]
    done: str


DECISIONS: dict[str, Decision] = {
    "clear": {
        "title": "Clear: not the provider",
        "button": "Clear this match",
        "explain": (
            "Clearing says this list row is another person. The case closes; the same row never "
            "opens a case again for this provider."
        ),
        "service": lambda case, actor, reason: services.case_clear(case=case, actor=actor, reason=reason),
        "done": "Cleared: {case} is not the provider.",
    },
    "confirm": {
        "title": "Confirm: the provider is excluded",
        "button": "Confirm the match",
        "explain": (
            "Confirming hides the provider's directory profile, halts their open payer applications "
            "and emails the credentialing team, at once."
        ),
        "service": lambda case, actor, reason: services.case_confirm(case=case, actor=actor, reason=reason),
        "done": "Confirmed: {case}. The profile is hidden and open applications are halted.",
    },
}


class CaseEventInline(ReadOnlyInline):
    model = ExclusionCaseEvent
    fields = ("occurred_at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    verbose_name_plural = "history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(ExclusionCase)
class ExclusionCaseAdmin(ServiceActionMixin, ReadOnlyAdmin):
    list_display = (
        "provider",
        "source_label",
        "listed_as",
        "matched_on",
        "status",
        "opened_at",
        "decided_at",
    )
    list_filter = ("status", "source", "matched_on")
    search_fields = ("provider__legal_name", "entry__last_name", "entry__business_name", "entry__npi")
    list_select_related = ("provider", "entry")
    readonly_fields = (
        "provider",
        "source_label",
        "status",
        "matched_on",
        "evidence",
        "opened_at",
        "run",
        "decided_by",
        "decided_at",
        "reason",
        "decision",
    )
    fields = readonly_fields
    inlines = (CaseEventInline,)

    def get_queryset(self, request):
        # The queue: open cases first, oldest first; decided ones after, latest decision first.
        open_first = Case(
            When(status=CaseStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        return (
            super()
            .get_queryset(request)
            .annotate(open_first=open_first)
            .order_by("open_first", "opened_at", "pk")
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm(DECIDE)

    @admin.display(description="list")
    def source_label(self, case):
        return case.source.upper()

    @admin.display(description="listed as")
    def listed_as(self, case):
        entry = case.entry
        born = f", born {entry.dob:%Y-%m-%d}" if entry.dob else ""
        return f"{entry}{born}" + (f", NPI {entry.npi}" if entry.npi else "")

    @admin.display(description="the list row (evidence)")
    def evidence(self, case):
        return format_html(
            "<dl class='exclusion-evidence'>{}</dl>",
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", case.entry.evidence),
        )

    @admin.display(description="decided")
    def decision(self, case):
        if case.status == CaseStatus.OPEN:
            return "Not yet: clear or confirm it with the buttons above."
        return f"{case.get_status_display()} by {case.decided_by or 'staff'}"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_decide": request.user.has_perm(DECIDE)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:case_id>/decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="exclusions_exclusioncase_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, case_id: int, decision: str) -> HttpResponse:
        if decision not in DECISIONS:
            raise Http404
        self.check_permission(request, DECIDE)
        config = DECISIONS[decision]
        case = get_object_or_404(ExclusionCase.objects.select_related("provider", "entry"), pk=case_id)

        def done(_result) -> HttpResponse:
            messages.success(request, config["done"].format(case=case))
            return redirect("admin:exclusions_exclusioncase_change", case.pk)

        return self.service_form_view(
            request,
            permission=DECIDE,
            form=DecisionForm(request.POST or None),
            service=lambda data: config["service"](case, request.user, data["reason"]),
            errors=ExclusionError,
            field="reason",
            done=done,
            template="admin/exclusions/exclusioncase/decide.html",
            title=config["title"],
            obj=case,
            case=case,
            evidence=case.entry.evidence,
            button=config["button"],
            explain=config["explain"],
        )


@admin.register(ExclusionImport)
class ExclusionImportAdmin(ReadOnlyAdmin):
    list_display = (
        "source",
        "kind",
        "file_date",
        "file_name",
        "row_count",
        "imported_at",
        "imported_by",
        "forced",
    )
    list_filter = ("source", "kind")
    readonly_fields = (*list_display, "sha256")
    fields = readonly_fields
    ordering = ("-imported_at", "-pk")


@admin.register(ExclusionRun)
class ExclusionRunAdmin(ReadOnlyAdmin):
    list_display = (
        "ran_at",
        "source",
        "list_file",
        "who",
        "providers_checked",
        "possible_matches",
        "new_cases",
        "trigger",
    )
    list_filter = ("source",)
    list_select_related = ("list_import", "provider")
    readonly_fields = ("ran_at", "source", "list_import", "provider", "trigger", "providers_checked",
                       "possible_matches", "new_cases")  # fmt: skip
    fields = readonly_fields
    ordering = ("-ran_at", "-pk")

    @admin.display(description="list used")
    def list_file(self, run):
        item = run.list_import
        return f"{item.file_name} ({item.file_date:%Y-%m-%d}, SHA-256 {item.sha256[:12]}…)"

    @admin.display(description="providers")
    def who(self, run):
        return str(run.provider) if run.provider_id else "every active provider"
