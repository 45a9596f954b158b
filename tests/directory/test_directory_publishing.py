"""Publishing directory profiles on exactly the right day: the events that publish at once, the
set-based sweep (1,000 providers in mixed states), its reasons, its single email, and the
operator's `publish_profiles`."""

import csv
import datetime as dt
import io
import random

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from alma.celery import app as celery_app
from credentialing.models import ApplicationStatus, PayerApplication
from credentialing.services import applications as credentialing
from directory import emails as directory_emails
from directory import services as directory
from directory.errors import ProfileOffboarded, PublishDateRefused
from directory.golive import go_live_decision
from directory.models import DirectoryProfile, ProfileEvent
from directory.tasks import publish_due_profiles
from onboarding.models import OutboxEmail
from onboarding.services import outbox_sweep
from onboarding.tasks import onboarding_sweep
from tests.credentialing_factories import PayerFactory, make_application
from tests.directory_factories import Setup, bulk_providers, committed, finish_training, ready_provider
from tests.factories import ProviderFactory, submit_general_onboarding
from tests.helpers import NEW_YORK, days_ago

pytestmark = pytest.mark.django_db

E = ProfileEvent.Kind


def ny(year, month, day, hour=0, minute=5) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def profile_of(provider) -> DirectoryProfile:
    return DirectoryProfile.objects.get(provider=provider)


def events(provider, *kinds) -> list[ProfileEvent]:
    found = ProfileEvent.objects.filter(profile__provider=provider).order_by("pk")
    return list(found.filter(kind__in=kinds) if kinds else found)


def live_emails(provider=None):
    rows = OutboxEmail.objects.filter(step=directory_emails.PROFILE_LIVE)
    return rows.filter(provider=provider) if provider else rows


# --- the profile ---------------------------------------------------------------------------------


def test_the_profile_is_built_from_the_approved_general_onboarding_form():
    provider = ProviderFactory(legal_name="Jordan Rivera")
    assert directory.profiles_create_missing() == 0
    submit_general_onboarding(provider)
    provider.refresh_from_db()
    # Submitted but not approved: nothing to build from yet.
    assert directory.profiles_create_missing() == 0
    twin = ProviderFactory(legal_name="Jordan Rivera")
    ready_provider(effective=None, provider=provider)
    ready_provider(effective=None, provider=twin)

    assert directory.profiles_create_missing() == 2
    mine, theirs = profile_of(provider), profile_of(twin)
    form = provider.general_onboarding
    assert mine.slug == "jordan-rivera"
    assert theirs.slug.startswith("jordan-rivera-")
    assert mine.name_with_credentials == "Jordan Rivera, LCSW"
    assert mine.bio == form.bio
    assert mine.specialties == ["anxiety", "trauma"]
    assert mine.languages == ["en"]
    assert mine.states_licensed == ["NY", "NJ"]
    assert mine.offers_telehealth
    assert (mine.office_city, mine.office_state, mine.office_postal_code) == ("New York", "NY", "10001")
    assert mine.accepting_new_clients
    assert not mine.is_live
    # Built once: a second run leaves the slugs (the public URLs) as they are.
    assert directory.profiles_create_missing() == 0
    assert profile_of(twin).slug == theirs.slug


# --- events that publish at once -------------------------------------------------------------------


def test_a_payer_approval_with_a_past_effective_date_publishes_at_once(django_capture_on_commit_callbacks):
    provider = ready_provider(
        effective=None, trained_at=timezone.now() - dt.timedelta(days=30), contracted_start_date=days_ago(20)
    )
    application = make_application(
        provider=provider, payer=PayerFactory(name="Evergreen Health"), status="submitted"
    )
    with django_capture_on_commit_callbacks(execute=True):
        credentialing.application_approve(application=application, effective_date=days_ago(5), actor=None)

    profile = profile_of(provider)
    assert profile.is_live
    [published] = events(provider, E.PUBLISHED)
    assert published.trigger == "payer approved"
    assert published.reason == f"go-live date {days_ago(5):%Y-%m-%d} (credentialing effective date) has come"
    # The provider hears about it, with a link to the public page.
    [email] = [m for m in mail.outbox if "directory profile is live" in m.subject]
    assert email.to == [provider.user.email]
    assert f"/directory/{profile.slug}/" in email.body


