"""Hostile or careless input gets a clear answer fast, and what was saved stays saved: formset
row counts, NPIs typed with spaces or dashes, bidi controls in public text, the public photo's
caching."""

import datetime as dt
from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from alma.text import without_bidi_controls
from credentialing import checks
from credentialing import links as credentialing_links
from credentialing.forms import SECTION_MAX_ROWS
from credentialing.models import InsuranceForm
from directory import services as directory
from directory.models import DirectoryProfile
from onboarding import links
from onboarding.models import GeneralOnboarding, ReviewStatus
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import Setup, bulk_providers, ready_provider
from tests.factories import general_onboarding_answers, insurance_form_answers, submit_general_onboarding
from tests.helpers import formset, image_bytes

pytestmark = pytest.mark.django_db

# The page a provider normally gets back after a draft with one mistake is about 42 KB; the
# 2,000-row page was 12.7 MB.
NORMAL_PAGE_BYTES = 100_000


@pytest.fixture
def ready(provider):
    submit_general_onboarding(provider)
    return provider


@pytest.fixture
def url(ready):
    return links.form_path(ready, credentialing_links.INSURANCE_FORM)


def hostile_licenses(total: int) -> dict:
    """The licenses section as a script would post it: a huge row count, no rows."""
    return {"licenses-TOTAL_FORMS": str(total), "licenses-INITIAL_FORMS": "0"}


# --- formsets ------------------------------------------------------------------------------------


@pytest.mark.parametrize("total", [2001, 10**9])
@pytest.mark.parametrize("action", ["save_draft", "submit"])
def test_a_huge_row_count_gets_a_clear_error_on_a_normal_page_and_loses_nothing(client, url, total, action):
    assert client.post(url, insurance_form_answers(action="save_draft")).status_code == 302  # a saved draft
    data = insurance_form_answers(action=action, caqh_username="j.rivera", **hostile_licenses(total))
    response = client.post(url, data)

    assert response.status_code == 200
    assert len(response.content) < NORMAL_PAGE_BYTES, len(response.content)
    page = unescape(response.text)
    assert "This section takes at most 30 state licenses. Nothing in it was saved" in page
    # None of the claimed rows is built: the section shows the license saved before.
    assert len(response.context["bundle"].sections["licenses"].forms) == 1
    assert 'value="R-081234"' in response.text
    assert 'name="licenses-TOTAL_FORMS" value="1"' in response.text  # posting the page again keeps it
    record = InsuranceForm.objects.get()
    assert record.status == ReviewStatus.DRAFT  # not submitted
    assert [row.number for row in record.licenses.all()] == ["R-081234"]  # kept
    assert record.caqh_username == "j.rivera"  # the rest of the page was saved
    assert record.education.count() == 1


def test_a_section_at_its_limit_is_accepted_and_one_more_is_refused(client, url):
    expiry = (timezone.localdate() + dt.timedelta(days=400)).isoformat()
    rows = [
        {"state": "NY", "license_type": "LCSW", "number": f"R-{n:06d}", "expiry": expiry}
        for n in range(SECTION_MAX_ROWS["licenses"])
    ]
    assert (
        client.post(url, insurance_form_answers(action="save_draft", **formset("licenses", rows))).status_code
        == 302
    )
    assert InsuranceForm.objects.get().licenses.count() == 30

    rows.append({"state": "NJ", "license_type": "LCSW", "number": "R-999999", "expiry": expiry})
    response = client.post(url, insurance_form_answers(**formset("licenses", rows)))
    assert response.status_code == 200
    assert "takes at most 30 state licenses" in unescape(response.text)
    assert len(response.context["bundle"].sections["licenses"].forms) == 30  # the saved ones
    record = InsuranceForm.objects.get()
    assert record.status == ReviewStatus.DRAFT
    assert not record.licenses.filter(number="R-999999").exists()


def test_a_row_count_django_reads_but_int_does_not_is_refused_too(client, url):
    response = client.post(
        url, insurance_form_answers(action="save_draft", **{"licenses-TOTAL_FORMS": "31.0"})
    )
    assert "takes at most 30 state licenses" in unescape(response.text)
    assert not InsuranceForm.objects.get().licenses.exists()  # nothing saved from that section


@pytest.mark.parametrize(
    "broken",
    [
        {"licenses-0-expiry": "2001-01-01"},  # the saved license posted back with a mistake
        {"licenses-0-number": ""},
        {"licenses-TOTAL_FORMS": "x"},  # a broken row count
        {"licenses-TOTAL_FORMS": None, "licenses-INITIAL_FORMS": None},  # no row count at all
    ],
)
@pytest.mark.parametrize("action", ["save_draft", "submit"])
def test_a_section_with_a_row_to_fix_keeps_the_rows_saved_before(client, url, broken, action):
    assert client.post(url, insurance_form_answers(action="save_draft")).status_code == 302
    data = insurance_form_answers(action=action, caqh_username="j.rivera")
    for key, value in broken.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    response = client.post(url, data)
    assert response.status_code == 200
    record = InsuranceForm.objects.get()
    assert [row.number for row in record.licenses.all()] == ["R-081234"]
    assert record.caqh_username == "j.rivera"  # the rest is saved
    if "licenses-0-expiry" in broken or "licenses-0-number" in broken:
        assert "Nothing in this section is saved until the state license marked below is complete" in (
            unescape(response.text)
        )


def test_the_page_tells_the_add_another_button_where_to_stop(client, url):
    page = client.get(url).text
    for prefix, most in SECTION_MAX_ROWS.items():
        assert f'name="{prefix}-MAX_NUM_FORMS" value="{most}"' in page
    # The "at most" note is there for the script to show, hidden while there is room.
    assert 'data-testid="education-full" hidden' in page


