"""The pure rules: the mismatch flags staff see, the NUCC taxonomy map, the pre-fill rows."""

import pytest

from onboarding.models import LicenseType
from verification.npi_registry import flags as f
from verification.npi_registry import taxonomy
from verification.npi_registry.parse import envelope_parse
from verification.npi_registry.prefill import prefill_from


def envelope(*, enumeration="NPI-1", status="A", first="Dana", last="Whitfield", taxonomies=None, **basic):
    taxonomies = (
        taxonomies
        if taxonomies is not None
        else [{"code": "1041C0700X", "desc": "Social Worker, Clinical", "primary": True, "state": "NY",
               "license": "R-081234"}]
    )  # fmt: skip
    return envelope_parse(
        {
            "result_count": 1,
            "results": [
                {
                    "number": "1234567893",
                    "enumeration_type": enumeration,
                    "basic": {"first_name": first, "last_name": last, "status": status, **basic},
                    "addresses": [],
                    "taxonomies": taxonomies,
                }
            ],
        }
    )


NY_LCSW = f.StatedLicense(state="NY", license_type="LCSW", number="R-081234")
DANA = f.StatedFacts(legal_name="Dana Whitfield", licenses=(NY_LCSW,))


def codes(answer, stated=DANA):
    return [flag.code for flag in f.registry_flags(answer, stated, npi="1234567893")]


def test_an_answer_that_agrees_raises_no_flag():
    assert f.registry_flags(envelope(), DANA, npi="1234567893") == []


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (envelope_parse({"Errors": [{"description": "Invalid number", "field": "number", "number": "07"}]}),
         [f.REGISTRY_REFUSED]),
        (envelope_parse({"result_count": 0, "results": []}), [f.NOT_FOUND]),
        (envelope(status="D", deactivation_date="2023-09-30"), [f.NOT_ACTIVE]),
        (envelope(enumeration="NPI-2", first="", last="", organization_name="HARBOR COUNSELING GROUP LLC"),
         [f.ORGANISATION]),
        (envelope(first="Dana", last="Whitman"), [f.NAME_DIFFERS]),
        (envelope(taxonomies=[{"code": "225100000X", "desc": "Physical Therapist", "state": "NY",
                               "license": "R-081234", "primary": True}]), [f.NO_BEHAVIOURAL_HEALTH]),
        (envelope(taxonomies=[{"code": "1041C0700X", "desc": "Social Worker, Clinical", "state": "NJ",
                               "license": "44SC0555", "primary": True}]), [f.LICENSE_STATE_MISSING]),
        (envelope(taxonomies=[{"code": "1041C0700X", "desc": "Social Worker, Clinical", "state": "NY",
                               "license": "R-099999", "primary": True}]), [f.LICENSE_NUMBER_DIFFERS]),
        (envelope(taxonomies=[]), [f.NO_BEHAVIOURAL_HEALTH, f.LICENSE_STATE_MISSING]),
        (envelope(status="D", first="Sam", last="Jones"), [f.NOT_ACTIVE, f.NAME_DIFFERS]),
    ],
)  # fmt: skip
def test_each_mismatch_raises_its_flag(answer, expected):
    assert codes(answer) == expected


def test_flags_are_said_in_words_staff_can_act_on():
    messages = [
        flag.message
        for flag in f.registry_flags(
            envelope(status="D", deactivation_date="2023-09-30", first="Dana", last="Whitman",
                     taxonomies=[{"code": "1041C0700X", "desc": "Social Worker, Clinical", "state": "NY",
                                  "license": "R-099999", "primary": True}]),
            DANA,
            npi="1234567893",
        )
    ]  # fmt: skip
    assert messages == [
        "NPI 1234567893 is not active in the registry (deactivated 2023-09-30).",
        "The name differs: the registry says Dana Whitman, the provider's legal name is Dana Whitfield.",
        "NY licence number differs: the form says R-081234, the registry says R-099999.",
    ]


@pytest.mark.parametrize(
    ("legal_name", "first", "last", "match"),
    [
        ("Dana Whitfield", "DANA", "WHITFIELD", True),
        ("Dana J. Whitfield", "DANA", "WHITFIELD", True),  # a middle name the registry lacks
        ("José Núñez", "JOSE", "NUNEZ", True),  # accents
        ("Mary-Kate O'Brien", "MARY", "O'BRIEN", True),  # punctuation
        ("Ana de la Cruz", "ANA", "DE LA CRUZ", True),
        ("Dana Whitfield", "DANA", "WHITMAN", False),
        ("Dana Whitfield", "DIANA", "WHITFIELD", False),
        ("Dana Whitfield", "", "", False),
    ],
)
def test_names_are_compared_without_case_accents_or_punctuation(legal_name, first, last, match):
    assert f.names_match(legal_name, first_name=first, last_name=last) is match


@pytest.mark.parametrize(
    ("stated", "registry", "match"),
    [
        ("R-081234", "R-081234", True),
        ("r 081234", "R-081234", True),
        ("R-081234", "081234", True),  # the board's prefix left out
        ("PSY 31877", "PSY31877", True),
        ("081234", "81234", True),  # a leading zero
        ("R-081234", "R-081235", False),
        ("LPC", "LPC", True),
        ("", "081234", False),
    ],
)
def test_licence_numbers_are_compared_without_spaces_hyphens_or_leading_zeros(stated, registry, match):
    assert f.license_numbers_match(stated, registry) is match


