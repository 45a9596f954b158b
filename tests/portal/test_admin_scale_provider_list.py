"""The staff provider list with many providers: sorted on an index, filtered by payer with an
EXISTS, one count, and the same queries at any size."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from alma.admin import CappedCountPaginator
from credentialing.models import Payer, PayerApplication
from onboarding.models import LicenseType, Provider
from portal.admin import ProviderAdmin
from tests.helpers import element, elements, staff_user, text_at, text_of

pytestmark = pytest.mark.django_db

LIST_URL = "admin:onboarding_provider_changelist"


def seed_providers(count: int, *, first: int = 0) -> list[Provider]:
    """`count` providers written in bulk (the agreement service is not what is measured here),
    a minute apart in created_at so the newest-first order is a real order."""
    start = timezone.now() - dt.timedelta(days=365)
    users = User.objects.bulk_create(
        User(email=f"scale{first + n}@example.com", password="!") for n in range(count)
    )
    providers = Provider.objects.bulk_create(
        Provider(
            user=user,
            legal_name=f"Provider {first + n:05d}",
            license_type=LicenseType.LCSW,
            contracted_start_date=start.date() + dt.timedelta(days=n % 300),
            step_changed_at=start + dt.timedelta(minutes=first + n),
        )
        for n, user in enumerate(users)
    )
    # created_at is auto_now_add (bulk_create sets it to now): spread it a minute apart.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE onboarding_provider SET created_at = %s + id * interval '1 minute' WHERE id >= %s",
            [start, providers[0].pk],
        )
    return providers


@pytest.fixture
def staff_client(client):
    client.force_login(staff_user("lists@alma.test", "view_provider"))
    return client


def list_queries(client, query: str = "") -> tuple[list[str], object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(LIST_URL) + query)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries], response


def test_the_planner_reads_the_newest_providers_from_the_created_index(staff_client):
    seed_providers(3000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE onboarding_provider")
    sqls, response = list_queries(staff_client)
    page = next(sql for sql in sqls if 'ORDER BY "onboarding_provider"."created_at" DESC' in sql)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {page}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "provider_created" in plan, plan
    assert "Sort" not in plan.split("provider_created")[0].splitlines()[-1], plan
    shown = list(response.context["cl"].result_list)
    assert len(shown) == 50
    assert shown[0].created_at >= shown[-1].created_at


def test_the_list_costs_the_same_queries_at_60_and_600_providers(staff_client, django_assert_num_queries):
    # Session, user, permissions (2), the payers for the filter, one COUNT (no second, full
    # count), one page with users and agreements joined.
    seed_providers(60)
    with django_assert_num_queries(7):
        assert staff_client.get(reverse(LIST_URL)).context["cl"].result_count == 60
    seed_providers(540, first=60)
    with django_assert_num_queries(7):
        response = staff_client.get(reverse(LIST_URL) + "?o=0")  # sorted by legal name
    assert response.context["cl"].result_count == 600
    names = [p.legal_name for p in response.context["cl"].result_list]
    assert names[:3] == ["Provider 00000", "Provider 00001", "Provider 00002"]


def test_the_payer_filter_lists_every_payer_and_finds_each_provider_once(staff_client):
    providers = seed_providers(4)
    aetna, _ = Payer.objects.get_or_create(slug="aetna-test", defaults={"name": "Aetna (test)"})
    cigna, _ = Payer.objects.get_or_create(slug="cigna-test", defaults={"name": "Cigna (test)"})
    now = timezone.now()
    PayerApplication.objects.bulk_create(
        [
            PayerApplication(provider=providers[0], payer=aetna, requested_at=now),
            PayerApplication(provider=providers[0], payer=cigna, requested_at=now),
            PayerApplication(provider=providers[2], payer=aetna, requested_at=now),
        ]
    )
    sqls, response = list_queries(staff_client, f"?payer={aetna.pk}")
    assert sorted(p.pk for p in response.context["cl"].result_list) == [providers[0].pk, providers[2].pk]
    assert not any("DISTINCT" in sql for sql in sqls)
    # Every payer is offered, whether or not anyone applied to it yet.
    for payer in Payer.objects.all():
        assert f"?payer={payer.pk}" in response.text
    assert "?payer=" in response.text
    assert "100 total" not in response.text  # show_full_result_count is off


def test_a_broad_list_is_counted_up_to_the_cap_and_a_narrow_one_exactly(staff_client, monkeypatch):
    # The cap is 10,000 in production; 100 here, with 150 providers. As in production, the cap
    # is above the most rows "Show all" may list (200 there).
    monkeypatch.setattr(CappedCountPaginator, "COUNT_CAP", 100)
    monkeypatch.setattr(ProviderAdmin, "list_max_show_all", 99)
    seed_providers(150)
    sqls, response = list_queries(staff_client)
    [count] = [sql for sql in sqls if "COUNT(" in sql]
    assert "LIMIT 101" in count  # the count stops one past the cap
    paginator = element(response.text, "p[class=paginator]")
    assert "More than 100 providers: search or filter to narrow the list" in text_of(paginator)
    # The page links end where the count does: 100 providers, two pages of 50.
    assert [text_of(link) for link in elements(paginator, "a")] == ["2"]  # page 1 is this one
    # Beyond the counted pages Django's "invalid page" answer, not an error.
    assert staff_client.get(reverse(LIST_URL) + "?p=3").status_code == 302

    # A search that matches more than the cap says so; one that matches fewer is exact.
    _, broad = list_queries(staff_client, "?q=Provider")
    assert "More than 100 results" in text_at(broad.text, "form#changelist-search")
    _, narrow = list_queries(staff_client, "?q=Provider 0004")  # 00004 and 00040-00049
    assert "11 results" in text_at(narrow.text, "form#changelist-search")
    assert "11 providers" in text_at(narrow.text, "p[class=paginator]")
