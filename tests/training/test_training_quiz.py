"""The quiz: shuffled per attempt, scored by the server from the stored right answers, unlimited
retakes; a failed attempt names topics to review, never the right answers; a pass records the
quiz once. Reached by the emailed link or signed in; nobody reaches another provider's attempt."""

import random
import re
from html import unescape

import pytest
from django.test import Client

from support.models import Article
from tests.helpers import signed_in_client, text_at, text_of
from tests.training_factories import (
    attempt_path,
    link_path,
    quiz_answers,
    quiz_post_data,
    right_choices,
    start_quiz,
)
from training.errors import InvalidAnswers
from training.models import AttemptAnswer, Choice, Question, QuizAttempt, TrainingProgress
from training.services import quiz_attempt_start, quiz_attempt_submit

# The data migrations' rows (tests that flush the database lose them).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webinar", "support_articles")]


def test_an_attempt_shows_every_question_in_its_own_shuffled_order_and_keeps_it_on_reload(client, provider):
    attempt = start_quiz(client, provider)
    assert sorted(attempt.question_order) == sorted(Question.objects.active().values_list("pk", flat=True))
    page = client.get(attempt_path(provider, attempt)).text
    shown = [int(qid) for qid in dict.fromkeys(re.findall(r'name="question-(\d+)"', page))]
    assert shown == attempt.question_order
    for qid in attempt.question_order:
        choices = [int(pk) for pk in re.findall(rf'name="question-{qid}" value="(\d+)"', page)]
        assert choices == attempt.choice_order[str(qid)]
    assert "Choose all that apply." in page  # the multiple-choice question says so
    # A reload, or "Start the quiz" again, returns the same attempt in the same order.
    assert start_quiz(client, provider).pk == attempt.pk
    inputs = re.findall(r'name="question-\d+" value="\d+"', page)
    assert (
        re.findall(r'name="question-\d+" value="\d+"', client.get(attempt_path(provider, attempt)).text)
        == inputs
    )


def test_attempts_are_shuffled_independently(provider):
    orders = set()
    for seed in range(5):
        attempt = quiz_attempt_start(provider=provider, rng=random.Random(seed))  # noqa: S311 - a repeatable shuffle
        orders.add(
            (tuple(attempt.question_order), tuple(attempt.choice_order[str(attempt.question_order[0])]))
        )
        quiz_attempt_submit(attempt=attempt, answers=quiz_answers(attempt, wrong=6))
    assert len(orders) > 1


def test_the_server_scores_and_ignores_any_score_the_browser_sends(client, provider):
    attempt = start_quiz(client, provider)
    response = client.post(
        attempt_path(provider, attempt),
        quiz_post_data(
            quiz_answers(attempt, wrong=3), score="100", score_percent="100", passed="true", correct_count="6"
        ),
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.correct_count, attempt.question_count, attempt.score_percent, attempt.passed) == (
        3,
        6,
        50,
        False,
    )
    assert attempt.answers.count() == 6
    assert not TrainingProgress.objects.filter(provider=provider).exists()


def test_a_failed_attempt_names_the_topics_to_review_but_never_the_right_answers(client, provider):
    attempt = start_quiz(client, provider)
    client.post(attempt_path(provider, attempt), quiz_post_data(quiz_answers(attempt, wrong=2)))
    page = client.get(attempt_path(provider, attempt))
    text = text_of(page.text)
    assert "Not passed this time" in text
    assert "4 of 6 answers right (66%). You need 80% to pass." in text
    review = text_at(page.text, "#topics-to-review")
    first_two = list(Question.objects.order_by("position", "pk")[:2])
    assert review == (
        "Scheduling insurance visits: Cash-pay and insurance clients before your effective start date "
        "Claims: The Insurance Program Training Webinar"
    )
    assert [q.topic for q in first_two] == ["Scheduling insurance visits", "Claims"]
    article = Article.objects.get(slug="cash-pay-and-insurance-before-your-effective-date")
    assert f'href="{article.get_absolute_url()}"' in page.text
    # Neither the right answers nor the provider's own marked up: only topics.
    for choice in Choice.objects.filter(is_correct=True):
        assert unescape(choice.text) not in unescape(page.text)
    for question in Question.objects.all():
        assert question.text not in unescape(page.text)
    assert "Retake the quiz" in text


