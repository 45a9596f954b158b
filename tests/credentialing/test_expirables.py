"""Expiry reminders: exactly one email per (credential, threshold); none for a renewed one."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from credentialing import emails as credentialing_emails
from credentialing.models import ExpiryReminder, InsuranceForm, StateLicense
from credentialing.services.expirables import expirables_within, expiry_reminders_send, provider_expirables
from onboarding.models import OutboxEmail, Provider, ReviewStatus
from tests.factories import submit_general_onboarding, submit_insurance_form
from tests.helpers import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def credentialed(provider):
    submit_general_onboarding(provider)
    submit_insurance_form(provider)
    return provider


def reminders(provider) -> list[tuple[str, int]]:
    return sorted(ExpiryReminder.objects.filter(provider=provider).values_list("kind", "days_before"))


def test_one_reminder_per_credential_and_threshold_however_often_the_sweep_runs(credentialed):
    license_ = StateLicense.objects.get(insurance_form__provider=credentialed)
    today = timezone.localdate()
    StateLicense.objects.filter(pk=license_.pk).update(expiry=today + dt.timedelta(days=45))
    for _ in range(3):
        expiry_reminders_send(today=today)
    assert reminders(credentialed) == [("license", 60)]
    # 20 days later it is in the 30-day window: one more, once.
    for _ in range(3):
        expiry_reminders_send(today=today + dt.timedelta(days=20))
    assert reminders(credentialed) == [("license", 30), ("license", 60)]
    emails = OutboxEmail.objects.filter(provider=credentialed, step=credentialing_emails.EXPIRY_REMINDER)
    assert emails.count() == 2
    assert emails.first().context["reference"].startswith("NY LCSW license")


def test_a_renewed_credential_gets_no_reminder(credentialed):
    today = timezone.localdate()
    InsuranceForm.objects.filter(provider=credentialed).update(liability_expiry=today + dt.timedelta(days=25))
    expiry_reminders_send(today=today)
    assert reminders(credentialed) == [("liability", 30)]
    # Renewed for a year: the next sweeps (even at the old 7-day mark) send nothing.
    InsuranceForm.objects.filter(provider=credentialed).update(
        liability_expiry=today + dt.timedelta(days=390)
    )
    expiry_reminders_send(today=today + dt.timedelta(days=20))
    assert reminders(credentialed) == [("liability", 30)]


def test_caqh_re_attestation_is_tracked_every_120_days(credentialed):
    today = timezone.localdate()
    InsuranceForm.objects.filter(provider=credentialed).update(
        caqh_attested_on=today - dt.timedelta(days=115)
    )
    [item] = [e for e in expirables_within(today=today, days=60) if e.kind == "caqh_attestation"]
    assert item.expires_on == today + dt.timedelta(days=5)
    expiry_reminders_send(today=today)
    assert ("caqh_attestation", 7) in reminders(credentialed)


def test_the_reminder_email_names_the_credential_and_the_date(
    credentialed, django_capture_on_commit_callbacks, mailoutbox
):
    today = timezone.localdate()
    InsuranceForm.objects.filter(provider=credentialed).update(liability_expiry=today + dt.timedelta(days=6))
    with django_capture_on_commit_callbacks(execute=True):
        expiry_reminders_send(today=today)
    [message] = [m for m in mailoutbox if "expires" in m.subject]
    assert "Professional liability insurance" in message.subject
    assert "in 6 days" in message.body
    assert "PL-55821" in message.body


def test_check_expirables_lists_and_queues(credentialed, capsys):
    today = timezone.localdate()
    InsuranceForm.objects.filter(provider=credentialed).update(liability_expiry=today + dt.timedelta(days=10))
    call_command("check_expirables", "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run: 0 reminder(s) queued" in out
    assert "Liability policy PL-55821" in out
    assert not ExpiryReminder.objects.exists()
    call_command("check_expirables", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["credential"] == "Professional liability insurance"
    assert rows[0]["reminder_window"] == "30"
    assert ExpiryReminder.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--days", "-1"], "--days must be 0 or more"),
        (["--as-of", "soon"], "--as-of must be a date"),
        (["--as-of", "2026-02-30"], "--as-of must be a date"),  # well formed, but no such day
        (["--format", "xml"], "--format must be one of"),
    ],
)
def test_check_expirables_refuses_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("check_expirables", *args)


def test_staff_see_what_expires_in_the_next_60_days(client, credentialed):
    today = timezone.localdate()
    InsuranceForm.objects.filter(provider=credentialed).update(
        dea_expiry=today + dt.timedelta(days=40), dea_number="AB1234563"
    )
    client.force_login(staff_user("nobody@alma.test"))
    assert client.get(reverse("admin:expiring")).status_code == 403
    client.force_login(staff_user("cred@alma.test", "view_insuranceform"))
    page = client.get(reverse("admin:expiring")).text
    assert "DEA registration AB1234563" in page
    assert credentialed.legal_name in page


def test_the_daily_job_sends_the_reminders(credentialed, settings):
    from credentialing.tasks import send_expiry_reminders  # noqa: PLC0415

    InsuranceForm.objects.filter(provider=credentialed).update(
        liability_expiry=timezone.localdate() + dt.timedelta(days=3)
    )
    assert send_expiry_reminders.apply().get() == 1
    assert send_expiry_reminders.apply().get() == 0
    schedule = settings.CELERY_BEAT_SCHEDULE["expiry-reminders"]
    assert schedule["task"] == "credentialing.tasks.send_expiry_reminders"


def test_correcting_a_typo_in_a_number_does_not_repeat_a_reminder(credentialed):
    today = timezone.localdate()
    StateLicense.objects.filter(insurance_form__provider=credentialed).update(
        expiry=today + dt.timedelta(days=20)
    )
    expiry_reminders_send(today=today)
    StateLicense.objects.filter(insurance_form__provider=credentialed).update(number="R-081243")  # fixed typo
    expiry_reminders_send(today=today)
    assert reminders(credentialed) == [("license", 30)]


def test_the_dashboards_reading_of_one_providers_credentials_is_the_sweeps(
    credentialed, make_provider, django_assert_num_queries
):
    # Every kind expiring within 60 days, one outside it: the dashboard's reading (the form's
    # dates from the row it joined) lists what the reminder sweep's does, in its order.
    today = timezone.localdate()
    StateLicense.objects.filter(insurance_form__provider=credentialed).update(
        expiry=today + dt.timedelta(days=50)
    )
    InsuranceForm.objects.filter(provider=credentialed).update(
        liability_expiry=today + dt.timedelta(days=9),
        dea_expiry=today + dt.timedelta(days=61),
        board_expiry=today,
        caqh_attested_on=today - dt.timedelta(days=100),
    )
    # Someone else's credentials, all expiring, never join the list.
    other = make_provider()
    submit_general_onboarding(other)
    submit_insurance_form(other)
    InsuranceForm.objects.filter(provider=other).update(liability_expiry=today + dt.timedelta(days=1))
    loaded = Provider.objects.select_related("insurance_form").get(pk=credentialed.pk)
    with django_assert_num_queries(1):
        found = provider_expirables(loaded, today=today, days=60)
    assert found == expirables_within(today=today, days=60, provider_id=credentialed.pk)
    assert [item.kind for item in found] == ["board", "liability", "caqh_attestation", "license"]
    # A form still in draft counts for neither.
    InsuranceForm.objects.filter(provider=credentialed).update(status=ReviewStatus.DRAFT)
    draft = Provider.objects.select_related("insurance_form").get(pk=credentialed.pk)
    assert provider_expirables(draft, today=today, days=60) == []
    assert expirables_within(today=today, days=60, provider_id=credentialed.pk) == []