def test_an_approval_effective_later_waits_for_that_day_in_the_company_time_zone():
    effective = timezone.localdate() + dt.timedelta(days=3)
    provider = ready_provider(
        effective=effective,
        trained_at=timezone.now() - dt.timedelta(days=2),
        contracted_start_date=timezone.localdate() + dt.timedelta(days=1),
    )
    assert not profile_of(provider).is_live
    eve = effective - dt.timedelta(days=1)
    # 23:59 in New York the evening before is already the go-live day in UTC: not yet.
    assert directory.profiles_publish_due(now=ny(eve.year, eve.month, eve.day, 23, 59)).changes == []
    assert not profile_of(provider).is_live
    # The midnight job, five minutes into the day.
    result = directory.profiles_publish_due(now=ny(effective.year, effective.month, effective.day, 0, 5))
    assert [change.provider_id for change in result.published] == [provider.pk]
    assert profile_of(provider).is_live


def test_training_finished_late_in_the_evening_counts_for_that_day():
    provider = ready_provider(
        effective=dt.date(2026, 3, 2), contracted_start_date=dt.date(2026, 3, 2), trained_at=None
    )
    # 23:30 in New York on Apr 7 is Apr 8 in UTC; the go-live day is Apr 7.
    finish_training(provider, ny(2026, 4, 7, 23, 30))
    result = directory.profile_publish_if_due(provider=provider, now=ny(2026, 4, 7, 23, 45))
    [change] = result.published
    assert change.go_live_on == dt.date(2026, 4, 7)
    assert change.reason == "go-live date 2026-04-07 (training completed) has come"


def test_training_completion_publishes_at_once_and_only_once():
    provider = ready_provider(effective=days_ago(10), contracted_start_date=days_ago(20))
    assert directory.profile_publish_if_due(provider=provider).changes == []  # not trained yet
    finish_training(provider, timezone.now())
    result = directory.profile_publish_if_due(provider=provider)
    assert len(result.published) == 1
    assert profile_of(provider).is_live
    assert [e.trigger for e in events(provider, E.PUBLISHED)] == ["training completed"]
    # Called again (a retried task, a second completion): nothing changes, no second email row.
    assert directory.profile_publish_if_due(provider=provider).changes == []
    assert live_emails(provider).count() == 1


def test_withdrawing_the_only_approved_payer_takes_the_profile_down(client):
    provider = ready_provider(
        effective=days_ago(10),
        trained_at=timezone.now() - dt.timedelta(days=2),
        contracted_start_date=days_ago(20),
    )
    directory.profile_publish_if_due(provider=provider)
    profile = profile_of(provider)
    assert client.get(profile.get_absolute_url()).status_code == 200

    with committed():
        credentialing.application_withdraw(
            application=PayerApplication.objects.get(provider=provider), actor=provider.user
        )

    assert not profile_of(provider).is_live
    [down] = events(provider, E.UNPUBLISHED)
    assert down.trigger == "payer withdrawn"
    assert down.reason.startswith("blocked: no approved payer")
    assert client.get(profile.get_absolute_url()).status_code == 404


def test_withdrawing_the_earliest_payer_moves_the_go_live_to_the_next_one():
    provider = ready_provider(
        effective=days_ago(10),
        trained_at=timezone.now() - dt.timedelta(days=30),
        contracted_start_date=days_ago(20),
    )
    later = timezone.localdate() + dt.timedelta(days=14)
    with committed():
        make_application(provider=provider, payer=PayerFactory(), status="approved", effective_date=later)
    assert profile_of(provider).is_live
    earliest = PayerApplication.objects.get(provider=provider, effective_date=days_ago(10))
    with committed():
        credentialing.application_withdraw(application=earliest, actor=provider.user)
    assert not profile_of(provider).is_live
    [down] = events(provider, E.UNPUBLISHED)
    assert down.reason == f"go-live date {later:%Y-%m-%d} (credentialing effective date) is still ahead"


