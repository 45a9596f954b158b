"""Staff work on payers, programs and payer applications.

An application's status changes only through the three actions below, each of which calls a
credentialing service for all the selected rows at once. An action opens an intermediate page
(the rows, and a form for the effective date or the reason); that page posts to its own admin
URL, which checks the permission again, so a member of staff without it gets a 403 however the
request is made. The permission is "Can change payer application": every field is read-only, so
the only change it allows is a status move through a service.
"""

from collections.abc import Callable
from typing import Any, TypedDict

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from localflavor.us.us_states import US_STATES

from accounts.models import User
from alma.admin import ReadOnlyAdmin, ReadOnlyInline, ReadOnlyWithActionsAdmin, ServiceActionMixin
from credentialing import selectors
from credentialing.errors import CredentialingError
from credentialing.models import (
    ApplicationStatus,
    Payer,
    PayerApplication,
    PayerApplicationEvent,
    Program,
    ProgramEnrollment,
)
from credentialing.services import applications as services


class PayerForm(forms.ModelForm):
    states = forms.MultipleChoiceField(
        choices=US_STATES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The US states where the payer has members.",
    )

    class Meta:
        model = Payer
        fields = ("name", "slug", "states", "is_active")


@admin.register(Payer)
class PayerAdmin(admin.ModelAdmin):
    form = PayerForm
    list_display = ("name", "slug", "served_states", "program_count", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(program_count=Count("programs"))

    @admin.display(description="states served")
    def served_states(self, payer):
        return selectors.states_label(payer.states) or "—"

    @admin.display(description="programs", ordering="program_count")
    def program_count(self, payer):
        return payer.program_count

    def has_delete_permission(self, request, obj=None):
        return False  # applications point at payers; mark a payer inactive instead


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "payer", "kind", "enrolled_now", "is_active")
    list_filter = ("payer", "kind", "is_active")
    search_fields = ("name", "payer__name")
    list_select_related = ("payer",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(enrolled_now=Count("enrollments", filter=Q(enrollments__left_at__isnull=True)))
        )

    @admin.display(description="enrolled now", ordering="enrolled_now")
    def enrolled_now(self, program):
        return program.enrolled_now

    def has_delete_permission(self, request, obj=None):
        return False  # enrollments point at programs; mark a program inactive instead


class OverdueFilter(admin.SimpleListFilter):
    title = "decision"
    parameter_name = "decision"

    def lookups(self, request, model_admin):
        return (("overdue", f"Overdue (> {selectors.DECISION_DAYS} days)"),)

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(selectors.overdue_q(timezone.now()))
        return queryset


class PayerApplicationEventInline(ReadOnlyInline):
    model = PayerApplicationEvent
    fields = ("occurred_at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    verbose_name_plural = "status history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_view_permission(self, request, obj=None):
        # Whoever may see an application sees its history; no separate permission for events.
        opts = PayerApplication._meta
        return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        )


class ApproveForm(forms.Form):
    effective_date = forms.DateField(
        help_text="The date the payer's approval takes effect (YYYY-MM-DD); the same for every selected row.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(required=False, help_text="Optional, kept in the history.")


class DenyForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The payer's reason; the provider sees it on their Insurance & Directories page.",
    )


class SubmitForm(forms.Form):
    note = forms.CharField(
        required=False, help_text="Optional, kept in the history (e.g. the payer's reference number)."
    )


# How the list shows a day: "12 Nov 2026".
LIST_DATE = "j M Y"

# "Can change payer application": every field is read-only, so the only change it allows is a
# status move through a service.
DECIDE_PERMISSION = "credentialing.change_payerapplication"


class Decision(TypedDict):
    """Each decision: the form on its intermediate page, the status it moves to, the title and
    button, the bulk service, the message."""

    form: type[forms.Form]
    to_status: str
    title: str
    button: str
    service: Callable[[list[int], dict[str, Any], User], services.BulkOutcome]
    done: str


