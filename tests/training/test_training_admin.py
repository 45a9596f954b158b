"""Staff's view of the training in admin: each provider's viewing and attempts (read-only), how
often each question is answered right (to spot bad questions), and the checks that keep the quiz
and the webinar playable."""

import datetime as dt
from html import unescape

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import ProviderFactory
from tests.helpers import staff_user
from tests.training_factories import START, link_path, quiz_answers
from training.models import Question, QuizAttempt, Webinar, WebinarViewing
from training.services import (
    quiz_attempt_start,
    quiz_attempt_submit,
    webinar_report_record,
    webinar_unpublish,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webinar")]


def attempts(count: int, *, wrong: int) -> None:
    """`count` providers, each with one scored attempt missing the first `wrong` questions."""
    for _ in range(count):
        attempt = quiz_attempt_start(provider=ProviderFactory())
        quiz_attempt_submit(attempt=attempt, answers=quiz_answers(attempt, wrong=wrong))


def rows(page) -> dict[str, str]:
    """{question topic: its "answered right" cell} from the question changelist."""
    return {question.topic: question for question in page.context["cl"].result_list}


def test_pass_rates_per_question_come_in_one_query(client, django_assert_num_queries):
    client.force_login(staff_user("quiz-editor@alma.test", "view_question", "change_question"))
    url = reverse("admin:training_question_changelist")
    attempts(2, wrong=1)
    # Session, user, permissions (2), then the changelist's count, total and one query for the
    # rows with their counts: nothing per question.
    with django_assert_num_queries(7):
        client.get(url)
    attempts(8, wrong=2)
    attempts(10, wrong=0)
    with django_assert_num_queries(7):
        page = client.get(url)

    html = unescape(page.text)
    assert "Answered right" in html
    # Scheduling is missed by the 10 with one or two wrong, Claims by the 8 with two wrong.
    assert "50% (10 of 20)" in html
    assert "60% (12 of 20)" in html
    assert "100% (20 of 20)" in html
    by_topic = rows(page)
    assert (by_topic["Scheduling insurance visits"].times_right, by_topic["Claims"].times_right) == (10, 12)
    # Sorted by pass rate, the worst question comes first.
    column = page.context["cl"].list_display.index("pass_rate")
    ordered = client.get(url, {"o": str(column)}).context["cl"].result_list
    assert ordered[0].topic == "Scheduling insurance visits"


def test_staff_read_attempts_with_their_answers_but_cannot_change_them(client):
    client.force_login(staff_user("support@alma.test", "view_quizattempt", "view_trainingprogress"))
    provider = ProviderFactory(legal_name="Ada Brennan")
    attempt = quiz_attempt_start(provider=provider)
    quiz_attempt_submit(attempt=attempt, answers=quiz_answers(attempt, wrong=2))

    listing = unescape(client.get(reverse("admin:training_quizattempt_changelist")).text)
    assert "Ada Brennan" in listing
    assert "66% (4 of 6)" in listing
    detail = client.get(reverse("admin:training_quizattempt_change", args=[attempt.pk]))
    html = unescape(detail.text)
    first = Question.objects.order_by("position", "pk").first()
    wrong_text = first.answers.get(attempt=attempt).choice_texts[0]
    assert wrong_text in html  # what the provider chose, as they saw it
    assert first.text in html
    assert 'name="_save"' not in detail.text
    assert client.get(reverse("admin:training_quizattempt_add")).status_code == 403
    assert client.post(reverse("admin:training_quizattempt_delete", args=[attempt.pk])).status_code == 403

    # The provider's training progress links to their attempts.
    from training.services import quiz_mark_passed  # noqa: PLC0415

    progress = quiz_mark_passed(provider=provider)
    page = unescape(client.get(reverse("admin:training_trainingprogress_change", args=[progress.pk])).text)
    assert f"?provider__id__exact={provider.pk}" in page
    assert "1 attempt" in page


def test_staff_see_how_much_of_the_webinar_each_provider_watched(client, webinar, django_assert_num_queries):
    client.force_login(staff_user("support2@alma.test", "view_webinarviewing"))
    start = timezone.now()
    for index in range(12):
        provider = ProviderFactory(legal_name=f"Provider {index:02d}")
        for second, position, event in ((0, 0, "play"), (3, 3, "progress")):
            webinar_report_record(
                provider=provider,
                webinar=webinar,
                position=position,
                event=event,
                now=start + dt.timedelta(seconds=second),
            )
    url = reverse("admin:training_webinarviewing_changelist")
    with django_assert_num_queries(7):  # session, user, permissions (2), count, total, rows
        page = client.get(url)
    html = unescape(page.text)
    assert "Provider 00" in html
    assert "0:03" in html  # watched
    assert "50%" in html
    viewing = WebinarViewing.objects.first()
    detail = client.get(reverse("admin:training_webinarviewing_change", args=[viewing.pk]))
    assert "[[0.0, 3.0]]" in detail.text
    assert 'name="_save"' not in detail.text


def question_form(kind: str, choices: list[tuple[str, bool]]) -> dict:
    data = {
        "text": "Which is right?",
        "kind": kind,
        "topic": "Testing",
        "article_slug": "",
        "is_active": "on",
        "position": "9",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for index, (text, correct) in enumerate(choices):
        data[f"choices-{index}-text"] = text
        data[f"choices-{index}-position"] = str(index)
        if correct:
            data[f"choices-{index}-is_correct"] = "on"
    return data


@pytest.mark.parametrize(
    ("kind", "choices", "error"),
    [
        ("single", [("A", True), ("B", True)], "A one-answer question needs exactly one correct answer."),
        ("single", [("A", False), ("B", False)], "A one-answer question needs exactly one correct answer."),
        ("multiple", [("A", False), ("B", False)], "Mark at least one answer correct."),
        ("single", [("A", True)], "Give at least two answers to choose from."),
    ],
)
def test_a_question_offers_a_right_answer_to_find(admin_client, kind, choices, error):
    before = Question.objects.count()
    response = admin_client.post(reverse("admin:training_question_add"), question_form(kind, choices))
    assert response.status_code == 200
    assert error in unescape(response.text)
    assert Question.objects.count() == before


def test_staff_add_a_choose_all_that_apply_question(admin_client):
    response = admin_client.post(
        reverse("admin:training_question_add"),
        question_form("multiple", [("A", True), ("B", True), ("C", False)]),
    )
    assert response.status_code == 302
    question = Question.objects.get(text="Which is right?")
    assert list(question.choices.filter(is_correct=True).values_list("text", flat=True)) == ["A", "B"]


def test_an_answered_question_cannot_be_deleted_only_taken_out(admin_client):
    attempts(1, wrong=0)
    question = Question.objects.first()
    response = admin_client.post(
        reverse("admin:training_question_delete", args=[question.pk]), {"post": "yes"}
    )
    assert "Cannot delete question" in unescape(response.text)
    assert Question.objects.filter(pk=question.pk).exists()


def test_a_video_from_another_host_must_be_allowed_by_the_csp_first(admin_client, settings):
    form = {
        "title": "Re-recorded webinar",
        "summary": "",
        "video_url": "https://media.alma.test/webinar-2027.mp4",
        "duration_seconds": "1830",
        "is_published": "on",
        "chapters-TOTAL_FORMS": "0",
        "chapters-INITIAL_FORMS": "0",
        "chapters-MIN_NUM_FORMS": "0",
        "chapters-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(reverse("admin:training_webinar_add"), form)
    assert "add it to the WEBINAR_MEDIA_ORIGINS setting first" in unescape(response.text)
    assert not Webinar.objects.filter(title="Re-recorded webinar").exists()

    settings.WEBINAR_MEDIA_ORIGINS = ["https://media.alma.test"]
    assert admin_client.post(reverse("admin:training_webinar_add"), form).status_code == 302
    assert Webinar.objects.current().src == "https://media.alma.test/webinar-2027.mp4"


def webinar_form(title: str, *, published: bool) -> dict[str, str]:
    """The admin's webinar form as staff fill it in (an unticked box is not sent)."""
    form = {
        "title": title,
        "summary": "",
        "video_url": "",
        "duration_seconds": "6",
        "chapters-TOTAL_FORMS": "0",
        "chapters-INITIAL_FORMS": "0",
        "chapters-MIN_NUM_FORMS": "0",
        "chapters-MAX_NUM_FORMS": "1000",
    }
    if published:
        form["is_published"] = "on"
    return form


def save_in_admin(client, title: str, *, published: bool, webinar: Webinar | None = None) -> Webinar:
    url = (
        reverse("admin:training_webinar_change", args=[webinar.pk])
        if webinar
        else reverse("admin:training_webinar_add")
    )
    response = client.post(url, webinar_form(title, published=published))
    assert response.status_code == 302, response.text
    return Webinar.objects.get(title=title)


@pytest.fixture
def staff_at_the_webinars(client, admin_user, webinar):
    """Staff signed in to admin under a frozen clock, with no webinar published yet (the seeded
    one is dated whenever the test database was made, which may be after the frozen clock)."""
    with time_machine.travel(START, tick=False) as traveller:
        webinar_unpublish(webinar=webinar)
        client.force_login(admin_user)
        yield client, traveller


def test_the_webinar_published_last_is_shown_even_if_drafted_first(staff_at_the_webinars, provider):
    client, traveller = staff_at_the_webinars
    drafted = save_in_admin(client, "B, drafted first", published=False)
    assert drafted.published_at is None
    traveller.shift(dt.timedelta(minutes=5))
    save_in_admin(client, "C, published at once", published=True)
    traveller.shift(dt.timedelta(minutes=5))
    published_last = save_in_admin(client, "B, drafted first", published=True, webinar=drafted)

    assert published_last.published_at == START + dt.timedelta(minutes=10)
    assert Webinar.objects.current() == published_last
    # What the provider's email link opens, in their own browser.
    assert "B, drafted first" in unescape(Client().get(link_path(provider)).text)
    # Saving it again (a typo fixed) keeps its date: only publishing dates it.
    traveller.shift(dt.timedelta(minutes=5))
    save_in_admin(client, "B, drafted first", published=True, webinar=published_last)
    assert Webinar.objects.get(pk=drafted.pk).published_at == START + dt.timedelta(minutes=10)


def test_taking_the_current_webinar_down_brings_back_the_one_published_before(
    staff_at_the_webinars, provider
):
    client, traveller = staff_at_the_webinars
    earlier = save_in_admin(client, "Spring recording", published=True)
    traveller.shift(dt.timedelta(minutes=5))
    later = save_in_admin(client, "Summer recording", published=True)
    assert Webinar.objects.current() == later

    traveller.shift(dt.timedelta(minutes=5))
    taken_down = save_in_admin(client, "Summer recording", published=False, webinar=later)

    assert (taken_down.is_published, taken_down.published_at) == (False, None)
    assert Webinar.objects.current() == earlier
    page = unescape(Client().get(link_path(provider)).text)
    assert "Spring recording" in page
    assert "Summer recording" not in page


def test_the_csp_lets_the_portal_play_its_own_video(client, provider):
    response = client.get(reverse("account_login"))
    assert "media-src 'self'" in response["Content-Security-Policy"]


def test_the_attempts_list_pins_its_queries(admin_client, django_assert_num_queries):
    attempts(3, wrong=0)
    url = reverse("admin:training_quizattempt_changelist")
    # Session, user (a superuser: no permission queries), count, total, one page of rows with their
    # providers, and the date drill-down's range and days.
    with django_assert_num_queries(7):
        admin_client.get(url)
    attempts(20, wrong=1)
    with django_assert_num_queries(7):
        admin_client.get(url)
    assert QuizAttempt.objects.count() == 23
