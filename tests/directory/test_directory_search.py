"""The public directory: search with filters and free text, fair paging, profile pages, photos;
only live profiles, ever; the same on the embedded SQLite demo."""

import datetime as dt
import json
import os
import re
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from credentialing.models import ApplicationStatus, PayerApplication
from directory import services as directory
from directory.models import DirectoryProfile
from directory.tasks import rank_profiles
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import Setup, bulk_providers, live_providers
from tests.helpers import attribute_of, elements, image_bytes, text_at, text_of

pytestmark = pytest.mark.django_db

SEARCH = "/directory/"
LONG_AGO = dt.date(2025, 1, 1)


def trained_long_ago() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=400)


def names_on(response) -> list[str]:
    """The result names, in the order shown."""
    assert response.status_code == 200
    return [text_of(link).split(",")[0] for link in elements(response.text, "a[data-profile-link]")]


def slugs_on(response) -> list[str]:
    return [attribute_of(result, "data-slug") for result in elements(response.text, "li[data-slug]")]


def publish(setups, payer, **kwargs):
    providers = bulk_providers(setups, payer=payer, **kwargs)
    directory.profiles_publish_due()
    return providers


@pytest.fixture
def evergreen(db):
    return PayerFactory(name="Evergreen Health", slug="evergreen")


@pytest.fixture
def bluebird(db):
    return PayerFactory(name="Bluebird Care", slug="bluebird")


# --- only live profiles --------------------------------------------------------------------------


def test_hidden_offboarded_and_not_yet_due_profiles_never_appear(client, evergreen):
    soon = timezone.localdate() + dt.timedelta(days=5)
    shown = Setup(name="Shown Provider", effective=LONG_AGO, training_at=trained_long_ago())
    others = [
        Setup(name="Hidden Provider", effective=LONG_AGO, training_at=trained_long_ago(), hidden=True),
        Setup(
            name="Offboarded Provider", effective=LONG_AGO, training_at=trained_long_ago(), offboarded=True
        ),
        Setup(name="Notyet Provider", effective=soon, training_at=trained_long_ago()),
        Setup(name="Untrained Provider", effective=LONG_AGO),
        Setup(
            name="Unapproved Provider",
            effective=LONG_AGO,
            training_at=trained_long_ago(),
            form_approved=False,
        ),
        # Live until the only approved payer was withdrawn (the table says so; the sweep notices).
        Setup(name="Withdrawn Provider", training_at=trained_long_ago(), withdrawn_payer=True, live=True),
    ]
    publish([shown, *others], evergreen, other_payer=PayerFactory())
    for query in ("", "?q=Provider", f"?payer={evergreen.slug}", "?state=NY&specialty=anxiety&language=en"):
        assert names_on(client.get(SEARCH + query)) == ["Shown Provider"], query
    for profile in DirectoryProfile.objects.exclude(display_name="Shown Provider"):
        assert not profile.is_live
        assert client.get(profile.get_absolute_url()).status_code == 404
        assert client.get(f"/directory/{profile.slug}/photo/").status_code == 404


# --- filters -----------------------------------------------------------------------------------------


def test_each_filter_narrows_the_results(client, evergreen, bluebird):
    publish(
        [
            Setup(
                name="Ana Telehealth",
                effective=LONG_AGO,
                training_at=trained_long_ago(),
                languages=["en", "es"],
            ),
            Setup(
                name="Ben Office",
                effective=LONG_AGO,
                training_at=trained_long_ago(),
                telehealth=False,
                in_person=True,
                specialties=["trauma"],
                states=["CA"],
            ),
            Setup(name="Cleo Full", effective=LONG_AGO, training_at=trained_long_ago(), accepting=False),
        ],
        evergreen,
    )
    ben = DirectoryProfile.objects.get(display_name="Ben Office").provider
    PayerApplication.objects.create(
        provider=ben, payer=bluebird, status=ApplicationStatus.APPROVED, effective_date=LONG_AGO
    )
    # What the approval's network_changed receiver does (the application was made directly here).
    directory.profiles_sync(provider_ids=[ben.pk], trigger="payer approved")
    everyone = {"Ana Telehealth", "Ben Office", "Cleo Full"}
    assert set(names_on(client.get(SEARCH))) == everyone
    cases = {
        f"?payer={bluebird.slug}": {"Ben Office"},
        f"?payer={evergreen.slug}": everyone,
        # A client in California: only providers licensed there.
        "?state=CA": {"Ben Office"},
        "?state=NY": {"Ana Telehealth", "Cleo Full"},
        "?specialty=trauma": {"Ben Office"},
        "?language=es": {"Ana Telehealth"},
        "?format=telehealth": {"Ana Telehealth", "Cleo Full"},
        "?format=in_person": {"Ben Office"},
        "?accepting=on": {"Ana Telehealth", "Ben Office"},
        "?state=NY&accepting=on&language=es": {"Ana Telehealth"},
        "?state=CA&format=telehealth": set(),
    }
    for query, expected in cases.items():
        assert set(names_on(client.get(SEARCH + query))) == expected, query


