"""The credentialing file's download in admin, and its audit (imported by verification.admin).

/admin/verification/credentialingfiledownload/export/<provider public id>/: GET says the download
is recorded and offers the button; only the POST builds the ZIP (verification.services.export)
and writes the audit row. Both need the download permission; staff MFA is the admin's own.
"""

from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from alma.admin import ReadOnlyAdmin, ServiceActionMixin
from onboarding.models import Provider
from verification.models import CredentialingFileDownload
from verification.services.export import DOWNLOAD_PERMISSION, credentialing_file_download


def export_url(provider: Provider) -> str:
    return reverse("admin:verification_credentialing_file_export", args=[provider.public_id])


@admin.register(CredentialingFileDownload)
class CredentialingFileDownloadAdmin(ServiceActionMixin, ReadOnlyAdmin):
    """Who downloaded whose file, when, and the SHA-256 of the ZIP they received."""

    list_display = ("downloaded_at", "provider", "downloaded_by", "sha256")
    list_filter = ("downloaded_at",)
    search_fields = ("provider__legal_name", "provider__user__email", "downloaded_by__email", "sha256")
    list_select_related = ("provider", "downloaded_by")
    fields = readonly_fields = ("provider", "downloaded_by", "downloaded_at", "sha256")
    date_hierarchy = "downloaded_at"

    def get_urls(self):
        return [
            path(
                "export/<uuid:public_id>/",
                self.admin_site.admin_view(self.export_view),
                name="verification_credentialing_file_export",
            ),
            *super().get_urls(),
        ]

    @method_decorator(never_cache)
    def export_view(self, request, public_id):
        """GET: what the download is and that it is recorded. POST: the ZIP itself."""
        self.check_permission(request, DOWNLOAD_PERMISSION)
        provider = get_object_or_404(Provider, public_id=public_id)
        if request.method != "POST":
            return self.intermediate_page(
                request,
                "admin/verification/credentialing_file_export.html",
                title=f"Download the credentialing file of {provider}",
                provider=provider,
                provider_url=reverse("admin:onboarding_provider_change", args=[provider.pk]),
            )
        now = timezone.now()
        content = credentialing_file_download(provider=provider, actor=request.user, now=now)
        who = slugify(provider.legal_name) or provider.public_id
        name = f"credentialing-file-{who}-{timezone.localdate(now)}.zip"
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
