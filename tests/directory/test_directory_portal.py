"""The provider's own directory profile in the portal (edits, the bio's staff review), staff work
in admin (hide, unhide, offboard, review), and the go-live card of the Onboarding Dashboard."""

import datetime as dt
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from directory import services as directory
from directory.models import DirectoryProfile, ProfileEvent
from tests.credentialing_factories import PayerFactory, make_application
from tests.directory_factories import Setup, bulk_providers, finish_training
from tests.factories import ProviderFactory, submit_general_onboarding
from tests.helpers import days_ago, staff_user, text_at, text_of

pytestmark = pytest.mark.django_db

PAGE = "/portal/directory/"
NEW_BIO = (
    "These days I focus on grief and loss: parents, partners, and anyone carrying a loss that "
    "others have stopped asking about. Gentle, unhurried sessions by video."
)


@pytest.fixture
def provider(live_provider):
    """Here the provider is live in the directory (the root conftest's `signed_in` signs them in)."""
    return live_provider


def staff_with(*codenames: str) -> User:
    return staff_user(f"{'-'.join(codenames) or 'plain'}@alma.test", *codenames, "view_directoryprofile")


def edit(client, provider, **changes):
    """Post the profile form as the provider would: what is there now, with `changes`."""
    profile = DirectoryProfile.objects.get(provider=provider)
    data = {
        "offers_telehealth": "on" if profile.offers_telehealth else "",
        "offers_in_person": "on" if profile.offers_in_person else "",
        "specialties": profile.specialties,
        "approaches": profile.approaches,
        "populations": profile.populations,
        "languages": profile.languages,
        "bio": profile.bio_pending or profile.bio,
    }
    data.update(changes)
    return client.post(
        PAGE, {key: value for key, value in data.items() if value not in ("", None)}, follow=True
    )


def public_text(client, provider) -> str:
    profile = DirectoryProfile.objects.get(provider=provider)
    response = client.get(profile.get_absolute_url())
    assert response.status_code == 200
    return text_of(response.text)


# --- who may open it --------------------------------------------------------------------------------


def test_the_page_is_for_the_signed_in_provider_only(client, admin_user):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.force_login(admin_user)
    assert client.get(PAGE).status_code == 404


def test_before_the_general_onboarding_form_is_approved_the_page_says_when_the_profile_comes(client):
    provider = ProviderFactory()
    submit_general_onboarding(provider)
    client.force_login(provider.user)
    html = client.get(PAGE).text
    assert (
        "Your directory profile is built from your General Onboarding form once our team approves it."
        in unescape(html)
    )
    assert "profile-form" not in html


# --- the provider's edits ---------------------------------------------------------------------------


def test_the_page_says_the_profile_is_live_and_links_to_it(signed_in, live_provider):
    text = text_of(signed_in.get(PAGE).text)
    slug = DirectoryProfile.objects.get(provider=live_provider).slug
    assert "Your profile is live since" in text
    assert f'href="/directory/{slug}/"' in signed_in.get(PAGE).text


def test_edits_other_than_the_bio_show_publicly_at_once(signed_in, live_provider, client):
    response = edit(signed_in, live_provider, languages=["en", "es"], specialties=["grief"])
    assert "Saved. Your profile shows the changes now." in response.text
    text = public_text(client, live_provider)
    assert "Languages English, Spanish" in text
    assert "Specialties Grief and loss" in text
    [edited] = ProfileEvent.objects.filter(kind=ProfileEvent.Kind.EDITED)
    assert edited.reason == "Changed: specialties, languages"
    assert edited.actor == live_provider.user


def test_a_form_without_any_way_to_meet_is_refused(signed_in, live_provider):
    response = edit(signed_in, live_provider, offers_telehealth="", offers_in_person="")
    assert "Offer telehealth, in-person sessions or both, so clients can book you." in unescape(response.text)
    assert DirectoryProfile.objects.get().offers_telehealth


def test_a_new_bio_waits_for_staff_and_the_approved_one_stays_live(signed_in, live_provider, client):
    response = edit(signed_in, live_provider, bio=NEW_BIO)
    assert "Your new bio is waiting for review" in response.text
    assert "I work with adults navigating anxiety" in public_text(client, live_provider)
    assert NEW_BIO not in public_text(client, live_provider)
    # Free text finds what the public can read, not the edit in review.
    assert "Morgan Alvarez" not in client.get("/directory/?q=grief").text
    assert "Morgan Alvarez" in client.get("/directory/?q=transitions").text
    # The form shows the provider their edit, not the live text.
    assert NEW_BIO in unescape(signed_in.get(PAGE).text)

    reviewer = staff_with("review_profile_bio")
    client.force_login(reviewer)
    changelist = reverse("admin:directory_directoryprofile_changelist")
    waiting = client.get(f"{changelist}?bio=waiting").text
    assert "Morgan Alvarez" in waiting
    profile = DirectoryProfile.objects.get(provider=live_provider)
    client.post(changelist, {"action": "approve_bio", "_selected_action": [profile.pk]})
    client.logout()

    text = public_text(client, live_provider)
    assert "These days I focus on grief and loss" in text
    assert "I work with adults navigating anxiety" not in text
    assert "Morgan Alvarez" in client.get("/directory/?q=grief").text
    assert "Morgan Alvarez" not in client.get("/directory/?q=transitions").text
    assert ProfileEvent.objects.filter(kind=ProfileEvent.Kind.BIO_APPROVED, actor=reviewer).exists()


