"""Directory data confirmed every 90 days (No Surprises Act): the rule's dates, the daily sweep's
one email per period, the SLA board's line past 90 days, and the provider's "Last confirmed ...;
confirm by ..." on the dashboard and the profile page."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from directory import emails
from directory import services as directory
from directory.models import DirectoryProfile
from directory.reverification import Standing, reverification
from directory.tasks import ask_directory_reverification
from onboarding.models import OutboxEmail
from portal.sla import sla_board
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import Setup, bulk_providers, committed, make_live_provider
from tests.helpers import (
    NEW_YORK,
    element,
    only_link,
    path_of,
    signed_in_client,
    staff_user,
    text_at,
    text_of,
)

MAR_2 = dt.date(2026, 3, 2)


# --- the rule ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_later", "standing"),
    [
        (0, Standing.CURRENT),
        (79, Standing.CURRENT),
        (80, Standing.ASK),  # asked from day 80
        (89, Standing.ASK),
        (90, Standing.ASK),  # the due date itself is still in time
        (91, Standing.OVERDUE),
        (400, Standing.OVERDUE),
    ],
)
def test_the_standing_by_days_since_the_last_confirmation(days_later, standing):
    period = reverification(confirmed_on=MAR_2, went_live_on=dt.date(2025, 1, 1))
    assert period.standing(MAR_2 + dt.timedelta(days=days_later)) is standing


@pytest.mark.parametrize(
    ("confirmed_on", "went_live_on", "basis", "due_on", "from_go_live"),
    [
        (MAR_2, dt.date(2026, 1, 10), MAR_2, dt.date(2026, 5, 31), False),
        # A confirmation before the profile went live still counts: it is the data confirmed.
        (dt.date(2026, 1, 10), MAR_2, dt.date(2026, 1, 10), dt.date(2026, 4, 10), False),
        (None, MAR_2, MAR_2, dt.date(2026, 5, 31), True),  # never confirmed: from its go-live day
        (None, dt.date(2027, 12, 1), dt.date(2027, 12, 1), dt.date(2028, 2, 29), True),  # a leap day
    ],
)
def test_the_period_counts_from_the_last_confirmation_else_the_go_live_day(
    confirmed_on, went_live_on, basis, due_on, from_go_live
):
    period = reverification(confirmed_on=confirmed_on, went_live_on=went_live_on)
    assert period.last_confirmed_on == basis
    assert period.due_on == due_on
    assert period.ask_from == due_on - dt.timedelta(days=10)
    assert period.from_go_live is from_go_live
    assert period.outbox_key == f"due-{due_on.isoformat()}"


def test_a_profile_never_confirmed_nor_live_has_no_period():
    assert reverification(confirmed_on=None, went_live_on=None) is None


# --- the sweep ----------------------------------------------------------------------------------------

CONFIRMED_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=NEW_YORK)


def on_day(days: int, hour: int = 8) -> dt.datetime:
    """`days` after the confirmation, at `hour` in the morning (the sweep runs at 07:15)."""
    return dt.datetime.combine(MAR_2 + dt.timedelta(days=days), dt.time(hour), tzinfo=NEW_YORK)


@pytest.fixture
def confirmed(db):
    """A provider whose live profile they confirmed ("Looks right") on Mar 2, 2026."""
    with time_machine.travel(CONFIRMED_AT, tick=False):
        provider = make_live_provider(legal_name="Morgan Alvarez")
        directory.profile_review_confirm(provider=provider, actor=provider.user)
    return provider


def reverify_emails(provider) -> list[tuple[str, dict]]:
    rows = OutboxEmail.objects.filter(provider=provider, step=emails.PROFILE_REVERIFY).order_by("pk")
    return [(row.key, row.context) for row in rows]


def sweep(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return directory.profiles_reverification_ask()


def test_the_provider_is_not_asked_before_day_80(confirmed):
    assert sweep(on_day(79, hour=23)) == 0
    assert reverify_emails(confirmed) == []


def test_the_provider_is_asked_once_per_period_however_often_the_sweep_runs(confirmed):
    for moment in (on_day(80), on_day(80, hour=20), on_day(85), on_day(95)):
        sweep(moment)
    assert reverify_emails(confirmed) == [
        ("due-2026-05-31", {"last_confirmed": "Mar 2, 2026", "confirm_by": "May 31, 2026", "overdue": False})
    ]
    # Confirmed again on day 92 ("Looks right"): the next period is asked from its own day 80.
    with time_machine.travel(on_day(92), tick=False):
        directory.profile_review_confirm(provider=confirmed, actor=confirmed.user)
    sweep(on_day(92 + 79))
    assert len(reverify_emails(confirmed)) == 1
    sweep(on_day(92 + 80))
    sweep(on_day(92 + 81))
    assert [key for key, _ in reverify_emails(confirmed)] == ["due-2026-05-31", "due-2026-08-31"]


def test_the_email_says_by_when_and_opens_the_profile_page(confirmed, mailoutbox):
    mailoutbox.clear()
    with time_machine.travel(on_day(80), tick=False), committed():
        directory.profiles_reverification_ask()
    [message] = [m for m in mailoutbox if "confirm your Alma directory profile" in m.subject]
    assert message.subject == "Please confirm your Alma directory profile by May 31, 2026"
    assert message.to == [confirmed.user.email]
    body = " ".join(message.body.split())
    assert "You last confirmed it on Mar 2, 2026. Please confirm it by May 31, 2026." in body
    assert "Your profile stays in the directory meanwhile." in body
    assert path_of(only_link(message.body)) == reverse("directory:my_profile")


def test_a_profile_first_swept_past_its_due_date_is_asked_once_and_stays_live(confirmed):
    assert sweep(on_day(120)) == 1
    [(key, context)] = reverify_emails(confirmed)
    assert key == "due-2026-05-31"
    assert context["overdue"] is True
    assert DirectoryProfile.objects.get(provider=confirmed).is_live  # never unpublished for it


def test_a_live_profile_never_confirmed_counts_from_its_go_live(db):
    with time_machine.travel(CONFIRMED_AT, tick=False):
        provider = make_live_provider(legal_name="Riley Chen")
    assert DirectoryProfile.objects.get(provider=provider).reviewed_at is None
    sweep(on_day(80))
    assert [key for key, _ in reverify_emails(provider)] == ["due-2026-05-31"]


def test_profiles_not_in_the_directory_are_not_asked(db):
    with time_machine.travel(CONFIRMED_AT, tick=False):
        # One hidden by staff, one built but not live yet.
        bulk_providers([Setup(hidden=True), Setup(profile=True)], payer=PayerFactory())
        DirectoryProfile.objects.update(reviewed_at=CONFIRMED_AT, went_live_at=CONFIRMED_AT)
    assert sweep(on_day(100)) == 0
    assert not OutboxEmail.objects.filter(step=emails.PROFILE_REVERIFY).exists()


@pytest.mark.parametrize("count", [3, 30])
def test_the_sweep_costs_the_same_queries_for_3_or_30_profiles(db, count, django_assert_num_queries):
    with time_machine.travel(CONFIRMED_AT, tick=False):
        bulk_providers([Setup(live=True) for _ in range(count)], payer=PayerFactory())
    with time_machine.travel(on_day(85), tick=False), django_assert_num_queries(4):
        # the read, and the INSERT of every email in its savepoint (SAVEPOINT, INSERT, RELEASE)
        assert directory.profiles_reverification_ask() == count
    assert OutboxEmail.objects.filter(step=emails.PROFILE_REVERIFY).count() == count


def test_the_daily_task_runs_the_sweep_and_beat_runs_it_every_morning(confirmed):
    with time_machine.travel(on_day(80), tick=False):
        assert ask_directory_reverification() == {"asked": 1}
    entry = settings.CELERY_BEAT_SCHEDULE["directory-reverification"]
    assert entry["task"] == "directory.tasks.ask_directory_reverification"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {15})


# --- what staff and the provider see --------------------------------------------------------------------


def reverification_lines(now: dt.datetime) -> list[str]:
    board = sla_board(now)
    return [f"{p.provider}: {p.what}" for p in board.overdue if p.kind == "Directory reverification"]


def test_the_sla_board_lists_a_live_profile_past_90_days(confirmed):
    assert reverification_lines(on_day(90, hour=23)) == []
    assert reverification_lines(on_day(91)) == [
        (
            "Morgan Alvarez: Directory data not reverified in 90 days: "
            "last confirmed Mar 2, 2026, due May 31, 2026"
        )
    ]
    [promise] = [p for p in sla_board(on_day(91)).overdue if p.kind == "Directory reverification"]
    assert promise.due_at == dt.datetime(2026, 6, 1, 0, 0, tzinfo=NEW_YORK)
    profile = DirectoryProfile.objects.get(provider=confirmed)
    assert promise.admin_url == reverse("admin:directory_directoryprofile_change", args=[profile.pk])
    # Confirming it takes it off the board.
    with time_machine.travel(on_day(95), tick=False):
        directory.profile_review_confirm(provider=confirmed, actor=confirmed.user)
    assert reverification_lines(on_day(96)) == []


def test_the_sla_board_page_shows_the_line_with_a_link_to_the_profile(confirmed):
    staff = signed_in_client(staff_user("board@alma.test", "view_outboxemail"))
    with time_machine.travel(on_day(91), tick=False):
        page = staff.get(reverse("admin:sla")).text
    overdue = page.split('id="overdue"')[1].split('id="at-risk"')[0]
    assert "Directory data not reverified in 90 days" in text_of(overdue)
    assert "/admin/directory/directoryprofile/" in overdue


def test_the_profile_page_says_when_it_was_last_confirmed_and_by_when_to_confirm(confirmed):
    browser = signed_in_client(confirmed)
    with time_machine.travel(on_day(10), tick=False):
        line = text_at(browser.get(reverse("directory:my_profile")).text, "p#reverification")
    assert line.startswith("Last confirmed Mar 2, 2026; confirm by May 31, 2026.")
    assert "It is time" not in line
    with time_machine.travel(on_day(85), tick=False):
        line = text_at(browser.get(reverse("directory:my_profile")).text, "p#reverification")
    assert "It is time to check your profile again." in line
    with time_machine.travel(on_day(91), tick=False):
        line = text_at(browser.get(reverse("directory:my_profile")).text, "p#reverification")
    assert "That date has passed: please check your profile now. It stays in the directory meanwhile." in line


def test_the_dashboard_item_says_when_it_was_last_confirmed_and_by_when(confirmed):
    browser = signed_in_client(confirmed)
    with time_machine.travel(on_day(10), tick=False):
        item = element(browser.get(reverse("portal:dashboard")).text, "li#item-directory_profile")
    assert "Last confirmed Mar 2, 2026; confirm by May 31, 2026" in text_of(item)
    assert "Time to confirm it again" not in text_of(item)
    with time_machine.travel(on_day(85), tick=False):
        item = element(browser.get(reverse("portal:dashboard")).text, "li#item-directory_profile")
    assert "Time to confirm it again. Last confirmed Mar 2, 2026; confirm by May 31, 2026" in text_of(item)