def test_several_licences_each_checked_against_its_own_state():
    answer = envelope(
        taxonomies=[
            {
                "code": "101YP2500X",
                "desc": "Counselor, Professional",
                "state": "NJ",
                "license": "37PC00512300",
                "primary": True,
            },
            {
                "code": "101YM0800X",
                "desc": "Counselor, Mental Health",
                "state": "NY",
                "license": "012877",
                "primary": False,
            },
        ]
    )
    stated = f.StatedFacts(
        legal_name="Dana Whitfield",
        licenses=(
            f.StatedLicense("NJ", "LPC", "37PC00512300"),
            f.StatedLicense("NY", "LMHC", "012878"),
            f.StatedLicense("PA", "LPC", "PC015992"),
        ),
    )
    assert [(flag.code, flag.message[:2]) for flag in f.registry_flags(answer, stated, npi="1300000001")] == [
        (f.LICENSE_NUMBER_DIFFERS, "NY"),
        (f.LICENSE_STATE_MISSING, "Th"),
    ]


# --- the NUCC taxonomy map --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "license_types"),
    [
        ("103T00000X", {"PhD", "PsyD"}),
        ("103TC0700X", {"PhD", "PsyD"}),
        ("1041C0700X", {"LCSW"}),
        ("101YM0800X", {"LMHC", "LPC"}),
        ("101YP2500X", {"LPC", "LMHC"}),
        ("106H00000X", {"LMFT"}),
        ("2084P0800X", {"MD", "DO"}),
        ("363LP0808X", {"NP/PMHNP"}),
    ],
)
def test_behavioural_health_taxonomies_map_to_licence_types(code, license_types):
    assert taxonomy.is_behavioural_health(code)
    assert set(taxonomy.BEHAVIOURAL_HEALTH_TAXONOMIES[code][1]) == license_types


@pytest.mark.parametrize("code", ["225100000X", "207Q00000X", "261QM0801X", "104100000X"])
def test_other_taxonomies_are_not_behavioural_health_licences(code):
    assert not taxonomy.is_behavioural_health(code)
    assert taxonomy.license_type_for(code) is None


def test_every_mapped_licence_type_is_a_real_choice_and_every_choice_is_reachable():
    mapped = {t for _, types in taxonomy.BEHAVIOURAL_HEALTH_TAXONOMIES.values() for t in types}
    assert mapped == set(LicenseType.values)


@pytest.mark.parametrize(
    ("code", "preferred", "chosen"),
    [
        ("103TC0700X", "PsyD", "PsyD"),
        ("103TC0700X", "LCSW", "PhD"),  # not one of the code's: the first
        ("101YM0800X", "", "LMHC"),
        ("2084P0800X", "DO", "DO"),
    ],
)
def test_the_pre_fill_prefers_the_providers_own_licence_type(code, preferred, chosen):
    assert taxonomy.license_type_for(code, preferred=preferred) == chosen


def test_pre_fill_rows_one_per_state_and_number_primary_first_with_the_practice_address():
    body = {
        "result_count": 1,
        "results": [
            {
                "number": "1300000001",
                "enumeration_type": "NPI-1",
                "basic": {
                    "first_name": "LUIS",
                    "last_name": "ORTEGA",
                    "credential": "LPC, LMHC",
                    "status": "A",
                },
                "addresses": [
                    {
                        "address_purpose": "LOCATION",
                        "address_1": "1 PENN PLZ",
                        "city": "NEW YORK",
                        "state": "NY",
                        "postal_code": "10119",
                    }
                ],
                "taxonomies": [
                    {
                        "code": "101YM0800X",
                        "desc": "Counselor, Mental Health",
                        "state": "NY",
                        "license": "012877",
                        "primary": False,
                    },
                    {
                        "code": "101YP2500X",
                        "desc": "Counselor, Professional",
                        "state": "NJ",
                        "license": "37PC1",
                        "primary": True,
                    },
                    {
                        "code": "101Y00000X",
                        "desc": "Counselor",
                        "state": "NJ",
                        "license": "37PC1",
                        "primary": False,
                    },
                    {
                        "code": "225100000X",
                        "desc": "Physical Therapist",
                        "state": "FL",
                        "license": "PT 1",
                        "primary": False,
                    },
                    {
                        "code": "101YP2500X",
                        "desc": "Counselor, Professional",
                        "state": "",
                        "license": "",
                        "primary": False,
                    },
                ],
            }
        ],
    }
    prefill = prefill_from(envelope_parse(body).record, preferred_license_type="LPC")

    assert prefill.name == "LUIS ORTEGA"
    assert prefill.credential == "LPC, LMHC"
    assert prefill.practice_address == "1 PENN PLZ, NEW YORK, NY 10119"
    assert [(r.state, r.number, r.license_type) for r in prefill.licenses] == [
        ("FL", "PT 1", ""),  # not a licence type we know: the provider picks it
        ("NJ", "37PC1", "LPC"),
        ("NY", "012877", "LPC"),
    ]
