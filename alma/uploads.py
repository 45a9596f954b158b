"""Upload checks: the kind of a file is decided by its content, never by its name or the
browser's Content-Type, and its size is capped (PRODUCT.md: PDF, PNG or JPEG, at most 10 MB).

Profile photos, which are public, are also re-encoded (photo_reencoded): refused by their pixel
count before decoding, stored upright, small and without metadata. Certificates and attachments
are private and kept byte for byte. An upload replaced by a save is deleted from storage once
that save commits (replaced_files_delete_on_commit).
"""

import io
import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Leading bytes of each accepted kind (the formats' own signatures).
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
}
LABELS = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG"}
DOWNLOAD_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


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


# Profile photos are public: every search result makes visitors' browsers decode them. They are
# re-encoded on upload, so what is stored and served is at most PHOTO_MAX_SIDE on its long side
# and carries no metadata (a phone photo's EXIF GPS is where it was taken: often home).
PHOTO_KINDS = ("jpeg", "png")
PHOTO_MAX_SIDE = 1024
# Refused from the header, before any pixel is decoded: a 12000 x 12000 PNG is 17 KB on disk
# and 576 MB once decoded. 40 megapixels is well above any phone or camera headshot.
PHOTO_MAX_PIXELS = 40_000_000
# Pillow's own guard for every image this process opens: it warns above this and refuses
# (DecompressionBombError) at twice this, before decoding. Its default is ~89 megapixels.
Image.MAX_IMAGE_PIXELS = PHOTO_MAX_PIXELS


def _too_many_pixels(pixels_text: str) -> ValidationError:
    return ValidationError(
        "This photo is %(pixels)s; the limit is %(limit)s megapixels. Use a smaller copy "
        "(a headshot needs no more than about 1,000 pixels on each side).",
        code="photo_too_many_pixels",
        params={"pixels": pixels_text, "limit": PHOTO_MAX_PIXELS // 1_000_000},
    )


def photo_reencoded(upload) -> SimpleUploadedFile:
    """Check a profile photo and return the copy to store: upright, at most PHOTO_MAX_SIDE on
    its long side, in the kind it came in (JPEG or PNG), without EXIF, XMP, text chunks or
    comments. The colour profile is kept (it says how to show the colours, nothing more).

    Raises a ValidationError naming the rule: kind and size by content (check_upload), the
    pixel count read from the header before decoding, or a file Pillow cannot decode.
    """
    kind = check_upload(upload, kinds=PHOTO_KINDS)
    upload.seek(0)
    try:
        # Lazy: Image.open reads the header only; nothing is decoded until load().
        image = Image.open(upload)
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(f"more than {2 * PHOTO_MAX_PIXELS // 1_000_000} megapixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            "This photo could not be read; it may be damaged. Export it again as JPEG or PNG.",
            code="photo_unreadable",
        ) from exc
    with image:
        width, height = image.size
        if width * height > PHOTO_MAX_PIXELS:
            raise _too_many_pixels(f"{width:,} x {height:,} pixels ({width * height / 1e6:,.0f} megapixels)")
        try:
            if kind == "jpeg":
                # JPEG can decode straight at 1/2, 1/4 or 1/8 scale: a 40-megapixel photo never
                # needs its full size in memory.
                image.draft("RGB", (PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            image.load()
            icc_profile = image.info.get("icc_profile")
            upright = ImageOps.exif_transpose(image)  # before the EXIF (and its orientation) goes
        except (OSError, SyntaxError, ValueError) as exc:
            raise ValidationError(
                "This photo could not be read; it may be damaged. Export it again as JPEG or PNG.",
                code="photo_unreadable",
            ) from exc
    if kind == "jpeg":
        upright = upright.convert("RGB") if upright.mode not in ("RGB", "L") else upright
    elif upright.mode not in ("RGB", "RGBA"):
        upright = upright.convert("RGBA")
    upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
    upright.info = {}  # JPEG's writer would otherwise copy a comment from here
    out = io.BytesIO()
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if kind == "jpeg":
        upright.save(out, format="JPEG", quality=85, optimize=True, **options)
    else:
        upright.save(out, format="PNG", **options)
    extension = "jpg" if kind == "jpeg" else "png"
    return SimpleUploadedFile(f"photo.{extension}", out.getvalue(), content_type=DOWNLOAD_TYPES[kind])


def replaced_files_delete_on_commit(storage: Storage, names: Iterable[str]) -> None:
    """Delete uploads that a save replaced, once the transaction that replaced them commits.

    Never before: if it rolls back, the row still points to the old file, which must still be
    there. A failed delete is logged and leaves an orphan file, never a failed request.
    """
    for name in names:
        if name:
            transaction.on_commit(partial(_delete_replaced, storage, name), robust=True)


def _delete_replaced(storage: Storage, name: str) -> None:
    storage.delete(name)
    logger.info("Deleted replaced upload %s", name)


def failed_uploads(files, form) -> dict:
    """The uploads to post again when a form is shown around what was just saved: only those
    that failed, so their error stays next to the field; a good upload is now the saved file."""
    return {name: upload for name, upload in files.items() if name in form.errors}


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
        content_type=DOWNLOAD_TYPES.get(kind or "", "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
