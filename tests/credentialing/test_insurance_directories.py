"""The portal's Insurance & Directories page: each payer's status and dates, requesting
credentialing, programs, and unenrolling with a confirmation step."""

import datetime as dt
import importlib
from html import unescape

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from credentialing.models import (
    ApplicationStatus,
    Payer,
    PayerApplication,
    Program,
    ProgramEnrollment,
)
from credentialing.services import applications as services
from tests.credentialing_factories import PayerFactory, ProgramFactory, make_application
from tests.factories import ProviderFactory
from tests.helpers import count_queries, elements, text_at, text_of

pytestmark = pytest.mark.django_db

S = ApplicationStatus
PAGE = reverse("insurance:overview")
OUT_OF_NETWORK = "Out-of-network until your first payer approves you: you can see cash-pay clients meanwhile."


@pytest.fixture
def payer(db):
    return PayerFactory(name="Evergreen Health", slug="evergreen", states=["NY", "NJ"])


@pytest.fixture
def eap(payer):
    return ProgramFactory(payer=payer, name="Evergreen EAP")


@pytest.fixture
def reference_payers(db):
    # The seed migration's own function: a transactional test elsewhere may have emptied the tables.
    importlib.import_module("credentialing.migrations.0002_seed_payers_and_programs").seed(apps, None)


def page_html(client) -> str:
    response = client.get(PAGE)
    assert response.status_code == 200
    return response.text


def page_text(client) -> str:
    return text_of(page_html(client))


def card(html: str, payer_slug: str) -> str:
    """The text of one payer's card."""
    return text_at(html, f"section[data-payer={payer_slug}]")


def test_anonymous_visitors_are_sent_to_sign_in(client, payer):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/insurance/" in response["Location"]
    posted = client.post(reverse("insurance:request", args=[payer.slug]))
    assert posted.status_code == 302
    assert not PayerApplication.objects.exists()


def test_a_member_of_staff_without_a_provider_account_gets_404(client, staff):
    client.force_login(staff)
    assert client.get(PAGE).status_code == 404


def test_a_new_provider_is_out_of_network_and_can_request_any_payer(signed_in, payer, eap, reference_payers):
    html = page_html(signed_in)
    text = text_of(html)
    assert OUT_OF_NETWORK in text
    evergreen = card(html, "evergreen")
    assert "Not requested" in evergreen
    assert "Serves: NJ, NY" in evergreen
    assert "Request credentialing" in evergreen
    assert "Unenroll" not in evergreen
    # The program is shown but cannot be joined yet, and says why.
    assert "Evergreen EAP" in evergreen
    assert "Open once Evergreen Health approves you." in evergreen
    # The reference payers and their EAPs are there out of the box.
    assert "Aetna Resources For Living" in card(html, "aetna")
    assert "All states and DC" in card(html, "aetna")


def test_requesting_credentialing(signed_in, provider, payer):
    response = signed_in.post(reverse("insurance:request", args=[payer.slug]))
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#payer-evergreen"
    application = PayerApplication.objects.get(provider=provider, payer=payer)
    assert application.status == S.REQUESTED
    assert application.events.get().actor == provider.user

    html = signed_in.get(response["Location"]).text
    assert "Credentialing with Evergreen Health requested." in text_of(html)
    evergreen = card(html, "evergreen")
    assert "Requested" in evergreen
    assert f"{timezone.localdate():%b} " in evergreen
    assert "Request credentialing" not in evergreen
    assert "Unenroll from Evergreen Health" in evergreen


def test_requesting_twice_is_refused_with_a_message(signed_in, provider, payer):
    signed_in.post(reverse("insurance:request", args=[payer.slug]))
    again = signed_in.post(reverse("insurance:request", args=[payer.slug]), follow=True)
    assert "it cannot be requested again" in unescape(again.text)
    assert PayerApplication.objects.get(provider=provider).events.count() == 1


def test_actions_only_answer_post(signed_in, provider, payer, eap):
    assert signed_in.get(reverse("insurance:request", args=[payer.slug])).status_code == 405
    assert signed_in.get(reverse("insurance:enroll", args=[eap.pk])).status_code == 405
    assert not PayerApplication.objects.exists()