def test_passing_records_the_quiz_once_and_retakes_are_unlimited(client, provider):
    for wrong in (6, 2):  # two fails
        attempt = start_quiz(client, provider)
        client.post(attempt_path(provider, attempt), quiz_post_data(quiz_answers(attempt, wrong=wrong)))
    assert not TrainingProgress.objects.filter(provider=provider, quiz_passed_at__isnull=False).exists()

    passing = start_quiz(client, provider)
    # 5 of 6: 83 %
    client.post(attempt_path(provider, passing), quiz_post_data(quiz_answers(passing, wrong=1)))
    result = text_of(client.get(attempt_path(provider, passing)).text)
    assert "You passed 5 of 6 answers right (83%)." in result
    passed_at = TrainingProgress.objects.get(provider=provider).quiz_passed_at
    assert passed_at == QuizAttempt.objects.get(pk=passing.pk).submitted_at

    again = start_quiz(client, provider)  # taken again for practice: nothing changes
    client.post(attempt_path(provider, again), quiz_post_data(quiz_answers(again)))
    assert TrainingProgress.objects.get(provider=provider).quiz_passed_at == passed_at
    assert list(QuizAttempt.objects.filter(provider=provider).values_list("passed", flat=True)) == [
        True,
        True,
        False,
        False,
    ]
    quiz_page = text_of(client.get(link_path(provider, "quiz")).text)
    assert "You passed the quiz on" in quiz_page
    assert quiz_page.count("not passed") == 2


def test_an_answer_naming_another_questions_choice_is_refused(client, provider):
    attempt = start_quiz(client, provider)
    chosen = quiz_answers(attempt)
    first, second = attempt.question_order[:2]
    chosen[first] = right_choices(second)[:1]  # a right answer, of the wrong question
    response = client.post(attempt_path(provider, attempt), quiz_post_data(chosen))
    assert response.status_code == 400
    assert "These answers don't belong to this quiz." in unescape(response.text)
    attempt.refresh_from_db()
    assert attempt.is_open
    assert attempt.score_percent is None
    assert not AttemptAnswer.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda chosen, order: chosen.pop(order[0]), id="a question left out"),
        pytest.param(lambda chosen, order: chosen.update({999_999: [1]}), id="a question not in the attempt"),
        pytest.param(lambda chosen, order: chosen.update({order[0]: [999_999]}), id="a made-up choice"),
        pytest.param(
            lambda chosen, order: chosen.update({order[1]: right_choices(order[0])}),
            id="another question's choice",
        ),
        pytest.param(lambda chosen, order: chosen.update({order[0]: []}), id="no choice"),
    ],
)
def test_the_service_refuses_answers_no_one_could_give_on_the_page(provider, tamper):
    attempt = quiz_attempt_start(provider=provider)
    chosen = quiz_answers(attempt)
    tamper(chosen, attempt.question_order)
    with pytest.raises(InvalidAnswers):
        quiz_attempt_submit(attempt=attempt, answers=chosen)
    attempt.refresh_from_db()
    assert attempt.is_open


def test_two_answers_to_a_one_answer_question_are_refused(provider):
    attempt = quiz_attempt_start(provider=provider)
    single = Question.objects.filter(kind=Question.Kind.SINGLE).first()
    chosen = quiz_answers(attempt)
    chosen[single.pk] = list(single.choices.values_list("pk", flat=True)[:2])
    with pytest.raises(InvalidAnswers, match="takes one answer"):
        quiz_attempt_submit(attempt=attempt, answers=chosen)


def test_missing_answers_are_marked_and_nothing_is_scored(client, provider):
    attempt = start_quiz(client, provider)
    chosen = quiz_answers(attempt)
    del chosen[attempt.question_order[0]]
    response = client.post(attempt_path(provider, attempt), quiz_post_data(chosen))
    assert response.status_code == 200
    assert "Answer every question before you submit" in unescape(response.text)
    assert f'id="id_question-{attempt.question_order[0]}_error"' in response.text
    attempt.refresh_from_db()
    assert attempt.is_open


