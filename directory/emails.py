"""The emails of the directory (onboarding.email_kinds), registered in DirectoryConfig.ready().

"Your profile is live" goes once per provider, ever (key ""), however often the profile comes
down and goes up again. "Your profile was taken down" goes once per take-down: its key is the
UNPUBLISHED profile event. It goes whenever the go-live rule takes a live profile out of the
directory (a withdrawn payer, staff hiding it, a form sent back), but not on offboarding: the
provider has left Alma, and offboarding is their own departure, not something to fix.
"""

from datetime import date

from django.conf import settings
from django.urls import reverse

from directory.golive import Blocker, GoLiveDecision, day_label
from onboarding.email_kinds import EmailKind
from onboarding.models import Provider

PROFILE_LIVE = "profile_live"
BIO_SENT_BACK = "bio_sent_back"
PROFILE_TAKEN_DOWN = "profile_taken_down"
# A visitor's "Contact this provider" message; key "contact-<ContactMessage id>", one per message.
# Its context holds the visitor's words until the email is delivered (directory.models.ContactMessage).
CONTACT_MESSAGE = "contact_message"
# "Please confirm your profile": once per 90-day period (key "due-<the period's due date>",
# directory.reverification), queued by the daily reverification sweep from day 80.
PROFILE_REVERIFY = "profile_reverify"


def _my_profile(provider: Provider) -> str:
    # The provider's own profile page in the portal (behind sign-in).
    return f"{settings.SITE_URL}{reverse('directory:my_profile')}"


def _public_profile(provider: Provider) -> str:
    # The public profile page (no sign-in): what clients see.
    return f"{settings.SITE_URL}{provider.directory_profile.get_absolute_url()}"


KINDS = (
    EmailKind(
        code=PROFILE_LIVE,
        label="Your directory profile is live",
        action_url=_public_profile,
        timeline="your directory profile is live",
        bulk=True,
    ),
    EmailKind(
        code=BIO_SENT_BACK,
        label="Your edited bio needs changes",
        action_url=_my_profile,
        timeline="your edited bio needs a change",
    ),
    EmailKind(
        code=PROFILE_TAKEN_DOWN,
        label="Your directory profile was taken down",
        action_url=_my_profile,
        timeline="your directory profile was taken down",
        bulk=True,
    ),
    EmailKind(
        code=CONTACT_MESSAGE,
        label="Message from a visitor to the directory",
        # The button opens the provider's profile page, where they can pause new-client contact.
        action_url=_my_profile,
        timeline="a message from someone who found you in the directory",
    ),
    EmailKind(
        code=PROFILE_REVERIFY,
        label="Confirm your directory profile (every 90 days)",
        action_url=_my_profile,
        timeline="please confirm your directory profile is still right",
        bulk=True,
    ),
)

# Why a live profile came down, in the provider's words. A profile was live, so it had an
# approved payer, a finished training and an approved form: the blocker is something that changed.
_TAKEN_DOWN_BECAUSE = {
    Blocker.NO_APPROVED_PAYER: (
        "No insurance payer has you in network any more: your approved payer application was withdrawn."
    ),
    Blocker.TRAINING_NOT_DONE: (
        "Your Insurance Program Training Webinar and quiz are no longer on record as done."
    ),
    Blocker.PROFILE_NOT_APPROVED: (
        "Your General Onboarding form, which your profile is built from, was sent back to you for changes."
    ),
    Blocker.HIDDEN_BY_STAFF: "Our team has hidden your profile from the directory.",
    Blocker.OFFBOARDED: "You have left Alma.",
}


def taken_down_is_emailed(decision: GoLiveDecision) -> bool:
    return Blocker.OFFBOARDED not in decision.blockers


def taken_down_context(decision: GoLiveDecision, *, as_of: date) -> dict[str, str]:
    """What the take-down email says: why the profile is no longer listed, and what happens next
    (the rule's own sentence to the provider, the same words as their dashboard)."""
    if decision.blockers:
        why = " ".join(_TAKEN_DOWN_BECAUSE[blocker] for blocker in decision.blockers)
        return {"why": why, "what_next": decision.reason}
    # Nothing blocks it, but its go-live date moved past today (the payer that made it due
    # went, another one's effective date is still ahead).
    go_live_on = decision.go_live_on or as_of
    return {
        "why": f"Your go-live date has moved to {day_label(go_live_on)}, which is still ahead.",
        "what_next": (
            f"Your profile is listed again on {day_label(go_live_on)}. Why that day: {decision.reason}"
        ),
    }
