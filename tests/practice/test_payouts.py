"""The payouts account: bank details checked, the account number encrypted and only ever shown as
its last four digits, the provider emailed on every change."""

import logging

import pytest
from cryptography.fernet import Fernet
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from alma import secrets
from onboarding.models import OutboxEmail
from practice import emails as practice_emails
from practice import rules
from practice.models import PayoutAccount, PayoutAccountChange
from practice.services import payout_account_numbers_rotate
from tests.helpers import text_of
from tests.practice_factories import (
    ACCOUNT_NUMBER,
    ROUTING_NUMBER,
    payout_account_answers,
    set_payout_account,
)

pytestmark = pytest.mark.django_db

PAGE = reverse("practice:payouts")
CHANGE = reverse("practice:payouts_change")
SECOND_ACCOUNT = "987654321"  # last four 4321


ROUTING_NUMBERS = [
    ("011000015", None),  # Federal Reserve Bank of Boston
    ("021000021", None),
    ("0110-00015", None),  # separators people type are ignored
    ("011000016", "check digit doesn't match"),
    ("111000026", "check digit doesn't match"),
    ("01100001", "A routing number has 9 digits; this one has 8."),
    ("0110000150", "A routing number has 9 digits; this one has 10."),
    ("01100001A", "A routing number has digits only."),
    ("000000000", "This is not a bank's routing number"),  # passes the check digit, but no bank
]


@pytest.mark.parametrize(("routing_number", "problem"), ROUTING_NUMBERS)
def test_routing_numbers_are_checked_by_their_aba_check_digit(routing_number, problem):
    found = rules.routing_number_problem(rules.digits_only(routing_number))
    if problem is None:
        assert found is None
    else:
        assert problem in found


@pytest.mark.parametrize(("routing_number", "problem"), ROUTING_NUMBERS)
def test_the_form_shows_a_routing_number_problem_next_to_the_field(signed_in, routing_number, problem):
    response = signed_in.post(CHANGE, payout_account_answers(routing_number=routing_number))
    if problem is None:
        assert response.status_code == 302
        assert PayoutAccount.objects.get().routing_number == rules.digits_only(routing_number)
    else:
        assert response.status_code == 200
        [error] = response.context["form"].errors["routing_number"]
        assert problem in error
        assert not PayoutAccount.objects.exists()


@pytest.mark.parametrize(
    ("account_number", "problem"),
    [("123", "4 to 17 digits"), ("1" * 18, "4 to 17 digits"), ("12345abc", "digits only")],
)
def test_an_impossible_account_number_is_refused(signed_in, account_number, problem):
    response = signed_in.post(
        CHANGE, payout_account_answers(account_number=account_number, account_number_confirm=account_number)
    )
    assert problem in response.context["form"].errors["account_number"][0]
    assert not PayoutAccount.objects.exists()


def test_mismatched_account_numbers_are_refused_and_never_shown_back(signed_in):
    response = signed_in.post(CHANGE, payout_account_answers(account_number_confirm="000123456780"))
    assert response.status_code == 200
    assert response.context["form"].errors["account_number_confirm"] == [
        "The two account numbers don't match. Type the account number again in both boxes."
    ]
    assert ACCOUNT_NUMBER not in response.text
    assert "000123456780" not in response.text
    assert 'value="Jordan Rivera"' in response.text  # the rest of what was typed is kept
    assert not PayoutAccount.objects.exists()


def test_setting_up_the_account_shows_only_the_last_four_and_emails_the_provider(
    signed_in, provider, django_capture_on_commit_callbacks, mailoutbox, caplog
):
    before = signed_in.get(PAGE)
    assert "You haven't set up a payouts account yet." in text_of(before.text)

    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(CHANGE, payout_account_answers(), follow=True)
    text = text_of(response.text)
    assert "Your payouts account is now the checking account ending in 6789." in text
    assert "Checking •••• 6789" in text
    assert "Jordan Rivera" in text
    assert ROUTING_NUMBER in text
    assert ACCOUNT_NUMBER not in response.text

    [email] = mailoutbox
    assert email.to == [provider.email]
    assert email.subject == "Your Alma payouts account is set up"
    body = " ".join(email.body.split())
    assert "checking account ending in 6789" in body
    assert ACCOUNT_NUMBER not in email.body
    assert ACCOUNT_NUMBER not in email.alternatives[0][0]
    assert OutboxEmail.objects.get(step=practice_emails.PAYOUT_ACCOUNT_CHANGED).key == "payout-v1"
    assert ACCOUNT_NUMBER not in caplog.text
    assert "ending in 6789" in caplog.text


