"""Staff work on help tickets: find, assign, answer and close them.

Every change goes through a helpdesk service. The list's actions open an intermediate page (the
selected tickets, and a form: who to assign, an optional closing note) that posts to its own
admin URL; the ticket page carries the conversation, a reply form and buttons to take or close
the ticket, each posting to its own admin URL. Each of those URLs checks the permission again
("Can change help ticket"), so staff without it get a 403 however the request is made. Every
field is read-only: no raw edits.
"""

from collections.abc import Callable
from typing import Any, TypedDict

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import linebreaks_filter
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from accounts.models import User
from alma.admin import ReadOnlyInline, ReadOnlyWithActionsAdmin, ServiceActionMixin
from helpdesk import selectors, services
from helpdesk.errors import TicketError
from helpdesk.forms import AssignForm, CloseForm, StaffReplyForm
from helpdesk.models import Ticket, TicketEvent, TicketStatus


class UnansweredFilter(admin.SimpleListFilter):
    title = "waiting for an answer"
    parameter_name = "unanswered"

    def lookups(self, request, model_admin):
        return (("overdue", "Unanswered for over one business day"), ("waiting", "Waiting for Alma"))

    def queryset(self, request, queryset):
        match self.value():
            case "overdue":
                return queryset.unanswered_past_due(timezone.now())
            case "waiting":
                return queryset.filter(status=TicketStatus.OPEN)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    """Mine, unassigned, or any member of staff who holds tickets."""

    title = "assigned to"
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        holders = Ticket.objects.exclude(assignee=None).values("assignee")
        staff = get_user_model().objects.filter(pk__in=holders).exclude(pk=request.user.pk).order_by("email")
        return [("me", "Me"), ("none", "Unassigned"), *((str(user.pk), user.email) for user in staff)]

    def queryset(self, request, queryset):
        match self.value():
            case None:
                return queryset
            case "me":
                return queryset.filter(assignee=request.user)
            case "none":
                return queryset.filter(assignee=None)
            case value if value.isdigit():
                return queryset.filter(assignee_id=int(value))
        return queryset


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent
    fk_name = "ticket"
    fields = ("occurred_at", "kind", "from_status", "to_status", "assignee", "actor", "note")
    readonly_fields = fields
    verbose_name_plural = "history (status changes and assignments)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assignee", "actor")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("helpdesk.view_ticket") or request.user.has_perm(
            "helpdesk.change_ticket"
        )


ANSWER_PERMISSION = "helpdesk.change_ticket"
# What each bulk action's intermediate page asks for and does.


class BulkAction(TypedDict):
    """One bulk action on tickets: its form, its page's words, the service run for each ticket."""

    form: type[forms.Form]
    title: str
    button: str
    service: Callable[[Ticket, dict[str, Any], User], object]
    done: str


BULK: dict[str, BulkAction] = {
    "assign": {
        "form": AssignForm,
        "title": "Assign help tickets",
        "button": "Assign",
        "service": lambda ticket, data, actor: services.ticket_assign(
            ticket=ticket, assignee=data["assignee"], actor=actor
        ),
        "done": "Assigned {n}.",
    },
    "close": {
        "form": CloseForm,
        "title": "Close help tickets",
        "button": "Close",
        "service": lambda ticket, data, actor: services.ticket_close(
            ticket=ticket, actor=actor, note=data["note"]
        ),
        "done": "Closed {n}.",
    },
}


def _tickets(n: int) -> str:
    return f"{n} ticket{'s' if n != 1 else ''}"


