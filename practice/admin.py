"""Staff see payouts accounts and client rosters read-only: providers set them from the portal.

A payouts account shows only the last four digits of its number; the encrypted number is never
on an admin page.
"""

from django.contrib import admin
from django.utils import timezone

from alma.admin import ReadOnlyAdmin
from practice.models import Client, PayoutAccount


@admin.register(PayoutAccount)
class PayoutAccountAdmin(ReadOnlyAdmin):
    list_display = (
        "provider",
        "holder_name",
        "account_type",
        "masked",
        "routing_number",
        "version",
        "updated_at",
    )
    list_filter = ("account_type",)
    search_fields = ("provider__legal_name", "provider__user__email", "holder_name", "account_last4")
    list_select_related = ("provider",)
    exclude = ("account_number_encrypted",)
    fields = readonly_fields = (
        "provider",
        "holder_name",
        "account_type",
        "masked",
        "routing_number",
        "version",
        "updated_at",
        "updated_by",
        "history",
    )

    @admin.display(description="account number", ordering="account_last4")
    def masked(self, account):
        return account.masked_number

    @admin.display(description="history")
    def history(self, account):
        changes = account.provider.payout_account_changes.select_related("changed_by")
        return " · ".join(
            f"v{change.version} ending {change.account_last4} on {timezone.localdate(change.changed_at)}"
            f" by {change.changed_by or 'unknown'}"
            for change in changes
        )

    def get_queryset(self, request):
        return super().get_queryset(request).defer("account_number_encrypted")


@admin.register(Client)
class ClientAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "provider",
        "payment_method",
        "payer",
        "added_at",
        "payer_ended_at",
        "archived_at",
    )
    list_filter = ("payment_method", "payer")
    search_fields = ("first_name", "last_name", "email", "provider__legal_name")
    list_select_related = ("provider", "payer")
    fields = readonly_fields = (
        "provider",
        "first_name",
        "last_name",
        "email",
        "payment_method",
        "payer",
        "added_at",
        "added_by",
        "updated_at",
        "payer_ended_at",
        "archived_at",
    )
