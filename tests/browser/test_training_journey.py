"""Step 5 in a real browser: from the webinar email's link (no password), the demo video played to
the end, the quiz failed once with topics to review, retaken and passed; then, signed in, the
dashboard shows the webinar and the quiz done and onboarding complete."""

import importlib
import re

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from tests.browser.pages import DESKTOP, PHONE, delivered_email, link_in, no_horizontal_scroll, open_page
from tests.factories import ProviderFactory
from tests.pipeline import PASSWORD, grant_portal_access, provider_at_forms_approved
from training.models import Question, QuizAttempt, TrainingProgress


def seed() -> None:
    # The data migrations' rows: a transactional test starts from an empty database.
    importlib.import_module("training.migrations.0003_seed_webinar_and_quiz").seed(apps, None)
    importlib.import_module("support.migrations.0002_seed_articles").seed(apps, None)


def answer_the_quiz(page: Page, *, wrong_topics: set[str]) -> None:
    """Answer every question, wrongly for the given topics, finding each by its wording (the
    order is shuffled)."""
    for question in Question.objects.active().prefetch_related("choices"):
        group = page.get_by_role("group", name=re.compile(re.escape(question.text)))
        choices = question.choices.all()
        if question.topic in wrong_topics:
            chosen = [next(choice for choice in choices if not choice.is_correct)]
        else:
            chosen = [choice for choice in choices if choice.is_correct]
        for choice in chosen:
            group.get_by_label(choice.text, exact=True).check()
    page.get_by_role("button", name="Submit answers").click()


@pytest.mark.django_db(transaction=True)
def test_a_provider_watches_the_webinar_and_passes_the_quiz_on_the_second_try(
    live_server, settings, new_context
):
    settings.SITE_URL = live_server.url
    seed()
    provider = provider_at_forms_approved(
        ProviderFactory(legal_name="Jordan Rivera", email="jordan.rivera@example.com")
    )
    grant_portal_access(provider)  # commits: the webinar email is delivered
    link = link_in(delivered_email("jordan.rivera@example.com", "Insurance Program Training Webinar"))

    # The link from the email, in a browser where nobody is signed in.
    page = open_page(new_context, DESKTOP)
    page.goto(link)
    expect(page.get_by_role("heading", name="Insurance Program Training Webinar", level=1)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Scheduling insurance visits"))).to_be_visible()
    expect(
        page.get_by_text("Alma submits the claim to the payer on your behalf", exact=False)
    ).to_be_visible()
    expect(page.locator("#webinar-done")).to_be_hidden()

    # Play the six-second demo to the end, muted, at normal speed; the server decides it counts.
    ended = page.evaluate("""() => new Promise((resolve) => {
        const video = document.querySelector("video");
        video.addEventListener("ended", () => resolve(true), { once: true });
        setTimeout(() => resolve(false), 15000);
        video.muted = true;
        video.playbackRate = 1;
        video.play();
    })""")
    assert ended, "the video did not play to the end within 15 s"
    expect(page.locator("#webinar-done")).to_be_visible()
    expect(page.locator("#webinar-percent")).to_have_text("100% watched")
    expect(page.locator("#training-step-webinar")).to_contain_text("Watched")
    assert TrainingProgress.objects.get(provider=provider).webinar_completed_at is not None

    # The quiz: two topics missed first.
    page.get_by_role("link", name="Take the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    missed = {"Claims", "Payouts"}
    answer_the_quiz(page, wrong_topics=missed)
    expect(page.get_by_test_id("quiz-result")).to_contain_text("Not passed this time")
    expect(page.get_by_test_id("quiz-result")).to_contain_text(
        "4 of 6 answers right (66%). You need 80% to pass."
    )
    topics = page.locator("#topics-to-review li")
    expect(topics).to_have_count(2)
    for topic in missed:
        expect(topics.filter(has_text=topic)).to_have_count(1)
    # Topics, never the right answers.
    expect(page.get_by_text("Alma submits it to the payer on your behalf")).to_have_count(0)

    page.get_by_role("button", name="Retake the quiz").click()
    answer_the_quiz(page, wrong_topics=set())
    expect(page.get_by_test_id("quiz-result")).to_contain_text("You passed")
    expect(page.locator("#training-complete")).to_be_visible()
    assert list(QuizAttempt.objects.filter(provider=provider).values_list("passed", flat=True)) == [
        True,
        False,
    ]

    # One completion email, now that the last step is done.
    delivered_email("jordan.rivera@example.com", "Your Alma onboarding is complete")

    # Signed in, on a phone: the dashboard has both training items done.
    phone = open_page(new_context, PHONE, is_mobile=True, has_touch=True)
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.locator("input[name=login]").fill("jordan.rivera@example.com")
    phone.locator("input[name=password]").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in", exact=True).click()
    expect(phone.locator("#item-webinar")).to_have_attribute("data-done", "true")
    expect(phone.locator("#item-quiz")).to_have_attribute("data-done", "true")
    expect(phone.locator("#onboarding-summary")).to_contain_text("Your onboarding is complete.")
    # The signed-in training pages show the same progress, and fit the phone.
    phone.goto(f"{live_server.url}/training/webinar/")
    expect(phone.locator("#webinar-percent")).to_have_text("100% watched")
    expect(phone.locator("#training-step-quiz")).to_contain_text("Passed")
    no_horizontal_scroll(phone, PHONE["width"])
