"""The client roster: cash-pay clients any time, insurance clients only with a payer the provider is in
network with that day (PRODUCT.md, "Credentialing"), and a refusal that says why and when."""

import datetime as dt

import pytest
import time_machine
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from credentialing.models import ApplicationStatus
from practice.errors import InsuranceNotAllowed
from practice.models import Client, PaymentMethod
from tests.credentialing_factories import PayerFactory, make_application
from tests.helpers import count_queries, elements, text_of
from tests.practice_factories import add_client

pytestmark = pytest.mark.django_db

S = ApplicationStatus
ROSTER = reverse("practice:clients")
ADD = reverse("practice:client_add")


@pytest.fixture
def payer(db):
    return PayerFactory(name="Evergreen Health", slug="evergreen")


def day(value: dt.date) -> str:
    return f"{value:%b} {value.day}, {value.year}"


def client_answers(payer=None, **overrides) -> dict:
    values = {
        "first_name": "Maya",
        "last_name": "Okafor",
        "email": "maya@example.com",
        "payment_method": PaymentMethod.INSURANCE if payer else PaymentMethod.CASH_PAY,
        "payer": payer.pk if payer else "",
    }
    values.update(overrides)
    return values


def payer_error(response) -> str:
    assert response.status_code == 200
    [error] = response.context["form"].errors["payer"]
    return error


def test_a_new_provider_can_add_cash_pay_clients_right_away(signed_in, provider):
    form_page = text_of(signed_in.get(ADD).text)
    assert (
        "You are out-of-network until your first payer approves you; you can see cash-pay clients now."
        in form_page
    )

    response = signed_in.post(ADD, client_answers(), follow=True)
    text = text_of(response.text)
    assert "Maya Okafor is on your roster as a cash-pay client." in text
    assert "Maya Okafor maya@example.com Cash-pay" in text
    client = Client.objects.get()
    assert (client.provider, client.payment_method, client.payer) == (provider, PaymentMethod.CASH_PAY, None)


def test_before_the_effective_date_cash_pay_is_allowed_and_insurance_is_refused_with_the_date(
    signed_in, provider, payer
):
    start = timezone.localdate() + dt.timedelta(days=12)
    make_application(provider=provider, payer=payer, status=S.APPROVED, effective_date=start)

    banner = f"You are out-of-network until {day(start)}; you can see cash-pay clients now."
    assert banner in text_of(signed_in.get(ROSTER).text)
    refused = signed_in.post(ADD, client_answers(payer))
    assert payer_error(refused) == (
        f"You are not in network with Evergreen Health yet. Your approval takes effect on {day(start)}: "
        "you can add Evergreen Health clients from that day."
    )
    assert banner in text_of(refused.text)
    assert not Client.objects.exists()

    assert signed_in.post(ADD, client_answers()).status_code == 302
    assert Client.objects.get().payment_method == PaymentMethod.CASH_PAY

    # On the effective date the same client is accepted (the rule is credentialing's in_network).
    with time_machine.travel(dt.datetime.combine(start, dt.time(9), tzinfo=timezone.get_current_timezone())):
        signed_in.force_login(provider.user)  # 12 days on, the first session has long ended
        accepted = signed_in.post(ADD, client_answers(payer, email="maya.okafor@example.com"), follow=True)
    assert "Maya Okafor is on your roster as an insurance client on Evergreen Health." in text_of(
        accepted.text
    )


def test_after_approval_insurance_clients_are_allowed(signed_in, provider, payer):
    make_application(
        provider=provider,
        payer=payer,
        status=S.APPROVED,
        effective_date=timezone.localdate() - dt.timedelta(days=3),
    )
    form_page = text_of(signed_in.get(ADD).text)
    assert "You can see cash-pay clients and insurance clients on Evergreen Health." in form_page
    assert "In network today: Evergreen Health." in form_page

    response = signed_in.post(ADD, client_answers(payer), follow=True)
    assert "Insurance: Evergreen Health" in text_of(response.text)
    client = Client.objects.get()
    assert (client.payment_method, client.payer) == (PaymentMethod.INSURANCE, payer)


