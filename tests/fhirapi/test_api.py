"""The FHIR directory API as a plan's sync job sees it: what is published (and what never is),
each search parameter, paging, `_lastUpdated`, errors as OperationOutcomes, and conditional GETs.
Every response is read back with fhir.resources R4B (tests/fhirapi/conftest.parse_fhir)."""

import datetime as dt

import pytest
import time_machine
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.organizationaffiliation import OrganizationAffiliation
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole

from credentialing.models import PayerApplication
from credentialing.services import applications as credentialing
from directory import services as directory
from directory.models import DirectoryProfile
from fhirapi import codes
from onboarding.models import LicenseType, Provider
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import committed, live_providers
from tests.fhirapi.conftest import NOW, parse_fhir

pytestmark = pytest.mark.django_db


@pytest.fixture
def bluebird():
    return PayerFactory(name="Bluebird Health", slug="bluebird", states=["NY", "NJ"])


@pytest.fixture
def three(bluebird):
    """Three live providers in Bluebird's network: Ada (in person in Brooklyn, NY), Ben
    (telehealth only, LMFT), Cleo (in person in Austin, TX, not accepting)."""
    ada, ben, cleo = live_providers(3, payer=bluebird)
    for provider, name in ((ada, "Ada Lovelace"), (ben, "Ben Franklin"), (cleo, "Cleo Park")):
        DirectoryProfile.objects.filter(provider=provider).update(display_name=name)
    DirectoryProfile.objects.filter(provider=ada).update(
        offers_in_person=True, office_city="Brooklyn", office_state="NY", office_address_line1="1 Home St"
    )
    Provider.objects.filter(pk=ben.pk).update(license_type=LicenseType.LMFT)
    DirectoryProfile.objects.filter(provider=cleo).update(
        offers_in_person=True, office_city="Austin", office_state="TX", accepting_new_clients=False
    )
    return [DirectoryProfile.objects.get(provider=p) for p in (ada, ben, cleo)]


def bundle(client, url: str) -> Bundle:
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    parsed = parse_fhir(response)
    assert isinstance(parsed, Bundle)
    assert parsed.type == "searchset"
    return parsed


def matches(found: Bundle) -> list:
    return [e.resource for e in found.entry or [] if e.search is not None and e.search.mode == "match"]


def match_ids(client, url: str) -> set[str]:
    return {r.id for r in matches(bundle(client, url))}


def role_id(profile, payer) -> str:
    return f"{profile.pk}-{payer.pk}"


# ---------------------------------------------------------------------------------------------
# Each resource, read and parsed back


def test_a_practitioner_role_says_network_specialty_new_patients_and_how_care_is_given(
    client, three, bluebird
):
    ada, ben, cleo = three
    response = client.get(f"/fhir/PractitionerRole/{role_id(ada, bluebird)}")
    role = parse_fhir(response)
    assert isinstance(role, PractitionerRole)
    assert role.meta.profile == [codes.PROFILE["PractitionerRole"]]
    extensions = {e.url: e for e in role.extension}
    assert (
        extensions[codes.EXT_NETWORK_REFERENCE].valueReference.reference
        == f"Organization/network-{bluebird.pk}"
    )
    accepting = extensions[codes.EXT_NEWPATIENTS].extension[0].valueCodeableConcept.coding[0]
    assert (accepting.system, accepting.code) == (codes.ACCEPTING_PATIENTS_CS, "newpt")
    assert role.specialty[0].coding[0].system == "http://nucc.org/provider-taxonomy"
    assert role.specialty[0].coding[0].code == "1041C0700X"  # LCSW
    assert role.organization.reference == "Organization/alma"
    assert role.practitioner.reference == f"Practitioner/{ada.pk}"
    assert role.location[0].reference == f"Location/{ada.pk}"
    assert {r.reference for r in role.healthcareService} == {
        f"HealthcareService/{ada.pk}-inperson",
        f"HealthcareService/{ada.pk}-virtual",
    }

    cleo_role = parse_fhir(client.get(f"/fhir/PractitionerRole/{role_id(cleo, bluebird)}"))
    not_accepting = next(e for e in cleo_role.extension if e.url == codes.EXT_NEWPATIENTS)
    assert not_accepting.extension[0].valueCodeableConcept.coding[0].code == "nopt"
    ben_role = parse_fhir(client.get(f"/fhir/PractitionerRole/{role_id(ben, bluebird)}"))
    assert ben_role.specialty[0].coding[0].code == "106H00000X"  # LMFT
    assert ben_role.location is None