def test_the_account_number_is_not_stored_in_plain_text(provider):
    set_payout_account(provider)
    with connection.cursor() as cursor:
        # Every column of the rows, as the database holds them.
        cursor.execute("SELECT row_to_json(a)::text FROM practice_payoutaccount a")
        [(account_row,)] = cursor.fetchall()
        cursor.execute("SELECT row_to_json(c)::text FROM practice_payoutaccountchange c")
        [(change_row,)] = cursor.fetchall()
        cursor.execute(
            "SELECT context::text FROM onboarding_outboxemail WHERE step = 'payout_account_changed'"
        )
        [(email_context,)] = cursor.fetchall()
    for stored in (account_row, change_row, email_context):
        assert ACCOUNT_NUMBER not in stored
        assert "6789" in stored
    assert secrets.decrypt(PayoutAccount.objects.get().account_number_encrypted) == ACCOUNT_NUMBER


def test_replacing_the_account_emails_again_and_keeps_the_history(
    signed_in, provider, django_capture_on_commit_callbacks, mailoutbox
):
    set_payout_account(provider)
    form_page = signed_in.get(CHANGE)
    assert "Alma pays into your checking account •••• 6789 until you save a new one." in text_of(
        form_page.text
    )
    assert ACCOUNT_NUMBER not in form_page.text

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(
            CHANGE,
            payout_account_answers(
                account_type="savings", account_number=SECOND_ACCOUNT, account_number_confirm=SECOND_ACCOUNT
            ),
        )
    [email] = mailoutbox
    assert email.subject == "Your Alma payouts account was changed"
    body = " ".join(email.body.split())
    assert "savings account ending in 4321" in body
    assert "instead of the account ending in 6789" in body
    assert SECOND_ACCOUNT not in email.body
    assert "Didn't make this change?" in body
    assert list(
        OutboxEmail.objects.filter(step=practice_emails.PAYOUT_ACCOUNT_CHANGED).values_list("key", flat=True)
    ) == ["payout-v2", "payout-v1"]

    assert "Savings •••• 4321" in text_of(signed_in.get(PAGE).text)
    account = PayoutAccount.objects.get()
    assert account.version == 2
    assert secrets.decrypt(account.account_number_encrypted) == SECOND_ACCOUNT
    assert list(PayoutAccountChange.objects.values_list("version", "account_last4", "previous_last4")) == [
        (2, "4321", "6789"),
        (1, "6789", ""),
    ]


def test_staff_see_only_the_last_four_in_admin(admin_client, provider):
    set_payout_account(provider)
    account = PayoutAccount.objects.get()
    for url in (
        reverse("admin:practice_payoutaccount_changelist"),
        reverse("admin:practice_payoutaccount_change", args=[account.pk]),
    ):
        html = admin_client.get(url).text
        assert "•••• 6789" in html
        assert ACCOUNT_NUMBER not in html
        assert account.account_number_encrypted not in html


def test_each_provider_sees_only_their_own_account(client, provider, make_provider):
    set_payout_account(provider)
    other = make_provider()
    client.force_login(other.user)
    text = text_of(client.get(PAGE).text)
    assert "You haven't set up a payouts account yet." in text
    assert "6789" not in text
    assert "6789" not in client.get(CHANGE).text
    # Setting theirs never touches anyone else's.
    client.post(
        CHANGE, payout_account_answers(account_number=SECOND_ACCOUNT, account_number_confirm=SECOND_ACCOUNT)
    )
    assert PayoutAccount.objects.get(provider=provider).account_last4 == "6789"
    assert PayoutAccount.objects.get(provider=other).account_last4 == "4321"


@pytest.mark.parametrize("url", [PAGE, CHANGE])
def test_anonymous_visitors_are_sent_to_sign_in(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Client().post(CHANGE, payout_account_answers()).status_code == 302
    assert not PayoutAccount.objects.exists()


def test_staff_without_a_provider_account_get_404(client, staff):
    client.force_login(staff)
    assert client.get(PAGE).status_code == 404
    assert client.post(CHANGE, payout_account_answers()).status_code == 404


def test_account_numbers_can_be_re_encrypted_under_a_new_key(settings, provider):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    set_payout_account(provider)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    with transaction.atomic():
        assert payout_account_numbers_rotate() == 1
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key can now be dropped
    assert secrets.decrypt(PayoutAccount.objects.get().account_number_encrypted) == ACCOUNT_NUMBER