DECISIONS: dict[str, Decision] = {
    "submit": {
        "form": SubmitForm,
        "to_status": ApplicationStatus.SUBMITTED,
        "title": "Mark submitted to payer",
        "button": "Mark submitted",
        "service": lambda ids, data, actor: services.application_submit_many(
            application_ids=ids, actor=actor, note=data["note"]
        ),
        "done": "Marked {n} submitted to the payer; decisions are due within {days} days.",
    },
    "approve": {
        "form": ApproveForm,
        "to_status": ApplicationStatus.APPROVED,
        "title": "Approve (with effective date)",
        "button": "Approve",
        "service": lambda ids, data, actor: services.application_approve_many(
            application_ids=ids, effective_date=data["effective_date"], actor=actor, note=data["note"]
        ),
        "done": "Approved {n}.",
    },
    "deny": {
        "form": DenyForm,
        "to_status": ApplicationStatus.DENIED,
        "title": "Deny (with reason)",
        "button": "Deny",
        "service": lambda ids, data, actor: services.application_deny_many(
            application_ids=ids, reason=data["reason"], actor=actor
        ),
        "done": "Denied {n}.",
    },
}


@admin.register(PayerApplication)
class PayerApplicationAdmin(ServiceActionMixin, ReadOnlyWithActionsAdmin):
    # Four columns that wrap, so the list fits a 1280 px screen beside admin's navigation and the
    # filters: admin never wraps a foreign key's or a date's column, so names and dates are shown
    # by the methods below, and the submission and the wait share one column.
    list_display = ("provider_name", "payer_name", "status_and_date", "waiting")
    list_filter = ("status", OverdueFilter, "payer")
    search_fields = ("provider__legal_name", "provider__user__email", "payer__name")
    list_select_related = ("provider", "payer")
    ordering = ("-requested_at", "pk")
    readonly_fields = (
        "provider",
        "payer",
        "status",
        "requested_at",
        "submitted_at",
        "expected_decision",
        "decided_at",
        "effective_date",
        "denial_reason",
        "withdrawn_at",
    )
    fields = readonly_fields
    inlines = (PayerApplicationEventInline,)
    actions = ("mark_submitted", "approve", "deny")

    # -- columns

    @admin.display(description="provider", ordering="provider__legal_name")
    def provider_name(self, application):
        return application.provider.legal_name

    @admin.display(description="payer", ordering="payer__name")
    def payer_name(self, application):
        return application.payer.name

    @admin.display(description="status", ordering="status")
    def status_and_date(self, application):
        label = application.get_status_display()
        if application.status == ApplicationStatus.APPROVED and application.effective_date:
            return f"{label}, effective {date_format(application.effective_date, LIST_DATE)}"
        return label

    @admin.display(description="submitted to payer", ordering="submitted_at")
    def waiting(self, application):
        if not application.submitted_at:
            return "—"
        submitted = date_format(timezone.localdate(application.submitted_at), LIST_DATE)
        if application.status != ApplicationStatus.SUBMITTED:
            return submitted
        days = self.days_waiting(application)
        waited = f"{submitted}, waiting {days} day{'s' if days != 1 else ''}"
        if self.overdue(application):
            # Words, not colours: the admin runs under a CSP that forbids inline styles.
            return format_html("{} <strong>Overdue</strong>", waited)
        return waited

    @admin.display(description="days waiting")
    def days_waiting(self, application):
        if application.status != ApplicationStatus.SUBMITTED or not application.submitted_at:
            return "—"
        return (timezone.now() - application.submitted_at).days

    @admin.display(description=f"overdue (> {selectors.DECISION_DAYS} days)", boolean=True)
    def overdue(self, application):
        return selectors.is_overdue(application, timezone.now())

    @admin.display(description="decision expected by")
    def expected_decision(self, application):
        if application.status != ApplicationStatus.SUBMITTED or not application.submitted_at:
            return "—"
        return timezone.localdate(selectors.expected_decision_at(application.submitted_at))

    # -- permissions: no raw edits (ReadOnlyWithActionsAdmin: a provider requests credentialing
    # from their portal; the application and its history are the audit trail); status moves
    # only through the actions

    def has_decide_permission(self, request):
        return request.user.has_perm(DECIDE_PERMISSION)

    # -- actions: each opens the intermediate page for the selected rows

    @admin.action(description="Mark submitted to payer", permissions=["decide"])
    def mark_submitted(self, request, queryset):
        return self._decision_page(request, "submit", queryset, form=SubmitForm())

    @admin.action(description="Approve (with effective date)", permissions=["decide"])
    def approve(self, request, queryset):
        return self._decision_page(request, "approve", queryset, form=ApproveForm())

    @admin.action(description="Deny (with reason)", permissions=["decide"])
    def deny(self, request, queryset):
        return self._decision_page(request, "deny", queryset, form=DenyForm())

    def get_urls(self):
        return [
            path(
                "decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="credentialing_payerapplication_decide",
            ),
            *super().get_urls(),
        ]

    def _decision_page(self, request, decision: str, queryset, *, form):
        config = DECISIONS[decision]
        applications = list(queryset.select_related("provider", "payer").order_by("pk"))
        to_status = config["to_status"]
        return self.intermediate_page(
            request,
            "admin/credentialing/payerapplication/decide.html",
            title=config["title"],
            form=form,
            button=config["button"],
            decision=decision,
            rows=[
                (application, services.can_move(application.status, to_status))
                for application in applications
            ],
            to_status_label=ApplicationStatus(to_status).label,
        )

    def decide_view(self, request, decision: str):
        """The intermediate page's form posts here: check the permission again, then decide."""
        self.check_permission(request, DECIDE_PERMISSION)
        if decision not in DECISIONS:
            raise Http404
        if refusal := self.refuse_unless_posted(request):
            return refusal
        config = DECISIONS[decision]
        ids = self.selected_ids(request)
        form = config["form"](request.POST)
        if not form.is_valid():
            return self._decision_page(
                request, decision, PayerApplication.objects.filter(pk__in=ids), form=form
            )
        done, outcome = self.run_service(
            request,
            lambda: config["service"](ids, form.cleaned_data, request.user),
            errors=CredentialingError,
        )
        if done and outcome is not None:  # done: the service returned its outcome
            if outcome.moved:
                n = len(outcome.moved)
                label = f"{n} application{'s' if n != 1 else ''}"
                messages.success(request, config["done"].format(n=label, days=selectors.DECISION_DAYS))
            for _application, problem in outcome.refused:
                messages.warning(request, f"Left unchanged: {problem}")
        return redirect("admin:credentialing_payerapplication_changelist")


class EnrollmentStateFilter(admin.SimpleListFilter):
    title = "enrollment"
    parameter_name = "enrollment"

    def lookups(self, request, model_admin):
        return (("active", "Enrolled now"), ("ended", "Left"))

    def queryset(self, request, queryset):
        match self.value():
            case "active":
                return queryset.filter(left_at__isnull=True)
            case "ended":
                return queryset.filter(left_at__isnull=False)
        return queryset


@admin.register(ProgramEnrollment)
class ProgramEnrollmentAdmin(ReadOnlyAdmin):
    """Read-only: providers enroll and leave from their portal (credentialing services)."""

    list_display = ("provider", "program", "payer", "enrolled_at", "left_at")
    list_filter = (EnrollmentStateFilter, "program__payer", "program")
    search_fields = ("provider__legal_name", "provider__user__email", "program__name")
    list_select_related = ("provider", "program__payer")
    ordering = ("-enrolled_at", "pk")
    readonly_fields = ("provider", "program", "enrolled_at", "left_at")

    @admin.display(description="payer", ordering="program__payer__name")
    def payer(self, enrollment):
        return enrollment.program.payer
