"""The directory's front door at `/`, the client-facing footer of public pages, the provider's
"Pause new-client contact" switch, and the dashboard's profile item, done only after review."""

import pytest
from django.urls import reverse

from directory import services as directory
from directory.models import DirectoryProfile, ProfileEvent
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import live_providers, make_live_provider, ready_provider
from tests.helpers import attribute_of, element, elements, staff_user, text_at, text_of

pytestmark = pytest.mark.django_db

DASHBOARD = "/portal/"
MY_PROFILE = "/portal/directory/"
PREVIEW = "/portal/directory/preview/"


@pytest.fixture
def provider(live_provider):
    """`signed_in` (the root conftest) signs in `provider`: here the live one."""
    return live_provider


@pytest.fixture
def payer(db):
    return PayerFactory(name="Evergreen Health", slug="evergreen")


def profile_item(client) -> tuple[bool, str, str]:
    """(done?, text, html) of the dashboard's "Review your directory profile" item."""
    html = client.get(reverse("portal:dashboard")).text
    found = element(html, "li#item-directory_profile")
    return attribute_of(found, "data-done") == "true", text_of(found), found


# --- the front door ----------------------------------------------------------------------------------


def test_a_visitor_at_the_root_gets_the_directory_search_not_the_sign_in_page(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert text_at(html, "h1") == "Find a therapist who takes your insurance"
    form = element(html, "form#directory-search")
    assert attribute_of(form, "action") == reverse("directory:search")
    for name in ("q", "payer", "state", "specialty", "language", "format", "accepting"):
        assert elements(form, f"[name={name}]"), name
    sign_in = element(html, "a#provider-sign-in")
    assert text_of(sign_in) == "For providers: sign in to the portal"
    assert attribute_of(sign_in, "href") == reverse("account_login")
    assert 'name="robots"' not in html  # indexable, like the directory
    assert "{#" not in html  # no template comment shows


def test_the_front_door_costs_one_query_however_many_providers_are_listed(
    client, django_assert_num_queries, payer
):
    live_providers(25, payer=payer)
    with django_assert_num_queries(1):  # the payers of the insurance filter
        response = client.get("/")
    assert payer.name in text_at(response.text, "select#id_payer")
    with django_assert_num_queries(1):  # warm: the form from the fragment cache, the payers still read
        assert client.get("/").content == response.content


def test_searching_from_the_front_door_lands_on_the_results(client, payer):
    [found] = live_providers(1, payer=payer)
    profile = DirectoryProfile.objects.get(provider=found)
    results = client.get(reverse("directory:search"), {"q": profile.display_name.split()[0]})
    assert profile.slug in [attribute_of(r, "data-slug") for r in elements(results.text, "li[data-slug]")]


def test_signed_in_people_still_go_where_they_went(client, provider):
    client.force_login(provider.user)
    assert client.get("/").url == reverse("portal:dashboard")
    client.force_login(staff_user())
    assert client.get("/").url == reverse("admin:index")


# --- footers ----------------------------------------------------------------------------------------


def test_public_directory_pages_have_a_footer_for_clients(client, live_provider):
    profile = DirectoryProfile.objects.get(provider=live_provider)
    for url in ("/", reverse("directory:search"), profile.get_absolute_url()):
        html = client.get(url).text
        footer = text_at(html, "footer#client-footer")
        assert "In crisis? Call or text 988" in footer, url
        assert "Are you a provider? Sign in to the portal" in footer
        assert not elements(html, "a#support-email"), url


def test_portal_pages_keep_the_member_support_footer(signed_in, live_provider):
    html = signed_in.get(MY_PROFILE).text
    assert elements(html, "a#support-email")
    assert not elements(html, "footer#client-footer")


# --- pausing new-client contact --------------------------------------------------------------------


def test_the_provider_pauses_and_resumes_new_client_contact(signed_in, live_provider, client):
    profile = DirectoryProfile.objects.get(provider=live_provider)
    paused = signed_in.post(reverse("directory:my_profile_accepting"), {"accepting": "no"}, follow=True)
    assert "New-client contact is paused" in text_of(paused.text)
    assert "Paused." in text_at(paused.text, "#accepting-status")
    assert elements(paused.text, "button#resume-contact")
    public = client.get(profile.get_absolute_url()).text
    assert "Not accepting new clients right now" in text_at(public, "#accepting")
    assert not elements(public, "form#contact-form")
    [event] = ProfileEvent.objects.filter(kind=ProfileEvent.Kind.EDITED)
    assert (event.reason, event.actor) == ("Paused new-client contact", live_provider.user)

    signed_in.post(reverse("directory:my_profile_accepting"), {"accepting": "yes"})
    public = client.get(profile.get_absolute_url()).text
    assert "Accepting new clients" in text_at(public, "#accepting")
    assert elements(public, "form#contact-form")


def test_saving_the_profile_form_leaves_new_client_contact_as_it_is(signed_in, live_provider):
    directory.profile_accepting_set(provider=live_provider, accepting=False, actor=None)
    profile = DirectoryProfile.objects.get(provider=live_provider)
    signed_in.post(
        MY_PROFILE,
        {
            "offers_telehealth": "on",
            "specialties": profile.specialties,
            "approaches": profile.approaches,
            "populations": profile.populations,
            "languages": profile.languages,
            "bio": profile.bio,
        },
    )
    profile.refresh_from_db()
    assert not profile.accepting_new_clients


def test_only_the_signed_in_provider_switches_contact(client, live_provider):
    response = client.post(reverse("directory:my_profile_accepting"), {"accepting": "no"})
    assert response.url.startswith(reverse("account_login"))
    assert DirectoryProfile.objects.get(provider=live_provider).accepting_new_clients


# --- the dashboard's profile item: done only after the provider's review ------------------------------


def test_a_live_profile_is_not_done_until_the_provider_reviews_it(signed_in, live_provider):
    done, text, html = profile_item(signed_in)
    assert not done
    assert "Ready for your review" in text
    links = {text_of(link): attribute_of(link, "href") for link in elements(html, "a[href]")}
    assert links["Review your profile"] == MY_PROFILE
    profile = DirectoryProfile.objects.get(provider=live_provider)
    assert links["Edit your profile"] == MY_PROFILE
    assert links["Preview as clients see it"] == profile.get_absolute_url()

    page = signed_in.get(MY_PROFILE).text
    assert attribute_of(element(page, "a#preview-link"), "href") == profile.get_absolute_url()
    confirmed = signed_in.post(reverse("directory:my_profile_reviewed"), follow=True)
    assert "Your profile is marked as reviewed" in text_of(confirmed.text)

    done, text, _ = profile_item(signed_in)
    assert done
    assert "Last confirmed" in text  # and when to confirm again (tests/directory/test_reverification.py)
    assert ProfileEvent.objects.filter(kind=ProfileEvent.Kind.REVIEWED, actor=live_provider.user).exists()


def test_saving_the_profile_counts_as_the_review(signed_in, live_provider):
    profile = DirectoryProfile.objects.get(provider=live_provider)
    signed_in.post(
        MY_PROFILE,
        {
            "offers_telehealth": "on",
            "specialties": profile.specialties,
            "approaches": profile.approaches,
            "populations": profile.populations,
            "languages": profile.languages,
            "bio": profile.bio,
        },
    )
    done, _, _ = profile_item(signed_in)
    assert done


def test_a_profile_not_live_yet_is_previewed_only_by_its_provider(client):
    provider = ready_provider(effective=None)  # forms approved, no payer yet
    profile = directory.profile_for(provider)
    assert not profile.is_live
    assert client.get(profile.get_absolute_url()).status_code == 404  # the public cannot
    assert client.get(PREVIEW).url.startswith(reverse("account_login"))

    client.force_login(provider.user)
    done, _, html = profile_item(client)
    assert not done
    preview_link = [
        link for link in elements(html, "a[href]") if text_of(link) == "Preview as clients see it"
    ]
    assert [attribute_of(link, "href") for link in preview_link] == [PREVIEW]
    page = client.get(PREVIEW)
    assert page.status_code == 200
    assert "It is not in the directory yet, so only you can see this page" in text_at(
        page.text, "#preview-banner"
    )
    assert 'content="noindex"' in page.text
    assert text_at(page.text, "h1#profile-name").startswith(profile.display_name)
    # The form is there to see, not to send.
    assert "disabled" in element(page.text, "form#contact-form")

    other = make_live_provider(legal_name="Riley Chen")
    client.force_login(other.user)
    assert "Riley Chen" in text_at(client.get(PREVIEW).text, "h1#profile-name")  # their own only
    client.force_login(staff_user())
    assert client.get(PREVIEW).status_code == 404