def test_a_bio_sent_back_shows_the_reason_and_keeps_the_draft(signed_in, live_provider, client):
    edit(signed_in, live_provider, bio=NEW_BIO)
    profile = DirectoryProfile.objects.get(provider=live_provider)
    directory.profile_bio_send_back(
        profile=profile, reviewer=None, reason="Please leave out clients' details."
    )
    html = unescape(signed_in.get(PAGE).text)
    assert "Our team asked for changes to your new bio: Please leave out clients' details." in text_of(html)
    assert NEW_BIO in html
    assert "I work with adults navigating anxiety" in public_text(client, live_provider)
    # Submitting the same text again puts it back in the queue.
    assert "waiting for review" in edit(signed_in, live_provider, bio=NEW_BIO).text
    assert DirectoryProfile.objects.get(pk=profile.pk).bio_in_review


def test_a_bio_sent_back_is_emailed_with_the_reason(
    signed_in, live_provider, django_capture_on_commit_callbacks, mailoutbox
):
    edit(signed_in, live_provider, bio=NEW_BIO)
    profile = DirectoryProfile.objects.get(provider=live_provider)
    with django_capture_on_commit_callbacks(execute=True):
        directory.profile_bio_send_back(
            profile=profile, reviewer=None, reason="Please leave out clients' details."
        )
    [message] = [m for m in mailoutbox if "bio" in m.subject]
    assert "Please leave out clients' details." in message.body
    assert "/portal/directory/" in message.body


# --- staff in admin ---------------------------------------------------------------------------------


def test_staff_hide_a_profile_with_a_reason_through_the_intermediate_page(client, live_provider):
    staff = staff_with("hide_profile")
    client.force_login(staff)
    profile = DirectoryProfile.objects.get(provider=live_provider)
    changelist = reverse("admin:directory_directoryprofile_changelist")
    page = client.post(changelist, {"action": "hide", "_selected_action": [profile.pk]})
    assert "Hide from the directory" in page.text
    act = reverse("admin:directory_directoryprofile_act", args=["hide"])
    # A reason is required.
    refused = client.post(act, {"_selected_action": [profile.pk], "reason": ""})
    assert "This field is required." in refused.text
    assert DirectoryProfile.objects.get(pk=profile.pk).is_live

    client.post(act, {"_selected_action": [profile.pk], "reason": "Licence check pending"})
    profile.refresh_from_db()
    assert not profile.is_live
    assert (profile.hidden_by, profile.hidden_reason) == (staff, "Licence check pending")
    client.logout()
    assert client.get(profile.get_absolute_url()).status_code == 404

    client.force_login(staff)
    client.post(changelist, {"action": "unhide", "_selected_action": [profile.pk]})
    assert DirectoryProfile.objects.get(pk=profile.pk).is_live


def test_staff_without_the_permission_cannot_hide_or_review(client, live_provider):
    client.force_login(staff_with())
    profile = DirectoryProfile.objects.get(provider=live_provider)
    for action in ("hide", "offboard", "approve_bio"):
        act = reverse("admin:directory_directoryprofile_act", args=[action])
        assert client.post(act, {"_selected_action": [profile.pk], "reason": "x"}).status_code == 403
    assert DirectoryProfile.objects.get(pk=profile.pk).is_live


# --- the Onboarding Dashboard's go-live card -----------------------------------------------------------


def go_live_card(client) -> str:
    return text_at(client.get("/portal/onboarding/").text, "#go-live")


def test_the_dashboard_shows_a_live_profile_with_its_link(signed_in, live_provider, support_articles):
    card = go_live_card(signed_in)
    assert "Live" in card
    assert "Your profile is live in the Alma directory since" in card
    slug = DirectoryProfile.objects.get(provider=live_provider).slug
    assert f'href="/directory/{slug}/"' in signed_in.get("/portal/onboarding/").text


def test_the_dashboard_names_a_hidden_profile_as_the_blocker(signed_in, live_provider, support_articles):
    directory.profile_hide(
        profile=DirectoryProfile.objects.get(provider=live_provider), actor=None, reason="Check"
    )
    card = go_live_card(signed_in)
    assert "Not set yet" in card
    assert "Our team has hidden your profile from the directory" in card


def test_the_dashboard_waits_for_the_general_onboarding_approval(client, support_articles):
    provider = ProviderFactory(contracted_start_date=days_ago(20))
    submit_general_onboarding(provider)
    make_application(provider=provider, payer=PayerFactory(), status="approved", effective_date=days_ago(5))
    finish_training(provider, timezone.now() - dt.timedelta(days=1))
    client.force_login(provider.user)
    card = go_live_card(client)
    assert "Our team has not approved your General Onboarding form yet" in card
    assert "Your profile goes live once our team approves your General Onboarding form" in card


def test_the_admin_list_costs_the_same_at_5_and_50_profiles(admin_client, django_assert_num_queries):
    payer = PayerFactory()
    url = reverse("admin:directory_directoryprofile_changelist")

    def load(n):
        bulk_providers(
            [Setup(effective=days_ago(400), training_at=timezone.now(), profile=True) for _ in range(n)],
            payer=payer,
        )
        directory.profiles_publish_due()

    load(5)
    with CaptureQueriesContext(connection) as at_5:
        assert admin_client.get(url).status_code == 200
    load(45)
    with django_assert_num_queries(len(at_5)):
        response = admin_client.get(url)
    assert "50 directory profiles" in response.text
