"""Step 5: recording the webinar and the quiz. Each may complete onboarding (step 6).

webinar_mark_watched and quiz_mark_passed lock the provider first, like every onboarding
transition, so a webinar, a quiz and a portal-access grant landing at the same moment are decided
one after the other and the last of them sees the other two: exactly one of them completes
onboarding. The player's reports (webinar_report_record) and quiz attempts (quiz_attempt_start,
quiz_attempt_submit) lead to them once the server's rules say so (training.rules).
"""

import logging
import random
from collections.abc import Collection, Mapping
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from onboarding.models import Provider
from training import rules
from training.errors import AttemptAlreadySubmitted, InvalidAnswers, QuizUnavailable
from training.models import (
    AttemptAnswer,
    Question,
    QuizAttempt,
    TrainingProgress,
    Webinar,
    WebinarViewing,
)
from training.signals import training_completed

logger = logging.getLogger(__name__)


def _record(*, provider: Provider, field: str, now: datetime) -> TrainingProgress:
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider.pk)
        progress, _ = TrainingProgress.objects.get_or_create(provider=provider)
        if getattr(progress, field) is None:
            # The first time counts (the go-live rule dates from it); repeats change nothing.
            setattr(progress, field, now)
            progress.save(update_fields=[field])
        if progress.is_done:
            # Still under the provider lock and in this transaction: the portal completes
            # onboarding here (step 6) and the directory publishes after commit, so a directory
            # problem never undoes the training record (training/signals.py).
            training_completed.send(sender=TrainingProgress, provider=provider, now=now)
    return progress


def webinar_mark_watched(*, provider: Provider, now: datetime | None = None) -> TrainingProgress:
    """The provider watched the Insurance Program Training Webinar to the end."""
    return _record(provider=provider, field="webinar_completed_at", now=now or timezone.now())


def quiz_mark_passed(*, provider: Provider, now: datetime | None = None) -> TrainingProgress:
    """The provider passed the webinar's quiz."""
    return _record(provider=provider, field="quiz_passed_at", now=now or timezone.now())


# --- publishing the webinar (staff, in admin) -----------------------------------------------------


def _publication_set(*, webinar: Webinar, published: bool, now: datetime) -> Webinar:
    with transaction.atomic():
        locked = Webinar.objects.select_for_update().get(pk=webinar.pk)
        if locked.is_published != published:
            # Re-saving a published webinar keeps its date: only the move itself dates it.
            locked.is_published = published
            locked.published_at = now if published else None
            locked.save(update_fields=["is_published", "published_at"])
            logger.info("Webinar %s %s", locked.pk, "published" if published else "unpublished")
    webinar.is_published, webinar.published_at = locked.is_published, locked.published_at
    return webinar


def webinar_publish(*, webinar: Webinar, now: datetime | None = None) -> Webinar:
    """Staff publish a webinar: from now it is the one providers watch (Webinar.objects.current),
    until another is published after it."""
    return _publication_set(webinar=webinar, published=True, now=now or timezone.now())


def webinar_unpublish(*, webinar: Webinar, now: datetime | None = None) -> Webinar:
    """Staff take a webinar down: providers see the one published most recently before it."""
    return _publication_set(webinar=webinar, published=False, now=now or timezone.now())


# --- the webinar player's reports -----------------------------------------------------------------


def webinar_report_record(
    *,
    provider: Provider,
    webinar: Webinar,
    position: float,
    event: str,
    now: datetime | None = None,
    player_duration: float | None = None,
) -> tuple[WebinarViewing, rules.Outcome]:
    """One progress report from the provider's player; marks the webinar watched once the rule
    says so. The time is the server's own; the player's idea of the duration is only checked
    against the stored one (a mismatch means staff entered the wrong length)."""
    now = now or timezone.now()
    with transaction.atomic():
        viewing, _ = WebinarViewing.objects.get_or_create(provider=provider, webinar=webinar)
        # Reports of one viewing are applied one at a time (two tabs, a retried request).
        viewing = WebinarViewing.objects.select_for_update().get(pk=viewing.pk)
        viewing.webinar = webinar
        was_watched = viewing.completed_at is not None
        outcome = rules.apply_report(
            viewing.as_rule(),
            rules.Report(position=position, event=event, at=now),
            duration=webinar.duration_seconds,
        )
        after = outcome.viewing
        viewing.position_seconds = after.position
        viewing.last_report_at = after.last_report_at
        viewing.last_event = after.last_event
        viewing.watched_ranges = [list(stretch) for stretch in after.ranges]
        viewing.watched_seconds = round(after.watched_seconds, 3)
        viewing.report_count += 1
        fields = [
            "position_seconds",
            "last_report_at",
            "last_event",
            "watched_ranges",
            "watched_seconds",
            "report_count",
        ]
        if after.watched and not was_watched:
            viewing.completed_at = now
            fields.append("completed_at")
        viewing.save(update_fields=fields)
        if after.watched and not was_watched:
            webinar_mark_watched(provider=provider, now=now)
    if (
        event == rules.ENDED
        and player_duration is not None
        and abs(player_duration - webinar.duration_seconds) > rules.END_TOLERANCE_SECONDS
    ):
        logger.error(
            "Webinar %s is %.1f s long in the player but %.1f s in admin: fix its length, or no one "
            "can finish it",
            webinar.pk,
            player_duration,
            webinar.duration_seconds,
        )
    return viewing, outcome