def test_a_practitioner_has_name_licences_and_languages(client, three):
    ada = three[0]
    practitioner = parse_fhir(client.get(f"/fhir/Practitioner/{ada.pk}"))
    assert isinstance(practitioner, Practitioner)
    assert practitioner.name[0].family == "Lovelace"
    assert practitioner.name[0].given == ["Ada"]
    qualification = practitioner.qualification[0]
    assert qualification.code.coding[0].code == "1041C0700X"
    where_valid = [
        e.valueCodeableConcept.coding[0].code
        for e in qualification.extension[0].extension
        if e.url == "whereValid"
    ]
    assert where_valid == ["NY", "NJ"]
    assert [c.coding[0].code for c in practitioner.communication] == ["en"]


def test_a_location_shows_city_and_state_never_the_street(client, three):
    ada, ben, _ = three
    response = client.get(f"/fhir/Location/{ada.pk}")
    location = parse_fhir(response)
    assert isinstance(location, Location)
    assert (location.address.city, location.address.state) == ("Brooklyn", "NY")
    assert location.address.line is None
    assert "1 Home St" not in response.text
    assert client.get(f"/fhir/Location/{ben.pk}").status_code == 404  # telehealth only: no office


def test_healthcare_services_say_telehealth_or_in_person_plan_nets_way(client, three):
    ada = three[0]
    virtual = parse_fhir(client.get(f"/fhir/HealthcareService/{ada.pk}-virtual"))
    in_person = parse_fhir(client.get(f"/fhir/HealthcareService/{ada.pk}-inperson"))
    for service, code in ((virtual, "virtual"), (in_person, "physical")):
        assert isinstance(service, HealthcareService)
        delivery = next(e for e in service.extension if e.url == codes.EXT_DELIVERY_METHOD)
        assert delivery.extension[0].valueCodeableConcept.coding[0].code == code
    assert in_person.location[0].reference == f"Location/{ada.pk}"


def test_organizations_alma_the_payer_and_its_network(client, three, bluebird):
    alma = parse_fhir(client.get("/fhir/Organization/alma"))
    payer = parse_fhir(client.get(f"/fhir/Organization/payer-{bluebird.pk}"))
    network = parse_fhir(client.get(f"/fhir/Organization/network-{bluebird.pk}"))
    assert all(isinstance(org, Organization) for org in (alma, payer, network))
    assert alma.type[0].coding[0].code == "prvgrp"
    assert payer.name == "Bluebird Health"
    assert [a.state for a in payer.address] == ["NY", "NJ"]
    assert network.meta.profile == [codes.PROFILE["Network"]]
    assert network.partOf.reference == f"Organization/payer-{bluebird.pk}"
    affiliation = parse_fhir(client.get(f"/fhir/OrganizationAffiliation/affiliation-{bluebird.pk}"))
    assert isinstance(affiliation, OrganizationAffiliation)
    assert affiliation.participatingOrganization.reference == "Organization/alma"
    assert affiliation.network[0].reference == f"Organization/network-{bluebird.pk}"
    ids = match_ids(client, "/fhir/Organization")
    assert ids == {"alma", f"payer-{bluebird.pk}", f"network-{bluebird.pk}"}
    assert match_ids(client, "/fhir/Organization?type=ntwk") == {f"network-{bluebird.pk}"}


def test_a_payer_without_a_published_role_is_not_published(client, three, bluebird):
    idle = PayerFactory(name="Idle Plan", slug="idle")
    assert client.get(f"/fhir/Organization/network-{idle.pk}").status_code == 404
    assert f"payer-{idle.pk}" not in match_ids(client, "/fhir/Organization")


