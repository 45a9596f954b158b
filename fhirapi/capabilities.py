"""The CapabilityStatement at /fhir/metadata, declared from the same tables the views parse
with (fhirapi.search), so what it promises is what a search accepts."""

from __future__ import annotations

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from fhirapi import codes, search
from fhirapi.builders import Site

RELEASED = "2026-12-02"

DOCUMENTATION = (
    "Alma's provider directory, read-only and open (no authentication), shaped by Da Vinci PDex "
    "Plan-Net. Only what the public directory shows is published: live profiles, never hidden or "
    "offboarded ones; one PractitionerRole per payer network in effect today. Every resource "
    "names its Plan-Net profile in meta.profile. Unknown search parameters are refused with a 400 "
    "OperationOutcome (strict handling). _count: default "
    f"{search.DEFAULT_COUNT}, at most {search.MAX_COUNT} (more is capped, with a warning entry); "
    "pages follow the Bundle's next/previous links (keyset on ids: stable while data changes). "
    f"_total: estimate (the default: the exact total up to {search.TOTAL_CAP} matches, left out "
    "past it), accurate (always counted) or none. "
    "_lastUpdated takes eq gt ge lt le sa eb; a date without a time is a day in the company's time zone. "
    "Responses carry ETag and Last-Modified and answer If-None-Match / If-Modified-Since with 304."
)


def build_capability_statement(site: Site) -> CapabilityStatement:
    resources = []
    for resource_type, params in search.SEARCH_PARAMS.items():
        profiles = [codes.PROFILE[resource_type]]
        if resource_type == "Organization":
            profiles.append(codes.PROFILE["Network"])
        resources.append(
            {
                "type": resource_type,
                "supportedProfile": profiles,
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "referencePolicy": ["resolves"],
                "searchInclude": list(search.INCLUDES.get(resource_type, ())) or None,
                "searchParam": [
                    {
                        "name": p.name,
                        "definition": p.definition,
                        "type": p.type,
                        "documentation": p.documentation,
                    }
                    for p in params
                ],
            }
        )
    return CapabilityStatement.model_validate(
        {
            "status": "active",
            "date": RELEASED,
            "publisher": codes.ALMA_NAME,
            "kind": "instance",
            "instantiates": [codes.PLAN_NET_CAPABILITIES],
            "software": {"name": "Alma provider portal"},
            "implementation": {"description": "Alma provider directory (FHIR)", "url": site.base},
            "fhirVersion": codes.FHIR_VERSION,
            "format": ["json"],
            "implementationGuide": [codes.IMPLEMENTATION_GUIDE],
            "rest": [{"mode": "server", "documentation": DOCUMENTATION, "resource": resources}],
        }
    )