def test_a_payer_counts_only_from_its_effective_date(client, evergreen, bluebird):
    [provider] = publish(
        [Setup(name="Dana Early", effective=LONG_AGO, training_at=trained_long_ago())], evergreen
    )
    later = timezone.localdate() + dt.timedelta(days=10)
    PayerApplication.objects.create(
        provider=provider, payer=bluebird, status=ApplicationStatus.APPROVED, effective_date=later
    )
    assert names_on(client.get(f"{SEARCH}?payer={bluebird.slug}")) == []
    assert names_on(client.get(f"{SEARCH}?payer={evergreen.slug}")) == ["Dana Early"]
    page = client.get(DirectoryProfile.objects.get(provider=provider).get_absolute_url()).text
    insurance = text_at(page, "#insurance")
    assert "Evergreen Health" in insurance
    assert "Bluebird Care" not in insurance
    # On the effective date, once the midnight job has written the day's network with its order.
    zone = timezone.get_current_timezone()
    with time_machine.travel(dt.datetime.combine(later, dt.time(0), tzinfo=zone), tick=False):
        rank_profiles.delay()
    with time_machine.travel(dt.datetime.combine(later, dt.time(9), tzinfo=zone)):
        assert names_on(client.get(f"{SEARCH}?payer={bluebird.slug}")) == ["Dana Early"]
        insurance = text_at(
            client.get(DirectoryProfile.objects.get(provider=provider).get_absolute_url()).text, "#insurance"
        )
        assert "Bluebird Care" in insurance


def test_a_bad_filter_value_is_named_and_the_rest_still_apply(client, evergreen):
    publish([Setup(name="Eli Valid", effective=LONG_AGO, training_at=trained_long_ago())], evergreen)
    response = client.get(f"{SEARCH}?state=XX&language=en")
    assert names_on(response) == ["Eli Valid"]
    assert (
        "Select a valid choice. XX is not one of the available choices. This filter was left out."
        in unescape(response.text)
    )


# --- free text ---------------------------------------------------------------------------------------


def test_free_text_searches_names_and_bios_with_postgresql_full_text(client, evergreen):
    publish(
        [
            Setup(
                name="Frances Rivera",
                effective=LONG_AGO,
                training_at=trained_long_ago(),
                bio="I work with couples rebuilding trust after an affair, using the Gottman method.",
            ),
            Setup(
                name="George Lindqvist",
                effective=LONG_AGO,
                training_at=trained_long_ago(),
                bio="Teenagers and their parents: school stress, anxiety and big feelings.",
            ),
        ],
        evergreen,
    )
    assert names_on(client.get(f"{SEARCH}?q=Rivera")) == ["Frances Rivera"]
    assert names_on(client.get(f"{SEARCH}?q=lindqvist")) == ["George Lindqvist"]
    # Stemming: "couple" finds "couples", "parenting" finds "parents".
    assert names_on(client.get(f"{SEARCH}?q=couple")) == ["Frances Rivera"]
    assert names_on(client.get(f"{SEARCH}?q=parenting")) == ["George Lindqvist"]
    # Every word must match; quotes and minus work as people expect from web search.
    assert names_on(client.get(f"{SEARCH}?q=anxiety+trust")) == []
    assert names_on(client.get(f"{SEARCH}?q=stress+-teenagers")) == []
    assert names_on(client.get(f"{SEARCH}?q=%22school+stress%22")) == ["George Lindqvist"]


def test_text_matches_keep_the_fair_order_whatever_the_bio_repeats(client, evergreen):
    """No ranking by relevance: a name match and bio mentions are all found, in the day's fair
    order (the same as the unfiltered list's), so repeating a word in a bio earns no place."""
    publish(
        [
            Setup(
                name="Hana Mentions",
                effective=LONG_AGO,
                training_at=trained_long_ago(),
                bio="Trained by Dr. Okafor.",
            ),
            Setup(name="Ines Okafor", effective=LONG_AGO, training_at=trained_long_ago()),
            Setup(
                name="Jon Stuffed",
                effective=LONG_AGO,
                training_at=trained_long_ago(),
                bio="Okafor okafor okafor. Okafor method, Okafor school, Okafor Okafor Okafor.",
            ),
            Setup(name="Kim Unrelated", effective=LONG_AGO, training_at=trained_long_ago()),
        ],
        evergreen,
    )
    fair_order = [name for name in names_on(client.get(SEARCH)) if name != "Kim Unrelated"]
    assert names_on(client.get(f"{SEARCH}?q=okafor")) == fair_order
    assert set(fair_order) == {"Hana Mentions", "Ines Okafor", "Jon Stuffed"}


