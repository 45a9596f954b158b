"""Staff's view of the training: the webinar and quiz they edit, and each provider's progress and
attempts, read-only (recorded only by the provider's own viewing and answers, training.services).
"""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import ExpressionWrapper, F, FloatField
from django.db.models.functions import NullIf
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from alma.admin import ReadOnlyAdmin, ReadOnlyInline
from training.models import (
    AttemptAnswer,
    Choice,
    Question,
    QuizAttempt,
    TrainingProgress,
    Webinar,
    WebinarChapter,
    WebinarViewing,
)
from training.services import webinar_publish, webinar_unpublish


def _changelist(model, label: str, **filters) -> str:
    url = reverse(f"admin:training_{model._meta.model_name}_changelist")
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return format_html('<a href="{}?{}">{}</a>', url, query, label)


@admin.register(TrainingProgress)
class TrainingProgressAdmin(ReadOnlyAdmin):
    """Read-only: progress is recorded by the provider's own webinar and quiz (training.services)."""

    list_display = ("provider", "webinar_completed_at", "quiz_passed_at", "done")
    search_fields = ("provider__legal_name", "provider__user__email")
    list_select_related = ("provider",)
    ordering = ("provider__legal_name",)
    readonly_fields = ("provider", "webinar_completed_at", "quiz_passed_at", "viewings", "attempts")
    fields = readonly_fields

    @admin.display(boolean=True, description="training done")
    def done(self, progress):
        return progress.is_done

    @admin.display(description="webinar viewing")
    def viewings(self, progress):
        return _changelist(
            WebinarViewing, "Watched time, per webinar", provider__id__exact=progress.provider_id
        )

    @admin.display(description="quiz attempts")
    def attempts(self, progress):
        count = progress.provider.quiz_attempts.count()
        return _changelist(
            QuizAttempt,
            f"{count} attempt{'s' if count != 1 else ''}",
            provider__id__exact=progress.provider_id,
        )


# --- the webinar ---------------------------------------------------------------------------------


class WebinarForm(forms.ModelForm):
    video_url = forms.URLField(
        label="Video URL",
        required=False,
        assume_scheme="https",
        help_text=Webinar._meta.get_field("video_url").help_text,
    )

    class Meta:
        model = Webinar
        fields = ("title", "summary", "video_url", "duration_seconds", "is_published")

    def clean_video_url(self) -> str:
        url = self.cleaned_data["video_url"]
        if url:
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
            allowed = {settings.SITE_URL, *settings.WEBINAR_MEDIA_ORIGINS}
            if origin not in allowed:
                raise ValidationError(
                    f"Browsers will refuse to play a video from {origin}: add it to the "
                    "WEBINAR_MEDIA_ORIGINS setting first (the portal's Content Security Policy)."
                )
        return url


class WebinarChapterInline(admin.TabularInline):
    model = WebinarChapter
    extra = 1
    fields = ("starts_at_seconds", "title", "transcript")


@admin.register(Webinar)
class WebinarAdmin(admin.ModelAdmin):
    form = WebinarForm
    list_display = ("title", "duration_seconds", "is_published", "published_at", "created_at")
    list_filter = ("is_published",)
    readonly_fields = ("published_at",)
    inlines = (WebinarChapterInline,)

    def save_model(self, request, obj, form, change):
        # The "published" box says which way staff want it; the move itself is the service's,
        # which dates it (the webinar providers see is the most recently published one). Until
        # then the row keeps its stored state: a new one starts as a draft.
        wanted = obj.is_published
        obj.is_published = change and form.initial["is_published"]
        super().save_model(request, obj, form, change)
        if wanted:
            webinar_publish(webinar=obj)
        else:
            webinar_unpublish(webinar=obj)


