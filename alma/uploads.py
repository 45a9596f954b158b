"""Upload checks: the kind of a file is decided by its content, never by its name or the
browser's Content-Type, and its size is capped (PRODUCT.md: PDF, PNG or JPEG, at most 10 MB).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

# Leading bytes of each accepted kind (the formats' own signatures).
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
}
LABELS = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG"}


def sniff_kind(head: bytes) -> str | None:
    for kind, signatures in SIGNATURES.items():
        if head.startswith(signatures):
            return kind
    return None


def check_upload(upload, *, kinds: tuple[str, ...]) -> str:
    """Raise a ValidationError naming the rule; return the detected kind."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            "This file is %(size)s; the limit is %(limit)s.",
            code="file_too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    upload.seek(0)
    kind = sniff_kind(upload.read(16))
    upload.seek(0)
    if kind not in kinds:
        allowed = " or ".join(LABELS[k] for k in kinds)
        raise ValidationError(
            f"This file is not a {allowed} file (checked by its content).", code="file_kind"
        )
    return kind


def failed_uploads(files, form) -> dict:
    """The uploads to post again when a form is shown around what was just saved: only those
    that failed, so their error stays next to the field; a good upload is now the saved file."""
    return {name: upload for name, upload in files.items() if name in form.errors}


DOWNLOAD_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


def serve_private_file(field_file, *, filename_stem: str):
    """A private upload as an attachment: typed by its content (never by its stored name),
    never cached, never sniffed by the browser. The caller has already checked access."""
    from django.http import FileResponse, Http404  # noqa: PLC0415 - keep this module light to import

    if not field_file:
        raise Http404("No file")
    with field_file.open("rb") as handle:
        kind = sniff_kind(handle.read(16))
    extension = "jpg" if kind == "jpeg" else (kind or "bin")
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=True,
        filename=f"{filename_stem}.{extension}",
        content_type=DOWNLOAD_TYPES.get(kind, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
