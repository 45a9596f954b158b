"""Pure builders: rows already loaded -> validated fhir.resources R4B models. No database access
(a test runs them under django_assert_num_queries(0)), so a page's cost is its selector's queries.

Every resource is built in one `model_validate` call (the models revalidate on each assignment)
and carries `meta.profile` (the Plan-Net profile it claims) and `meta.lastUpdated`.
Only R4B models: the package's default is R5, and an R4B Bundle would silently accept an R5
resource (tests/fhirapi/test_imports.py keeps it so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.organizationaffiliation import OrganizationAffiliation
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole

from credentialing.models import Payer
from directory.models import DirectoryProfile
from fhirapi import codes, ids
from onboarding.vocabulary import Language

_LANGUAGES = {code: str(label) for code, label in Language.choices}

IN_PERSON = "inperson"
VIRTUAL = "virtual"


@dataclass(frozen=True)
class Site:
    """Where the API is served: absolute URLs for fullUrl, identifiers and profile links."""

    origin: str  # scheme://host, no trailing slash

    @property
    def base(self) -> str:
        return f"{self.origin}/fhir"

    def full_url(self, resource_type: str, resource_id: str) -> str:
        return f"{self.base}/{resource_type}/{resource_id}"


def _meta(profile_key: str, last_updated: datetime) -> dict:
    return {"lastUpdated": last_updated, "profile": [codes.PROFILE[profile_key]]}


def _coding(system: str, code: str, display: str | None = None) -> dict:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _concept(system: str, code: str, display: str | None = None) -> dict:
    return {"coding": [_coding(system, code, display)]}


def _reference(resource_type: str, resource_id: str, display: str | None = None) -> dict:
    reference = {"reference": ids.ref(resource_type, resource_id)}
    if display:
        reference["display"] = display
    return reference


def _alma_reference() -> dict:
    return _reference("Organization", ids.ALMA, codes.ALMA_NAME)


def _network_reference(payer: Payer) -> dict:
    return _reference("Organization", ids.network_id(payer.pk), network_name(payer))


def network_name(payer: Payer) -> str:
    return f"{payer.name} network"


def _specialty(license_type: str) -> dict | None:
    taxonomy = codes.LICENSE_TAXONOMY.get(license_type)
    return _concept(codes.NUCC_SYSTEM, taxonomy[0], taxonomy[1]) if taxonomy else None


def _newpatients(accepting: bool, payer: Payer | None = None) -> dict:
    code, display = codes.ACCEPTING if accepting else codes.NOT_ACCEPTING
    parts: list[dict] = [
        {
            "url": "acceptingPatients",
            "valueCodeableConcept": _concept(codes.ACCEPTING_PATIENTS_CS, code, display),
        }
    ]
    if payer is not None:
        parts.append({"url": "fromNetwork", "valueReference": _network_reference(payer)})
    return {"url": codes.EXT_NEWPATIENTS, "extension": parts}


def has_location(profile: DirectoryProfile) -> bool:
    """In-person offices with the city and state the public directory shows are Locations."""
    return bool(profile.offers_in_person and profile.office_city and profile.office_state)


def service_modes(profile: DirectoryProfile) -> list[str]:
    """The HealthcareServices a profile offers, in id order (`inperson` sorts before `virtual`)."""
    modes = []
    if profile.offers_in_person:
        modes.append(IN_PERSON)
    if profile.offers_telehealth:
        modes.append(VIRTUAL)
    return modes


def _split_name(display_name: str) -> tuple[str, list[str]]:
    """(family, given) from the one display name the directory keeps: US Core needs a family."""
    words = display_name.split()
    if not words:
        return display_name or "-", []
    return words[-1], words[:-1]


# ---------------------------------------------------------------------------------------------


def build_practitioner(
    profile: DirectoryProfile, *, license_type: str, last_updated: datetime, site: Site
) -> Practitioner:
    family, given = _split_name(profile.display_name)
    name: dict = {"text": profile.name_with_credentials, "family": family}
    if given:
        name["given"] = given
    if profile.credentials:
        name["suffix"] = [profile.credentials]
    qualification = []
    taxonomy = codes.LICENSE_TAXONOMY.get(license_type)
    if taxonomy:
        where_valid = [
            {"url": "whereValid", "valueCodeableConcept": _concept(codes.USPS_SYSTEM, state)}
            for state in profile.states_licensed
        ]
        qualification.append(
            {
                "extension": [
                    {
                        "url": codes.EXT_PRACTITIONER_QUALIFICATION,
                        "extension": [
                            {
                                "url": "status",
                                "valueCode": "active",
                            },
                            *where_valid,
                        ],
                    }
                ],
                "code": {
                    "coding": [_coding(codes.NUCC_SYSTEM, taxonomy[0], taxonomy[1])],
                    "text": profile.credentials or license_type,
                },
            }
        )
    return Practitioner.model_validate(
        {
            "id": str(profile.pk),
            "meta": _meta("Practitioner", last_updated),
            "identifier": [{"system": f"{site.base}/sid/directory-profile", "value": profile.slug}],
            "active": True,
            "name": [name],
            "qualification": qualification or None,
            "communication": [
                _concept(codes.BCP47_SYSTEM, code, _LANGUAGES.get(code)) for code in profile.languages
            ]
            or None,
        }
    )


def build_role(
    profile: DirectoryProfile,
    *,
    license_type: str,
    payer: Payer,
    effective_date: date | None,
    last_updated: datetime,
    site: Site,
) -> PractitionerRole:
    """The practitioner at Alma in one payer's network (network-reference is 0..1 per role)."""
    taxonomy = codes.LICENSE_TAXONOMY.get(license_type)
    specialty = _specialty(license_type)
    return PractitionerRole.model_validate(
        {
            "id": ids.role_id(profile.pk, payer.pk),
            "meta": _meta("PractitionerRole", last_updated),
            "extension": [
                {"url": codes.EXT_NETWORK_REFERENCE, "valueReference": _network_reference(payer)},
                _newpatients(profile.accepting_new_clients, payer),
            ],
            "active": True,
            "period": {"start": effective_date.isoformat()} if effective_date else None,
            "practitioner": _reference("Practitioner", str(profile.pk), profile.name_with_credentials),
            "organization": _alma_reference(),
            "code": [_concept(codes.PROVIDER_ROLE_CS, taxonomy[2], taxonomy[3])] if taxonomy else None,
            "specialty": [specialty] if specialty else None,
            "location": [_reference("Location", str(profile.pk))] if has_location(profile) else None,
            "healthcareService": [
                _reference("HealthcareService", ids.service_id(profile.pk, mode))
                for mode in service_modes(profile)
            ]
            or None,
            "telecom": [{"system": "url", "value": f"{site.origin}{profile.get_absolute_url()}"}],
        }
    )


