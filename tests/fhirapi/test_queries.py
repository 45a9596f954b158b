"""A page of 50 PractitionerRoles with its practitioners included costs the same queries at 1x
and 10x the data: a COUNT and the page (the includes are built from the page's rows), and the
builders never query."""

import pytest
from django.db.models import F

from directory.models import DirectoryProfile
from directory.selectors import company_today
from fhirapi import builders, selectors
from fhirapi.search import SearchParams
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import live_providers
from tests.fhirapi.conftest import parse_fhir

pytestmark = pytest.mark.django_db

PAGE = (
    "/fhir/PractitionerRole?_count=50&_include=PractitionerRole:practitioner"
    "&_include=PractitionerRole:location&_include=PractitionerRole:network&_include=PractitionerRole:service"
)


@pytest.mark.parametrize("providers", [60, 600])
def test_a_page_of_50_roles_with_includes_is_two_queries_at_any_size(
    client, django_assert_num_queries, providers
):
    payer, other = PayerFactory(), PayerFactory()
    half = providers // 2
    live_providers(half, payer=payer)
    live_providers(providers - half, payer=other)
    DirectoryProfile.objects.filter(pk=F("pk")).update(
        offers_in_person=True, office_city="Albany", office_state="NY"
    )

    with django_assert_num_queries(2):
        response = client.get(PAGE)
    found = parse_fhir(response)
    assert found.total == providers
    assert sum(1 for e in found.entry if e.search.mode == "match") == 50
    # Without a total (_total=none) the COUNT is not run.
    with django_assert_num_queries(1):
        assert parse_fhir(client.get(f"{PAGE}&_total=none")).total is None
    # And the next page, through its cursor, costs one: the same search's total is kept while
    # the directory is unchanged (directory.search_cache).
    next_url = next(link.url for link in found.link if link.relation == "next")
    with django_assert_num_queries(1):
        assert client.get(next_url.replace("http://testserver", "")).status_code == 200


def test_the_builders_never_query(django_assert_num_queries):
    payer = PayerFactory()
    live_providers(2, payer=payer)
    page = selectors.role_page(
        SearchParams(resource_type="PractitionerRole", count=10), today=company_today()
    )
    site = builders.Site(origin="https://alma.test")
    with django_assert_num_queries(0):
        for application in page.rows:
            profile = application.provider.directory_profile
            builders.build_role(
                profile,
                license_type=application.provider.license_type,
                payer=application.payer,
                effective_date=application.effective_date,
                last_updated=profile.updated_at,
                site=site,
            )
            builders.build_practitioner(
                profile,
                license_type=application.provider.license_type,
                last_updated=profile.updated_at,
                site=site,
            )
            builders.build_network(application.payer, last_updated=profile.updated_at)


def test_a_page_of_services_named_by_id_is_two_queries(client, django_assert_num_queries):
    profiles = [DirectoryProfile.objects.get(provider=p) for p in live_providers(6, payer=PayerFactory())]
    named = ",".join(f"{p.pk}-{mode}" for p in profiles for mode in ("inperson", "virtual"))
    with django_assert_num_queries(2):
        response = client.get(f"/fhir/HealthcareService?_id={named}&_count=2")
    found = parse_fhir(response)
    assert found.total == sum(p.offers_in_person + p.offers_telehealth for p in profiles)
    assert sum(1 for e in found.entry if e.search.mode == "match") == 2


def test_a_state_search_starts_from_the_live_offices_index_at_a_seeded_size(client):
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    payer, other = PayerFactory(), PayerFactory()
    live_providers(400, payer=payer)
    live_providers(400, payer=other)
    # Offices spread over 20 states: one state holds a twentieth of them.
    states = ["NY", "NJ", "CA", "TX", "FL", "IL", "PA", "OH", "GA", "NC"]
    states += ["MI", "WA", "AZ", "MA", "CO", "MN", "OR", "VA", "MD", "WI"]
    for index, pk in enumerate(DirectoryProfile.objects.order_by("pk").values_list("pk", flat=True)):
        DirectoryProfile.objects.filter(pk=pk).update(
            offers_in_person=True, office_city="Town", office_state=states[index % len(states)]
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE directory_directoryprofile, credentialing_payerapplication, onboarding_provider"
        )

    with CaptureQueriesContext(connection) as queries:
        url = f"/fhir/PractitionerRole?network=network-{payer.pk}&location.address-state=NY"
        found = parse_fhir(client.get(url))
    [count] = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {count}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert found.total == 20
    assert "directory_profile_office_state" in plan, plan
