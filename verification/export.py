"""The credentialing file as one ZIP, for an NCQA file review.

`credentialing_file_zip(provider, now=...)` gathers everything the file holds — the provider's
identity, every primary-source verification with its evidence, the readiness on the export date,
the NPI-registry evidence, the exclusion-check history, each credentialing decision with its
notice dates, and the recredentialing dates — and writes:

    index.html                 the file, readable on screen and printed (no outside links, styles inline)
    index.json                 the same data, for machines
    evidence/psv-<id>-<item>.<ext>   each verification's evidence file, read from default storage
    npi-registry/<check id>.json     each registry answer exactly as it came back

A missing evidence file is listed as missing in both indexes, never a crash: the reviewer must
see the gap. The number of queries is fixed whatever the number of records (the test pins it).

Only reads: the download's audit row is written by verification.services.export.
"""

import io
import json
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone

from credentialing.models import InsuranceForm
from exclusions.selectors import screening_history
from onboarding.models import OutboxEmail, Provider
from verification.emails import CREDENTIALING_DECISION
from verification.file import file_readiness_for
from verification.models import (
    CredentialingDecision,
    NpiRegistryCheck,
    PrimarySourceVerification,
    RecredentialingAttestation,
    VerifiedItem,
)

FORMAT = "alma-credentialing-file/1"
Outcome = CredentialingDecision.Outcome


@dataclass
class CredentialingFile:
    """What the export holds, before it is written out: `data` is index.json's content (the
    template reads it too), `files` the other members of the ZIP by their name in it."""

    data: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)


def _person(user) -> str:
    return user.email if user is not None else ""


def _provider_section(provider: Provider) -> dict[str, Any]:
    npi = InsuranceForm.objects.filter(provider=provider).values_list("npi", flat=True).first() or ""
    return {
        "public_id": str(provider.public_id),
        "name": provider.legal_name,
        "npi": npi,
        "license_type": provider.license_type,
        "license_type_label": provider.get_license_type_display(),
    }


def _evidence_member(verification: PrimarySourceVerification) -> str:
    suffix = PurePosixPath(verification.evidence.name).suffix.lower()
    return f"evidence/psv-{verification.pk}-{verification.item}{suffix}"