def build_location(profile: DirectoryProfile, *, last_updated: datetime) -> Location:
    """The office's city and state, as the public directory lists it: never a street address."""
    name = profile.practice_name or f"{profile.display_name}, {profile.office_city}"
    return Location.model_validate(
        {
            "id": str(profile.pk),
            "meta": _meta("Location", last_updated),
            "extension": [_newpatients(profile.accepting_new_clients)],
            "status": "active",
            "name": name,
            "address": {
                "city": profile.office_city,
                "state": profile.office_state,
                "country": "US",
            },
            "managingOrganization": _alma_reference(),
        }
    )


def build_service(
    profile: DirectoryProfile, *, mode: str, license_type: str, last_updated: datetime
) -> HealthcareService:
    """Telehealth or in-person sessions: Plan-Net says how care is delivered only here, with
    the delivery-method extension (its context of use is HealthcareService)."""
    delivery: list[dict] = [
        {"url": "type", "valueCodeableConcept": _concept(codes.DELIVERY_METHOD_CS, mode_code(mode))}
    ]
    if mode == VIRTUAL:
        delivery.append(
            {
                "url": "virtualModalities",
                "valueCodeableConcept": _concept(codes.VIRTUAL_MODALITIES_CS, "video"),
            }
        )
    specialty = _specialty(license_type)
    label = "Telehealth" if mode == VIRTUAL else "In-person"
    return HealthcareService.model_validate(
        {
            "id": ids.service_id(profile.pk, mode),
            "meta": _meta("HealthcareService", last_updated),
            "extension": [
                _newpatients(profile.accepting_new_clients),
                {"url": codes.EXT_DELIVERY_METHOD, "extension": delivery},
            ],
            "active": True,
            "providedBy": _alma_reference(),
            "category": [_concept(codes.HEALTHCARE_SERVICE_CATEGORY_CS, "behav", "Behavioral Health")],
            "specialty": [specialty] if specialty else None,
            "location": [_reference("Location", str(profile.pk))]
            if mode == IN_PERSON and has_location(profile)
            else None,
            "name": f"{label} sessions with {profile.name_with_credentials}",
        }
    )


def mode_code(mode: str) -> str:
    return "physical" if mode == IN_PERSON else "virtual"


def build_alma(*, last_updated: datetime) -> Organization:
    return Organization.model_validate(
        {
            "id": ids.ALMA,
            "meta": _meta("Organization", last_updated),
            "active": True,
            "type": [_concept(codes.ORG_TYPE_CS, "prvgrp", "Provider Group")],
            "name": codes.ALMA_NAME,
            "address": [codes.ALMA_ADDRESS],
        }
    )


def build_payer(payer: Payer, *, last_updated: datetime) -> Organization:
    # Plan-Net wants an address (1..*); a payer has only the states it serves.
    addresses = [{"state": state, "country": "US"} for state in payer.states] or [{"country": "US"}]
    return Organization.model_validate(
        {
            "id": ids.payer_id(payer.pk),
            "meta": _meta("Organization", last_updated),
            "active": True,
            "type": [_concept(codes.ORG_TYPE_CS, "payer", "Payer")],
            "name": payer.name,
            "address": addresses,
        }
    )


def build_network(payer: Payer, *, last_updated: datetime) -> Organization:
    """The payer's network (a Plan-Net Network is an Organization, partOf its payer)."""
    return Organization.model_validate(
        {
            "id": ids.network_id(payer.pk),
            "meta": _meta("Network", last_updated),
            "active": True,
            "type": [_concept(codes.ORG_TYPE_CS, "ntwk", "Network")],
            "name": network_name(payer),
            "partOf": _reference("Organization", ids.payer_id(payer.pk), payer.name),
        }
    )


def build_affiliation(payer: Payer, *, since: date | None, last_updated: datetime) -> OrganizationAffiliation:
    """Alma's group in the payer's network: who contracts with whom, apart from each role."""
    return OrganizationAffiliation.model_validate(
        {
            "id": ids.affiliation_id(payer.pk),
            "meta": _meta("OrganizationAffiliation", last_updated),
            "active": True,
            "period": {"start": since.isoformat()} if since else None,
            "organization": _reference("Organization", ids.payer_id(payer.pk), payer.name),
            "participatingOrganization": _alma_reference(),
            "network": [_network_reference(payer)],
            "code": [
                _concept(codes.ORG_AFFILIATION_ROLE_CS, "behavioral", "Outpatient Behavioral Health Provider")
            ],
        }
    )