# --- paging and order ------------------------------------------------------------------------------


def test_pages_cover_everyone_once_in_a_fair_order_that_changes_daily(client, evergreen):
    live_providers(45, payer=evergreen)
    signup_order = list(DirectoryProfile.objects.order_by("provider_id").values_list("slug", flat=True))
    alphabetical = sorted(signup_order)

    pages = [slugs_on(client.get(f"{SEARCH}?page={n}")) for n in (1, 2, 3)]
    assert [len(page) for page in pages] == [20, 20, 5]
    shown = [slug for page in pages for slug in page]
    assert sorted(shown) == alphabetical  # everyone, once
    assert shown not in (signup_order, alphabetical)
    # The same order all day, so paging neither repeats nor skips anyone...
    assert slugs_on(client.get(f"{SEARCH}?page=1")) == pages[0]
    # Out-of-range and nonsense pages show the nearest real page.
    assert slugs_on(client.get(f"{SEARCH}?page=99")) == pages[2]
    assert slugs_on(client.get(f"{SEARCH}?page=x")) == pages[0]
    # ...and a new order tomorrow, once the midnight job has ranked the profiles for it.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with time_machine.travel(
        dt.datetime.combine(tomorrow, dt.time(0, 1), tzinfo=timezone.get_current_timezone())
    ):
        rank_profiles.delay()
        assert slugs_on(client.get(f"{SEARCH}?page=1")) != pages[0]


def test_pagination_links_keep_the_filters(client, evergreen):
    live_providers(25, payer=evergreen)
    html = client.get(f"{SEARCH}?state=NY&language=en").text
    assert 'href="?state=NY&amp;language=en&amp;page=2" rel="next"' in html
    assert "Page 1 of 2" in html


# --- query counts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?q=anxiety",
        "?payer=evergreen&state=NY&specialty=anxiety&language=en&format=telehealth&accepting=on",
    ],
)
def test_the_results_page_costs_four_queries_whatever_the_number_of_results(
    client, evergreen, bluebird, django_assert_num_queries, query
):
    providers = live_providers(30, payer=evergreen)
    PayerApplication.objects.bulk_create(
        PayerApplication(
            provider=p, payer=bluebird, status=ApplicationStatus.APPROVED, effective_date=LONG_AGO
        )
        for p in providers
    )
    # The payers of the insurance filter, the count, the page, the page's payers in network today.
    with django_assert_num_queries(4):
        response = client.get(SEARCH + query)
    assert len(slugs_on(response)) == 20
    assert response.text.count("Bluebird Care, Evergreen Health") == 20
    # Warm, the cards and the form come from the fragment cache (no query of their own) and the
    # count from the search cache while the directory is unchanged: the count's query goes.
    with django_assert_num_queries(3):
        warm = client.get(SEARCH + query)
    assert warm.content == response.content


def test_a_profile_page_costs_two_queries(client, evergreen, bluebird, django_assert_num_queries):
    [provider] = live_providers(1, payer=evergreen, in_person=True)
    PayerApplication.objects.create(
        provider=provider, payer=bluebird, status=ApplicationStatus.APPROVED, effective_date=LONG_AGO
    )
    profile = DirectoryProfile.objects.get(provider=provider)
    with django_assert_num_queries(2):
        response = client.get(profile.get_absolute_url())
    assert response.status_code == 200
    text = text_of(response.text)
    assert f"{profile.display_name}, LCSW" in text
    assert "Accepting new clients" in text
    assert "Insurance accepted Bluebird Care Evergreen Health" in text
    assert "Specialties Anxiety, Depression" in text
    assert "Languages English" in text
    assert "In person: Brooklyn, NY 11201" in text
    assert "Licensed to see clients in NY, NJ" in text


# --- photos --------------------------------------------------------------------------------------------


