"""The provider's help pages: ask for help, see their requests and each conversation.

Thin views: a form, one service call, a message. Every page is the signed-in provider's own;
another provider's ticket or attachment is a 404, as if it did not exist.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from alma.uploads import serve_private_file
from helpdesk import selectors, services
from helpdesk.forms import FollowUpForm, TicketForm, local_page
from helpdesk.models import TicketCategory, TicketMessage, TicketStatus
from onboarding.decorators import provider_required

# The topic a request most likely has, from the section of the portal it was asked from.
CATEGORY_BY_SECTION = {
    "insurance": TicketCategory.CREDENTIALING,
    "credentialing": TicketCategory.ONBOARDING_FORMS,
    "onboarding": TicketCategory.ONBOARDING_FORMS,
    "practice:payouts": TicketCategory.PAYOUTS,
    "practice:clients": TicketCategory.CLIENTS,
    "practice:client": TicketCategory.CLIENTS,
}
STAFF_VIEW_PERMISSIONS = ("helpdesk.view_ticket", "helpdesk.change_ticket")


def _likely_category(page: str) -> str:
    if not page:
        return ""
    try:
        match = resolve(page)
    except Resolver404:
        return ""
    for section in (f"{match.namespace}:{(match.url_name or '').split('_')[0]}", match.namespace):
        if section in CATEGORY_BY_SECTION:
            return CATEGORY_BY_SECTION[section]
    return ""


@provider_required
@require_http_methods(["GET", "POST"])
def ticket_new(request, provider):
    if request.method == "POST":
        form = TicketForm(request.POST, request.FILES)
        if form.is_valid():
            ticket = services.ticket_open(provider=provider, **form.cleaned_data)
            messages.success(
                request,
                f"Thanks, we received your request {ticket.reference}. We'll answer within one business day "
                f"and email you at {provider.email}.",
            )
            return redirect("helpdesk:detail", ticket.pk)
    else:
        page = local_page(request.GET.get("from"))
        form = TicketForm(initial={"page": page, "category": _likely_category(page)})
    return render(request, "helpdesk/ticket_new.html", {"provider": provider, "form": form})


@provider_required
def ticket_list(request, provider):
    return render(
        request,
        "helpdesk/ticket_list.html",
        {"provider": provider, "tickets": selectors.tickets_of(provider)},
    )


@provider_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request, provider, ticket_id: int):
    ticket = selectors.ticket_of(provider, ticket_id)
    if request.method == "POST":
        form = FollowUpForm(request.POST, request.FILES)
        if form.is_valid():
            was = ticket.status
            services.ticket_follow_up(ticket=ticket, **form.cleaned_data)
            if was == TicketStatus.OPEN:
                messages.success(request, "Message sent. It's added to your request.")
            else:
                messages.success(
                    request, "Message sent. Your request is open again; we'll answer within one business day."
                )
            return redirect("helpdesk:detail", ticket.pk)
    else:
        form = FollowUpForm()
    return render(
        request,
        "helpdesk/ticket_detail.html",
        {"provider": provider, "ticket": ticket, "thread": ticket.messages.all(), "form": form},
    )


@never_cache
def attachment(request, message_id: int):
    """A ticket's attachment for the provider who owns the ticket or permitted staff; 404 for
    everyone else (anonymous visitors included), so nothing about it leaks."""
    if not request.user.is_authenticated:
        raise Http404
    message = get_object_or_404(
        TicketMessage.objects.select_related("ticket__provider"), pk=message_id, attachment__gt=""
    )
    is_owner = message.ticket.provider.user_id == request.user.pk
    is_permitted_staff = request.user.is_staff and any(
        request.user.has_perm(permission) for permission in STAFF_VIEW_PERMISSIONS
    )
    if not (is_owner or is_permitted_staff):
        raise Http404
    return serve_private_file(
        message.attachment, filename_stem=f"help-request-{message.ticket_id}-attachment-{message.pk}"
    )