def test_a_bulk_approval_in_admin_publishes_every_provider_it_makes_due():
    payer = PayerFactory()
    providers = [
        ready_provider(
            effective=None,
            trained_at=timezone.now() - dt.timedelta(days=3),
            contracted_start_date=days_ago(9),
        )
        for _ in range(3)
    ]
    ids = [make_application(provider=p, payer=payer, status="submitted").pk for p in providers]
    with committed():
        credentialing.application_approve_many(application_ids=ids, effective_date=days_ago(1), actor=None)
    assert all(profile_of(p).is_live for p in providers)


def test_staff_hide_takes_the_profile_down_and_unhide_publishes_it_at_once(staff):
    provider = ready_provider(
        effective=days_ago(10),
        trained_at=timezone.now() - dt.timedelta(days=30),
        contracted_start_date=days_ago(20),
    )
    profile = profile_of(provider)
    assert profile.is_live

    directory.profile_hide(profile=profile, actor=staff, reason="Photo under review")
    profile.refresh_from_db()
    assert not profile.is_live
    assert (profile.hidden_by, profile.hidden_reason) == (staff, "Photo under review")
    assert [e.kind for e in events(provider)][-2:] == [E.HIDDEN, E.UNPUBLISHED]
    assert events(provider, E.UNPUBLISHED)[-1].reason.startswith("blocked: hidden by staff")
    # The sweep does not bring it back.
    assert directory.profiles_publish_due().changes == []

    profile = directory.profile_unhide(profile=profile, actor=staff)
    assert profile.is_live
    assert events(provider, E.PUBLISHED)[-1].trigger == "unhidden by staff"
    # Live twice, emailed once.
    assert live_emails(provider).count() == 1


def test_offboarding_takes_the_profile_down_for_good(staff):
    provider = ready_provider(
        effective=days_ago(10),
        trained_at=timezone.now() - dt.timedelta(days=30),
        contracted_start_date=days_ago(20),
    )
    profile = directory.profile_offboard(
        profile=profile_of(provider), actor=staff, reason="Left the practice"
    )
    assert not profile.is_live
    assert events(provider, E.UNPUBLISHED)[-1].reason.startswith("blocked: offboarded")
    with pytest.raises(ProfileOffboarded):
        directory.profile_unhide(profile=profile, actor=staff)
    assert directory.profiles_publish_due().changes == []
    assert not profile_of(provider).is_live


# --- the sweep over 1,000 providers ----------------------------------------------------------------

TODAY = dt.date(2026, 6, 15)
MIDNIGHT_JOB = ny(2026, 6, 15, 0, 5)


def mixed_setups(count: int, seed: int = 6) -> list[Setup]:
    rng = random.Random(seed)  # noqa: S311 - repeatable test data
    day = dt.timedelta(days=1)
    effective_choices = [None, TODAY - 40 * day, TODAY - day, TODAY, TODAY + day, TODAY + 60 * day]
    training_choices = [
        None,
        ny(2026, 1, 10, 14),
        ny(2026, 6, 14, 23, 30),  # yesterday evening in New York, today in UTC
        ny(2026, 6, 15, 0, 1),  # a minute after midnight: today
        ny(2026, 6, 16, 9),  # tomorrow
    ]
    contracted_choices = [TODAY - 90 * day, TODAY - day, TODAY, TODAY + day]
    setups = []
    for _ in range(count):
        setup = Setup(
            effective=rng.choice(effective_choices),
            training_at=rng.choice(training_choices),
            contracted=rng.choice(contracted_choices),
            form_approved=rng.random() < 0.9,
            hidden=rng.random() < 0.05,
            offboarded=rng.random() < 0.03,
        )
        setup.withdrawn_payer = setup.effective is None and rng.random() < 0.3
        # Some already have a profile, some already live (some of those no longer due).
        setup.profile = setup.form_approved and rng.random() < 0.5
        setup.live = setup.profile and rng.random() < 0.3
        setups.append(setup)
    return setups


