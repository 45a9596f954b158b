"""A searchset's entries come from the cache once built (fhirapi/fragments.py): a warm page is
the cold page's bytes without building a resource, and a change shows on the next request."""

import pytest
from django.core.cache import cache

from credentialing.models import Payer
from directory import services as directory
from directory.models import DirectoryProfile
from fhirapi import builders, codes
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import live_providers
from tests.fhirapi.conftest import parse_fhir

pytestmark = pytest.mark.django_db

PAGE = "/fhir/PractitionerRole?" + "&".join(
    f"_include=PractitionerRole:{name}"
    for name in ("practitioner", "organization", "location", "network", "service")
)
BUILDERS = (
    "build_role",
    "build_practitioner",
    "build_location",
    "build_service",
    "build_network",
    "build_alma",
)


@pytest.fixture
def payer():
    return PayerFactory(name="Bluebird Health", slug="bluebird", states=["NY"])


@pytest.fixture
def providers(payer):
    found = live_providers(3, payer=payer)
    DirectoryProfile.objects.filter(provider__in=found).update(
        offers_in_person=True, office_city="Albany", office_state="NY"
    )
    return found


def test_a_warm_page_is_the_cold_pages_bytes_and_builds_nothing(client, providers, monkeypatch):
    cache.clear()
    cold = client.get(PAGE)
    assert cold.status_code == 200

    def refuse(*args, **kwargs):
        raise AssertionError("a resource was built again")

    for name in BUILDERS:
        monkeypatch.setattr(builders, name, refuse)
    warm = client.get(PAGE)
    assert warm.status_code == 200
    assert warm.content == cold.content
    assert parse_fhir(warm).total == 3

    monkeypatch.undo()
    cache.clear()
    assert client.get(PAGE).content == cold.content


def test_a_changed_profile_or_payer_shows_on_the_next_request(client, providers, payer):
    assert client.get(PAGE).status_code == 200  # every entry cached
    ada = providers[0]
    profile = DirectoryProfile.objects.get(provider=ada)
    directory.profile_accepting_set(provider=ada, accepting=False, actor=None)
    # Writes that leave `updated_at` alone show too: the key is the values, not the timestamp.
    DirectoryProfile.objects.filter(pk=profile.pk).update(display_name="Ada King")
    Payer.objects.filter(pk=payer.pk).update(name="Bluebird Care")

    changed = client.get(PAGE)
    found = parse_fhir(changed)
    shown = {(e.resource.get_resource_type(), e.resource.id): e.resource for e in found.entry}
    assert shown[("Practitioner", str(profile.pk))].name[0].family == "King"
    role = shown[("PractitionerRole", f"{profile.pk}-{payer.pk}")]
    assert role.practitioner.display.startswith("Ada King")
    accepting = next(e for e in role.extension if e.url == codes.EXT_NEWPATIENTS)
    assert accepting.extension[0].valueCodeableConcept.coding[0].code == "nopt"
    assert shown[("Organization", f"network-{payer.pk}")].name == "Bluebird Care network"
    # And nothing older is left in it: built afresh, the page is the same bytes.
    cache.clear()
    assert client.get(PAGE).content == changed.content


def test_a_changed_payer_shows_on_the_organization_and_affiliation_pages(client, providers, payer):
    organizations = "/fhir/Organization?_include=Organization:partof"
    affiliations = "/fhir/OrganizationAffiliation?_include=OrganizationAffiliation:primary-organization"
    assert client.get(organizations).status_code == client.get(affiliations).status_code == 200
    Payer.objects.filter(pk=payer.pk).update(name="Bluebird Care", states=["NY", "NJ"])

    shown = {e.resource.id: e.resource for e in parse_fhir(client.get(organizations)).entry}
    assert shown[f"payer-{payer.pk}"].name == "Bluebird Care"
    assert [a.state for a in shown[f"payer-{payer.pk}"].address] == ["NY", "NJ"]
    assert shown[f"network-{payer.pk}"].partOf.display == "Bluebird Care"
    found = parse_fhir(client.get(affiliations))
    affiliation = next(e.resource for e in found.entry if e.search.mode == "match")
    assert affiliation.organization.display == "Bluebird Care"
    assert {e.resource.name for e in found.entry if e.search.mode == "include"} == {"Bluebird Care"}
