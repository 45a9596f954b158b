"""A profile's "Contact this provider" form: the message reaches the provider once by email through
the outbox, the visitor's details are erased once it is delivered (or given up), and the form is
rate-limited per address and per profile, has a honeypot, keeps what was typed on an error, and
is not there when the provider paused new-client contact or the profile is not live."""

from html import unescape

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from directory import contact, emails
from directory import services as directory
from directory.models import ContactMessage, DirectoryProfile
from directory.tasks import publish_due_profiles
from onboarding.models import OutboxEmail
from onboarding.services import outbox_sweep
from tests.directory_factories import make_live_provider
from tests.helpers import attribute_of, element, elements, staff_user, text_at, text_of

pytestmark = pytest.mark.django_db

MESSAGE = "Hello, I am looking for a therapist for evening sessions by video. Do you have openings?"
VISITOR = {"name": "Sam  Lee", "email": "sam.lee@example.com", "phone": "", "message": MESSAGE}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The limits live in the cache (locmem here), which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def profile(live_provider) -> DirectoryProfile:
    return DirectoryProfile.objects.get(provider=live_provider)


def contact_url(profile: DirectoryProfile) -> str:
    return f"{profile.get_absolute_url()}contact/"


def send(client, profile, ip="203.0.113.7", **changes):
    data = {**VISITOR, **changes}
    return client.post(contact_url(profile), data, REMOTE_ADDR=ip)


SUBJECT = "Sam Lee sent you a message through the Alma directory"


def contact_emails(provider) -> list:
    return [m for m in mail.outbox if m.to == [provider.user.email] and m.subject == SUBJECT]


def contact_rows(provider):
    return list(OutboxEmail.objects.filter(provider=provider, step=emails.CONTACT_MESSAGE).order_by("pk"))


# --- the form on the profile page ------------------------------------------------------------------


def test_a_live_profile_has_the_contact_form_with_the_privacy_line_and_a_hidden_honeypot(client, profile):
    html = client.get(profile.get_absolute_url()).text
    form = element(html, "form#contact-form")
    assert attribute_of(form, "action") == f"{contact_url(profile)}#contact"
    assert "csrfmiddlewaretoken" in form
    assert "Please don't include health details; share those with the provider directly." in unescape(
        text_at(html, "#contact-privacy")
    )
    for name in ("name", "email", "phone", "message"):
        assert elements(form, f"label[for=id_{name}]")
    # The honeypot is inside a display:none box, so neither people nor screen readers meet it.
    honeypot_box = element(form, "div#contact-honeypot")
    assert "d-none" in attribute_of(honeypot_box, "class")
    assert 'name="leave_empty"' in honeypot_box
    assert 'tabindex="-1"' in honeypot_box


def test_a_message_reaches_the_provider_once_and_the_visitor_details_are_erased_after_delivery(
    client, profile, live_provider
):
    response = send(client, profile)  # queued; the outbox sweep below delivers it
    assert response.status_code == 302
    assert response.url == f"{profile.get_absolute_url()}contact/sent/"
    sent_page = client.get(response.url)
    assert "Your message is on its way" in text_of(sent_page.text)
    assert "Morgan Alvarez" in text_of(sent_page.text)

    [stored] = ContactMessage.objects.all()
    assert (stored.visitor_name, stored.visitor_email, stored.message) == (
        "Sam Lee",
        VISITOR["email"],
        MESSAGE,
    )
    [row] = contact_rows(live_provider)
    assert row.key == f"contact-{stored.pk}"
    assert row.to_email == live_provider.user.email

    # Not delivered yet: nothing is erased.
    assert contact.contact_messages_erase() == 0
    assert ContactMessage.objects.get().visitor_email == VISITOR["email"]

    outbox_sweep()
    outbox_sweep()  # a second sweep sends nothing again
    [message] = contact_emails(live_provider)
    body = " ".join(message.body.split())
    assert MESSAGE in body
    assert "Reply to them at sam.lee@example.com" in body
    assert "sam.lee@example.com" in message.alternatives[0][0]

    # The directory's sweep erases the visitor's details, here and in the outbox row.
    assert publish_due_profiles()["contact_messages_erased"] == 1
    erased = ContactMessage.objects.get()
    assert (erased.visitor_name, erased.visitor_email, erased.visitor_phone, erased.message) == (
        "",
        "",
        "",
        "",
    )
    assert erased.erased_at is not None
    row.refresh_from_db()
    assert row.context == {}
    assert row.sent_at is not None
    assert contact.contact_messages_erase() == 0
    outbox_sweep()
    assert len(contact_emails(live_provider)) == 1


def test_the_visitor_details_are_erased_even_when_publishing_fails(client, profile, monkeypatch):
    assert send(client, profile).status_code == 302
    outbox_sweep()

    def broken(**kwargs):
        raise RuntimeError("publishing is down")

    monkeypatch.setattr("directory.tasks.profiles_publish_due", broken)
    with pytest.raises(RuntimeError):
        publish_due_profiles()
    assert ContactMessage.objects.get().visitor_email == ""


def test_a_message_whose_email_was_given_up_is_erased_too(client, profile, live_provider):
    send(client, profile)
    [row] = contact_rows(live_provider)
    OutboxEmail.objects.filter(pk=row.pk).update(
        failed_at=timezone.now(), last_error="Gave up after 12 attempts"
    )
    assert contact.contact_messages_erase() == 1
    assert ContactMessage.objects.get().message == ""