@admin.register(WebinarViewing)
class WebinarViewingAdmin(ReadOnlyAdmin):
    """How far each provider got with the webinar, as the server counted it."""

    list_display = (
        "provider",
        "webinar",
        "watched",
        "percent_watched",
        "position",
        "completed_at",
        "last_report_at",
    )
    list_filter = (("completed_at", admin.EmptyFieldListFilter),)
    list_select_related = ("provider", "webinar")
    search_fields = ("provider__legal_name", "provider__user__email")
    ordering = ("-last_report_at", "-pk")
    fields = (
        "provider",
        "webinar",
        "watched_seconds",
        "watched_ranges",
        "position_seconds",
        "last_event",
        "last_report_at",
        "report_count",
        "started_at",
        "completed_at",
    )
    readonly_fields = fields

    @admin.display(description="watched", ordering="watched_seconds")
    def watched(self, viewing):
        return _clock(viewing.watched_seconds)

    @admin.display(description="% of the video")
    def percent_watched(self, viewing):
        return f"{viewing.percent}%"

    @admin.display(description="last position", ordering="position_seconds")
    def position(self, viewing):
        return _clock(viewing.position_seconds)


def _clock(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


# --- the quiz ------------------------------------------------------------------------------------


class ChoiceFormSet(BaseInlineFormSet):
    """A question offers at least two answers: exactly one right for a one-answer question, at
    least one for "choose all that apply"."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        right = sum(bool(choice.get("is_correct")) for choice in kept)
        if len(kept) < 2:
            raise ValidationError("Give at least two answers to choose from.")
        if self.instance.kind == Question.Kind.SINGLE and right != 1:
            raise ValidationError("A one-answer question needs exactly one correct answer.")
        if self.instance.kind == Question.Kind.MULTIPLE and right < 1:
            raise ValidationError("Mark at least one answer correct.")


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 2
    fields = ("text", "is_correct", "position")


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """The quiz's questions, with how often each is answered right: a question most providers
    miss is probably a bad question (or a gap in the webinar)."""

    list_display = ("text", "topic", "kind", "is_active", "times_answered", "pass_rate")
    list_filter = ("is_active", "kind")
    search_fields = ("text", "topic")
    fields = ("text", "kind", "topic", "article_slug", "is_active", "position")
    inlines = (ChoiceInline,)

    def get_queryset(self, request):
        # The counts come with the rows, in the changelist's one query: nothing per question.
        return (
            super()
            .get_queryset(request)
            .with_pass_rates()
            .annotate(
                pass_rate_percent=ExpressionWrapper(
                    F("times_right") * 100.0 / NullIf(F("times_answered"), 0), output_field=FloatField()
                )
            )
        )

    @admin.display(description="answered", ordering="times_answered")
    def times_answered(self, question):
        return question.times_answered

    @admin.display(description="answered right", ordering="pass_rate_percent")
    def pass_rate(self, question):
        if not question.times_answered:
            return "not answered yet"
        return f"{question.pass_rate_percent:.0f}% ({question.times_right} of {question.times_answered})"


class AttemptAnswerInline(ReadOnlyInline):
    model = AttemptAnswer
    fields = ("question", "chosen", "is_correct")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question")

    @admin.display(description="chosen")
    def chosen(self, answer):
        return format_html_join("", "<div>{}</div>", ((text,) for text in answer.choice_texts))

    def has_view_permission(self, request, obj=None):
        # Whoever may read attempts reads their answers: they are one record.
        return request.user.has_perm("training.view_quizattempt")


@admin.register(QuizAttempt)
class QuizAttemptAdmin(ReadOnlyAdmin):
    """Every attempt with its answers and score, as the server scored it."""

    list_display = ("provider", "started_at", "submitted_at", "score", "passed")
    list_filter = ("passed",)
    list_select_related = ("provider",)
    search_fields = ("provider__legal_name", "provider__user__email")
    date_hierarchy = "started_at"
    fields = ("provider", "started_at", "submitted_at", "score", "passed", "pass_mark")
    readonly_fields = fields
    inlines = (AttemptAnswerInline,)

    @admin.display(description="score", ordering="score_percent")
    def score(self, attempt):
        if attempt.submitted_at is None:
            return "in progress"
        return f"{attempt.score_percent}% ({attempt.correct_count} of {attempt.question_count})"