def test_a_submitted_application_shows_its_dates_and_when_it_is_late(signed_in, provider, payer):
    submitted_at = timezone.now() - dt.timedelta(days=50)
    make_application(provider=provider, payer=payer, status=S.SUBMITTED, submitted_at=submitted_at)
    evergreen = card(page_html(signed_in), "evergreen")
    expected = timezone.localdate(submitted_at + dt.timedelta(days=45))
    assert "Submitted to payer" in evergreen
    assert f"Submitted to Evergreen Health {timezone.localdate(submitted_at):%b} " in evergreen
    assert f"Decision expected by {expected:%b} {expected.day}, {expected.year}" in evergreen
    assert (
        "Past the expected date: Alma's credentialing team is following up with Evergreen Health."
        in evergreen
    )


def test_an_approval_sets_the_effective_start_date_at_the_top(signed_in, provider, payer):
    make_application(provider=provider, payer=payer, status=S.APPROVED, effective_date=dt.date(2026, 1, 5))
    html = page_html(signed_in)
    assert OUT_OF_NETWORK not in text_of(html)
    assert "Effective start date: Jan 5, 2026." in text_of(html)
    assert "Effective date Jan 5, 2026" in card(html, "evergreen")


def test_an_approval_effective_later_keeps_the_provider_out_of_network_until_then(signed_in, provider, payer):
    start = timezone.localdate() + dt.timedelta(days=20)
    make_application(provider=provider, payer=payer, status=S.APPROVED, effective_date=start)
    text = page_text(signed_in)
    assert f"Your effective start date is {start:%b} {start.day}, {start.year}." in text
    assert "Until then you are out-of-network" in text


def test_a_denial_shows_the_reason_and_the_provider_can_request_again(signed_in, provider, payer):
    make_application(provider=provider, payer=payer, status=S.DENIED, reason="Panel closed for LCSWs in NY")
    evergreen = card(page_html(signed_in), "evergreen")
    assert "Denied" in evergreen
    assert "Reason Panel closed for LCSWs in NY" in evergreen
    assert "Request credentialing again" in evergreen
    assert "Unenroll" not in evergreen

    signed_in.post(reverse("insurance:request", args=[payer.slug]))
    assert PayerApplication.objects.get(provider=provider).status == S.REQUESTED


def test_a_provider_sees_only_their_own_applications(signed_in, provider, payer):
    other = ProviderFactory(legal_name="Someone Else")
    make_application(provider=other, payer=payer, status=S.DENIED, reason="Other provider's reason")
    other_payer = PayerFactory(name="Northwind Health", slug="northwind")
    make_application(provider=provider, payer=other_payer, status=S.SUBMITTED)

    html = page_html(signed_in)
    evergreen = card(html, "evergreen")
    assert "Other provider's reason" not in text_of(html)
    assert "Not requested" in evergreen
    assert "Submitted to payer" in card(html, "northwind")
    # Nor can they act on the other provider's application.
    assert signed_in.get(reverse("insurance:unenroll", args=[payer.slug])).status_code == 404


def test_enrolling_in_and_leaving_a_program(signed_in, provider, payer, eap):
    make_application(provider=provider, payer=payer, status=S.APPROVED)
    assert "Open once" not in card(page_html(signed_in), "evergreen")

    enrolled = signed_in.post(reverse("insurance:enroll", args=[eap.pk]), follow=True)
    assert "You are enrolled in Evergreen EAP." in unescape(enrolled.text)
    assert ProgramEnrollment.objects.get(provider=provider, program=eap).left_at is None
    assert "Enrolled since" in card(page_html(signed_in), "evergreen")

    left = signed_in.post(reverse("insurance:leave", args=[eap.pk]), follow=True)
    assert "You have left Evergreen EAP." in unescape(left.text)
    assert not ProgramEnrollment.objects.filter(provider=provider, left_at__isnull=True).exists()
    assert "Enrolled since" not in card(page_html(signed_in), "evergreen")


