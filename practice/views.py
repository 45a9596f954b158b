"""The provider's payouts account and client roster pages: thin views over practice services."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from credentialing.models import Payer
from onboarding.decorators import provider_required
from practice import selectors, services
from practice.errors import ClientArchived, InsuranceNotAllowed, InvalidBankDetails
from practice.forms import ClientForm, PayoutAccountForm
from practice.models import AccountType, PaymentMethod


@provider_required
def payouts(request, provider):
    return render(
        request,
        "practice/payouts.html",
        {"provider": provider, "account": selectors.payout_account_of(provider)},
    )


@never_cache
@provider_required
@require_http_methods(["GET", "POST"])
def payouts_change(request, provider):
    account = selectors.payout_account_of(provider)
    if request.method == "POST":
        form = PayoutAccountForm(request.POST)
        if form.is_valid():
            try:
                saved = services.payout_account_set(
                    provider=provider, actor=request.user, **form.service_arguments()
                )
            except InvalidBankDetails as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"Your payouts account is now the {saved.get_account_type_display().lower()} account "
                    f"ending in {saved.account_last4}. We've emailed you a confirmation.",
                )
                return redirect("practice:payouts")
    else:
        form = PayoutAccountForm(
            initial={
                "holder_name": account.holder_name if account else provider.legal_name,
                "account_type": account.account_type if account else AccountType.CHECKING,
            }
        )
    return render(
        request, "practice/payouts_change.html", {"provider": provider, "account": account, "form": form}
    )


@provider_required
def clients(request, provider):
    archived = request.GET.get("archived") == "1"
    context = {
        "provider": provider,
        "archived": archived,
        "page": selectors.client_page(provider, request.GET.get("page"), archived=archived),
        "archived_count": None if archived else selectors.archived_count(provider),
        "network": selectors.network_status(provider),
    }
    return render(request, "practice/clients.html", context)


def _own_client(provider, client_id: int):
    client = selectors.client_of(provider, client_id)
    if client is None:
        raise Http404("No such client on your roster.")
    return client


@provider_required
@require_http_methods(["GET", "POST"])
def client_edit(request, provider, client_id: int):
    client = _own_client(provider, client_id)
    if client.is_archived:
        messages.info(request, f"{client.full_name} is archived. Restore them to your roster to edit them.")
        return redirect(f"{reverse('practice:clients')}?archived=1")
    network = selectors.network_status(provider)
    payers = selectors.payers_to_choose(provider, network.today)
    if client.payer_id:  # their current payer stays choosable, even if no longer taking providers
        payers = Payer.objects.filter(Q(pk__in=payers.values("pk")) | Q(pk=client.payer_id)).order_by("name")
    initial = {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "email": client.email,
        "payment_method": client.payment_method,
        "payer": client.payer_id,
    }
    form = ClientForm(request.POST or None, initial=initial, payers=payers, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_update(client=client, actor=request.user, **form.cleaned_data)
        except InsuranceNotAllowed as error:
            form.add_error("payer", str(error))
        except ClientArchived as error:
            messages.error(request, str(error))
            return redirect("practice:clients")
        else:
            messages.success(request, f"{client.full_name}'s details are saved ({client.payment_label}).")
            return redirect("practice:clients")
    return render(
        request,
        "practice/client_edit.html",
        {"provider": provider, "form": form, "network": network, "client": client},
    )


@provider_required
@require_POST
def client_archive(request, provider, client_id: int):
    client = _own_client(provider, client_id)
    try:
        services.client_archive(client=client, actor=request.user)
    except ClientArchived as error:
        messages.info(request, str(error))
    else:
        messages.success(
            request,
            f"{client.full_name} is archived: off your roster, with their history kept. "
            "You can restore them from Show archived clients.",
        )
    return redirect("practice:clients")


@provider_required
@require_POST
def client_restore(request, provider, client_id: int):
    client = _own_client(provider, client_id)
    try:
        services.client_restore(client=client, actor=request.user)
    except ClientArchived as error:
        messages.info(request, str(error))
    else:
        messages.success(request, f"{client.full_name} is back on your roster.")
    return redirect("practice:clients")


@provider_required
@require_http_methods(["GET", "POST"])
def client_add(request, provider):
    network = selectors.network_status(provider)
    payers = selectors.payers_to_choose(provider, network.today)
    form = ClientForm(request.POST or None, payers=payers, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_add(provider=provider, actor=request.user, **form.cleaned_data)
        except InsuranceNotAllowed as error:
            form.add_error("payer", str(error))
        else:
            how = (
                f"an insurance client on {client.payer}"
                if client.payment_method == PaymentMethod.INSURANCE
                else "a cash-pay client"
            )
            messages.success(request, f"{client.full_name} is on your roster as {how}.")
            return redirect("practice:clients")
    return render(
        request, "practice/client_add.html", {"provider": provider, "form": form, "network": network}
    )
