"""A searchset's total is kept while the directory is unchanged (directory.search_cache), and a
payer decision, which changes who is in a network, moves it at once."""

from __future__ import annotations

import pytest

from credentialing.models import ApplicationStatus, PayerApplication
from credentialing.services import applications as credentialing
from directory.models import DirectoryProfile
from tests.credentialing_factories import PayerFactory, make_application
from tests.directory_factories import committed, live_providers
from tests.fhirapi.conftest import parse_fhir

pytestmark = pytest.mark.django_db


def total(client, url: str) -> int | None:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return parse_fhir(response).total


def test_a_network_searchs_total_follows_approvals_and_withdrawals_at_once(client, django_assert_num_queries):
    evergreen, bluebird = PayerFactory(), PayerFactory()
    providers = live_providers(3, payer=evergreen)
    url = f"/fhir/PractitionerRole?network=Organization/network-{bluebird.pk}"
    assert total(client, url) == 0
    with django_assert_num_queries(1):  # the kept total: only the page is read
        assert total(client, url) == 0

    with committed():
        make_application(provider=providers[0], payer=bluebird, status=ApplicationStatus.APPROVED)
    assert total(client, url) == 1

    with committed():
        credentialing.application_withdraw(
            application=PayerApplication.objects.get(provider=providers[0], payer=bluebird), actor=None
        )
    assert total(client, url) == 0


def test_a_profile_leaving_the_directory_leaves_the_total_at_once(client):
    payer = PayerFactory()
    live_providers(2, payer=payer)
    url = "/fhir/Practitioner"
    assert total(client, url) == 2
    profile = DirectoryProfile.objects.order_by("pk").first()
    profile.is_live = False
    profile.save(update_fields=["is_live"])
    assert total(client, url) == 1
