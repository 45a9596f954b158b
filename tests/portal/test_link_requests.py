"""'Email me my onboarding link again' (Sign In, an invalid link's page) and 'Email me a fresh link'
(an expired or replaced link's page): the link for the provider's current step, through the
outbox, rate-limited, and the same answer whether or not the address is known."""

import datetime as dt
from html import unescape

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from onboarding import links
from onboarding.models import OutboxEmail
from portal.services import link_requests
from portal.services.link_requests import LINK_AGAIN_KINDS, current_link
from tests.factories import submit_general_onboarding
from tests.helpers import element, text_at, text_of
from tests.pipeline import grant_portal_access, provider_at_forms_approved
from training.models import TrainingProgress

pytestmark = pytest.mark.django_db

ASK = reverse("portal:link_request")


@pytest.fixture(autouse=True)
def _limits_reset():
    cache.clear()


def training_done(provider):
    # The training's rows as its services leave them (the link's choice only reads them).
    now = timezone.now()
    TrainingProgress.objects.update_or_create(
        provider=provider, defaults={"webinar_completed_at": now, "quiz_passed_at": now}
    )
    return provider


def link_requests_of(provider):
    return list(OutboxEmail.objects.filter(provider=provider, step__in=LINK_AGAIN_KINDS).order_by("pk"))


def answer(client, email: str, ip: str = "203.0.113.5") -> tuple[int, str]:
    response = client.post(ASK, {"email": email}, REMOTE_ADDR=ip)
    return response.status_code, text_at(response.text, "main")


def test_sign_in_speaks_to_providers_still_onboarding_and_never_says_sign_up(client):
    page = client.get(reverse("account_login")).text
    assert "sign up" not in text_of(page).lower()
    help_text = text_at(page, "section#onboarding-sign-in-help")
    assert "You don't need a password yet" in help_text
    assert "set your password" in help_text
    form = element(page, "form#link-request-form")
    assert 'action="/onboarding-link/"' in form
    assert "Email me my onboarding link again" in text_of(form)


def test_a_provider_gets_the_link_for_their_step_once_and_an_unknown_address_the_same_answer(
    client, provider
):
    status, known = answer(client, provider.user.email.upper())
    assert status == 200
    assert "If the address belongs to a provider onboarding with Alma" in known
    [row] = link_requests_of(provider)
    assert (row.step, row.key, row.to_email) == (
        "link_again_general_onboarding",
        "request-1",
        provider.user.email,
    )

    # A second click, straight away: the same answer, nothing more sent.
    assert answer(client, provider.user.email) == (200, known)
    assert len(link_requests_of(provider)) == 1
    # An address nobody uses: word for word the same page.
    assert answer(client, "nobody@example.com") == (200, known)


def test_a_later_request_sends_again_with_the_next_key(client, provider):
    answer(client, provider.user.email)
    with time_machine.travel(
        timezone.now() + dt.timedelta(minutes=link_requests.LINK_AGAIN_QUIET_MINUTES + 1)
    ):
        answer(client, provider.user.email)
    assert [row.key for row in link_requests_of(provider)] == ["request-1", "request-2"]


def test_requests_for_one_address_stop_at_the_limit_with_the_same_answer(client, provider):
    start = timezone.now()
    answers = set()
    for minutes in range(link_requests.LINK_REQUESTS_PER_ADDRESS + 1):
        # Each request after the quiet period, each from its own address: only the address's limit applies.
        with time_machine.travel(start + dt.timedelta(minutes=16 * minutes), tick=False):
            answers.add(answer(client, provider.user.email, ip=f"203.0.113.{minutes + 10}"))
    assert len(answers) == 1
    assert len(link_requests_of(provider)) == link_requests.LINK_REQUESTS_PER_ADDRESS


