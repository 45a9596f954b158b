"""Primary-source verifications: recorded, never edited.

A verification is the audit record itself (who, when, from which source, how, with what
evidence), so it is append-only: checking a credential again records a new verification, which
supersedes the old one in the file (verification.file takes the latest) while the old one stays
as the history. Nothing here updates or deletes a verification.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from alma.uploads import check_upload
from onboarding.models import Provider
from verification import file as credentialing_file
from verification.errors import VerificationRefused
from verification.models import (
    PrimarySourceVerification,
    VerificationMethod,
    VerificationResult,
    VerificationSource,
    VerifiedItem,
)

PERMISSION = "verification.add_primarysourceverification"
EVIDENCE_KINDS = ("pdf", "png", "jpeg")

# The primary sources NCQA accepts for each credential (CR 3): a licence from the state board, a
# DEA registration from the DEA, a board certification from ABMS or the board itself, education
# from the school or a clearinghouse that speaks for it, insurance from the carrier, and the
# malpractice-claims history from the NPDB (or the carrier's claims history).
ACCEPTED_SOURCES: dict[str, frozenset[str]] = {
    VerifiedItem.STATE_LICENSE: frozenset({VerificationSource.STATE_BOARD}),
    VerifiedItem.DEA: frozenset({VerificationSource.DEA}),
    VerifiedItem.BOARD_CERTIFICATION: frozenset(
        {VerificationSource.ABMS, VerificationSource.CERTIFYING_BOARD}
    ),
    VerifiedItem.EDUCATION: frozenset({VerificationSource.SCHOOL, VerificationSource.CLEARINGHOUSE}),
    VerifiedItem.LIABILITY_INSURANCE: frozenset({VerificationSource.CARRIER}),
    VerifiedItem.MALPRACTICE_HISTORY: frozenset({VerificationSource.NPDB, VerificationSource.CARRIER}),
}


def accepted_sources_label(item: str) -> str:
    return " or ".join(
        str(label) for value, label in VerificationSource.choices if value in ACCEPTED_SOURCES.get(item, ())
    )


def verification_record(
    *,
    provider: Provider,
    item: str,
    item_key: str,
    item_label: str,
    source: str,
    method: str,
    verified_on: date,
    result: str,
    evidence,
    notes: str,
    verifier: User,
    now: datetime | None = None,
) -> PrimarySourceVerification:
    """Record that `verifier` checked one credential of the provider's file at its primary source.

    Refused (VerificationRefused, naming the field): without the add permission; for a
    credential the provider's Insurance Form does not name (the file changed since the page was
    shown); for a date still to come; for a source that is not a primary source of that
    credential; for evidence that is not a PDF, PNG or JPEG by its content or is over the upload
    limit; without evidence, unless the source was phoned and the notes say who answered.
    """
    now = now or timezone.now()
    if not verifier.has_perm(PERMISSION):
        raise VerificationRefused("Recording a verification needs the permission to add verifications.")
    if item not in VerifiedItem.values:
        raise VerificationRefused("Choose what was verified.", field="item")
    if source not in ACCEPTED_SOURCES[item]:
        label = VerifiedItem(item).label
        raise VerificationRefused(
            f"{VerificationSource(source).label if source in VerificationSource.values else 'This'} is not a "
            f"primary source for a {label.lower()}: use {accepted_sources_label(item)}.",
            field="source",
        )
    if method not in VerificationMethod.values:
        raise VerificationRefused("Choose how it was verified.", field="method")
    if result not in VerificationResult.values:
        raise VerificationRefused("Choose what the source said.", field="result")
    today = timezone.localdate(now)
    if verified_on > today:
        raise VerificationRefused(
            f"A verification cannot be dated in the future ({verified_on:%d %b %Y} is after today).",
            field="verified_on",
        )
    notes = notes.strip()
    if evidence:
        try:
            check_upload(evidence, kinds=EVIDENCE_KINDS)
        except ValidationError as error:
            raise VerificationRefused(" ".join(error.messages), field="evidence") from error
    elif method != VerificationMethod.PHONE:
        raise VerificationRefused(
            "Attach the evidence: the source's page, printout or letter (PDF, PNG or JPEG).", field="evidence"
        )
    elif not notes:
        raise VerificationRefused(
            "A phone verification without a file needs notes: who answered, and what they confirmed.",
            field="notes",
        )

    with transaction.atomic():
        # One verification at a time per provider: the file is read and written in one order.
        locked = Provider.objects.select_for_update().get(pk=provider.pk)
        keys = {(kind.value, key) for kind, key, _label in credentialing_file.credentials(locked)}
        if (item, item_key) not in keys:
            raise VerificationRefused(
                "This credential is no longer in the provider's file (their Insurance Form changed). "
                "Open the file again and record it against what the form says now."
            )
        return PrimarySourceVerification.objects.create(
            provider=locked,
            item=item,
            item_key=item_key,
            item_label=item_label[:200],
            source=source,
            method=method,
            verified_on=verified_on,
            result=result,
            verifier=verifier,
            evidence=evidence or "",
            notes=notes,
            recorded_at=now,
        )