def _read_stored(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    except OSError:  # FileNotFoundError locally; S3 storage raises it too for a missing key
        return None


def _verifications(provider: Provider, files: dict[str, bytes]) -> list[dict[str, Any]]:
    rows = []
    verifications = PrimarySourceVerification.objects.filter(provider=provider).select_related("verifier")
    for verification in verifications.order_by("item", "item_key", "-verified_on", "-pk"):
        evidence: dict[str, Any] | None = None
        if verification.evidence:
            member = _evidence_member(verification)
            content = _read_stored(verification.evidence.name)
            if content is None:
                evidence = {"file": member, "included": False, "note": "Missing from storage"}
            else:
                files[member] = content
                evidence = {"file": member, "included": True, "note": ""}
        rows.append(
            {
                "id": verification.pk,
                "item": verification.item,
                "item_label": VerifiedItem(verification.item).label,
                "credential": verification.item_label,
                "item_key": verification.item_key,
                "source": verification.source,
                "source_label": verification.get_source_display(),
                "method": verification.method,
                "method_label": verification.get_method_display(),
                "verifier": _person(verification.verifier),
                "verified_on": verification.verified_on,
                "result": verification.result,
                "result_label": verification.get_result_display(),
                "notes": verification.notes,
                "recorded_at": verification.recorded_at,
                "evidence": evidence,
            }
        )
    return rows


def _readiness(provider: Provider, today: date) -> dict[str, Any]:
    return file_readiness_for(provider, today=today, decision_on=today).as_dict()


def _npi_registry(provider: Provider, files: dict[str, bytes]) -> list[dict[str, Any]]:
    rows = []
    for check in NpiRegistryCheck.objects.filter(provider=provider).order_by("requested_at", "pk"):
        member = None
        if check.raw_answer is not None:
            member = f"npi-registry/{check.pk}.json"
            files[member] = json.dumps(check.raw_answer, indent=2, sort_keys=True).encode()
        rows.append(
            {
                "id": check.pk,
                "npi": check.npi,
                "status": check.status,
                "status_label": check.get_status_display(),
                "requested_at": check.requested_at,
                "retrieved_at": check.retrieved_at,
                "attempts": check.attempts,
                "last_error": check.last_error,
                "flags": list(check.flags or []),
                "raw_answer_file": member,
            }
        )
    return rows


def _exclusions(provider: Provider) -> dict[str, Any]:
    runs, cases = screening_history(provider)
    return {"runs": [asdict(run) for run in runs], "cases": [asdict(case) for case in cases]}


def _decisions(provider: Provider) -> list[dict[str, Any]]:
    decisions = list(
        CredentialingDecision.objects.filter(provider=provider)
        .select_related("decided_by", "overridden_by")
        .order_by("decided_on", "pk")
    )
    notices = _notices_sent(provider, decisions)
    return [
        {
            "id": decision.pk,
            "cycle": decision.cycle,
            "cycle_label": decision.get_cycle_display(),
            "outcome": decision.outcome,
            "outcome_label": decision.get_outcome_display(),
            "decided_on": decision.decided_on,
            "decided_by": _person(decision.decided_by),
            "reason": decision.reason,
            "recorded_at": decision.recorded_at,
            "override_reason": decision.override_reason,
            "overridden_by": _person(decision.overridden_by),
            "notice_queued_at": decision.notice_queued_at,
            "notice_sent_at": notices.get(decision.pk),
            "recredentialing_due_on": decision.recredentialing_due_on,
            # The readiness the committee decided on (verification.readiness.FileReadiness.as_dict).
            "file_at_decision": decision.file_snapshot or None,
        }
        for decision in decisions
    ]


def _notices_sent(provider: Provider, decisions: list[CredentialingDecision]) -> dict[int, datetime]:
    """When each decision's notice left (the first send of its outbox row), by decision id."""
    # verification.services.decisions queues it with the decision, key "decision-<id>".
    keys = {f"decision-{decision.pk}": decision.pk for decision in decisions}
    if not keys:
        return {}
    sent: dict[int, datetime] = {}
    rows = OutboxEmail.objects.filter(
        provider=provider, step=CREDENTIALING_DECISION, key__in=keys, sent_at__isnull=False
    )
    for key, sent_at in rows.order_by("sent_at").values_list("key", "sent_at"):
        sent.setdefault(keys[key], sent_at)
    return sent


def _recredentialing(provider: Provider, decisions: list[dict[str, Any]], today: date) -> dict[str, Any]:
    approved = [decision for decision in decisions if decision["recredentialing_due_on"]]
    # The standing rule of verification.selectors.decisions.standing_approvals (the dashboard's):
    # the clock runs from the latest approval or denial when it is an approval; a later denial
    # stops it, a deferral changes nothing. `decisions` come oldest first.
    decided = [d for d in decisions if d["outcome"] in {Outcome.APPROVED, Outcome.DENIED}]
    standing = decided[-1] if decided and decided[-1]["outcome"] == Outcome.APPROVED else None
    due_on = standing["recredentialing_due_on"] if standing else None
    attestations = RecredentialingAttestation.objects.filter(provider=provider).select_related("attested_by")
    return {
        "attestations": [
            {
                "due_on": attestation.due_on,
                "attested_at": attestation.attested_at,
                "attested_by": _person(attestation.attested_by),
                "details": attestation.details,
            }
            for attestation in attestations.order_by("attested_at", "pk")
        ],
        "last_approved_on": approved[-1]["decided_on"] if approved else None,
        "due_on": due_on,
        "days_left": (due_on - today).days if due_on else None,
        "history": [
            {"decided_on": decision["decided_on"], "due_on": decision["recredentialing_due_on"]}
            for decision in approved
        ],
    }


def credentialing_file(provider: Provider, *, now: datetime) -> CredentialingFile:
    """Everything the file holds on `now`'s date, gathered in a fixed number of queries."""
    today = timezone.localdate(now)
    files: dict[str, bytes] = {}
    decisions = _decisions(provider)
    data: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": now,
        "export_date": today,
        "provider": _provider_section(provider),
        "readiness": _readiness(provider, today),
        "verifications": _verifications(provider, files),
        "npi_registry": _npi_registry(provider, files),
        "exclusions": _exclusions(provider),
        "decisions": decisions,
        "recredentialing": _recredentialing(provider, decisions, today),
    }
    data["evidence_missing"] = [
        row["evidence"]["file"]
        for row in data["verifications"]
        if row["evidence"] is not None and not row["evidence"]["included"]
    ]
    return CredentialingFile(data=data, files=files)


def _json_ready(data: dict[str, Any]) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, sort_keys=True).encode()


def credentialing_file_zip(provider: Provider, *, now: datetime) -> bytes:
    """The ZIP a reviewer downloads: index.html, index.json, the evidence and the registry answers."""
    file = credentialing_file(provider, now=now)
    html = render_to_string("verification/credentialing_file_export.html", {"file": file.data})
    members = {"index.html": html.encode(), "index.json": _json_ready(file.data), **file.files}
    # Every member carries the export's time, so the same file exported twice at the same moment
    # is the same bytes (the audit's SHA-256 names the content, not when zipfile ran).
    stamp = timezone.localtime(now).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            member = zipfile.ZipInfo(name, date_time=stamp)
            member.external_attr = 0o644 << 16  # a readable file once unpacked (rw-r--r--)
            archive.writestr(member, content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
