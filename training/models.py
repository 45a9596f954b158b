"""Step 5: the Insurance Program Training Webinar and its quiz, per provider.

State changes happen only in training.services. TrainingProgress holds when each part was done;
the webinar, its viewings, and the quiz with its attempts hold how.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.templatetags.static import static

from onboarding.models import Provider
from training import rules


class TrainingProgress(models.Model):
    """When the provider watched the webinar to the end and when they passed the quiz.

    PRODUCT.md step 5: both may happen at any time after step 0, in either order; training is
    done once both are. The first time counts: later repeats change nothing.
    """

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="training_progress")
    webinar_completed_at = models.DateTimeField("webinar watched to the end", null=True, blank=True)
    quiz_passed_at = models.DateTimeField("quiz passed", null=True, blank=True)

    class Meta:
        verbose_name = "training progress"
        verbose_name_plural = "training progress"

    def __str__(self) -> str:
        return f"Training of {self.provider}"

    @property
    def is_done(self) -> bool:
        return self.webinar_completed_at is not None and self.quiz_passed_at is not None


# --- the webinar ---------------------------------------------------------------------------------


class WebinarQuerySet(models.QuerySet):
    def current(self) -> "Webinar | None":
        """The webinar providers watch now: the most recently published one.

        By the moment it was published, not created: a draft written first and published last is
        the one staff mean. A published row with no date (made outside training.services, as the
        seed is after a test flushes the database) counts as published before every dated one;
        PostgreSQL would otherwise sort its NULL first.
        """
        return self.filter(is_published=True).order_by(F("published_at").desc(nulls_last=True), "-pk").first()


class Webinar(models.Model):
    """The Insurance Program Training Webinar: the video, its length, chapters and transcript.

    Edited in admin; published and unpublished only through training.services, which dates it.
    Publishing a new one (a re-recorded video) starts everyone's partial viewing afresh, because
    seconds of one video say nothing about another; a provider who already watched one keeps
    their step done (TrainingProgress).
    """

    DEMO_VIDEO = "training/demo-webinar.webm"

    title = models.CharField(max_length=200, default="Insurance Program Training Webinar")
    video_url = models.URLField(
        "video URL",
        blank=True,
        help_text="Where the video file is served from (WebM or MP4). Blank: the six-second demo "
        "video shipped with the portal. A host other than the portal's own must be listed in "
        "the WEBINAR_MEDIA_ORIGINS setting, or browsers refuse to play it.",
    )
    duration_seconds = models.FloatField(
        "length (seconds)",
        validators=[MinValueValidator(1)],
        help_text='The video\'s exact length. The server decides "watched to the end" from it, so it '
        "must match the file (ffprobe shows it).",
    )
    summary = models.TextField(blank=True, help_text="A sentence or two shown above the video.")
    is_published = models.BooleanField(
        "published", default=True, help_text="Providers see the most recently published webinar."
    )
    published_at = models.DateTimeField(
        "published on",
        null=True,
        blank=True,
        editable=False,
        help_text="When it was last published; empty while unpublished.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WebinarQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=True) | Q(published_at__isnull=True),
                name="unpublished_webinar_has_no_publication_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def src(self) -> str:
        return self.video_url or static(self.DEMO_VIDEO)


class WebinarChapter(models.Model):
    """A chapter of the webinar: where it starts, and what is said in it (the transcript)."""

    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="chapters")
    starts_at_seconds = models.PositiveIntegerField("starts at (seconds)")
    title = models.CharField(max_length=200)
    transcript = models.TextField(help_text="What is said in this chapter; shown beside the video.")

    class Meta:
        ordering = ("starts_at_seconds", "pk")
        constraints = [
            models.UniqueConstraint(fields=["webinar", "starts_at_seconds"], name="one_chapter_per_start")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def starts_at_label(self) -> str:
        minutes, seconds = divmod(self.starts_at_seconds, 60)
        return f"{minutes}:{seconds:02d}"


class WebinarViewing(models.Model):
    """One provider's viewing of one webinar, as the server has seen it (training.rules.Viewing).

    Kept in the database, so a reload or another device carries on where the provider was.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="webinar_viewings")
    webinar = models.ForeignKey(Webinar, on_delete=models.PROTECT, related_name="viewings")
    position_seconds = models.FloatField("last position (seconds)", default=0)
    watched_ranges = models.JSONField(
        default=list, help_text="The stretches of the video seen in real time, as [start, end] seconds."
    )
    watched_seconds = models.FloatField("watched (seconds)", default=0)
    last_report_at = models.DateTimeField(null=True, blank=True)
    last_event = models.CharField(max_length=10, blank=True)
    report_count = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField("watched to the end", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "webinar"], name="one_viewing_per_provider_and_webinar"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} watching {self.webinar}"

    @property
    def percent(self) -> int:
        # Watched to the end reads as all of it, though a split second at the start may not have
        # been seen by the server (the player's first report comes as playback starts).
        if self.completed_at is not None:
            return 100
        return rules.percent_watched(self.as_rule(), self.webinar.duration_seconds)

    def as_rule(self) -> rules.Viewing:
        return rules.Viewing(
            position=self.position_seconds,
            last_report_at=self.last_report_at,
            last_event=self.last_event,
            ranges=tuple((start, end) for start, end in self.watched_ranges),
            watched=self.completed_at is not None,
        )


# --- the quiz ------------------------------------------------------------------------------------


class QuestionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_pass_rates(self):
        """Each question with how often it was answered, and answered right (one query)."""
        return self.annotate(
            times_answered=Count("answers"),
            times_right=Count("answers", filter=Q(answers__is_correct=True)),
        )


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "One answer"
        MULTIPLE = "multiple", "Choose all that apply"

    text = models.CharField(max_length=400)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    topic = models.CharField(
        "topic to review",
        max_length=120,
        help_text="Shown after a failed attempt when this question was answered wrong (the right "
        'answer never is), e.g. "Scheduling insurance visits".',
    )
    article_slug = models.SlugField(
        "Support Center article",
        max_length=120,
        blank=True,
        help_text="The slug of the Support Center article that covers the topic (optional).",
    )
    is_active = models.BooleanField(
        "in the quiz",
        default=True,
        help_text="Untick to take a question out of new attempts. Questions already answered can't "
        "be deleted: past attempts keep them.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in admin (attempts shuffle).")

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=300)
    is_correct = models.BooleanField("correct", default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return self.text


class QuizAttempt(models.Model):
    """One try at the quiz, with the order it was shown in, and once submitted its score.

    Scored by the server (training.services.quiz_attempt_submit) from the stored choices.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="quiz_attempts")
    started_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    question_order = models.JSONField(default=list, help_text="Question ids, in the order shown.")
    choice_order = models.JSONField(default=dict, help_text="For each question id, its choice ids as shown.")
    pass_mark = models.PositiveSmallIntegerField("pass mark (%)")
    question_count = models.PositiveSmallIntegerField(null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField("right answers", null=True, blank=True)
    score_percent = models.PositiveSmallIntegerField("score (%)", null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ("-started_at", "-pk")
        indexes = [models.Index(fields=["provider", "-started_at"], name="attempts_of_provider")]

    def __str__(self) -> str:
        return f"Quiz attempt of {self.provider} on {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None


class AttemptAnswer(models.Model):
    """What the provider chose for one question of an attempt, as it read then."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice_ids = models.JSONField(default=list)
    # The chosen answers' wording at the time, so staff read the attempt as the provider saw it
    # even after a choice is reworded or removed.
    choice_texts = models.JSONField(default=list)
    is_correct = models.BooleanField("right")

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} in attempt {self.attempt_id}"
