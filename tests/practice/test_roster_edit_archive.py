"""Editing and archiving roster clients (issue 12: the training teaches "update their insurance on
your roster", and the roster could not be edited or trimmed). Archiving deletes nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from credentialing.models import ApplicationStatus
from practice.models import Client, ClientEvent, PaymentMethod
from tests.credentialing_factories import PayerFactory, make_application
from tests.helpers import attribute_of, element, elements, text_at, text_of
from tests.practice_factories import add_client

pytestmark = pytest.mark.django_db

ROSTER = reverse("practice:clients")


def edit_url(client):
    return reverse("practice:client_edit", args=[client.pk])


def answers(client, **overrides) -> dict:
    values = {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "email": client.email,
        "payment_method": client.payment_method,
        "payer": client.payer_id or "",
    }
    values.update(overrides)
    return values


@pytest.fixture
def in_network_payer(provider):
    payer = PayerFactory(name="Evergreen Health")
    make_application(
        provider=provider, payer=payer, status=ApplicationStatus.APPROVED, effective_date=timezone.localdate()
    )
    return payer


def test_a_client_can_be_edited_from_the_roster(signed_in, provider, in_network_payer):
    client = add_client(provider, first_name="Maya", last_name="Okafor")
    row = element(signed_in.get(ROSTER).text, f"tr[data-client={client.pk}]")
    assert text_at(row, "a") == "Edit Maya Okafor"

    response = signed_in.post(
        edit_url(client),
        answers(
            client,
            last_name="Okafor-Reyes",
            payment_method=PaymentMethod.INSURANCE,
            payer=in_network_payer.pk,
        ),
        follow=True,
    )
    assert "Maya Okafor-Reyes's details are saved (Insurance: Evergreen Health)." in text_of(response.text)
    assert "Maya Okafor-Reyes" in text_at(response.text, f"tr[data-client={client.pk}]")
    client.refresh_from_db()
    assert (client.last_name, client.payer) == ("Okafor-Reyes", in_network_payer)
    [edited] = client.events.filter(kind=ClientEvent.Kind.EDITED)
    assert edited.note == "payment: Cash-pay -> Insurance: Evergreen Health"


def test_editing_to_a_payer_out_of_network_is_refused_next_to_the_payer(signed_in, provider):
    client = add_client(provider)
    other = PayerFactory(name="Cedar Mutual")
    response = signed_in.post(
        edit_url(client), answers(client, payment_method=PaymentMethod.INSURANCE, payer=other.pk)
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["payer"]
    assert error.startswith("You are not in network with Cedar Mutual.")
    client.refresh_from_db()
    assert client.payment_method == PaymentMethod.CASH_PAY


def test_archive_hides_a_client_keeps_the_row_and_restore_brings_it_back(signed_in, provider):
    kept = add_client(provider, n=1, first_name="Ana")
    gone = add_client(provider, n=2, first_name="Ben")
    response = signed_in.post(reverse("practice:client_archive", args=[gone.pk]), follow=True)
    text = text_of(response.text)
    assert "Ben Roster002 is archived: off your roster, with their history kept." in text
    assert [int(r) for r in _rows(response.text)] == [kept.pk]
    assert text_at(response.text, "#show-archived") == "Show archived clients (1)"
    assert Client.objects.filter(pk=gone.pk, archived_at__isnull=False).exists()  # nothing deleted

    archived = signed_in.get(f"{ROSTER}?archived=1").text
    assert [int(r) for r in _rows(archived)] == [gone.pk]
    restored = signed_in.post(reverse("practice:client_restore", args=[gone.pk]), follow=True)
    assert "Ben Roster002 is back on your roster." in text_of(restored.text)
    assert sorted(int(r) for r in _rows(restored.text)) == sorted([kept.pk, gone.pk])
    assert list(gone.events.values_list("kind", flat=True)) == ["restored", "archived", "added"]


def _rows(html):
    return [attribute_of(row, "data-client") for row in elements(html, "tr[data-client]")]


def test_another_providers_client_is_not_found(signed_in, make_provider):
    stranger = add_client(make_provider())
    assert signed_in.get(edit_url(stranger)).status_code == 404
    assert signed_in.post(reverse("practice:client_archive", args=[stranger.pk])).status_code == 404
    assert signed_in.post(reverse("practice:client_restore", args=[stranger.pk])).status_code == 404
    assert Client.objects.get(pk=stranger.pk).archived_at is None


def test_archive_and_restore_only_by_post(signed_in, provider):
    client = add_client(provider)
    assert signed_in.get(reverse("practice:client_archive", args=[client.pk])).status_code == 405


def test_the_archived_roster_costs_the_same_with_2_and_20_clients(
    signed_in, provider, django_assert_num_queries
):
    for n in range(2):
        signed_in.post(reverse("practice:client_archive", args=[add_client(provider, n=n).pk]))
    # session, user, provider; count, rows; effective start date, payers in effect
    with django_assert_num_queries(7):
        signed_in.get(f"{ROSTER}?archived=1")
    for n in range(2, 20):
        signed_in.post(reverse("practice:client_archive", args=[add_client(provider, n=n).pk]))
    with django_assert_num_queries(7):
        html = signed_in.get(f"{ROSTER}?archived=1").text
    assert len(elements(html, "tr[data-client]")) == 20
