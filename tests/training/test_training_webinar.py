"""The webinar page and its player's reports: opened from the emailed link without a password or
signed in, with the same progress either way; the server alone decides "watched"."""

import datetime as dt
import json
import logging
import re
from html import unescape
from urllib.parse import urlsplit

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from onboarding import links
from tests.helpers import WEBINAR_SUBJECT, only_link, path_of, signed_in_client
from tests.pipeline import grant_portal_access, provider_at_forms_approved
from tests.training_factories import START, link_path, report, seed_training, watch
from training import links as training_links
from training.models import TrainingProgress, Webinar, WebinarViewing
from training.services import webinar_mark_watched

pytestmark = pytest.mark.django_db


# --- helpers of this file (the shared ones are in tests/training_factories.py) -----------------------


def publish_only(webinar: Webinar) -> Webinar:
    """Make `webinar` the one providers watch the way staff do in admin: unpublish the others.
    Which webinar is current must never hang on creation times: the seeded one is made whenever
    the test database was, which may be after a test's frozen clock."""
    Webinar.objects.exclude(pk=webinar.pk).update(is_published=False, published_at=None)
    assert Webinar.objects.current() == webinar
    return webinar


def progress_url_of(page_html: str) -> str:
    return unescape(re.search(r'data-progress-url="([^"]+)"', page_html).group(1))


# --- the emailed link ----------------------------------------------------------------------------


def test_the_webinar_email_carries_a_link_that_opens_the_training_without_a_password(
    webinar, django_capture_on_commit_callbacks, mailoutbox
):
    provider = provider_at_forms_approved()
    with django_capture_on_commit_callbacks(execute=True):
        grant_portal_access(provider)
    [email] = [m for m in mailoutbox if m.subject == WEBINAR_SUBJECT]
    link = only_link(email.body)
    assert link in unescape(email.alternatives[0][0])
    assert "works for 30 days" in email.body
    assert resolve(path_of(link)).view_name == "training:webinar_link"

    page = Client().get(path_of(link))  # a fresh browser: nobody signed in
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    html = unescape(page.text)
    assert "Insurance Program Training Webinar" in html
    assert 'src="/static/training/demo-webinar.webm"' in html
    for chapter in webinar.chapters.all():
        assert chapter.title in html
        assert chapter.transcript[:60] in html  # the transcript, beside the video
    assert re.search(r"\b0% watched", html)


def test_the_link_works_before_portal_access(webinar, provider):
    # PRODUCT.md step 5: any time after step 0, before any password exists.
    assert not provider.user.has_usable_password()
    page = Client().get(urlsplit(training_links.webinar_url(provider)).path)
    assert page.status_code == 200
    assert "Watch the webinar" in unescape(page.text)


def test_with_the_webinar_watched_the_email_opens_the_quiz(
    webinar, make_provider, django_capture_on_commit_callbacks, mailoutbox
):
    provider = make_provider()
    webinar_mark_watched(provider=provider)
    provider_at_forms_approved(provider)
    with django_capture_on_commit_callbacks(execute=True):
        grant_portal_access(provider)
    [email] = [m for m in mailoutbox if m.subject == WEBINAR_SUBJECT]
    link = only_link(email.body)
    assert resolve(path_of(link)).view_name == "training:quiz_link"
    assert "Take the quiz" in email.alternatives[0][0]
    assert Client().get(path_of(link)).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"), id="changed-signature"),
        pytest.param(lambda token: token.split(":")[0], id="signature-removed"),
        pytest.param(lambda token: "not-a-token", id="garbage"),
    ],
)
def test_a_tampered_link_gets_the_link_error_page(client, webinar, provider, tamper):
    token = tamper(links.make_token(provider, training_links.TRAINING))
    for path in (
        f"/training/{provider.public_id}/{token}/webinar/",
        f"/training/{provider.public_id}/{token}/quiz/",
    ):
        response = client.get(path)
        assert response.status_code == 400
        assert "This link isn't valid" in unescape(response.text)
        assert provider.legal_name not in unescape(response.text)


def test_an_expired_link_says_so(client, webinar, provider, settings):
    path = link_path(provider)
    with time_machine.travel(timezone.now() + dt.timedelta(days=settings.FORM_LINK_MAX_AGE_DAYS, hours=1)):
        response = client.get(path)
    assert response.status_code == 410
    assert "This link has expired" in response.text


def test_a_form_link_does_not_open_the_training_nor_the_reverse(client, webinar, provider):
    general = links.make_token(provider, links.GENERAL_ONBOARDING)
    assert client.get(f"/training/{provider.public_id}/{general}/webinar/").status_code == 400
    training = links.make_token(provider, training_links.TRAINING)
    assert client.get(f"/onboarding/{provider.public_id}/general-onboarding/{training}/").status_code == 400