@admin.register(Ticket)
class TicketAdmin(ServiceActionMixin, ReadOnlyWithActionsAdmin):
    list_display = (
        "reference",
        "subject",
        "provider",
        "category",
        "status",
        "assignee",
        "opened_at",
        "waiting",
        "overdue",
    )
    list_display_links = ("reference", "subject")
    list_filter = ("status", "category", AssigneeFilter, UnansweredFilter)
    search_fields = ("subject", "provider__legal_name", "provider__user__email", "messages__body")
    list_select_related = ("provider", "assignee")
    ordering = ("-last_activity_at", "-pk")
    readonly_fields = (
        "reference",
        "provider",
        "provider_email",
        "category",
        "subject",
        "status",
        "assignee",
        "asked_from",
        "opened_at",
        "reply_due_at",
        "answered_at",
        "closed_at",
        "conversation",
    )
    fields = readonly_fields
    inlines = (TicketEventInline,)
    actions = ("assign_to_me", "assign", "close")
    change_form_template = "admin/helpdesk/ticket/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provider__user", "assignee")

    # -- columns and fields

    @admin.display(description="ticket", ordering="pk")
    def reference(self, ticket):
        return ticket.reference

    @admin.display(description="provider's email")
    def provider_email(self, ticket):
        return ticket.provider.user.email

    @admin.display(description="asked from page")
    def asked_from(self, ticket):
        return ticket.page or "—"

    @admin.display(description="waiting (business days)")
    def waiting(self, ticket):
        waited = selectors.waiting_time(ticket, timezone.now())
        if waited is None:
            return "—"
        return f"{waited / selectors.BUSINESS_DAY:.1f}"

    @admin.display(description="over one business day", boolean=True)
    def overdue(self, ticket):
        return selectors.is_overdue(ticket, timezone.now())

    @admin.display(description="conversation")
    def conversation(self, ticket):
        rows = []
        for message in ticket.messages.select_related("author").order_by("created_at", "pk"):
            who = f"Alma ({message.author.email})" if message.from_staff and message.author else "Provider"
            attachment = (
                format_html(
                    '<p><a href="{}">Download attachment</a></p>',
                    reverse("helpdesk:attachment", args=[message.pk]),
                )
                if message.attachment
                else ""
            )
            rows.append(
                (
                    who,
                    date_format(timezone.localtime(message.created_at), "M j, Y, g:i A"),
                    linebreaks_filter(message.body, autoescape=True),
                    attachment,
                )
            )
        return format_html_join(
            "", '<div class="ticket-message"><p><strong>{}</strong> · {}</p>{}{}</div><hr>', rows
        )

    # -- permissions: read-only pages (ReadOnlyWithActionsAdmin: providers open tickets from the
    # portal; the ticket and its history are the record); changes only through the services

    def has_answer_permission(self, request) -> bool:
        return request.user.has_perm(ANSWER_PERMISSION)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if self.has_answer_permission(request):
            extra_context["reply_form"] = StaffReplyForm()
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    # -- actions

    @admin.action(description="Assign to me", permissions=["answer"])
    def assign_to_me(self, request, queryset):
        moved = 0
        for ticket in queryset.order_by("pk"):
            services.ticket_assign(ticket=ticket, assignee=request.user, actor=request.user)
            moved += 1
        self.message_user(request, f"Assigned {_tickets(moved)} to you.", messages.SUCCESS)

    @admin.action(description="Assign to…", permissions=["answer"])
    def assign(self, request, queryset):
        return self._bulk_page(request, "assign", queryset, form=AssignForm())

    @admin.action(description="Close…", permissions=["answer"])
    def close(self, request, queryset):
        return self._bulk_page(request, "close", queryset, form=CloseForm())

    def _bulk_page(self, request, action: str, queryset, *, form):
        config = BULK[action]
        return self.intermediate_page(
            request,
            "admin/helpdesk/ticket/bulk.html",
            title=config["title"],
            form=form,
            button=config["button"],
            action=action,
            tickets=list(queryset.select_related("provider", "assignee").order_by("pk")),
        )

    # -- the URLs the intermediate pages and the ticket page post to

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("bulk/<str:action>/", view(self.bulk_view), name="helpdesk_ticket_bulk"),
            path("<int:pk>/reply/", view(self.reply_view), name="helpdesk_ticket_reply"),
            path("<int:pk>/take/", view(self.take_view), name="helpdesk_ticket_take"),
            path("<int:pk>/close/", view(self.close_view), name="helpdesk_ticket_close"),
            *super().get_urls(),
        ]

    def _guard(self, request):
        self.check_permission(request, ANSWER_PERMISSION)
        return self.refuse_unless_posted(request)

    def _back_to(self, ticket):
        return redirect("admin:helpdesk_ticket_change", ticket.pk)

    def bulk_view(self, request, action: str):
        if refusal := self._guard(request):
            return refusal
        if action not in BULK:
            raise Http404
        config = BULK[action]
        tickets = Ticket.objects.filter(pk__in=self.selected_ids(request))
        form = config["form"](request.POST)
        if not form.is_valid():
            return self._bulk_page(request, action, tickets, form=form)
        done = self.run_for_each(
            request,
            tickets.order_by("pk"),
            lambda ticket: config["service"](ticket, form.cleaned_data, request.user),
            errors=TicketError,
            refused=lambda _ticket, error: f"Left unchanged: {error}",
        )
        if done:
            messages.success(request, config["done"].format(n=_tickets(done)))
        return redirect("admin:helpdesk_ticket_changelist")

    def reply_view(self, request, pk: int):
        if refusal := self._guard(request):
            return refusal
        ticket = get_object_or_404(Ticket, pk=pk)
        form = StaffReplyForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Write the reply before sending it.")
            return self._back_to(ticket)
        replied, _message = self.run_service(
            request,
            lambda: services.ticket_reply(
                ticket=ticket, author=request.user, message=form.cleaned_data["message"]
            ),
            errors=TicketError,
        )
        if replied:
            messages.success(request, f"Reply sent to {ticket.provider}; {ticket.reference} is now answered.")
        return self._back_to(ticket)

    def take_view(self, request, pk: int):
        if refusal := self._guard(request):
            return refusal
        ticket = get_object_or_404(Ticket, pk=pk)
        services.ticket_assign(ticket=ticket, assignee=request.user, actor=request.user)
        messages.success(request, f"{ticket.reference} is assigned to you.")
        return self._back_to(ticket)

    def close_view(self, request, pk: int):
        if refusal := self._guard(request):
            return refusal
        ticket = get_object_or_404(Ticket, pk=pk)
        closed, _ticket = self.run_service(
            request, lambda: services.ticket_close(ticket=ticket, actor=request.user), errors=TicketError
        )
        if closed:
            messages.success(request, f"{ticket.reference} is closed.")
        return self._back_to(ticket)