def test_the_capability_statement_declares_every_type_and_parameter(client):
    statement = parse_fhir(client.get("/fhir/metadata"))
    assert isinstance(statement, CapabilityStatement)
    assert statement.fhirVersion == "4.0.1"
    assert statement.instantiates == [codes.PLAN_NET_CAPABILITIES]
    declared = {r.type: {p.name for p in r.searchParam} for r in statement.rest[0].resource}
    assert {
        "specialty",
        "network",
        "location.address-state",
        "practitioner.name",
        "_lastUpdated",
    } <= declared["PractitionerRole"]
    assert set(declared) == {
        "PractitionerRole",
        "Practitioner",
        "Location",
        "HealthcareService",
        "Organization",
        "OrganizationAffiliation",
    }


def test_every_search_type_parses_back_with_every_include(client, three):
    for url in (
        (
            "/fhir/PractitionerRole?_include=PractitionerRole:practitioner&_include=PractitionerRole:organization"
            "&_include=PractitionerRole:location&_include=PractitionerRole:network&_include=PractitionerRole:service"
        ),
        "/fhir/Practitioner",
        "/fhir/Location",
        "/fhir/HealthcareService",
        "/fhir/Organization?_include=Organization:partof",
        (
            "/fhir/OrganizationAffiliation?_include=OrganizationAffiliation:network"
            "&_include=OrganizationAffiliation:primary-organization"
        ),
    ):
        found = bundle(client, url)
        assert found.total == len(matches(found)) > 0
    roles = bundle(client, "/fhir/PractitionerRole?_include=PractitionerRole:practitioner")
    included = [e.resource for e in roles.entry if e.search.mode == "include"]
    assert {type(r) for r in included} == {Practitioner}
    assert len(included) == 3


# ---------------------------------------------------------------------------------------------
# Only what the public directory shows


def test_hidden_and_offboarded_profiles_never_appear(client, three, bluebird, staff):
    ada, ben, cleo = three
    directory.profile_hide(profile=ada, actor=staff, reason="Complaint under review")
    directory.profile_offboard(profile=ben, actor=staff, reason="Left Alma")
    for url in (
        "/fhir/PractitionerRole?_include=PractitionerRole:practitioner",
        "/fhir/Practitioner",
        "/fhir/Location",
        "/fhir/HealthcareService",
    ):
        text = client.get(url).text
        assert "Ada Lovelace" not in text
        assert "Ben Franklin" not in text
    assert match_ids(client, "/fhir/Practitioner") == {str(cleo.pk)}
    for path in (
        f"/fhir/Practitioner/{ada.pk}",
        f"/fhir/PractitionerRole/{role_id(ben, bluebird)}",
        f"/fhir/Location/{ada.pk}",
        f"/fhir/HealthcareService/{ben.pk}-virtual",
    ):
        response = client.get(path)
        assert response.status_code == 404
        assert isinstance(parse_fhir(response), OperationOutcome)


def test_a_payer_withdrawn_today_leaves_the_network_list_today(client, three, bluebird):
    ada = three[0]
    second = PayerFactory(name="Second Plan", slug="second")
    PayerApplication.objects.create(
        provider=ada.provider,
        payer=second,
        status="approved",
        effective_date=dt.date(2026, 1, 1),
        decided_at=NOW,
    )
    network = f"/fhir/PractitionerRole?network=Organization/network-{bluebird.pk}"
    assert role_id(ada, bluebird) in match_ids(client, network)

    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False), committed():
        credentialing.application_withdraw(
            application=PayerApplication.objects.get(provider=ada.provider, payer=bluebird), actor=None
        )
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        assert role_id(ada, bluebird) not in match_ids(client, network)
        assert client.get(f"/fhir/PractitionerRole/{role_id(ada, bluebird)}").status_code == 404
        # Still published in the network it stays in.
        assert match_ids(client, f"/fhir/PractitionerRole?practitioner=Practitioner/{ada.pk}") == {
            role_id(ada, second)
        }