def test_another_providers_link_neither_reads_nor_writes_this_providers_progress(
    client, webinar, make_provider
):
    alice, bob = make_provider(), make_provider()
    alices_token = links.make_token(alice, training_links.TRAINING)
    page = client.get(f"/training/{bob.public_id}/{alices_token}/webinar/")
    assert page.status_code == 400
    response = client.post(
        f"/training/{bob.public_id}/{alices_token}/webinar/progress/",
        json.dumps({"event": "play", "position": 0}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not WebinarViewing.objects.exists()


# --- the player's reports ------------------------------------------------------------------------


def test_watching_to_the_end_in_real_time_marks_the_webinar_watched(client, webinar, provider, traveller):
    url = progress_url_of(client.get(link_path(provider)).text)
    state = watch(client, url, traveller, end=5.0)
    assert (state["percent"], state["watched"]) == (83, False)
    assert not TrainingProgress.objects.filter(provider=provider).exists()

    traveller.shift(dt.timedelta(seconds=1))
    state = report(client, url, "ended", 6.0, duration=6.003)
    assert (state["percent"], state["watched"]) == (100, True)
    progress = TrainingProgress.objects.get(provider=provider)
    assert progress.webinar_completed_at == START + dt.timedelta(seconds=6)
    assert progress.quiz_passed_at is None

    page = unescape(client.get(link_path(provider)).text)
    assert "You've watched the webinar." in page
    assert re.search(r'id="webinar-done"[^>]*\bhidden\b', page) is None
    assert "· Watched" in page


def test_seeking_to_the_end_does_not_count(client, webinar, provider, traveller):
    url = progress_url_of(client.get(link_path(provider)).text)
    report(client, url, "play", 0)
    traveller.shift(dt.timedelta(seconds=1))
    report(client, url, "seeked", 5.9)
    traveller.shift(dt.timedelta(seconds=0.2))
    state = report(client, url, "ended", 6.0)
    assert (state["percent"], state["watched"]) == (0, False)
    # Nor does claiming the end without a seek.
    traveller.shift(dt.timedelta(seconds=1))
    report(client, url, "play", 0)
    traveller.shift(dt.timedelta(seconds=1))
    state = report(client, url, "ended", 6.0)
    assert state["watched"] is False
    assert state["counted"] == "moved faster than real time: a seek, not viewing"
    assert not TrainingProgress.objects.filter(provider=provider).exists()
    page = unescape(client.get(link_path(provider)).text)
    assert re.search(r'id="webinar-done"[^>]*\bhidden\b', page)


def test_progress_is_the_same_by_link_and_signed_in_and_survives_a_new_device(provider, traveller, settings):
    seed_training()
    # A longer webinar, so there is something to resume.
    webinar = publish_only(
        Webinar.objects.create(title="Insurance Program Training Webinar, 2027", duration_seconds=60)
    )
    grant_portal_access(provider_at_forms_approved(provider))
    phone = Client()  # the email's link, on a phone
    url = progress_url_of(phone.get(link_path(provider)).text)
    watch(phone, url, traveller, end=30, duration=60)
    report(phone, url, "pause", 30)

    laptop = signed_in_client(provider)  # later, signed in on a laptop
    traveller.shift(dt.timedelta(hours=2))
    page = laptop.get(reverse("training:webinar"))
    html = unescape(page.text)
    assert "50% watched" in html
    assert "Resume from 0:30" in html
    assert 'data-resume-at="30.000"' in html
    signed_in_url = progress_url_of(page.text)
    assert signed_in_url == reverse("training:webinar_progress")
    state = watch(laptop, signed_in_url, traveller, start=30, duration=60)
    assert state["watched"] is True
    assert WebinarViewing.objects.get(provider=provider, webinar=webinar).watched_seconds == 60
    assert TrainingProgress.objects.get(provider=provider).webinar_completed_at is not None


def test_reports_need_the_pages_csrf_token(webinar, provider):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(link_path(provider))
    url = progress_url_of(page.text)
    body = json.dumps({"event": "play", "position": 0})
    assert browser.post(url, body, content_type="application/json").status_code == 403
    token = re.search(r'data-csrf-token="([^"]+)"', page.text).group(1)
    response = browser.post(url, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps(["play", 0]),
        json.dumps({"event": "skip", "position": 1}),
        json.dumps({"event": "play"}),
        json.dumps({"event": "play", "position": -1}),
        json.dumps({"event": "play", "position": "NaN"}),
        json.dumps({"event": "play", "position": 1e400}),
    ],
)
def test_a_malformed_report_is_refused_and_changes_nothing(client, webinar, provider, body):
    url = link_path(provider, "webinar_progress")
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "Not a progress report."
    assert not WebinarViewing.objects.exists()
    assert client.get(url).status_code == 405


def test_a_report_for_a_replaced_webinar_asks_for_a_reload(client, webinar, provider):
    url = link_path(provider, "webinar_progress")
    publish_only(Webinar.objects.create(title="Re-recorded", duration_seconds=90))
    response = client.post(
        url,
        json.dumps({"event": "play", "position": 0, "webinar": webinar.pk}),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "reload the page" in response.json()["error"]


def test_a_wrong_length_in_admin_is_logged_when_the_player_reaches_the_end(
    client, webinar, provider, traveller, caplog
):
    url = link_path(provider, "webinar_progress")
    Webinar.objects.filter(pk=webinar.pk).update(duration_seconds=600)
    with caplog.at_level(logging.ERROR, logger="training.services"):
        report(client, url, "ended", 6.0, duration=6.003, webinar=webinar.pk)
    assert "is 6.0 s long in the player but 600.0 s in admin" in caplog.text


def test_a_new_webinar_starts_viewing_afresh_and_keeps_the_step_done(client, webinar, provider, traveller):
    url = link_path(provider, "webinar_progress")
    watch(client, url, traveller)
    done_at = TrainingProgress.objects.get(provider=provider).webinar_completed_at
    publish_only(Webinar.objects.create(title="Re-recorded", duration_seconds=90))
    page = unescape(client.get(link_path(provider)).text)
    assert re.search(r"\b0% watched", page)  # not "100% watched": that is the old webinar's
    assert "Re-recorded" in page
    assert "You've watched the webinar." in page  # step 5's webinar part stays done
    assert TrainingProgress.objects.get(provider=provider).webinar_completed_at == done_at


# --- signed in -----------------------------------------------------------------------------------


def test_the_dashboards_webinar_and_quiz_items_open_the_training(webinar, provider):
    grant_portal_access(provider_at_forms_approved(provider))
    browser = signed_in_client(provider)
    dashboard = browser.get(reverse("portal:dashboard")).text
    assert f'href="{reverse("training:webinar")}"' in dashboard
    assert f'href="{reverse("training:quiz")}"' in dashboard
    page = browser.get(reverse("training:webinar"))
    assert page.status_code == 200
    assert f'data-progress-url="{reverse("training:webinar_progress")}"' in page.text


SIGNED_IN_PAGES = [
    ("webinar", {}),
    ("webinar_progress", {}),
    ("quiz", {}),
    ("quiz_start", {}),
    ("quiz_attempt", {"attempt_id": 1}),
]


@pytest.mark.parametrize(("name", "kwargs"), SIGNED_IN_PAGES, ids=[name for name, _ in SIGNED_IN_PAGES])
def test_signed_in_pages_are_for_providers_only(client, webinar, name, kwargs, admin_user):
    url = reverse(f"training:{name}", kwargs=kwargs or None)
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    client.force_login(admin_user)  # staff have no training of their own
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_the_webinar_page_reads_in_a_fixed_number_of_queries(
    webinar, provider, traveller, django_assert_num_queries
):
    path = link_path(provider)
    browser = Client()
    watch(browser, progress_url_of(browser.get(path).text), traveller, end=5)
    # The provider (the link), the webinar with its chapters, the viewing, the training progress.
    with django_assert_num_queries(5):
        assert browser.get(path).status_code == 200

    signed_in = signed_in_client(provider)
    # Plus the session and its user.
    with django_assert_num_queries(7):
        assert signed_in.get(reverse("training:webinar")).status_code == 200


def test_a_report_costs_a_fixed_number_of_queries(
    client, webinar, provider, traveller, django_assert_num_queries
):
    url = link_path(provider, "webinar_progress")
    report(client, url, "play", 0)
    traveller.shift(dt.timedelta(seconds=5))
    # The provider (the link), the webinar, the viewing, the same row locked, its update (and the
    # savepoint around them).
    with django_assert_num_queries(7):
        report(client, url, "progress", 5)


@pytest.mark.django_db(transaction=True)
def test_the_migration_dates_webinars_published_before_it_by_their_creation():
    """Rows published before webinars were dated keep the order they had: by creation."""
    before, after = [("training", "0003_seed_webinar_and_quiz")], [("training", "0004_webinar_published_at")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("training", "Webinar")
    old.objects.all().delete()
    created = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    live = old.objects.create(title="Live", duration_seconds=6, is_published=True)
    draft = old.objects.create(title="Draft", duration_seconds=6, is_published=False)
    old.objects.update(created_at=created)

    executor = MigrationExecutor(connection)
    try:
        executor.migrate(after)
        assert Webinar.objects.get(pk=live.pk).published_at == created
        assert Webinar.objects.get(pk=draft.pk).published_at is None
        assert Webinar.objects.current().pk == live.pk
    finally:
        # Back to the latest schema (any later training migration), for the tests after this one.
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
