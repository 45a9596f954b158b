"""The credentialing file's download: permission, the ZIP, and the audit row of who took it."""

import hashlib
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from onboarding.models import Provider
from verification.export import credentialing_file_zip
from verification.models import CredentialingFileDownload

DOWNLOAD_PERMISSION = "verification.download_credentialing_file"


def credentialing_file_download(*, provider: Provider, actor, now: datetime) -> bytes:
    """Build `provider`'s credentialing file for `actor` and record the download.

    Refused (PermissionDenied) without the download permission. The audit row carries the ZIP's
    SHA-256, so a copy shown later can be matched to the download it came from. The ZIP is read
    and the row written in one transaction: the audit never names a file nobody received, nor a
    download that left no trace.
    """
    if not actor.has_perm(DOWNLOAD_PERMISSION):
        raise PermissionDenied("Downloading a credentialing file needs its permission.")
    with transaction.atomic(durable=True):
        content = credentialing_file_zip(provider, now=now)
        CredentialingFileDownload.objects.create(
            provider=provider,
            downloaded_by=actor,
            downloaded_at=now,
            sha256=hashlib.sha256(content).hexdigest(),
        )
    return content