def due(setup: Setup) -> bool:
    """The pure rule, on the same inputs the sweep reads from the database."""
    return go_live_decision(
        effective_start_date=setup.effective,
        contracted_start_date=setup.contracted,
        training_completed_on=setup.training_at.astimezone(NEW_YORK).date() if setup.training_at else None,
        general_onboarding_approved=setup.form_approved,
        hidden_by_staff=setup.hidden,
        offboarded=setup.offboarded,
    ).is_live_on(TODAY)


def test_one_sweep_over_a_thousand_providers_publishes_exactly_those_due(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    setups = mixed_setups(1000)
    providers = bulk_providers(setups, payer=PayerFactory(), other_payer=PayerFactory())
    expected_live = {p.pk for p, s in zip(providers, setups, strict=True) if due(s)}
    was_live = {p.pk for p, s in zip(providers, setups, strict=True) if s.live}
    # The mix really is mixed: every kind of change happens.
    assert len(expected_live - was_live) > 100
    assert len(was_live - expected_live) > 10
    assert len(expected_live & was_live) > 10

    # Build the missing profiles (3) with their go-live dates (1), find the profiles to change
    # (1: the probe of the stored dates' partial indexes every sweep does) and lock them with the
    # rule's inputs (1: only when some differ), publish (1), unpublish (1), record the events (1),
    # queue the emails (1), in a savepoint (2), and the one question whether a built profile must
    # be held back (exclusions.receivers): whatever the number (13 at 100 and 1,000 providers).
    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(13):
        result = directory.profiles_publish_due(now=MIDNIGHT_JOB)
    # One delivery task for all the emails, not one per provider (and the search cache's move
    # of its generation, directory.search_cache, once the publishing commits).
    delivery = [c for c in callbacks if c.__module__ != "directory.search_cache"]
    assert len(delivery) == 1

    live_now = set(DirectoryProfile.objects.filter(is_live=True).values_list("provider_id", flat=True))
    assert live_now == expected_live
    assert {c.provider_id for c in result.published} == expected_live - was_live
    assert {c.provider_id for c in result.unpublished} == was_live - expected_live
    assert result.disagreements == []
    # Every approved form has its profile now; no other provider got one.
    had_one = {p.pk for p, s in zip(providers, setups, strict=True) if s.has_profile}
    approved = {p.pk for p, s in zip(providers, setups, strict=True) if s.form_approved}
    assert set(DirectoryProfile.objects.values_list("provider_id", flat=True)) == approved | had_one
    assert result.created == len(approved - had_one)
    # Each change is recorded with its reason.
    assert ProfileEvent.objects.filter(kind=E.PUBLISHED, trigger="scheduled sweep").count() == len(
        result.published
    )
    assert ProfileEvent.objects.filter(kind=E.UNPUBLISHED).count() == len(result.unpublished)
    assert all("has come" in c.reason for c in result.published)
    assert all(c.reason.startswith(("blocked: ", "go-live date")) for c in result.unpublished)
    # One "your profile is live" email for each newly live provider, and in the same INSERT one
    # "taken down" email for each profile that came down, unless its provider was offboarded.
    assert live_emails().count() == len(result.published)
    offboarded = {p.pk for p, s in zip(providers, setups, strict=True) if s.offboarded}
    taken_down = OutboxEmail.objects.filter(step=directory_emails.PROFILE_TAKEN_DOWN)
    assert sorted(taken_down.values_list("provider_id", flat=True)) == sorted(
        c.provider_id for c in result.unpublished if c.provider_id not in offboarded
    )

    # The second run: nothing to build, nothing to change, no new email: two queries (and the savepoint).
    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(4):
        again = directory.profiles_publish_due(now=MIDNIGHT_JOB + dt.timedelta(minutes=2))
    assert again.changes == []
    assert callbacks == []
    assert live_emails().count() == len(result.published)
    assert ProfileEvent.objects.count() == len(result.changes)


def test_the_emails_of_a_sweep_go_out_once_however_often_it_runs():
    setups = [Setup(effective=TODAY - dt.timedelta(days=3), training_at=ny(2026, 6, 1, 9)) for _ in range(12)]
    bulk_providers(setups, payer=PayerFactory())
    directory.profiles_publish_due(now=MIDNIGHT_JOB)
    outbox_sweep()
    directory.profiles_publish_due(now=MIDNIGHT_JOB + dt.timedelta(hours=1))
    outbox_sweep()
    live_mail = [m for m in mail.outbox if m.subject == "Your Alma directory profile is live"]
    assert len(live_mail) == 12
    assert len({m.to[0] for m in live_mail}) == 12


# --- the scheduled job and the operator's commands ----------------------------------------------------


def test_the_midnight_job_runs_in_the_company_time_zone():
    job = settings.CELERY_BEAT_SCHEDULE["directory-publish-due"]
    assert job["task"] == "directory.tasks.publish_due_profiles"
    assert job["schedule"] == crontab(hour=0, minute=5)
    # crontab hours are read in CELERY_TIMEZONE: midnight in New York, not in UTC.
    assert celery_app.conf.timezone == settings.COMPANY_TIME_ZONE == "America/New_York"
    assert "directory.tasks.publish_due_profiles" in celery_app.tasks


def test_the_directory_owns_its_sweep_and_a_directory_failure_never_skips_the_email_sweep(monkeypatch):
    # Its own beat entry, every few minutes, beside the email sweep's.
    sweep = settings.CELERY_BEAT_SCHEDULE["directory-sweep"]
    assert sweep["task"] == "directory.tasks.publish_due_profiles"
    assert sweep["schedule"] == crontab(minute=f"1-59/{settings.OUTBOX_SWEEP_MINUTES}")
    assert settings.CELERY_BEAT_SCHEDULE["onboarding-sweep"]["task"] == "onboarding.tasks.onboarding_sweep"

    provider = ProviderFactory()
    submit_general_onboarding(provider)  # queues the Insurance Form email

    def broken(**kwargs):
        raise RuntimeError("directory down")

    monkeypatch.setattr(directory, "profiles_publish_due", broken)

    assert onboarding_sweep()["sent"] >= 1
    assert any(m.to == [provider.user.email] for m in mail.outbox)


def test_the_directory_job_publishes_what_is_due_and_the_email_sweep_sends_the_email():
    first = ready_provider(
        effective=None, trained_at=timezone.now() - dt.timedelta(days=3), contracted_start_date=days_ago(9)
    )
    second = ready_provider(
        effective=None, trained_at=timezone.now() - dt.timedelta(days=3), contracted_start_date=days_ago(9)
    )
    # Approvals recorded straight in the table (e.g. an import) publish nothing by themselves.
    for provider in (first, second):
        PayerApplication.objects.create(
            provider=provider,
            payer=PayerFactory(),
            status=ApplicationStatus.APPROVED,
            effective_date=days_ago(2),
        )
    assert publish_due_profiles() == {"published": 2, "unpublished": 0, "contact_messages_erased": 0}
    DirectoryProfile.objects.filter(provider=second).update(is_live=False)

    # The directory's own job catches up (at midnight and every few minutes); the email sweep
    # is only the outbox now and changes no profile.
    call_command("onboarding_sweep", stdout=io.StringIO())
    assert not profile_of(second).is_live
    assert publish_due_profiles() == {"published": 1, "unpublished": 0, "contact_messages_erased": 0}
    assert profile_of(second).is_live
    call_command("onboarding_sweep", stdout=io.StringIO())
    subjects = [(m.to[0], m.subject) for m in mail.outbox]
    assert (first.user.email, "Your Alma directory profile is live") in subjects
    assert (second.user.email, "Your Alma directory profile is live") in subjects


def test_publish_profiles_dry_run_shows_what_would_change_and_why_and_changes_nothing():
    provider = ready_provider(
        effective=timezone.localdate() + dt.timedelta(days=3),
        trained_at=timezone.now() - dt.timedelta(days=3),
        contracted_start_date=days_ago(9),
        legal_name="Avery Stone",
    )
    in_three_days = timezone.localdate() + dt.timedelta(days=3)
    out = io.StringIO()
    call_command("publish_profiles", "--as-of", in_three_days.isoformat(), "--dry-run", stdout=out)
    text = out.getvalue()
    assert text.splitlines()[0].split() == ["ACTION", "PROVIDER", "NAME", "SLUG", "GO-LIVE", "REASON"]
    assert text.splitlines()[1].split()[:5] == ["publish", str(provider.pk), "Avery", "Stone,", "LCSW"]
    assert f"go-live date {in_three_days:%Y-%m-%d} (credentialing effective date) has come" in text
    assert (
        f"As of {in_three_days:%Y-%m-%d}: would publish 1, would take down 0 (dry run: nothing was changed)"
        in text
    )
    assert not profile_of(provider).is_live
    assert not ProfileEvent.objects.exists()
    assert not live_emails().exists()

    out, err = io.StringIO(), io.StringIO()
    call_command(
        "publish_profiles",
        "--as-of",
        in_three_days.isoformat(),
        "--dry-run",
        "--format",
        "csv",
        stdout=out,
        stderr=err,
    )
    [header, row] = list(csv.reader(io.StringIO(out.getvalue())))
    assert header == ["action", "provider_id", "name", "slug", "go_live_on", "reason"]
    assert row[:4] == ["publish", str(provider.pk), "Avery Stone, LCSW", "avery-stone"]
    assert "would publish 1" in err.getvalue()

    # Today: nothing is due yet.
    out = io.StringIO()
    call_command("publish_profiles", stdout=out)
    assert "published 0, took down 0" in out.getvalue()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--as-of", "20-03-2026"], "--as-of must be a date like 2026-03-20"),
        (["--as-of", "2099-01-01"], "Publishing always runs as of today"),
    ],
)
def test_publish_profiles_refuses_bad_arguments(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("publish_profiles", *arguments)


def test_publish_profiles_exits_non_zero_on_bad_arguments(capsys):
    from django.core.management import ManagementUtility  # noqa: PLC0415

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "publish_profiles", "--as-of", "tomorrow"]).execute()
    assert exit_info.value.code != 0
    assert "--as-of must be a date" in capsys.readouterr().err