def test_a_payer_effective_tomorrow_enters_at_the_company_midnight(client, three):
    ada = three[0]
    later = PayerFactory(name="Later Plan", slug="later")
    PayerApplication.objects.create(
        provider=ada.provider,
        payer=later,
        status="approved",
        effective_date=dt.date(2026, 6, 11),
        decided_at=NOW,
    )
    url = f"/fhir/PractitionerRole?network=network-{later.pk}"
    assert match_ids(client, url) == set()
    midnight = dt.datetime(2026, 6, 11, 0, 0, tzinfo=NOW.tzinfo)
    with time_machine.travel(midnight + dt.timedelta(minutes=1), tick=False):
        found = bundle(client, url)
        assert {r.id for r in matches(found)} == {role_id(ada, later)}
        # Its lastUpdated is that midnight, so a sync since yesterday sees it arrive.
        assert matches(found)[0].meta.lastUpdated == midnight


# ---------------------------------------------------------------------------------------------
# Search parameters


def test_specialty_network_state_city_and_name(client, three, bluebird):
    ada, ben, cleo = three
    roles = "/fhir/PractitionerRole"
    assert match_ids(client, f"{roles}?specialty=http://nucc.org/provider-taxonomy|106H00000X") == {
        role_id(ben, bluebird)
    }
    assert match_ids(client, f"{roles}?specialty=1041C0700X") == {
        role_id(ada, bluebird),
        role_id(cleo, bluebird),
    }
    assert match_ids(client, f"{roles}?specialty=http://other.example|1041C0700X") == set()
    assert len(match_ids(client, f"{roles}?network=network-{bluebird.pk}")) == 3
    assert match_ids(client, f"{roles}?network=network-999999") == set()
    assert match_ids(client, f"{roles}?location.address-state=tx") == {role_id(cleo, bluebird)}
    assert match_ids(client, f"{roles}?location.address-state=NY,TX") == {
        role_id(ada, bluebird),
        role_id(cleo, bluebird),
    }
    assert match_ids(client, f"{roles}?location.address-city=brooklyn") == {role_id(ada, bluebird)}
    assert match_ids(client, f"{roles}?practitioner.name=frank") == {role_id(ben, bluebird)}
    assert match_ids(client, f"{roles}?practitioner.name=ank") == set()  # a word's start, not its middle
    assert match_ids(client, f"{roles}?practitioner.name=ada&specialty=106H00000X") == set()  # AND
    assert match_ids(client, f"{roles}?_id={role_id(cleo, bluebird)}") == {role_id(cleo, bluebird)}
    assert match_ids(client, "/fhir/Practitioner?name=cleo") == {str(cleo.pk)}
    assert match_ids(client, "/fhir/Location?address-state=NY") == {str(ada.pk)}
    assert match_ids(client, f"/fhir/HealthcareService?_id={ada.pk}-inperson,{ben.pk}-virtual") == {
        f"{ada.pk}-inperson",
        f"{ben.pk}-virtual",
    }


def test_last_updated_returns_exactly_the_profiles_changed_since(client, three, bluebird):
    ada, ben, cleo = three
    since = NOW + dt.timedelta(minutes=30)
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        directory.profile_accepting_set(provider=ben.provider, accepting=False, actor=None)
    stamp = since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert match_ids(client, f"/fhir/PractitionerRole?_lastUpdated=gt{stamp}") == {role_id(ben, bluebird)}
    assert match_ids(client, f"/fhir/Practitioner?_lastUpdated=ge{stamp}") == {str(ben.pk)}
    assert match_ids(client, f"/fhir/Practitioner?_lastUpdated=lt{stamp}") == {str(ada.pk), str(cleo.pk)}
    # A day is a company day; two conditions AND.
    assert len(match_ids(client, "/fhir/Practitioner?_lastUpdated=2026-06-10")) == 3
    assert match_ids(client, "/fhir/Practitioner?_lastUpdated=gt2026-06-10") == set()
    assert match_ids(client, f"/fhir/Practitioner?_lastUpdated=ge2026-06&_lastUpdated=lt{stamp}") == {
        str(ada.pk),
        str(cleo.pk),
    }
    role = parse_fhir(client.get(f"/fhir/PractitionerRole/{role_id(ben, bluebird)}"))
    assert role.meta.lastUpdated == NOW + dt.timedelta(hours=1)


