"""Where emails send a provider for the training: a signed link (onboarding.links, kind TRAINING)
that opens the webinar and the quiz without a password, so it works before portal access too.
Like every form link it signs the provider's link version, so staff's "send fresh links" voids it."""

from django.conf import settings
from django.urls import reverse

from onboarding import links
from onboarding.models import Provider
from training.models import TrainingProgress

# The training (step 5): the webinar and the quiz, reachable before the provider has a password.
TRAINING = "training"


def webinar_url(provider: Provider) -> str:
    """The training link, absolute (built from SITE_URL), opening the part still to do: the quiz
    once the webinar is watched, else the webinar (whose page links on to the quiz)."""
    progress = TrainingProgress.objects.filter(provider=provider).first()
    quiz_left = progress is not None and progress.webinar_completed_at and not progress.quiz_passed_at
    path = reverse(
        "training:quiz_link" if quiz_left else "training:webinar_link",
        kwargs={"provider_id": provider.public_id, "token": links.make_token(provider, TRAINING)},
    )
    return f"{settings.SITE_URL}{path}"
