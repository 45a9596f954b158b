"""The outbox as infrastructure: the email kinds are declared by the apps that send them
(onboarding.email_kinds), one email per (provider, kind, key), and the migration that turned the
overloaded `round` into that key maps every old row."""

import copy
import importlib

import pytest
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from credentialing import emails as credentialing_emails
from directory import emails as directory_emails
from onboarding import email_kinds
from onboarding.email_kinds import EmailKind, EmailKindAlreadyRegistered, UnknownEmailKind
from onboarding.models import OutboxEmail
from onboarding.services.outbox import OutgoingEmail, outbox_deliver, outbox_enqueue, outbox_enqueue_many
from tests.factories import ProviderFactory

backfill = importlib.import_module("onboarding.migrations.0013_outbox_email_key")

BEFORE = ("onboarding", "0012_provider_details_change")
AFTER = ("onboarding", "0013_outbox_email_key")


# --- The registry ---------------------------------------------------------------------------------


def test_every_installed_app_declares_its_own_kinds_with_all_three_templates():
    codes = {kind.code for kind in email_kinds.kinds()}
    assert {
        "general_onboarding",  # onboarding
        "insurance_form",  # credentialing
        "payer_application_approved",
        "webinar",  # training
        "help_ticket_reply",  # helpdesk
        "payout_account_changed",  # practice
        "profile_taken_down",  # directory
        "portal_access",  # portal
    } <= codes
    for kind in email_kinds.kinds():
        for suffix in (".subject.txt", ".txt", ".html"):
            get_template(kind.template + suffix)  # raises TemplateDoesNotExist


def test_registering_a_code_twice_is_refused():
    taken = EmailKind(
        code=credentialing_emails.INSURANCE_FORM,
        label="Another Insurance Form email",
        action_url=lambda provider: "https://example.test/",
        timeline="something",
    )
    with pytest.raises(EmailKindAlreadyRegistered, match="insurance_form"):
        email_kinds.register(taken)
    assert email_kinds.kind(credentialing_emails.INSURANCE_FORM).label == "Insurance Form"


def test_a_code_that_cannot_be_a_template_name_is_refused():
    with pytest.raises(ValueError, match="lower-case"):
        EmailKind(code="Payer Denied!", label="x", action_url=lambda provider: "", timeline="x")


@pytest.mark.django_db
def test_an_unknown_kind_is_refused_before_anything_is_written():
    provider = ProviderFactory()
    before = OutboxEmail.objects.count()
    with pytest.raises(UnknownEmailKind, match="payer_denied_typo"):
        outbox_enqueue(provider=provider, kind="payer_denied_typo", now=timezone.now())
    with pytest.raises(UnknownEmailKind):
        outbox_enqueue_many(
            emails=[
                OutgoingEmail(provider_id=provider.pk, to_email=provider.email, kind="payer_denied_typo")
            ],
            now=timezone.now(),
        )
    assert OutboxEmail.objects.count() == before


@pytest.mark.django_db
def test_only_kinds_declared_bulk_are_queued_in_bulk():
    provider = ProviderFactory()
    single = OutgoingEmail(
        provider_id=provider.pk, to_email=provider.email, kind=credentialing_emails.INSURANCE_FORM
    )
    with pytest.raises(ValueError, match="not declared bulk"):
        outbox_enqueue_many(emails=[single], now=timezone.now())