def test_a_submitted_application_says_when_a_decision_is_expected(signed_in, provider, payer):
    submitted_at = timezone.now() - dt.timedelta(days=10)
    make_application(provider=provider, payer=payer, status=S.SUBMITTED, submitted_at=submitted_at)
    expected = timezone.localdate(submitted_at + dt.timedelta(days=45))
    error = payer_error(signed_in.post(ADD, client_answers(payer)))
    assert error == (
        "You are not in network with Evergreen Health yet. You can add Evergreen Health clients once "
        f"Evergreen Health approves your application (submitted {day(timezone.localdate(submitted_at))}, "
        f"decision expected by {day(expected)})."
    )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (None, "request credentialing with Evergreen Health on Insurance & Directories."),
        (S.REQUESTED, "once Evergreen Health approves your application; Alma is preparing it (requested"),
        (S.DENIED, "Evergreen Health denied your application. To add Evergreen Health clients, request"),
        (S.WITHDRAWN, "you unenrolled from Evergreen Health. To add Evergreen Health clients, request"),
    ],
)
def test_every_other_credentialing_status_says_what_to_do(signed_in, provider, payer, status, message):
    if status:
        make_application(provider=provider, payer=payer, status=status)
    response = signed_in.post(ADD, client_answers(payer))
    assert message in payer_error(response)
    # Next to the payer field, with the way to Insurance & Directories.
    assert reverse("insurance:overview") in response.text
    assert not Client.objects.exists()


def test_approval_with_one_payer_does_not_open_another(signed_in, provider, payer):
    make_application(provider=provider, payer=payer, status=S.APPROVED, effective_date=timezone.localdate())
    other = PayerFactory(name="Northwind Health", slug="northwind")
    error = payer_error(signed_in.post(ADD, client_answers(other)))
    assert error.startswith("You are not in network with Northwind Health.")
    with pytest.raises(InsuranceNotAllowed):
        add_client(provider, payer=other)


def test_insurance_needs_a_payer_and_cash_pay_ignores_one(signed_in, payer):
    response = signed_in.post(ADD, client_answers(payment_method=PaymentMethod.INSURANCE))
    assert payer_error(response) == "Choose the client's insurance payer."
    signed_in.post(ADD, client_answers(payment_method=PaymentMethod.CASH_PAY) | {"payer": payer.pk})
    assert Client.objects.get().payer is None


def test_missing_answers_are_shown_next_to_their_fields(signed_in):
    response = signed_in.post(ADD, {"first_name": "", "last_name": "", "email": "nope", "payment_method": ""})
    errors = response.context["form"].errors
    assert errors["first_name"] == ["Enter the client's first name."]
    assert errors["email"] == ["Enter a valid email."]
    assert errors["payment_method"] == ["Choose cash-pay or insurance."]
    assert not Client.objects.exists()


def test_each_provider_sees_only_their_own_roster(signed_in, provider, make_provider):
    add_client(provider, first_name="Mine", last_name="Client")
    add_client(make_provider(), first_name="Their", last_name="Client", email="theirs@example.com")
    text = text_of(signed_in.get(ROSTER).text)
    assert "Mine Client" in text
    assert "Their Client" not in text
    assert "theirs@example.com" not in text


@pytest.mark.parametrize("url", [ROSTER, ADD])
def test_anonymous_visitors_are_sent_to_sign_in(url):
    response = Browser().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Browser().post(ADD, client_answers()).status_code == 302
    assert not Client.objects.exists()


def test_staff_without_a_provider_account_get_404(client, staff):
    client.force_login(staff)
    assert client.get(ROSTER).status_code == 404
    assert client.post(ADD, client_answers()).status_code == 404


def add_clients(provider, payers, start: int, count: int) -> None:
    for n in range(start, start + count):
        add_client(provider, payer=payers[n % len(payers)] if n % 3 else None, n=n)


def test_the_roster_costs_the_same_with_5_and_50_clients(signed_in, provider, django_assert_num_queries):
    payers = [PayerFactory() for _ in range(3)]
    for payer in payers:
        make_application(
            provider=provider, payer=payer, status=S.APPROVED, effective_date=timezone.localdate()
        )
    add_clients(provider, payers, 0, 5)
    at_5 = count_queries(signed_in, ROSTER)
    add_clients(provider, payers, 5, 45)
    assert count_queries(signed_in, ROSTER) == at_5
    # session, user, provider; client count, clients with payers, archived count; effective start
    # date, payers in effect. The navigation adds none (it reads the page's provider).
    with django_assert_num_queries(8):
        html = signed_in.get(ROSTER).text
    assert len(elements(html, "tr[data-client]")) == 50
    assert text_of(html).count("Insurance: Test Payer") == 33
