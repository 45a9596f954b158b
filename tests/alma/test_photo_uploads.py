"""Profile photos are re-encoded before they are stored (no EXIF, at most 1024 px on the long
side, refused by their pixel count before anything is decoded), and replaced uploads are
deleted from storage once the replacing transaction commits, never before."""

import datetime as dt
import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import ExifTags, Image, ImageFile, PngImagePlugin

from credentialing import links as credentialing_links
from credentialing.models import InsuranceForm
from credentialing.services.insurance_form import insurance_form_save_draft
from directory.models import DirectoryProfile
from onboarding import links
from onboarding.models import GeneralOnboarding
from onboarding.services.general_onboarding import general_onboarding_save_draft
from tests.directory_factories import ready_provider
from tests.factories import (
    ProviderFactory,
    general_onboarding_answers,
    insurance_form_answers,
    submit_general_onboarding,
)
from tests.helpers import PDF, form_errors, image_bytes, pdf_upload

pytestmark = pytest.mark.django_db

GPS = ExifTags.IFD.GPSInfo


def exif_with_home() -> Image.Exif:
    """What a phone writes: its make and model, and where the photo was taken."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 15"
    gps = exif.get_ifd(GPS)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (40.0, 41.0, 21.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (73.0, 58.0, 10.2)
    return exif


def phone_jpeg(size=(800, 600), **exif_tags) -> bytes:
    exif = exif_with_home()
    for tag, value in exif_tags.items():
        exif[getattr(ExifTags.Base, tag)] = value
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 80)).save(buffer, format="JPEG", exif=exif, comment=b"home sweet home")
    return buffer.getvalue()


def upload(content: bytes, name="me.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_photo(provider) -> Image.Image:
    record = GeneralOnboarding.objects.get(provider=provider)
    with record.photo.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
    image.load()
    return image


def photo_errors(response) -> str:
    return " ".join(form_errors(response, "photo"))


@pytest.fixture
def decodes(monkeypatch):
    """Every decode of pixel data Pillow does in the test (ImageFile.load)."""
    calls = []
    real_load = ImageFile.ImageFile.load

    def load(self):
        calls.append(self.size)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return calls


# --- metadata ------------------------------------------------------------------------------------


def test_a_phone_photo_is_stored_without_its_location_or_camera(client, provider, general_onboarding_url):
    original = Image.open(io.BytesIO(phone_jpeg()))
    assert original.getexif().get_ifd(GPS)  # the upload does carry a location

    client.post(general_onboarding_url, {"action": "save_draft", "photo": upload(phone_jpeg())})

    stored = stored_photo(provider)
    assert stored.format == "JPEG"
    assert not stored.getexif().get_ifd(GPS)
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert "comment" not in stored.info
    record = GeneralOnboarding.objects.get(provider=provider)
    with record.photo.open("rb") as handle:
        raw = handle.read()
    assert b"PhoneMaker" not in raw
    assert b"home sweet home" not in raw


def test_a_png_loses_its_text_and_exif_chunks(client, provider, general_onboarding_url):
    text = PngImagePlugin.PngInfo()
    text.add_text("Location", "210 W 29th St, New York")
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 300), (10, 200, 90, 255)).save(
        buffer, format="PNG", pnginfo=text, exif=exif_with_home()
    )

    client.post(
        general_onboarding_url,
        {"action": "save_draft", "photo": upload(buffer.getvalue(), "me.png", "image/png")},
    )

    stored = stored_photo(provider)
    assert stored.format == "PNG"
    assert "Location" not in stored.info
    assert not stored.getexif().get_ifd(GPS)


def test_a_sideways_phone_photo_is_stored_upright(client, provider, general_onboarding_url):
    # Orientation 6: the camera was turned; viewers rotate it 90 degrees. Stripping the tag
    # without rotating would publish the provider lying on their side.
    client.post(
        general_onboarding_url,
        {"action": "save_draft", "photo": upload(phone_jpeg((300, 200), Orientation=6))},
    )
    assert stored_photo(provider).size == (200, 300)


# --- dimensions ----------------------------------------------------------------------------------


def test_a_large_photo_is_stored_at_most_1024_pixels_on_its_long_side(
    client, provider, general_onboarding_url
):
    response = client.post(
        general_onboarding_url, {"action": "save_draft", "photo": upload(image_bytes("JPEG", (3000, 2000)))}
    )
    assert response.status_code == 302
    assert stored_photo(provider).size == (1024, 683)


def test_a_small_photo_keeps_its_size(client, provider, general_onboarding_url):
    client.post(
        general_onboarding_url,
        {"action": "save_draft", "photo": upload(image_bytes("PNG", (400, 500)), "me.png")},
    )
    assert stored_photo(provider).size == (400, 500)


# --- pixel limit, before decoding ----------------------------------------------------------------


@pytest.fixture(scope="module")
def huge_png() -> bytes:
    """12000 x 12000 pixels (144 megapixels) in about 30 KB: one bit per pixel, all white."""
    buffer = io.BytesIO()
    Image.new("1", (12000, 12000), 1).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width x height and holds almost nothing (a bomb needs no real pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_12000_pixel_square_png_is_refused_by_its_header_and_never_decoded(
    client, provider, general_onboarding_url, huge_png, decodes
):
    assert len(huge_png) < 100_000  # tiny on disk: the size limit alone lets it through
    response = client.post(
        general_onboarding_url,
        {**general_onboarding_answers(), "action": "submit", "photo": upload(huge_png, "me.png")},
    )
    assert response.status_code == 200
    # Above twice the limit Pillow itself refuses it while reading the header.
    assert photo_errors(response).startswith(
        "This photo is more than 80 megapixels; the limit is 40 megapixels. Use a smaller copy"
    )
    assert decodes == []  # refused from the header alone
    assert not GeneralOnboarding.objects.get(provider=provider).photo
    # The other answers were kept as a draft.
    assert GeneralOnboarding.objects.get(provider=provider).practice_name == "Harbor Counseling"


def test_a_photo_just_over_the_limit_is_refused_with_its_size(client, general_onboarding_url, decodes):
    photo = upload(png_header_only(7000, 7000), "me.png")
    with pytest.warns(Image.DecompressionBombWarning):  # Pillow's own guard notices too
        response = client.post(general_onboarding_url, {"action": "save_draft", "photo": photo})
    assert photo_errors(response).startswith(
        "This photo is 7,000 x 7,000 pixels (49 megapixels); the limit is 40 megapixels."
    )
    assert decodes == []


def test_a_photo_at_the_limit_is_accepted(client, provider, general_onboarding_url):
    photo = upload(image_bytes("JPEG", (8000, 5000)))
    assert client.post(general_onboarding_url, {"action": "save_draft", "photo": photo}).status_code == 302
    assert stored_photo(provider).size == (1024, 640)


def test_a_damaged_photo_is_refused_with_a_message_not_an_error_page(client, general_onboarding_url):
    damaged = image_bytes("PNG", (64, 64))[:60]
    response = client.post(
        general_onboarding_url, {"action": "save_draft", "photo": upload(damaged, "me.png")}
    )
    assert response.status_code == 200
    assert "This photo could not be read" in photo_errors(response)


# --- the public photo ----------------------------------------------------------------------------


def test_the_public_photo_has_no_exif(client):
    provider = ProviderFactory(contracted_start_date=dt.date(2025, 1, 1))
    client.post(
        links.form_path(provider, links.GENERAL_ONBOARDING),
        {**general_onboarding_answers(), "action": "submit", "photo": upload(phone_jpeg())},
    )
    provider.refresh_from_db()
    ready_provider(
        provider=provider,
        effective=dt.date(2025, 1, 1),
        trained_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC),
    )
    profile = DirectoryProfile.objects.get(provider=provider)
    assert profile.is_live
    response = client.get(f"/directory/{profile.slug}/photo/")
    assert response.status_code == 200
    served = b"".join(response.streaming_content)
    image = Image.open(io.BytesIO(served))
    assert not image.getexif()
    assert b"PhoneMaker" not in served


# --- replaced uploads ----------------------------------------------------------------------------


class Boom(Exception):
    pass


def save_then_fail(save) -> None:
    """Run a save in a transaction that then rolls back (what follows the save fails)."""
    with transaction.atomic():
        save()
        raise Boom


def saved_photo_name(client, general_onboarding_url, provider, content) -> str:
    client.post(general_onboarding_url, {"action": "save_draft", "photo": upload(content)})
    return GeneralOnboarding.objects.get(provider=provider).photo.name


def test_a_replaced_photo_is_deleted_when_the_save_commits(
    client, provider, general_onboarding_url, django_capture_on_commit_callbacks
):
    first = saved_photo_name(client, general_onboarding_url, provider, image_bytes("JPEG", (100, 100)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = saved_photo_name(client, general_onboarding_url, provider, image_bytes("JPEG", (120, 100)))
    assert default_storage.exists(first)  # nothing is deleted before the commit
    for callback in callbacks:
        callback()
    assert not default_storage.exists(first)
    assert default_storage.exists(second)


def test_a_cleared_photo_is_deleted_when_the_save_commits(
    client, provider, general_onboarding_url, django_capture_on_commit_callbacks
):
    first = saved_photo_name(client, general_onboarding_url, provider, image_bytes("JPEG", (100, 100)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(general_onboarding_url, {"action": "save_draft", "photo-clear": "on"})
    assert not GeneralOnboarding.objects.get(provider=provider).photo
    assert not default_storage.exists(first)


def test_a_replaced_photo_stays_when_the_save_rolls_back(provider, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = general_onboarding_save_draft(
            provider=provider, values={"photo": upload(image_bytes("JPEG", (100, 100)))}
        ).photo.name
    replacement = upload(image_bytes("JPEG", (90, 90)))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom):
        save_then_fail(
            lambda: general_onboarding_save_draft(provider=provider, values={"photo": replacement})
        )
    assert GeneralOnboarding.objects.get(provider=provider).photo.name == first
    assert default_storage.exists(first)


def test_a_replaced_certificate_is_deleted_on_commit_and_kept_on_rollback(
    client, provider, django_capture_on_commit_callbacks
):
    submit_general_onboarding(provider)
    url = links.form_path(provider, credentialing_links.INSURANCE_FORM)
    client.post(url, insurance_form_answers(action="save_draft"))
    first = InsuranceForm.objects.get().liability_certificate.name

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom):
        save_then_fail(
            lambda: insurance_form_save_draft(
                provider=provider, values={"liability_certificate": pdf_upload()}
            )
        )
    assert default_storage.exists(first)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            insurance_form_answers(
                action="save_draft", liability_certificate=pdf_upload(content=PDF + b"%v2\n")
            ),
        )
    second = InsuranceForm.objects.get().liability_certificate.name
    assert second != first
    assert not default_storage.exists(first)
    assert default_storage.exists(second)


def test_a_certificate_is_still_checked_by_its_content(client, provider):
    submit_general_onboarding(provider)
    url = links.form_path(provider, credentialing_links.INSURANCE_FORM)
    fake = pdf_upload(content=b"MZ\x90\x00 a Windows executable")
    response = client.post(url, insurance_form_answers(action="save_draft", liability_certificate=fake))
    assert "not a PDF or PNG or JPEG file" in " ".join(form_errors(response, "liability_certificate"))