def test_count_pages_forwards_and_back_without_skipping_or_repeating(client, bluebird):
    live_providers(7, payer=bluebird)
    first = bundle(client, "/fhir/PractitionerRole?_count=3")
    assert first.total == 7
    links = {link.relation: link.url for link in first.link}
    assert set(links) == {"self", "next"}
    seen = [r.id for r in matches(first)]
    page = first
    while "next" in (links := {link.relation: link.url for link in page.link}):
        page = bundle(client, links["next"].replace("http://testserver", ""))
        seen += [r.id for r in matches(page)]
    assert len(seen) == len(set(seen)) == 7
    assert seen == sorted(seen, key=lambda i: tuple(int(x) for x in i.split("-")))
    back = bundle(client, links["previous"].replace("http://testserver", ""))
    assert [r.id for r in matches(back)] == seen[3:6]
    assert bundle(client, "/fhir/PractitionerRole?_count=0").total == 7


def test_services_named_by_id_page_with_one_total_and_none_missing(client, bluebird, staff):
    """`_id` may name services a profile does not offer and profiles that are not live: every page
    says the same total (the real matches), and the pages hold each match once."""
    profiles = [DirectoryProfile.objects.get(provider=p) for p in live_providers(5, payer=bluebird)]
    DirectoryProfile.objects.filter(pk__in=[p.pk for p in profiles]).update(
        offers_in_person=True, offers_telehealth=False, office_city="Albany", office_state="NY"
    )
    a, b, c, d, hidden = profiles
    directory.profile_hide(profile=hidden, actor=staff, reason="Complaint under review")
    named = [f"{a.pk}-virtual", f"{b.pk}-virtual", f"{c.pk}-virtual", f"{d.pk}-inperson", f"{a.pk}-inperson"]
    url = f"/fhir/HealthcareService?_id={','.join([*named, f'{hidden.pk}-inperson'])}&_count=1"
    expected = [f"{a.pk}-inperson", f"{d.pk}-inperson"]

    page = bundle(client, url)
    seen, totals = [r.id for r in matches(page)], [page.total]
    while "next" in (links := {link.relation: link.url for link in page.link}):
        page = bundle(client, links["next"].replace("http://testserver", ""))
        seen += [r.id for r in matches(page)]
        totals.append(page.total)
    assert seen == expected
    assert totals == [2, 2]
    back = bundle(client, links["previous"].replace("http://testserver", ""))
    assert [r.id for r in matches(back)] == expected[:1]
    assert back.total == 2
    assert bundle(client, url.replace("_count=1", "_count=0")).total == 2


def test_a_practitioner_id_of_non_ascii_digits_matches_nothing(client, three):
    # "²" is a digit to str.isdigit() but not to int().
    found = bundle(client, "/fhir/Practitioner?_id=%C2%B2")
    assert found.total == 0


def test_past_the_total_cap_a_searchset_leaves_total_out_unless_accurate_is_asked(
    client, bluebird, monkeypatch
):
    from fhirapi import search  # noqa: PLC0415

    live_providers(7, payer=bluebird)
    DirectoryProfile.objects.update(offers_in_person=True, offers_telehealth=True)
    monkeypatch.setattr(search, "TOTAL_CAP", 5)
    for resource_type, matched in (("PractitionerRole", 7), ("Practitioner", 7), ("HealthcareService", 14)):
        capped = bundle(client, f"/fhir/{resource_type}?_count=2")
        assert capped.total is None, resource_type
        assert "next" in {link.relation for link in capped.link}  # a full pull follows the links
        assert bundle(client, f"/fhir/{resource_type}?_count=2&_total=accurate").total == matched
        assert bundle(client, f"/fhir/{resource_type}?_count=2&_total=none").total is None
    # Under the cap the default total is exact.
    monkeypatch.setattr(search, "TOTAL_CAP", 20)
    assert bundle(client, "/fhir/HealthcareService?_count=2").total == 14
    assert bundle(client, "/fhir/PractitionerRole?_count=2").total == 7


