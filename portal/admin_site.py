"""The staff admin site: Django's, plus the SLA board."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from accounts.views import admin_sign_in
from credentialing.expirables import KIND_LABELS
from credentialing.services.expirables import expirables_within
from onboarding.models import Provider
from portal.sla import SHOWN_PER_KIND, sla_summary
from verification.recredentialing import OPENS_DAYS_BEFORE
from verification.selectors.decisions import RECREDENTIALING_LABELS, recredentialing_expirables

SLA_PERMISSION = "onboarding.view_outboxemail"
EXPIRING_DAYS = 60


class AlmaAdminSite(admin.AdminSite):
    site_header = "Alma staff"
    site_title = "Alma staff"
    index_title = "Provider onboarding"
    index_template = "admin/alma_index.html"

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # Staff sign in through allauth like everyone else, so its rate limits and its
        # authenticator-code stage cover the admin too: admin's own login form would skip both,
        # so it is never shown.
        return admin_sign_in(request, extra_context)

    def get_urls(self):
        return [
            path("sla/", self.admin_view(self.sla_view), name="sla"),
            path("expiring/", self.admin_view(self.expiring_view), name="expiring"),
            *super().get_urls(),
        ]

    def sla_view(self, request):
        """Everything overdue or about to be: per kind the counts, the most overdue few each
        linking to its object, and a link to the list of the rest."""
        if not request.user.has_perm(SLA_PERMISSION):
            raise PermissionDenied
        board = sla_summary()
        context = {
            **self.each_context(request),
            "title": "Promises at risk",
            "board": board,
            "shown": SHOWN_PER_KIND,
        }
        return TemplateResponse(request, "admin/sla.html", context)

    def expiring_view(self, request):
        """Credentials expiring in the next 60 days and recredentialing due in the next 120 (when it
        opens), soonest first, each linked to its provider."""
        if not request.user.has_perm("credentialing.view_insuranceform"):
            raise PermissionDenied
        today = timezone.localdate()
        expiring = sorted(
            [
                *expirables_within(today=today, days=EXPIRING_DAYS),
                *recredentialing_expirables(today=today, days=OPENS_DAYS_BEFORE),
            ],
            key=lambda item: (item.expires_on, item.provider_id, item.kind),
        )
        labels = {**KIND_LABELS, **RECREDENTIALING_LABELS}
        providers = Provider.objects.in_bulk({item.provider_id for item in expiring})
        rows = [
            {
                "item": item,
                "label": labels[item.kind],
                "days_left": item.days_left(today),
                "provider": providers[item.provider_id],
            }
            for item in expiring
        ]
        context = {
            **self.each_context(request),
            "title": f"Credentials expiring in the next {EXPIRING_DAYS} days",
            "rows": rows,
        }
        return TemplateResponse(request, "admin/expiring.html", context)
