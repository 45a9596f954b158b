"""Training test data and the player and quiz as a provider drives them: the seeded webinar and
questions, the signed training link, real-time watching, and quiz attempts answered right or wrong."""

import datetime as dt
import importlib
import json

from django.apps import apps
from django.urls import reverse

from onboarding import links
from training import links as training_links
from training.models import Choice, Question, QuizAttempt, Webinar

START = dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)  # the training tests' `traveller` clock


def seed_training() -> Webinar:
    """The demo webinar and the quiz's questions (the data migration; tests that flush the
    database lose them)."""
    importlib.import_module("training.migrations.0003_seed_webinar_and_quiz").seed(apps, None)
    return Webinar.objects.current()


def link_path(provider, name: str = "webinar", **kwargs) -> str:
    """The path of the provider's signed training link to page `name` (no password needed)."""
    token = links.make_token(provider, training_links.TRAINING)
    return reverse(
        f"training:{name}_link", kwargs={"provider_id": provider.public_id, "token": token, **kwargs}
    )


# --- the webinar player ----------------------------------------------------------------------------


def report(client, url: str, event: str, position: float, **extra):
    """One report from the player, as its JavaScript posts it; returns the server's answer."""
    response = client.post(
        url, json.dumps({"event": event, "position": position, **extra}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def watch(
    client, url: str, traveller, *, start: float = 0.0, end: float | None = None, duration: float = 6.0
):
    """Play from `start` to `end` (default: the end) in real time, reporting as the player does:
    "play", "progress" every 5 s, "ended" at the end. Returns the last answer."""
    end = duration if end is None else end
    state = report(client, url, "play", start)
    position = start
    while position < end:
        step = min(5.0, end - position)
        traveller.shift(dt.timedelta(seconds=step))
        position += step
        state = report(client, url, "ended" if position >= duration else "progress", position)
    return state


# --- the quiz --------------------------------------------------------------------------------------


def start_quiz(client, provider, *, by_link=True) -> QuizAttempt:
    """Start an attempt from the quiz page (by the emailed link, or signed in)."""
    url = link_path(provider, "quiz_start") if by_link else reverse("training:quiz_start")
    response = client.post(url)
    assert response.status_code == 302
    attempt = QuizAttempt.objects.filter(provider=provider).latest("started_at", "pk")
    assert response.url.endswith(f"/quiz/attempts/{attempt.pk}/")
    return attempt


def right_choices(question_id: int) -> list[int]:
    return list(Choice.objects.filter(question_id=question_id, is_correct=True).values_list("pk", flat=True))


def wrong_choice(question_id: int) -> int:
    return Choice.objects.filter(question_id=question_id, is_correct=False).values_list("pk", flat=True)[0]


def quiz_answers(attempt: QuizAttempt, *, wrong: int = 0) -> dict[int, list[int]]:
    """Right answers to every question of the attempt, except the first `wrong` questions (in the
    admin's order, so the topics missed are known)."""
    by_position = list(Question.objects.filter(pk__in=attempt.question_order).values_list("pk", flat=True))
    missed = set(by_position[:wrong])
    return {
        qid: [wrong_choice(qid)] if qid in missed else right_choices(qid) for qid in attempt.question_order
    }


def quiz_post_data(chosen: dict[int, list[int]], **extra) -> dict:
    """The attempt page's POST for the choices `chosen` ({question id: [choice ids]})."""
    return {**{f"question-{qid}": [str(pk) for pk in pks] for qid, pks in chosen.items()}, **extra}


def attempt_path(provider, attempt, *, by_link=True) -> str:
    if by_link:
        return link_path(provider, "quiz_attempt", attempt_id=attempt.pk)
    return reverse("training:quiz_attempt", kwargs={"attempt_id": attempt.pk})
