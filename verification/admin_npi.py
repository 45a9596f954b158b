"""The NPI registry checks in admin, read-only: the evidence (imported by verification.admin).

Staff reach a check from the Insurance Form's page ("NPI registry" box, the latest check) and read
the registry's answer exactly as it came back, with its retrieval time and the flags computed then.
"""

import json

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from alma.admin import ReadOnlyAdmin
from verification.models import NpiRegistryCheck


@admin.register(NpiRegistryCheck)
class NpiRegistryCheckAdmin(ReadOnlyAdmin):
    list_display = ("requested_at", "provider", "npi", "status", "retrieved_at", "attempts", "flag_count")
    list_filter = ("status",)
    search_fields = ("npi", "provider__legal_name", "provider__user__email")
    list_select_related = ("provider",)
    date_hierarchy = "requested_at"
    fields = readonly_fields = (
        "provider",
        "npi",
        "status",
        "requested_at",
        "retrieved_at",
        "attempts",
        "last_error",
        "flags_in_words",
        "registry_answer",
    )

    @admin.display(description="flags")
    def flag_count(self, check):
        return len(check.flags or [])

    @admin.display(description="mismatches flagged")
    def flags_in_words(self, check):
        if check.status == NpiRegistryCheck.Status.PENDING:
            return "Registry not checked yet"
        if check.status == NpiRegistryCheck.Status.UNREACHABLE:
            return "Registry not reachable: look the NPI up by hand"
        if not check.flags:
            return "No mismatches"
        return format_html(
            '<ul class="npi-flags">{}</ul>',
            format_html_join("", "<li>{}</li>", ((f["message"],) for f in check.flags)),
        )

    @admin.display(description="the registry's answer, as retrieved")
    def registry_answer(self, check):
        if check.raw_answer is None:
            return "None yet"
        return format_html(
            '<pre class="npi-raw-answer" data-testid="npi-raw-answer">{}</pre>',
            json.dumps(check.raw_answer, indent=2, sort_keys=True),
        )