def test_a_scored_attempt_cannot_be_answered_again(client, provider):
    attempt = start_quiz(client, provider)
    client.post(attempt_path(provider, attempt), quiz_post_data(quiz_answers(attempt, wrong=6)))
    response = client.post(
        attempt_path(provider, attempt), quiz_post_data(quiz_answers(attempt)), follow=True
    )
    assert "This attempt was already scored" in unescape(response.text)
    attempt.refresh_from_db()
    assert (attempt.score_percent, attempt.passed) == (0, False)


def test_another_providers_attempt_is_not_reachable(make_provider):
    alice, bob = make_provider(), make_provider()
    alices_browser, bobs_browser = Client(), Client()
    attempt = start_quiz(alices_browser, alice)
    # Bob's own link with Alice's attempt id; Bob signed in; Alice's link path with Bob's token.
    for path in (attempt_path(bob, attempt), attempt_path(bob, attempt, by_link=False)):
        browser = signed_in_client(bob) if "/training/quiz/" in path else bobs_browser
        assert browser.get(path).status_code == 404
        assert browser.post(path, quiz_post_data(quiz_answers(attempt))).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open
    assert not QuizAttempt.objects.filter(provider=bob).exists()


def test_the_pass_mark_is_a_setting(client, provider, settings):
    settings.QUIZ_PASS_MARK = 100
    attempt = start_quiz(client, provider)
    assert attempt.pass_mark == 100
    client.post(attempt_path(provider, attempt), quiz_post_data(quiz_answers(attempt, wrong=1)))
    attempt.refresh_from_db()
    assert (attempt.score_percent, attempt.passed) == (83, False)
    assert "You pass with 100% of the answers right." in text_of(client.get(link_path(provider, "quiz")).text)


def test_the_quiz_may_come_before_the_webinar(client, provider):
    page = text_of(client.get(link_path(provider, "quiz")).text)
    assert "You can take the quiz whenever you like, before or after the webinar." in page
    attempt = start_quiz(client, provider)
    client.post(attempt_path(provider, attempt), quiz_post_data(quiz_answers(attempt)))
    progress = TrainingProgress.objects.get(provider=provider)
    assert progress.quiz_passed_at is not None
    assert progress.webinar_completed_at is None
    result = text_of(client.get(attempt_path(provider, attempt)).text)
    assert "One more thing: Watch the webinar to the end to finish your training." in result


def test_signed_in_and_by_link_it_is_the_same_quiz(provider):
    by_link = Client()
    attempt = start_quiz(by_link, provider)  # started from the email
    signed_in = signed_in_client(provider)
    assert start_quiz(signed_in, provider, by_link=False).pk == attempt.pk  # continued signed in
    signed_in.post(attempt_path(provider, attempt, by_link=False), quiz_post_data(quiz_answers(attempt)))
    assert "You passed the quiz on" in text_of(by_link.get(link_path(provider, "quiz")).text)


def test_quiz_pages_read_in_a_fixed_number_of_queries(client, provider, django_assert_num_queries):
    for wrong in (3, 2, 1, 0):
        attempt = start_quiz(client, provider)
        client.post(attempt_path(provider, attempt), quiz_post_data(quiz_answers(attempt, wrong=wrong)))
    failed = QuizAttempt.objects.filter(provider=provider, passed=False).first()
    # The provider (link), the open attempt, the recent attempts, the question count, the progress.
    with django_assert_num_queries(5):
        assert client.get(link_path(provider, "quiz")).status_code == 200
    # The provider, the attempt, the wrong answers with their questions, their articles, the progress.
    with django_assert_num_queries(5):
        assert client.get(attempt_path(provider, failed)).status_code == 200
    open_attempt = start_quiz(client, provider)
    # The provider, the attempt, its questions, their choices, the progress.
    with django_assert_num_queries(5):
        assert client.get(attempt_path(provider, open_attempt)).status_code == 200
