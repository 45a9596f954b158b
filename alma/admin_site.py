"""The staff admin site: Django's, plus the SLA board."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from alma.sla import sla_board

SLA_PERMISSION = "onboarding.view_outboxemail"


class AlmaAdminSite(admin.AdminSite):
    site_header = "Alma staff"
    site_title = "Alma staff"
    index_title = "Provider onboarding"
    index_template = "admin/alma_index.html"

    def get_urls(self):
        return [path("sla/", self.admin_view(self.sla_view), name="sla"), *super().get_urls()]

    def sla_view(self, request):
        """Everything overdue or about to be, each linking to its object."""
        if not request.user.has_perm(SLA_PERMISSION):
            raise PermissionDenied
        board = sla_board()
        context = {**self.each_context(request), "title": "Promises at risk", "board": board}
        return TemplateResponse(request, "admin/sla.html", context)
