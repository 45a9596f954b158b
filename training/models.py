"""Step 5: the Insurance Program Training Webinar and its quiz, per provider.

State changes happen only in training.services; this model holds when each part was done.
"""

from django.db import models

from onboarding.models import Provider


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
