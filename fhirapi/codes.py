"""Plan-Net's canonical URLs and codes, as constants: fhir.resources checks shapes, not code
values (an unknown `Bundle.type` or issue code is accepted), so every code the API emits is
spelled once, here. Sources: docs/fhir-plan-net-design.md, sections 1.1-1.4."""

from onboarding.models import LicenseType

PLAN_NET = "http://hl7.org/fhir/us/davinci-pdex-plan-net"
IMPLEMENTATION_GUIDE = f"{PLAN_NET}/ImplementationGuide/hl7.fhir.us.davinci-pdex-plan-net"
PLAN_NET_CAPABILITIES = f"{PLAN_NET}/CapabilityStatement/plan-net"
FHIR_VERSION = "4.0.1"  # Plan-Net is on R4; the R4B models have the same elements for these types
FHIR_JSON = "application/fhir+json"

PROFILE = {
    "Practitioner": f"{PLAN_NET}/StructureDefinition/plannet-Practitioner",
    "PractitionerRole": f"{PLAN_NET}/StructureDefinition/plannet-PractitionerRole",
    "Organization": f"{PLAN_NET}/StructureDefinition/plannet-Organization",
    "Network": f"{PLAN_NET}/StructureDefinition/plannet-Network",
    "OrganizationAffiliation": f"{PLAN_NET}/StructureDefinition/plannet-OrganizationAffiliation",
    "Location": f"{PLAN_NET}/StructureDefinition/plannet-Location",
    "HealthcareService": f"{PLAN_NET}/StructureDefinition/plannet-HealthcareService",
}

EXT_NEWPATIENTS = f"{PLAN_NET}/StructureDefinition/newpatients"
EXT_NETWORK_REFERENCE = f"{PLAN_NET}/StructureDefinition/network-reference"
EXT_DELIVERY_METHOD = f"{PLAN_NET}/StructureDefinition/delivery-method"
EXT_PRACTITIONER_QUALIFICATION = f"{PLAN_NET}/StructureDefinition/practitioner-qualification"
EXT_EXPECTATION = "http://hl7.org/fhir/StructureDefinition/capabilitystatement-expectation"

ACCEPTING_PATIENTS_CS = f"{PLAN_NET}/CodeSystem/AcceptingPatientsCS"
ORG_TYPE_CS = f"{PLAN_NET}/CodeSystem/OrgTypeCS"
PROVIDER_ROLE_CS = f"{PLAN_NET}/CodeSystem/ProviderRoleCS"
HEALTHCARE_SERVICE_CATEGORY_CS = f"{PLAN_NET}/CodeSystem/HealthcareServiceCategoryCS"
DELIVERY_METHOD_CS = f"{PLAN_NET}/CodeSystem/DeliveryMethodCS"
VIRTUAL_MODALITIES_CS = f"{PLAN_NET}/CodeSystem/VirtualModalitiesCS"
ORG_AFFILIATION_ROLE_CS = f"{PLAN_NET}/CodeSystem/OrganizationAffiliationRoleCS"
QUALIFICATION_STATUS_CS = f"{PLAN_NET}/CodeSystem/QualificationStatusCS"

# What the IG's own examples and CMS's directory put on the wire (not the FSH alias, a CSV URL).
NUCC_SYSTEM = "http://nucc.org/provider-taxonomy"
USPS_SYSTEM = "https://www.usps.com/"
BCP47_SYSTEM = "urn:ietf:bcp:47"

ACCEPTING = ("newpt", "Accepting")
NOT_ACCEPTING = ("nopt", "Not Accepting")


# LicenseType -> (NUCC taxonomy code, its display, ProviderRoleCS code, its display). The NUCC
# codes are members of Plan-Net's IndividualAndGroupSpecialtiesVS (required binding on
# PractitionerRole.specialty); the portal's focus areas (anxiety, trauma...) are not NUCC codes
# and stay off the API.
LICENSE_TAXONOMY: dict[str, tuple[str, str, str, str]] = {
    LicenseType.LCSW: ("1041C0700X", "Clinical Social Worker", "sw", "Social Worker"),
    LicenseType.LMFT: ("106H00000X", "Marriage & Family Therapist", "mt", "Marriage/Family Therapist"),
    LicenseType.LPC: ("101YP2500X", "Professional Counselor", "co", "Counselor"),
    LicenseType.LMHC: ("101YM0800X", "Mental Health Counselor", "co", "Counselor"),
    LicenseType.PSYD: ("103TC0700X", "Clinical Psychologist", "py", "Psychologist"),
    LicenseType.PHD: ("103TC0700X", "Clinical Psychologist", "py", "Psychologist"),
    LicenseType.MD: ("2084P0800X", "Psychiatry Physician", "ph", "Physician"),
    LicenseType.DO: ("2084P0800X", "Psychiatry Physician", "ph", "Physician"),
    LicenseType.NP: (
        "363LP0808X",
        "Psychiatric/Mental Health Nurse Practitioner",
        "crnp",
        "Nurse Practitioner",
    ),
}

# The publisher (Plan-Net Organization needs an address: Alma's head office).
ALMA_NAME = "Alma"
ALMA_ADDRESS = {"city": "New York", "state": "NY", "country": "US"}
