"""Reads of the training that views, other apps (completion check, dashboard) and admin need."""

from dataclasses import dataclass

from django.http import Http404

from onboarding.models import Provider
from support.models import Article
from training.models import Choice, Question, QuizAttempt, TrainingProgress, Webinar, WebinarViewing

ATTEMPTS_SHOWN = 10


def training_progress(provider: Provider) -> TrainingProgress:
    """The provider's progress; an unsaved blank one when they have not started."""
    return TrainingProgress.objects.filter(provider=provider).first() or TrainingProgress(provider=provider)


def training_is_done(provider: Provider) -> bool:
    return TrainingProgress.objects.filter(
        provider=provider, webinar_completed_at__isnull=False, quiz_passed_at__isnull=False
    ).exists()


def current_webinar() -> Webinar | None:
    return Webinar.objects.current()


def webinar_viewing(provider: Provider, webinar: Webinar) -> WebinarViewing:
    """The provider's viewing of this webinar; an unsaved blank one before the first report."""
    viewing = WebinarViewing.objects.filter(provider=provider, webinar=webinar).first() or WebinarViewing(
        provider=provider, webinar=webinar
    )
    viewing.webinar = webinar
    return viewing


def quiz_length() -> int:
    """How many questions a new attempt has."""
    return Question.objects.active().count()


def recent_attempts(provider: Provider) -> list[QuizAttempt]:
    """The provider's scored attempts, latest first."""
    return list(
        QuizAttempt.objects.filter(provider=provider, submitted_at__isnull=False).order_by(
            "-submitted_at", "-pk"
        )[:ATTEMPTS_SHOWN]
    )


def open_attempt(provider: Provider) -> QuizAttempt | None:
    return QuizAttempt.objects.filter(provider=provider, submitted_at__isnull=True).first()


def attempt_of(provider: Provider, attempt_id: int) -> QuizAttempt:
    """One of the provider's own attempts; another provider's is 404, as if it did not exist."""
    try:
        return QuizAttempt.objects.get(pk=attempt_id, provider=provider)
    except QuizAttempt.DoesNotExist as exc:
        raise Http404("No such quiz attempt.") from exc


@dataclass(frozen=True)
class ShownQuestion:
    question: Question
    choices: list[Choice]  # in the order this attempt shows them


def attempt_questions(attempt: QuizAttempt) -> list[ShownQuestion]:
    """The attempt's questions and choices in its stored order (two queries). A question deleted
    since is left out; a choice added since comes last."""
    questions = Question.objects.filter(pk__in=attempt.question_order).prefetch_related("choices").in_bulk()
    shown = []
    for question_id in attempt.question_order:
        question = questions.get(question_id)
        if question is None:
            continue
        rank = {pk: index for index, pk in enumerate(attempt.choice_order.get(str(question_id), []))}
        choices = sorted(question.choices.all(), key=lambda choice: rank.get(choice.pk, len(rank)))
        shown.append(ShownQuestion(question, choices))
    return shown


@dataclass(frozen=True)
class TopicToReview:
    topic: str
    article_title: str = ""
    article_url: str = ""


def topics_to_review(attempt: QuizAttempt) -> list[TopicToReview]:
    """The topics of the questions answered wrong, each once, with its Support Center article:
    what a failed attempt shows instead of the right answers (two queries)."""
    wrong = (
        attempt.answers.filter(is_correct=False)
        .select_related("question")
        .order_by("question__position", "question_id")
    )
    topics: dict[str, str] = {}
    for answer in wrong:
        topics.setdefault(answer.question.topic, answer.question.article_slug)
    articles = {
        article.slug: article
        for article in Article.objects.published().filter(slug__in=[slug for slug in topics.values() if slug])
    }
    review = []
    for topic, slug in topics.items():
        article = articles.get(slug)
        review.append(
            TopicToReview(topic, article.title, article.get_absolute_url())
            if article
            else TopicToReview(topic)
        )
    return review