def test_requests_from_one_client_address_stop_at_the_limit(client, provider):
    for n in range(link_requests.LINK_REQUESTS_PER_IP):
        answer(client, f"someone{n}@example.com")
    assert answer(client, provider.user.email)[0] == 200
    assert link_requests_of(provider) == []


def test_a_malformed_address_gets_its_error_next_to_the_field(client):
    response = client.post(ASK, {"email": "not-an-address"})
    assert response.status_code == 200
    field = element(response.text, "input#link_email")
    assert 'aria-invalid="true"' in field
    assert "link_email_error" in field
    assert "Enter an email address like name@example.com." in text_at(response.text, "div#link_email_error")


@pytest.mark.parametrize(
    ("bring", "link", "words"),
    [
        (lambda p: p, "general_onboarding", "General Onboarding form"),
        (lambda p: (submit_general_onboarding(p), p)[1], "insurance_form", "Insurance Form"),
        (provider_at_forms_approved, "set_password", "Set your password"),
        (lambda p: grant_portal_access(provider_at_forms_approved(p)), "training", "training"),
        (lambda p: training_done(grant_portal_access(provider_at_forms_approved(p))), "sign_in", "Sign in"),
        (lambda p: training_done(provider_at_forms_approved(p)), "set_password", ""),
    ],
)
def test_the_email_carries_the_link_of_the_current_step(client, provider, bring, link, words):
    provider = bring(provider)
    provider.refresh_from_db()
    assert current_link(provider) == link
    answer(client, provider.user.email)
    [row] = link_requests_of(provider)
    assert row.step == f"link_again_{link}"


def test_the_email_is_delivered_with_the_form_link(
    provider, mailoutbox, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, provider.user.email)
    [message] = [m for m in mailoutbox if m.to == [provider.user.email] and "General Onboarding" in m.subject]
    assert links.form_url(provider, links.GENERAL_ONBOARDING).rsplit("/", 2)[0] in message.body
    assert "You asked for your onboarding link again" in message.body


def test_an_expired_link_offers_a_fresh_link_with_no_address_to_type(client, provider, settings):
    path = links.form_path(provider, links.GENERAL_ONBOARDING)
    later = timezone.now() + dt.timedelta(days=settings.FORM_LINK_MAX_AGE_DAYS, hours=1)
    with time_machine.travel(later, tick=False):
        page = client.get(path)
        assert page.status_code == 410
        form = element(page.text, "form#fresh-link-form")
        assert "Email me a fresh link" in text_of(form)
        assert "link_email" not in page.text
        fields = {
            name: element(form, f"input[name={name}]").split('value="')[1].split('"')[0]
            for name in ("form", "provider_id", "token")
        }
        response = client.post(reverse("portal:fresh_link"), fields)
    assert response.status_code == 200
    assert "Check your email" in unescape(response.text)
    [row] = link_requests_of(provider)
    assert row.step == "link_again_general_onboarding"


def test_a_tampered_fresh_link_post_gets_the_same_answer_and_sends_nothing(client, provider):
    token = links.make_token(provider, links.GENERAL_ONBOARDING)
    response = client.post(
        reverse("portal:fresh_link"),
        {
            "form": links.GENERAL_ONBOARDING,
            "provider_id": str(provider.public_id),
            "token": token[:-2] + "xx",
        },
    )
    genuine = client.post(
        reverse("portal:fresh_link"),
        {"form": links.GENERAL_ONBOARDING, "provider_id": str(provider.public_id), "token": token},
    )
    assert response.status_code == genuine.status_code == 200
    assert text_at(response.text, "main") == text_at(genuine.text, "main")
    assert len(link_requests_of(provider)) == 1


def test_an_invalid_link_offers_the_address_form(client, provider):
    page = client.get(f"/onboarding/{provider.public_id}/general-onboarding/not-a-token/")
    assert page.status_code == 400
    assert "Email me my onboarding link again" in text_at(page.text, "form#link-request-form")
    assert "fresh-link-form" not in page.text