def test_enrolling_before_the_payer_approves_is_refused_with_the_reason(signed_in, provider, payer, eap):
    make_application(provider=provider, payer=payer, status=S.SUBMITTED)
    response = signed_in.post(reverse("insurance:enroll", args=[eap.pk]), follow=True)
    assert "Evergreen EAP is open once Evergreen Health has approved you" in unescape(response.text)
    assert not ProgramEnrollment.objects.exists()


def test_unenrolling_asks_for_confirmation_then_withdraws_and_ends_programs(signed_in, provider, payer, eap):
    make_application(provider=provider, payer=payer, status=S.APPROVED)
    services.program_enroll(provider=provider, program=eap, actor=provider.user)
    confirm_url = reverse("insurance:unenroll", args=[payer.slug])

    confirm = signed_in.get(confirm_url)
    text = " ".join(unescape(confirm.text).split())
    assert "Unenroll from Evergreen Health?" in text
    assert "you will no longer be able to see clients on Evergreen Health" in text
    assert "Your enrollment in Evergreen EAP will end." in text
    assert PayerApplication.objects.get(provider=provider).status == S.APPROVED  # nothing yet

    done = signed_in.post(confirm_url, follow=True)
    assert "You have unenrolled from Evergreen Health." in unescape(done.text)
    application = PayerApplication.objects.get(provider=provider)
    assert application.status == S.WITHDRAWN
    assert application.events.last().actor == provider.user
    assert ProgramEnrollment.objects.get(provider=provider).left_at is not None

    html = page_html(signed_in)
    evergreen = card(html, "evergreen")
    assert "Unenrolled on" in evergreen
    assert "Request credentialing again" in evergreen
    assert OUT_OF_NETWORK in text_of(html)


def test_unenrolling_needs_the_csrf_token(provider, payer):
    make_application(provider=provider, payer=payer, status=S.APPROVED)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(provider.user)
    assert strict.post(reverse("insurance:unenroll", args=[payer.slug])).status_code == 403
    assert PayerApplication.objects.get(provider=provider).status == S.APPROVED


def test_nothing_to_unenroll_from_after_a_denial(signed_in, provider, payer):
    make_application(provider=provider, payer=payer, status=S.DENIED)
    response = signed_in.get(reverse("insurance:unenroll", args=[payer.slug]), follow=True)
    assert "There is nothing to unenroll from with Evergreen Health." in unescape(response.text)
    assert PayerApplication.objects.get(provider=provider).status == S.DENIED


STATUSES = [S.APPROVED, S.SUBMITTED, S.DENIED, S.REQUESTED, S.WITHDRAWN, None]


def add_payers(count: int, provider) -> None:
    """More payers, each with two programs and the provider's application in every status in turn
    (none for every sixth); enrolled in one program of each approving payer."""
    for _ in range(count):
        status = STATUSES[Payer.objects.count() % len(STATUSES)]
        payer = PayerFactory()
        programs = ProgramFactory.create_batch(2, payer=payer)
        if status:
            make_application(provider=provider, payer=payer, status=status)
        if status == S.APPROVED:
            services.program_enroll(provider=provider, program=programs[0], actor=provider.user)
    # Another provider's application on the same payers must not add queries either.
    make_application(provider=ProviderFactory(), payer=payer, status=S.SUBMITTED)


def test_the_page_costs_the_same_with_5_and_20_payers(signed_in, provider, django_assert_num_queries):
    Program.objects.all().delete()  # only the payers made here (the reference ones have no rows yet)
    Payer.objects.all().delete()
    add_payers(5, provider)
    at_5 = count_queries(signed_in, PAGE)
    add_payers(15, provider)
    assert count_queries(signed_in, PAGE) == at_5
    # session, user, provider; effective start date, payers, applications, programs, enrollments,
    # the provider's licensed states; not the payers' decision history, the same for every
    # provider: count_queries read it into the cache (credentialing.turnaround), and the events
    # add_payers wrote since moved its generation on, so the first count_queries after them read it
    with django_assert_num_queries(9):
        html = page_html(signed_in)
    assert len(elements(html, "section[data-payer]")) == 20
    assert text_of(html).count("Enrolled since") == 4  # payers 1, 7, 13 and 19 approved the provider