def test_a_live_profile_shows_its_photo_and_only_while_live(client, evergreen):
    [provider] = live_providers(1, payer=evergreen)
    name = default_storage.save(f"providers/{provider.public_id}/photo.png", ContentFile(image_bytes()))
    DirectoryProfile.objects.filter(provider=provider).update(photo=name)
    profile = DirectoryProfile.objects.get(provider=provider)
    response = client.get(f"/directory/{profile.slug}/photo/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == image_bytes()
    assert f'src="/directory/{profile.slug}/photo/"' in client.get(SEARCH).text
    DirectoryProfile.objects.filter(pk=profile.pk).update(is_live=False)
    assert client.get(f"/directory/{profile.slug}/photo/").status_code == 404


def test_a_photo_is_typed_by_its_content_not_its_name(client, evergreen):
    [provider] = live_providers(1, payer=evergreen)
    # A PNG stored under a .pdf name is still served as the image it is, and never sniffed.
    name = default_storage.save(f"providers/{provider.public_id}/photo.pdf", ContentFile(image_bytes()))
    DirectoryProfile.objects.filter(provider=provider).update(photo=name)
    slug = DirectoryProfile.objects.get(provider=provider).slug
    response = client.get(f"/directory/{slug}/photo/")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Something that is not an image is not shown at all.
    name = default_storage.save(
        f"providers/{provider.public_id}/photo.png", ContentFile(b"%PDF-1.7 not an image")
    )
    DirectoryProfile.objects.filter(provider=provider).update(photo=name)
    assert client.get(f"/directory/{slug}/photo/").status_code == 404


# --- accessible, and for everyone ----------------------------------------------------------------------


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls, self.labels, self.headings = [], set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden":
            self.controls.append(attrs.get("id"))
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(tag)


def test_the_search_page_needs_no_login_and_every_control_has_a_label(client, evergreen):
    live_providers(3, payer=evergreen)
    response = client.get(SEARCH)
    assert response.status_code == 200
    parsed = _Controls()
    parsed.feed(response.text)
    assert len(parsed.controls) == 7
    assert all(control and control in parsed.labels for control in parsed.controls)
    assert parsed.headings[:3] == ["h1", "h2", "h2"]
    assert 'role="search"' in response.text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in response.text
    assert "3 providers in the directory" in response.text


# --- the embedded SQLite demo -------------------------------------------------------------------------

SQLITE_SCRIPT = """
import datetime as dt, json
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone
from directory import services
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import Setup, bulk_providers

setup_test_environment()
payer = PayerFactory(name="Evergreen Health", slug="evergreen-sqlite")
old = timezone.now() - dt.timedelta(days=400)
bulk_providers(
    [
        Setup(name="Quinn Sqlite", effective=dt.date(2025, 1, 1), training_at=old, specialties=["trauma"],
              bio="Couples and families."),
        Setup(name="Rory Sqlite", effective=dt.date(2025, 1, 1), training_at=old, languages=["es"]),
        Setup(name="Sam Hidden", effective=dt.date(2025, 1, 1), training_at=old, hidden=True),
    ],
    payer=payer,
)
result = services.profiles_publish_due()
client = Client()
def names(query):
    html = client.get("/directory/" + query).content.decode()
    return sorted(n for n in ("Quinn Sqlite", "Rory Sqlite", "Sam Hidden") if n in html)
print(json.dumps({
    "published": len(result.published),
    "all": names(""),
    "text": names("?q=couples+families"),
    "name": names("?q=rory"),
    "specialty": names("?specialty=trauma"),
    "language": names("?language=es&state=NY&payer=evergreen-sqlite"),
}))
"""


def test_the_directory_works_on_the_embedded_sqlite_demo(tmp_path):
    """The demo runs on SQLite: migrations skip the PostgreSQL-only search objects, and search
    falls back to icontains (JSON lists and free text). Run in a child process on its own
    SQLite file with the local settings, as `scripts/demo` runs it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alma.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    root = Path(settings.BASE_DIR)
    manage = [sys.executable, str(root / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=root, env=env, check=True, timeout=120)  # noqa: S603
    done = subprocess.run(  # noqa: S603
        [*manage, "shell", "-c", SQLITE_SCRIPT],
        cwd=root,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {
        "published": 2,
        "all": ["Quinn Sqlite", "Rory Sqlite"],
        "text": ["Quinn Sqlite"],
        "name": ["Rory Sqlite"],
        "specialty": ["Quinn Sqlite"],
        "language": ["Rory Sqlite"],
    }


def test_the_public_directory_may_be_indexed_but_the_portal_may_not(client):
    assert 'name="robots"' not in client.get("/directory/").text
    assert 'content="noindex"' in client.get("/accounts/login/").text