@pytest.mark.django_db
def test_one_email_per_provider_kind_and_key():
    provider = ProviderFactory()
    now = timezone.now()
    outbox_enqueue(provider=provider, kind=credentialing_emails.EXPIRY_REMINDER, key="reminder-1", now=now)
    outbox_enqueue(provider=provider, kind=credentialing_emails.EXPIRY_REMINDER, key="reminder-2", now=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        outbox_enqueue(
            provider=provider, kind=credentialing_emails.EXPIRY_REMINDER, key="reminder-1", now=now
        )
    # In bulk, a repeat is skipped without an error (the directory's sweep queues again and again).
    live = OutgoingEmail(provider_id=provider.pk, to_email=provider.email, kind=directory_emails.PROFILE_LIVE)
    outbox_enqueue_many(emails=[live], now=now)
    outbox_enqueue_many(emails=[live, live], now=now)
    assert OutboxEmail.objects.filter(provider=provider, step=directory_emails.PROFILE_LIVE).count() == 1
    assert (
        OutboxEmail.objects.filter(provider=provider, step=credentialing_emails.EXPIRY_REMINDER).count() == 2
    )


def test_a_bulk_enqueue_makes_message_ids_the_way_a_single_one_does(db):
    provider = ProviderFactory()
    [single] = OutboxEmail.objects.filter(provider=provider)  # the General Onboarding email
    outbox_enqueue_many(
        emails=[
            OutgoingEmail(
                provider_id=provider.pk, to_email=provider.email, kind=directory_emails.PROFILE_LIVE
            )
        ],
        now=timezone.now(),
    )
    bulk = OutboxEmail.objects.get(provider=provider, step=directory_emails.PROFILE_LIVE)
    domain = f"@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"
    assert single.message_id.endswith(domain)
    assert bulk.message_id.endswith(domain)
    assert len(bulk.message_id) == len(single.message_id)


# --- A new kind needs only its own app -----------------------------------------------------------------


@pytest.fixture
def feature_kind(settings, tmp_path):
    """An email kind declared the way a feature app declares one, with templates in a directory
    of its own: nothing in onboarding changes, no migration runs."""
    folder = tmp_path / "templates" / "feature" / "emails"
    folder.mkdir(parents=True)
    (folder / "thanks.subject.txt").write_text("Thanks, {{ provider.legal_name }}\n")
    (folder / "thanks.txt").write_text("We saw {{ what }} & more. Open: {{ action_url }}\n")
    (folder / "thanks.html").write_text(
        '{% extends "emails/base.html" %}{% block body %}<p>We saw {{ what }}</p>{% endblock %}'
        "{% block action %}Open{% endblock %}"
    )
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path / "templates"]
    settings.TEMPLATES = templates
    kind = EmailKind(
        code="feature_thanks",
        label="Thanks from a feature",
        action_url=lambda provider: f"{settings.SITE_URL}{reverse('home')}?from=feature",
        timeline="thanks from a feature",
        template="feature/emails/thanks",
    )
    email_kinds.register(kind)
    yield kind
    email_kinds.unregister(kind.code)


@pytest.mark.django_db
def test_a_kind_registered_by_a_feature_is_queued_and_delivered_with_its_own_templates(feature_kind):
    provider = ProviderFactory(legal_name="Jordan O'Brien")
    row = outbox_enqueue(
        provider=provider, kind=feature_kind.code, key="thing-1", now=timezone.now(), context={"what": "A"}
    )
    mail.outbox = []
    assert outbox_deliver(email_id=row.pk) == "sent"
    [message] = mail.outbox
    assert message.subject == "Thanks, Jordan O'Brien"  # a subject is never HTML-escaped
    assert message.body == f"We saw A & more. Open: {settings.SITE_URL}/?from=feature\n"
    assert "We saw A" in message.alternatives[0][0]
    assert message.extra_headers["Message-ID"] == row.message_id
    assert email_kinds.timeline(feature_kind.code) == "thanks from a feature"  # the dashboard's words
    row.refresh_from_db()
    assert (row.kind_label, str(row)) == (
        "Thanks from a feature",
        f"Thanks from a feature email to {provider.email} (thing-1)",
    )


@pytest.mark.django_db
def test_the_outbox_admin_filters_and_names_rows_by_the_registrys_labels(admin_client):
    provider = ProviderFactory()
    outbox_enqueue(
        provider=provider, kind=credentialing_emails.EXPIRY_REMINDER, key="reminder-3", now=timezone.now()
    )
    url = reverse("admin:onboarding_outboxemail_changelist")
    page = admin_client.get(url)
    assert "Payer application denied" in page.text  # a kind with no rows yet is offered too
    filtered = admin_client.get(url, {"step": credentialing_emails.EXPIRY_REMINDER})
    [row] = filtered.context["cl"].result_list
    assert row.key == "reminder-3"
    assert "A credential expires soon" in filtered.text