# --- NPI -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["1234 567 893", "1234-567-893", " 1234567893 ", "1234\u00a0567\u2013893"])
def test_an_npi_typed_with_spaces_or_dashes_is_read_as_its_digits(typed):
    assert checks.npi_normalised(typed.strip()) == "1234567893"
    assert checks.npi_problem(checks.npi_normalised(typed)) is None


@pytest.mark.parametrize("typed", ["1234 567 893", "1234-567-893"])
def test_the_form_stores_the_npi_as_ten_digits(client, url, typed):
    assert client.post(url, insurance_form_answers(npi=typed)).status_code == 302
    assert InsuranceForm.objects.get().npi == "1234567893"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1234 567 89X", "An NPI is exactly 10 digits (spaces or dashes between them are fine)"),
        ("1234 567 89", "An NPI is exactly 10 digits; this has 9."),
        ("1" * 60, "An NPI is exactly 10 digits."),
        ("١٢٣٤٥٦٧٨٩٣", "An NPI is exactly 10 digits"),  # other scripts' digits are not NPI digits
    ],
)
def test_an_npi_that_is_not_ten_digits_gets_a_clear_message(client, url, typed, message):
    response = client.post(url, insurance_form_answers(npi=typed))
    [error] = response.context["form"].errors["npi"]
    assert error.startswith(message), error
    assert "Ensure this value" not in error  # never Django's generic length message


# --- bidi controls in public text ----------------------------------------------------------------

RLO, POP = "\u202e", "\u202c"
BIDI_BIO = (
    f"I help adults with anxiety and depression. {RLO}moc.elpmaxe{POP} Sessions are warm, "
    "practical and paced to you, in person in Brooklyn or by video anywhere in New York state. \u2067x\u2069"
)


def test_every_bidi_control_is_stripped_and_other_invisible_joiners_stay():
    controls = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    assert without_bidi_controls(f"a{controls}b") == "ab"
    family = "\U0001f469\u200d\U0001f467"  # an emoji sequence held together by ZWJ
    assert without_bidi_controls(f"\u0645\u06cc\u200c\u0634\u0648\u062f {family}") == (
        f"\u0645\u06cc\u200c\u0634\u0648\u062f {family}"
    )


def test_a_bio_with_a_right_to_left_override_shows_without_it_on_the_public_profile(client):
    provider = ready_provider(
        effective=dt.date(2025, 1, 1),
        trained_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC),
        contracted_start_date=dt.date(2025, 1, 1),
    )
    # Stored before input was cleaned (or typed in admin): the profile build strips it too.
    GeneralOnboarding.objects.filter(provider=provider).update(bio=BIDI_BIO, city=f"Brooklyn{RLO}")
    DirectoryProfile.objects.filter(provider=provider).delete()
    directory.profiles_publish_due()
    profile = DirectoryProfile.objects.get(provider=provider)
    assert profile.is_live

    page = client.get(profile.get_absolute_url()).text
    assert "moc.elpmaxe Sessions are warm" in unescape(page)
    for control in (RLO, POP, "\u2067", "\u2069"):
        assert control not in page
        assert control not in client.get("/directory/?q=anxiety").text


def test_a_profile_built_before_the_stripping_shows_without_bidi_controls(client):
    [provider] = bulk_providers(
        [Setup(effective=dt.date(2025, 1, 1), training_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC), live=True)],
        payer=PayerFactory(),
    )
    DirectoryProfile.objects.filter(provider=provider).update(bio=BIDI_BIO, display_name=f"Ada {RLO}Lovelace")
    profile = DirectoryProfile.objects.get(provider=provider)
    for page in (client.get(profile.get_absolute_url()).text, client.get("/directory/?q=Lovelace").text):
        assert "Ada Lovelace" in page
        assert RLO not in page
        assert "\u2067" not in page


def test_the_general_onboarding_form_strips_bidi_controls_at_input(client, provider):
    url = links.form_path(provider, links.GENERAL_ONBOARDING)
    client.post(
        url, {**general_onboarding_answers(), "action": "save_draft", "bio": BIDI_BIO, "city": f"Albany{RLO}"}
    )
    saved = GeneralOnboarding.objects.get(provider=provider)
    assert RLO not in saved.bio
    assert "\u2067" not in saved.bio
    assert saved.city == "Albany"


def test_an_edited_bio_is_stripped_before_it_waits_for_review():
    [provider] = bulk_providers(
        [Setup(effective=dt.date(2025, 1, 1), training_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC), live=True)],
        payer=PayerFactory(),
    )
    profile = directory.profile_update(provider=provider, values={"bio": BIDI_BIO}, actor=provider.user)
    assert RLO not in profile.bio_pending
    assert "moc.elpmaxe Sessions" in profile.bio_pending


# --- the public photo is not kept by shared caches -----------------------------------------------


def test_the_public_photo_is_never_stored_by_a_shared_cache(client):
    [provider] = bulk_providers(
        [Setup(effective=dt.date(2025, 1, 1), training_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC), live=True)],
        payer=PayerFactory(),
    )
    name = default_storage.save(f"providers/{provider.public_id}/photo.png", ContentFile(image_bytes()))
    DirectoryProfile.objects.filter(provider=provider).update(photo=name)
    profile = DirectoryProfile.objects.get(provider=provider)
    response = client.get(f"/directory/{profile.slug}/photo/")
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "private" in directives
    assert "public" not in directives
