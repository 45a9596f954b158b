"""What unenrolling from a payer does, said the same way on its confirmation page (future tense)
and in its one email (past tense).

Credentialing says its own part (out of network with the payer, the programs that end); the apps
above add theirs as receivers of credentialing.signals.unenroll_consequences (the roster's clients
on that payer, the directory profile), so credentialing imports none of them.
"""

from dataclasses import dataclass
from datetime import date
from typing import cast

from credentialing.models import ApplicationStatus, PayerApplication, Program
from credentialing.signals import unenroll_consequences

# The directory profile goes offline (portal/receivers.py says it): the directory's own "profile
# taken down" email then tells the provider, and the unenroll email is not sent as well.
PROFILE_OFFLINE = "profile_offline"


@dataclass(frozen=True)
class Consequence:
    code: str  # stable: the page's data-consequence, and tests
    will: str  # the confirmation page: what unenrolling will do
    did: str  # the email: what it did
    # Listed on the page only (client names stay out of email: the roster is private).
    items: tuple[str, ...] = ()


def consequences_of_unenrolling(application: PayerApplication, *, today: date) -> list[Consequence]:
    """Everything unenrolling from `application`'s payer does, asked before it is withdrawn."""
    payer = application.payer.name
    found: list[Consequence] = []
    if application.status == ApplicationStatus.APPROVED:
        found.append(
            Consequence(
                "out_of_network",
                f"You will be out-of-network with {payer} from today: you will no longer be able to "
                f"see clients on {payer}.",
                f"You are out-of-network with {payer} from today: you can no longer see clients on {payer}.",
            )
        )
    else:
        found.append(
            Consequence(
                "credentialing_stopped",
                f"We will stop your credentialing with {payer}.",
                f"We stopped your credentialing with {payer}.",
            )
        )
    for _receiver, theirs in unenroll_consequences.send(
        sender=PayerApplication, application=application, today=today
    ):
        found.extend(cast("list[Consequence]", theirs) or [])
    # As credentialing.selectors.active_programs_of_payer (which imports the services that import this).
    programs = list(
        Program.objects.filter(
            payer_id=application.payer_id,
            enrollments__provider_id=application.provider_id,
            enrollments__left_at__isnull=True,
        )
        .order_by("name")
        .values_list("name", flat=True)
    )
    if programs:
        names = ", ".join(programs)
        found.append(
            Consequence(
                "programs_end", f"Your enrollment in {names} will end.", f"Your enrollment in {names} ended."
            )
        )
    found.append(
        Consequence(
            "request_again",
            f"To work with {payer} again you will need to request credentialing again.",
            f"To work with {payer} again, request credentialing again on Insurance & Directories.",
        )
    )
    return found