# --- The backfill from `round` ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "round_", "key"),
    [
        ("general_onboarding", 1, ""),
        ("insurance_form", 1, ""),
        ("webinar", 1, ""),
        ("onboarding_complete", 1, ""),
        ("profile_live", 1, ""),
        ("general_onboarding_changes", 2, "round-2"),
        ("insurance_form_changes", 1, "round-1"),
        ("portal_access", 1, ""),
        ("portal_access", 3, "send-3"),
        ("help_ticket_received", 17, "ticket-17"),
        ("help_ticket_reply", 5, "reply-5"),
        ("payout_account_changed", 3, "payout-v3"),
        ("bio_sent_back", 4, "event-4"),
        ("expiry_reminder", 9, "reminder-9"),
        ("webinar", 7, "round-7"),  # a once-only kind with another round stays apart
        ("some_retired_kind", 2, "round-2"),
    ],
)
def test_each_old_round_becomes_a_readable_key_and_back(step, round_, key):
    assert backfill.key_for(step, round_) == key
    assert backfill.round_for(key) == round_


@pytest.mark.django_db(transaction=True)
def test_the_migration_backfills_the_keys_of_existing_rows_and_keeps_them_apart():
    provider = ProviderFactory()  # its General Onboarding email is one of the rows
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps.get_model("onboarding", "OutboxEmail")
        now = timezone.now()
        for step, round_ in [
            ("help_ticket_received", 17),
            ("help_ticket_received", 18),
            ("portal_access", 1),
            ("portal_access", 2),
            ("general_onboarding_changes", 2),
            ("payout_account_changed", 3),
            ("expiry_reminder", 9),
            ("webinar", 7),
            ("some_retired_kind", 2),
        ]:
            old.objects.create(
                provider_id=provider.pk,
                step=step,
                round=round_,
                to_email=provider.email,
                message_id=f"<{step}-{round_}@alma.test>",
                due_at=now,
            )
        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
        new = executor.loader.project_state([AFTER]).apps.get_model("onboarding", "OutboxEmail")
        assert sorted(new.objects.filter(provider_id=provider.pk).values_list("step", "key")) == [
            ("expiry_reminder", "reminder-9"),
            ("general_onboarding", ""),
            ("general_onboarding_changes", "round-2"),
            ("help_ticket_received", "ticket-17"),
            ("help_ticket_received", "ticket-18"),
            ("payout_account_changed", "payout-v3"),
            ("portal_access", ""),
            ("portal_access", "send-2"),
            ("some_retired_kind", "round-2"),
            ("webinar", "round-7"),
        ]
        # And back: every row keeps its round, sent or not.
        executor = MigrationExecutor(connection)
        executor.migrate([BEFORE])
        back = executor.loader.project_state([BEFORE]).apps.get_model("onboarding", "OutboxEmail")
        assert sorted(back.objects.filter(provider_id=provider.pk).values_list("step", "round")) == [
            ("expiry_reminder", 9),
            ("general_onboarding", 1),
            ("general_onboarding_changes", 2),
            ("help_ticket_received", 17),
            ("help_ticket_received", 18),
            ("payout_account_changed", 3),
            ("portal_access", 1),
            ("portal_access", 2),
            ("some_retired_kind", 2),
            ("webinar", 7),
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_registry_names_the_kinds_sent_to_staff_rather_than_to_the_provider():
    staff = email_kinds.staff_notice_codes()
    assert {"exclusion_match_confirmed", "recredentialing_reminder_staff"} <= staff
    # The provider's own notices are not among them.
    assert "recredentialing_reminder" not in staff
    assert "credentialing_decision" not in staff
    assert all(email_kinds.kind(code).staff_notice for code in staff)