# --- the quiz ------------------------------------------------------------------------------------


def quiz_attempt_start(
    *, provider: Provider, now: datetime | None = None, rng: random.Random | None = None
) -> QuizAttempt:
    """The provider's open attempt, or a new one with its questions and choices shuffled.

    Reopening the quiz (a reload, another device) returns the attempt in progress with its order
    unchanged; after a submitted attempt, a retake starts afresh. Retakes are unlimited.
    """
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    with transaction.atomic():
        # One start at a time per provider, so two tabs do not open two attempts.
        Provider.objects.select_for_update().filter(pk=provider.pk).first()
        open_attempt = QuizAttempt.objects.filter(provider=provider, submitted_at__isnull=True).first()
        if open_attempt is not None:
            return open_attempt
        questions = list(Question.objects.active().prefetch_related("choices"))
        if not questions:
            raise QuizUnavailable("The quiz has no questions yet. Please try again later.")
        rng.shuffle(questions)
        choice_order = {}
        for question in questions:
            ids = [choice.pk for choice in question.choices.all()]
            rng.shuffle(ids)
            choice_order[str(question.pk)] = ids
        return QuizAttempt.objects.create(
            provider=provider,
            started_at=now,
            question_order=[question.pk for question in questions],
            choice_order=choice_order,
            pass_mark=settings.QUIZ_PASS_MARK,
        )


def _checked(answers: Mapping[int, Collection[int]], questions: dict[int, Question]) -> dict[int, list[int]]:
    """The answers as {question id: chosen choice ids}, or InvalidAnswers."""
    if set(answers) != set(questions):
        raise InvalidAnswers("Answer every question of this attempt, and only those.")
    checked = {}
    for question_id, chosen in answers.items():
        question = questions[question_id]
        chosen_ids = list(dict.fromkeys(chosen))
        own = {choice.pk for choice in question.choices.all()}
        if not chosen_ids or not set(chosen_ids) <= own:
            raise InvalidAnswers(f"Question {question_id}: choose among its own answers.")
        if question.kind == Question.Kind.SINGLE and len(chosen_ids) != 1:
            raise InvalidAnswers(f"Question {question_id} takes one answer.")
        checked[question_id] = chosen_ids
    return checked


def quiz_attempt_submit(
    *, attempt: QuizAttempt, answers: Mapping[int, Collection[int]], now: datetime | None = None
) -> QuizAttempt:
    """Score an attempt from the stored right answers (never from anything the client says),
    keep every answer, and on a pass record the quiz as passed (idempotent)."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = (
            QuizAttempt.objects.select_for_update(of=("self",)).select_related("provider").get(pk=attempt.pk)
        )
        if attempt.submitted_at is not None:
            raise AttemptAlreadySubmitted(
                "This attempt is already scored. Start a new one to retake the quiz."
            )
        # The attempt's questions as they are now (a question deleted since is left out).
        questions = (
            Question.objects.filter(pk__in=attempt.question_order).prefetch_related("choices").in_bulk()
        )
        checked = _checked(answers, questions)
        rows = []
        for question_id, chosen_ids in checked.items():
            choices = {choice.pk: choice for choice in questions[question_id].choices.all()}
            correct = [pk for pk, choice in choices.items() if choice.is_correct]
            rows.append(
                AttemptAnswer(
                    attempt=attempt,
                    question_id=question_id,
                    choice_ids=chosen_ids,
                    choice_texts=[choices[pk].text for pk in chosen_ids],
                    is_correct=rules.answer_is_correct(chosen_ids, correct),
                )
            )
        AttemptAnswer.objects.bulk_create(rows)
        right, total = sum(row.is_correct for row in rows), len(rows)
        attempt.submitted_at = now
        attempt.question_count = total
        attempt.correct_count = right
        attempt.score_percent = rules.score_percent(right, total)
        attempt.passed = rules.passes(right, total, pass_mark=attempt.pass_mark)
        attempt.save(
            update_fields=["submitted_at", "question_count", "correct_count", "score_percent", "passed"]
        )
        if attempt.passed:
            quiz_mark_passed(provider=attempt.provider, now=now)
    logger.info(
        "Quiz attempt %s of provider %s: %s of %s right (%s)",
        attempt.pk,
        attempt.provider_id,
        right,
        total,
        "passed" if attempt.passed else "not passed",
    )
    return attempt
