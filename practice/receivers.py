"""The practice's reactions to credentialing (its signals): what unenrolling from a payer does to
the client roster, said before it happens and done in the withdrawal's own transaction."""

from django.dispatch import receiver

from credentialing.signals import payer_withdrawn, unenroll_consequences
from credentialing.unenrolling import Consequence
from practice import selectors, services


@receiver(unenroll_consequences, dispatch_uid="practice.roster_consequence_of_unenrolling")
def roster_consequence(sender, application, today, **kwargs) -> list[Consequence]:
    clients = selectors.clients_on_payer(application.provider_id, application.payer_id)
    if not clients:
        return []
    payer = application.payer.name
    count = f"{len(clients)} client{'s' if len(clients) != 1 else ''} on your roster"
    return [
        Consequence(
            "roster_clients",
            f"{count} {'have' if len(clients) != 1 else 'has'} {payer} insurance. We will flag them "
            "on your roster so you can update their insurance or arrange cash-pay:",
            f"{count} {'have' if len(clients) != 1 else 'has'} {payer} insurance. We flagged "
            "them on your Clients page: update their insurance or arrange cash-pay.",
            items=tuple(client.full_name for client in clients),
        )
    ]


@receiver(payer_withdrawn, dispatch_uid="practice.flag_clients_on_payer_withdrawn")
def flag_clients(sender, application, now, **kwargs) -> None:
    services.clients_flag_payer_ended(
        provider_id=application.provider_id, payer_id=application.payer_id, now=now
    )