def test_a_message_is_kept_while_a_resend_of_its_email_is_still_unsent(client, profile, live_provider):
    send(client, profile)
    [row] = contact_rows(live_provider)
    OutboxEmail.objects.filter(pk=row.pk).update(sent_at=timezone.now())
    OutboxEmail.objects.create(
        provider=live_provider,
        step=row.step,
        key=row.key,
        resend=1,
        to_email=row.to_email,
        context=row.context,
        message_id="<resend-1@alma.test>",
        due_at=timezone.now(),
    )
    assert contact.contact_messages_erase() == 0
    assert ContactMessage.objects.get().message == MESSAGE


# --- errors keep what was typed ------------------------------------------------------------------


def test_errors_sit_next_to_their_fields_and_nothing_typed_is_lost(client, profile):
    response = send(client, profile, name="", email="not-an-address", phone="call me maybe")
    assert response.status_code == 200
    html = response.text
    assert "This field is required." in text_at(html, "#id_name_error")
    assert "Enter a valid email address." in text_at(html, "#id_email_error")
    assert "digits only" in text_at(html, "#id_phone_error")
    email_input = element(html, "input#id_email")
    assert attribute_of(email_input, "value") == "not-an-address"
    assert "id_email_error" in attribute_of(email_input, "aria-describedby")
    assert attribute_of(element(html, "input#id_phone"), "value") == "call me maybe"
    assert MESSAGE in unescape(text_at(html, "textarea#id_message"))
    assert "Your message was not sent yet" in text_at(html, "#contact-error")
    assert not ContactMessage.objects.exists()
    assert not OutboxEmail.objects.filter(step=emails.CONTACT_MESSAGE).exists()


# --- honeypot, rate limits, CSRF -------------------------------------------------------------------


def test_a_filled_honeypot_looks_sent_but_stores_and_emails_nothing(client, profile):
    response = send(client, profile, leave_empty="http://spam.example")
    assert response.status_code == 302
    assert response.url.endswith("/contact/sent/")
    assert not ContactMessage.objects.exists()
    assert not OutboxEmail.objects.filter(step=emails.CONTACT_MESSAGE).exists()


def test_one_address_may_send_five_messages_an_hour(client, profile):
    for _ in range(contact.CONTACT_LIMIT_PER_IP):
        assert send(client, profile).status_code == 302
    refused = send(client, profile)
    assert refused.status_code == 429
    assert "Please wait an hour and try again." in text_at(refused.text, "#contact-error")
    assert MESSAGE in unescape(text_at(refused.text, "textarea#id_message"))  # kept for later
    assert ContactMessage.objects.count() == contact.CONTACT_LIMIT_PER_IP
    # Someone else is not held back by it.
    assert send(client, profile, ip="198.51.100.20").status_code == 302


def test_one_address_may_send_one_profile_only_a_few_messages_a_day(client, profile, monkeypatch):
    monkeypatch.setattr(contact, "CONTACT_LIMIT_PER_IP", 100)
    for _ in range(contact.CONTACT_LIMIT_PER_ADDRESS_AND_PROFILE):
        assert send(client, profile, ip="198.51.100.7").status_code == 302
    refused = send(client, profile, ip="198.51.100.7")
    assert refused.status_code == 429
    assert "Please wait for their reply." in text_at(refused.text, "#contact-error")
    # Neither another visitor to this profile nor this visitor to another profile is held back.
    assert send(client, profile, ip="198.51.100.8").status_code == 302
    other = DirectoryProfile.objects.get(provider=make_live_provider(legal_name="Riley Chen"))
    assert send(client, other, ip="198.51.100.7").status_code == 302


def test_one_profile_takes_a_limited_number_of_messages_a_day_from_any_address(client, profile, monkeypatch):
    monkeypatch.setattr(contact, "CONTACT_LIMIT_PER_PROFILE", 2)
    assert send(client, profile, ip="198.51.100.1").status_code == 302
    assert send(client, profile, ip="198.51.100.2").status_code == 302
    refused = send(client, profile, ip="198.51.100.3")
    assert refused.status_code == 429
    assert "has had many messages today" in text_at(refused.text, "#contact-error")
    assert ContactMessage.objects.count() == 2
    other = DirectoryProfile.objects.get(provider=make_live_provider(legal_name="Riley Chen"))
    assert send(client, other, ip="198.51.100.3").status_code == 302


def test_the_form_needs_its_csrf_token(profile):
    strict = Client(enforce_csrf_checks=True)
    assert send(strict, profile).status_code == 403
    assert not ContactMessage.objects.exists()


# --- paused, hidden, not live ------------------------------------------------------------------------


def test_a_paused_provider_shows_the_note_instead_of_the_form_and_takes_no_message(
    client, profile, live_provider
):
    directory.profile_accepting_set(provider=live_provider, accepting=False, actor=live_provider.user)
    html = client.get(profile.get_absolute_url()).text
    assert "Not accepting new clients right now" in text_of(html)
    assert "not accepting new clients right now" in text_at(html, "#not-accepting-note")
    assert not elements(html, "form#contact-form")
    assert send(client, profile).status_code == 409
    assert not ContactMessage.objects.exists()
    # And the "accepting new clients" search leaves them out.
    assert profile.slug not in client.get("/directory/?accepting=on").text
    assert profile.slug in client.get("/directory/").text


def test_a_hidden_profile_has_no_form_and_takes_no_message(client, profile):
    directory.profile_hide(profile=profile, actor=staff_user(), reason="Checking a complaint")
    assert client.get(profile.get_absolute_url()).status_code == 404
    assert send(client, profile).status_code == 404
    assert client.get(f"{contact_url(profile)}sent/").status_code == 404
    assert not ContactMessage.objects.exists()
