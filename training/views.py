"""The training's pages: the webinar with its player's progress endpoint, and the quiz.

Every page has two entry points (training.urls): the signed-in provider's own, at the names the
dashboard links to ("training:webinar", "training:quiz"), and the emailed training link's
("training:webinar_link", ...), which needs no password and opens only its own provider's
training. Both run the same view with an `Access`, so progress is the same either way.
"""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from onboarding import links
from onboarding.decorators import provider_required
from onboarding.models import Provider
from training import links as training_links
from training import selectors, services
from training.errors import AttemptAlreadySubmitted, InvalidAnswers, QuizUnavailable
from training.forms import PlayerReportForm, QuizAttemptForm

# How often the player reports while playing (seconds); the rule tolerates much longer gaps.
REPORT_EVERY_SECONDS = 5
# A resume offer for less than this much watched, or this close to the end, is noise.
RESUME_MIN_SECONDS = 3


def clock(seconds: float) -> str:
    """1:05 for 65.4 seconds (a video player's way of saying where)."""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


@dataclass(frozen=True)
class Access:
    """Whose training a request works on, and how it got here (signed in, or by a link)."""

    provider: Provider
    token: str | None = None  # the training link's token; None for a signed-in provider

    @property
    def by_link(self) -> bool:
        return self.token is not None

    def url(self, name: str, **kwargs) -> str:
        """The same page for the same kind of access: a link's pages keep its token."""
        if self.token is None:
            return reverse(f"training:{name}", kwargs=kwargs or None)
        kwargs = {"provider_id": self.provider.public_id, "token": self.token, **kwargs}
        return reverse(f"training:{name}_link", kwargs=kwargs)


def training_view(view):
    """(signed-in view, link view) for a view(request, access, ...)."""

    @functools.wraps(view)
    @provider_required  # staff and accounts without a provider get 404: no training to show
    @never_cache
    def signed_in(request, provider, **kwargs):
        return view(request, Access(provider), **kwargs)

    @functools.wraps(view)
    @links.form_link_view(training_links.TRAINING)  # a bad, expired or foreign link gets the link error page
    def by_link(request, provider, **kwargs):
        return view(request, Access(provider, token=request.resolver_match.kwargs["token"]), **kwargs)

    return signed_in, by_link


def _page(request, access: Access, template: str, context: dict, status: int = 200):
    progress = selectors.training_progress(access.provider)
    return render(
        request,
        template,
        {
            "provider": access.provider,
            "access": access,
            "progress": progress,
            "webinar_url": access.url("webinar"),
            "quiz_url": access.url("quiz"),
            **context,
        },
        status=status,
    )


def _webinar(request, access: Access):
    webinar = selectors.current_webinar()
    if webinar is None:
        return _page(request, access, "training/unavailable.html", {}, status=503)
    viewing = selectors.webinar_viewing(access.provider, webinar)
    near_end = webinar.duration_seconds - RESUME_MIN_SECONDS
    resume_at = viewing.position_seconds if RESUME_MIN_SECONDS <= viewing.position_seconds < near_end else 0
    return _page(
        request,
        access,
        "training/webinar.html",
        {
            "webinar": webinar,
            "chapters": list(webinar.chapters.all()),
            "viewing": viewing,
            "resume_at": resume_at,
            "resume_label": clock(resume_at),
            "progress_url": access.url("webinar_progress"),
            "report_every": REPORT_EVERY_SECONDS,
        },
    )


def _webinar_progress(request, access: Access):
    """The player's report (JSON). Answers what the server now counts, never what to believe."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = PlayerReportForm.from_body(request.body)
    if not form.is_valid():
        return JsonResponse({"error": "Not a progress report.", "fields": form.errors}, status=400)
    webinar = selectors.current_webinar()
    if webinar is None or form.cleaned_data.get("webinar") not in {None, webinar.pk}:
        return JsonResponse({"error": "The webinar has changed: reload the page."}, status=409)
    viewing, outcome = services.webinar_report_record(
        provider=access.provider,
        webinar=webinar,
        position=form.cleaned_data["position"],
        event=form.cleaned_data["event"],
        player_duration=form.cleaned_data["duration"],
    )
    return JsonResponse(
        {
            "position": viewing.position_seconds,
            "watched_seconds": viewing.watched_seconds,
            "percent": viewing.percent,
            "watched": viewing.completed_at is not None,
            "counted": outcome.reason,
        }
    )


def _quiz(request, access: Access):
    # Each attempt with the link to its result page.
    attempts = [
        (attempt, access.url("quiz_attempt", attempt_id=attempt.pk))
        for attempt in selectors.recent_attempts(access.provider)
    ]
    return _page(
        request,
        access,
        "training/quiz.html",
        {
            "open_attempt": selectors.open_attempt(access.provider),
            "attempts": attempts,
            "question_count": selectors.quiz_length(),
            "pass_mark": settings.QUIZ_PASS_MARK,
            "start_url": access.url("quiz_start"),
        },
    )


def _quiz_start(request, access: Access):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        attempt = services.quiz_attempt_start(provider=access.provider)
    except QuizUnavailable as error:
        messages.error(request, str(error))
        return redirect(access.url("quiz"))
    return redirect(access.url("quiz_attempt", attempt_id=attempt.pk))


def _quiz_attempt(request, access: Access, attempt_id: int):
    attempt = selectors.attempt_of(access.provider, attempt_id)  # another provider's: 404
    here = access.url("quiz_attempt", attempt_id=attempt.pk)
    if not attempt.is_open:
        if request.method == "POST":
            messages.info(request, "This attempt was already scored; here is its result.")
            return redirect(here)
        return _page(
            request,
            access,
            "training/result.html",
            {
                "attempt": attempt,
                "topics": [] if attempt.passed else selectors.topics_to_review(attempt),
                "start_url": access.url("quiz_start"),
            },
        )

    shown = selectors.attempt_questions(attempt)
    form = QuizAttemptForm(request.POST if request.method == "POST" else None, shown=shown)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.quiz_attempt_submit(attempt=attempt, answers=form.answers())
            except AttemptAlreadySubmitted:
                pass  # a double click: the first submission was scored
            except InvalidAnswers as error:
                messages.error(request, str(error))
                return redirect(here)
            return redirect(here)
        # An answer the page never offered (a choice of another question, a made-up id) is a
        # tampered request: refused, nothing scored.
        status = 400 if form.has_foreign_choice else 200
    return _page(request, access, "training/attempt.html", {"attempt": attempt, "form": form}, status=status)


webinar, webinar_link = training_view(_webinar)
webinar_progress, webinar_progress_link = training_view(_webinar_progress)
quiz, quiz_link = training_view(_quiz)
quiz_start, quiz_start_link = training_view(_quiz_start)
quiz_attempt, quiz_attempt_link = training_view(_quiz_attempt)