def test_a_huge_count_is_capped_with_a_warning(client, three):
    found = bundle(client, "/fhir/PractitionerRole?_count=100000")
    warning = next(e.resource for e in found.entry if e.search.mode == "outcome")
    assert isinstance(warning, OperationOutcome)
    assert "capped at 100" in warning.issue[0].diagnostics


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("/fhir/PractitionerRole?colour=blue", "'colour' is not a search parameter"),
        ("/fhir/PractitionerRole?_lastUpdated=yesterday", "not a FHIR date"),
        ("/fhir/PractitionerRole?_lastUpdated=ge2026-06-10T10:00", "not a FHIR date"),
        ("/fhir/PractitionerRole?_lastUpdated=2026-13-40", "not a FHIR date"),
        ("/fhir/PractitionerRole?_lastUpdated=ne2026-06-10", "prefix 'ne'"),
        ("/fhir/PractitionerRole?_count=-5", "_count"),
        ("/fhir/PractitionerRole?_total=exact", "_total"),
        ("/fhir/PractitionerRole?_count=99999999999999999999", "_count"),
        ("/fhir/PractitionerRole?_include=*", "_include"),
        ("/fhir/PractitionerRole?network=Organization/payer-1", "not a network reference"),
        ("/fhir/PractitionerRole?specialty:text=social", "modifiers"),
        ("/fhir/PractitionerRole?_cursor=garbage", "_cursor"),
        # A key of the wrong length for the type (edited, or from another type's search).
        ("/fhir/PractitionerRole?_cursor=a.5", "_cursor"),
        ("/fhir/PractitionerRole?_cursor=b.5", "_cursor"),
        ("/fhir/Practitioner?_cursor=a.5.1", "_cursor"),
        ("/fhir/HealthcareService?_cursor=a.5", "_cursor"),
        # Valid dates whose range ends past year 9999.
        ("/fhir/Practitioner?_lastUpdated=9999-12-31", "past the last date"),
        ("/fhir/Practitioner?_lastUpdated=ge9999-12-31T23:59Z", "past the last date"),
        # PostgreSQL refuses a NUL in text.
        ("/fhir/Practitioner?name=ada%00", "NUL"),
        ("/fhir/Location?address-city=%00x", "NUL"),
        ("/fhir/PractitionerRole?practitioner.name=a%00b", "NUL"),
        ("/fhir/Practitioner?_format=xml", "only JSON"),
    ],
)
def test_bad_input_is_a_400_operation_outcome(client, query, says):
    response = client.get(query)
    assert response.status_code == 400
    issue = parse_fhir(response).issue[0]
    assert issue.severity == "error"
    assert says in issue.diagnostics


def test_unknown_types_ids_and_methods_are_operation_outcomes(client):
    assert client.get("/fhir/Patient").status_code == 404
    assert isinstance(parse_fhir(client.get("/fhir/Patient")), OperationOutcome)
    assert client.get("/fhir/PractitionerRole/not-an-id").status_code == 404
    refused = client.post("/fhir/Practitioner")
    assert refused.status_code == 405
    assert refused["Allow"] == "GET, HEAD"
    assert isinstance(parse_fhir(refused), OperationOutcome)


# ---------------------------------------------------------------------------------------------
# Caching


def test_etag_and_last_modified_answer_conditional_gets_with_304(client, three, bluebird):
    ben = three[1]
    url = f"/fhir/PractitionerRole/{role_id(ben, bluebird)}"
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('W/"')
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.head(url).status_code == 200

    search = "/fhir/PractitionerRole?_count=2"
    search_etag = client.get(search)["ETag"]
    assert client.get(search, headers={"If-None-Match": search_etag}).status_code == 304
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        directory.profile_accepting_set(provider=ben.provider, accepting=False, actor=None)
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
        assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 200
        assert client.get(search, headers={"If-None-Match": search_etag}).status_code == 200
