"""The provider's payouts account and client roster pages: thin views over practice services."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from onboarding.decorators import provider_required
from practice import selectors, services
from practice.errors import InsuranceNotAllowed, InvalidBankDetails
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
    context = {
        "provider": provider,
        "page": selectors.client_page(provider, request.GET.get("page")),
        "network": selectors.network_status(provider),
    }
    return render(request, "practice/clients.html", context)


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