def test_a_real_run_for_another_day_is_refused_by_the_service_too():
    with pytest.raises(PublishDateRefused):
        directory.profiles_publish_due(as_of=timezone.localdate() + dt.timedelta(days=1))


def test_passing_the_quiz_last_publishes_the_profile_at_once():
    """The real training services, not the directory call alone: the last step of training
    makes the go-live date come, and the profile is live before any sweep runs."""
    from training.services import quiz_mark_passed, webinar_mark_watched  # noqa: PLC0415

    provider = ready_provider(effective=days_ago(10), contracted_start_date=days_ago(20))
    with committed():
        webinar_mark_watched(provider=provider)
    assert not provider.__class__.objects.filter(pk=provider.pk, directory_profile__is_live=True).exists()
    with committed():
        quiz_mark_passed(provider=provider)
    assert profile_of(provider).is_live
    assert [e.trigger for e in events(provider, E.PUBLISHED)] == ["training completed"]


def test_approving_the_general_onboarding_form_last_publishes_at_once():
    """Approved by a payer, trained and past the start date, waiting only for staff to approve
    the profile's text: the approval itself publishes it."""
    from onboarding.models import ReviewedForm  # noqa: PLC0415
    from portal.services import form_approve  # noqa: PLC0415
    from tests.factories import ProviderFactory, submit_general_onboarding, submit_insurance_form  # noqa: PLC0415
    from tests.pipeline import reviewer  # noqa: PLC0415

    provider = ProviderFactory(contracted_start_date=days_ago(20))
    submit_general_onboarding(provider)
    submit_insurance_form(provider)
    form_approve(provider=provider, form=ReviewedForm.INSURANCE_FORM, reviewer=reviewer())
    finish_training(provider, timezone.now() - dt.timedelta(days=2))
    with committed():
        make_application(
            provider=provider, payer=PayerFactory(), status="approved", effective_date=days_ago(10)
        )
    assert not hasattr(provider, "directory_profile") or not profile_of(provider).is_live

    with committed():
        form_approve(provider=provider, form=ReviewedForm.GENERAL_ONBOARDING, reviewer=reviewer())
    assert profile_of(provider).is_live
    assert [e.trigger for e in events(provider, E.PUBLISHED)] == ["General Onboarding form approved"]
