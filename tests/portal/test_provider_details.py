"""Staff correct a provider's name, licence type or contracted start date only through the
service (portal.services.provider_details_correct), never by a raw save in the provider admin."""

import datetime as dt
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from credentialing.models import InsuranceForm
from directory.models import DirectoryProfile, ProfileEvent
from onboarding.models import (
    FormReview,
    LicenseType,
    OnboardingStep,
    OutboxEmail,
    Provider,
    ProviderDetailsChange,
    ReviewedForm,
    ReviewStatus,
)
from portal.services import form_approve, provider_details_correct
from portal.services.provider_details import TRIGGER, DetailsRefused
from tests.directory_factories import committed, make_live_provider
from tests.factories import ProviderFactory, submit_general_onboarding, submit_insurance_form
from tests.helpers import staff_user
from tests.pipeline import provider_at_forms_approved, reviewer

pytestmark = pytest.mark.django_db

# Fixed, so the go-live arithmetic below never depends on the day the suite runs.
NOW = dt.datetime(2026, 9, 14, 15, 0, tzinfo=dt.UTC)
PRESCRIBER_ANSWERS = {
    "dea_number": "AB1234563",
    "dea_state": "NY",
    "dea_expiry": dt.date(2028, 1, 31),
    "dea_certificate": "providers/x/dea.pdf",
    "board_name": "ABPN",
    "board_specialty": "Psychiatry",
    "board_expiry": dt.date(2030, 1, 31),
    "board_certificate": "providers/x/board.pdf",
}


@pytest.fixture
def support():
    """The Support role's grant: change_provider (and view)."""
    return staff_user("support@alma.test", "change_provider", "view_provider")


def correct_url(provider) -> str:
    return reverse("admin:onboarding_provider_correct_details", args=[provider.pk])


def posted(provider, **changes) -> dict:
    """What the page posts: the values it showed (hidden "initial-" inputs) and the fields."""
    shown = {
        "legal_name": provider.legal_name,
        "license_type": provider.license_type,
        "contracted_start_date": provider.contracted_start_date.isoformat(),
    }
    return (
        {f"initial-{name}": value for name, value in shown.items()}
        | shown
        | {"reason": "The agreement import had it wrong."}
        | changes
    )


# -- the provider page no longer edits the three fields


def test_the_provider_page_cannot_change_the_three_fields(admin_client):
    provider = ProviderFactory(legal_name="Ada Brennan", license_type=LicenseType.LCSW)
    url = reverse("admin:onboarding_provider_change", args=[provider.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="legal_name"' not in page.text
    assert 'name="_save"' not in page.text
    assert 'id="correct-provider-details"' in page.text

    response = admin_client.post(
        url, {"legal_name": "Someone Else", "license_type": "MD", "contracted_start_date": "2030-01-01"}
    )
    assert response.status_code == 403
    provider.refresh_from_db()
    assert (provider.legal_name, provider.license_type) == ("Ada Brennan", LicenseType.LCSW)
    assert not ProviderDetailsChange.objects.exists()


def test_the_list_keeps_its_actions_for_staff_who_may_change_providers(client, support):
    ProviderFactory()
    client.force_login(support)
    page = client.get(reverse("admin:onboarding_provider_changelist"))
    assert 'value="send_fresh_links"' in page.text


# -- the admin page


def test_staff_correct_the_details_on_their_own_page(client, support, django_capture_on_commit_callbacks):
    provider = ProviderFactory(legal_name="Ada Brenan")
    client.force_login(support)
    page = client.get(correct_url(provider))
    assert page.status_code == 200
    assert page.context["form"]["legal_name"].value() == "Ada Brenan"
    assert "Correct provider details" in page.text
    assert reverse("admin:onboarding_provider_change", args=[provider.pk]) in page.text  # breadcrumb

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(correct_url(provider), posted(provider, legal_name="Ada Brennan"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:onboarding_provider_change", args=[provider.pk])
    provider.refresh_from_db()
    assert provider.legal_name == "Ada Brennan"
    story = client.get(response["Location"]).text
    assert "Details corrected by staff" in story
    assert "Ada Brenan" in story
    assert "The agreement import had it wrong." in story


def test_a_page_opened_before_another_correction_never_undoes_it(client, support):
    provider = ProviderFactory(legal_name="Ada Brenan")
    client.force_login(support)
    stale = posted(provider, contracted_start_date="2031-01-05")  # what B's open page will post
    # Meanwhile A corrects the name.
    provider_details_correct(
        provider=provider, actor=support, legal_name="Ada Brennan", reason="Typo in the agreement."
    )
    response = client.post(correct_url(provider), stale)
    assert response.status_code == 200
    assert (
        "Someone changed this since you opened the page" in response.context["form"].errors["legal_name"][0]
    )
    provider.refresh_from_db()
    assert provider.legal_name == "Ada Brennan"
    assert str(provider.contracted_start_date) != "2031-01-05"
    assert ProviderDetailsChange.objects.filter(provider=provider).count() == 1


def test_only_the_fields_staff_changed_are_corrected(client, support):
    # A name stored with odd spacing is not "corrected" when staff change only the start date.
    provider = ProviderFactory(legal_name="Ada  Brennan")
    client.force_login(support)
    response = client.post(correct_url(provider), posted(provider, contracted_start_date="2031-01-05"))
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.legal_name == "Ada  Brennan"
    assert [change.field for change in ProviderDetailsChange.objects.filter(provider=provider)] == [
        "contracted_start_date"
    ]


def test_a_refused_correction_is_shown_next_to_its_field(client, support):
    provider = ProviderFactory(legal_name="Ada Brennan")
    client.force_login(support)
    no_reason = client.post(correct_url(provider), posted(provider, legal_name="Ada B", reason=""))
    assert no_reason.status_code == 200
    assert set(no_reason.context["form"].errors) == {"reason"}

    blank_name = client.post(correct_url(provider), posted(provider, legal_name="\u200f \u202e"))
    assert blank_name.context["form"].errors["legal_name"] == ["A provider needs a legal name."]

    unchanged = client.post(correct_url(provider), posted(provider))
    assert "nothing to correct" in unescape(unchanged.text)
    assert unchanged.context["form"].non_field_errors()
    provider.refresh_from_db()
    assert provider.legal_name == "Ada Brennan"
    assert not ProviderDetailsChange.objects.exists()


def test_correcting_details_needs_the_change_provider_permission(client):
    provider = ProviderFactory(legal_name="Ada Brennan")
    viewer = staff_user("viewer@alma.test", "view_provider")
    client.force_login(viewer)
    assert client.get(correct_url(provider)).status_code == 403
    assert client.post(correct_url(provider), posted(provider, legal_name="Bea")).status_code == 403
    page = client.get(reverse("admin:onboarding_provider_change", args=[provider.pk]))
    assert 'id="correct-provider-details"' not in page.text
    with pytest.raises(PermissionDenied):
        provider_details_correct(provider=provider, actor=viewer, legal_name="Bea", reason="typo")
    provider.refresh_from_db()
    assert provider.legal_name == "Ada Brennan"

    viewer.user_permissions.add(Permission.objects.get(codename="change_provider"))
    viewer = User.objects.get(pk=viewer.pk)  # permissions are cached per user object
    client.force_login(viewer)
    assert client.get(correct_url(provider)).status_code == 200


# -- the service


def test_only_what_differs_is_changed_and_each_change_is_recorded(support):
    provider = ProviderFactory(legal_name="Ada Brenan", license_type=LicenseType.LCSW)
    start = provider.contracted_start_date
    correction = provider_details_correct(
        provider=provider,
        actor=support,
        legal_name="  Ada   Brennan ",
        license_type=LicenseType.LCSW,
        contracted_start_date=start,
        reason="Spelling from the signed PDF",
        now=NOW,
    )
    assert correction.changed_fields == ["legal_name"]
    provider.refresh_from_db()
    assert provider.legal_name == "Ada Brennan"
    rows = list(ProviderDetailsChange.objects.filter(provider=provider))
    assert [(r.field, r.old_value, r.new_value, r.reason, r.actor, r.occurred_at) for r in rows] == [
        ("legal_name", "Ada Brenan", "Ada Brennan", "Spelling from the signed PDF", support, NOW)
    ]
    with pytest.raises(DetailsRefused, match="nothing to correct"):
        provider_details_correct(provider=provider, actor=support, legal_name="Ada Brennan", reason="again")
    with pytest.raises(DetailsRefused) as refused:
        provider_details_correct(provider=provider, actor=support, license_type="LPN", reason="x")
    assert refused.value.field == "license_type"


def test_the_profile_shows_the_new_name_and_licence_type(support):
    provider = make_live_provider(legal_name="Ada Brenan")
    profile = DirectoryProfile.objects.get(provider=provider)
    slug = profile.slug
    with committed():
        provider_details_correct(
            provider=provider,
            actor=support,
            legal_name="Ada Brennan",
            license_type=LicenseType.LMFT,
            reason="Wrong in the agreement import",
        )
    profile.refresh_from_db()
    assert (profile.display_name, profile.credentials, profile.slug) == ("Ada Brennan", "LMFT", slug)
    assert profile.is_live
    event = profile.events.get(kind=ProfileEvent.Kind.DETAILS_CORRECTED)
    assert (event.reason, event.trigger, event.actor) == (
        "Ada Brenan, LCSW -> Ada Brennan, LMFT",
        TRIGGER,
        support,
    )
    # The public page and search find the new name.
    found = DirectoryProfile.objects.filter(search_vector=SearchQuery("Brennan", config="english"))
    assert list(found) == [profile]


def test_a_later_contracted_start_moves_the_go_live_and_takes_the_profile_down(support, client):
    provider = make_live_provider()
    profile = DirectoryProfile.objects.get(provider=provider)
    assert profile.is_live
    later = timezone.localdate() + dt.timedelta(days=14)
    with committed():
        provider_details_correct(
            provider=provider, actor=support, contracted_start_date=later, reason="Start moved by contract"
        )
    profile.refresh_from_db()
    assert not profile.is_live
    down = profile.events.filter(kind=ProfileEvent.Kind.UNPUBLISHED).latest("pk")
    assert (down.trigger, down.go_live_on, down.actor) == (TRIGGER, later, support)
    assert client.get(profile.get_absolute_url()).status_code == 404

    with committed():
        provider_details_correct(
            provider=provider,
            actor=support,
            contracted_start_date=timezone.localdate() - dt.timedelta(days=1),
            reason="It was yesterday after all",
        )
    profile.refresh_from_db()
    assert profile.is_live
    assert profile.events.filter(kind=ProfileEvent.Kind.PUBLISHED, trigger=TRIGGER).exists()


def _insurance_changes_emails(provider):
    return OutboxEmail.objects.filter(provider=provider, step="insurance_form_changes")


def test_a_prescriber_licence_sends_an_approved_insurance_form_back(support, mailoutbox):
    provider = provider_at_forms_approved(legal_name="Ada Brennan", license_type=LicenseType.LCSW)
    assert provider.onboarding_step == OnboardingStep.FORMS_APPROVED
    with committed():
        correction = provider_details_correct(
            provider=provider, actor=support, license_type=LicenseType.MD, reason="She is a psychiatrist"
        )
    form = InsuranceForm.objects.get(provider=provider)
    assert form.status == ReviewStatus.CHANGES_REQUESTED
    assert "DEA number" in correction.missing_answers
    assert "board certificate" in correction.missing_answers
    decision = FormReview.objects.filter(provider=provider, form=ReviewedForm.INSURANCE_FORM).latest("pk")
    assert decision.decision == FormReview.Decision.CHANGES_REQUESTED
    assert decision.reviewer == support
    assert decision.round == form.review_round == 2  # round 1 keeps its approval
    assert "MD - Psychiatrist" in decision.reason
    assert "DEA number" in decision.reason
    email = _insurance_changes_emails(provider).get()
    assert email.context["reason"] == decision.reason
    # The step is not undone: the provider keeps the portal access they were given.
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.FORMS_APPROVED


def test_the_form_sent_back_is_approved_again_without_repeating_step_4(support):
    provider = provider_at_forms_approved(license_type=LicenseType.LCSW)
    provider_details_correct(provider=provider, actor=support, license_type=LicenseType.NP, reason="NP")
    portal_access_before = OutboxEmail.objects.filter(provider=provider, step="portal_access").count()
    submit_insurance_form(provider, **PRESCRIBER_ANSWERS)  # they add the answers and submit again
    assert InsuranceForm.objects.get(provider=provider).review_round == 3
    form_approve(provider=provider, form=ReviewedForm.INSURANCE_FORM, reviewer=reviewer())
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.FORMS_APPROVED
    assert OutboxEmail.objects.filter(provider=provider, step="portal_access").count() == portal_access_before
    assert InsuranceForm.objects.get(provider=provider).status == ReviewStatus.APPROVED


def test_a_submitted_form_waiting_for_review_is_sent_back_too(support):
    provider = ProviderFactory(license_type=LicenseType.LMFT)
    submit_general_onboarding(provider)
    submit_insurance_form(provider)
    provider_details_correct(provider=provider, actor=support, license_type=LicenseType.DO, reason="DO")
    form = InsuranceForm.objects.get(provider=provider)
    assert (form.status, form.review_round) == (ReviewStatus.CHANGES_REQUESTED, 1)
    assert _insurance_changes_emails(provider).count() == 1


@pytest.mark.parametrize(
    ("start", "new_type"),
    [
        (LicenseType.LCSW, LicenseType.LMFT),  # neither prescribes: nothing more to ask
        (LicenseType.MD, LicenseType.DO),  # both prescribe: the answers are there already
        (LicenseType.MD, LicenseType.LCSW),  # no longer a prescriber: nothing is missing
    ],
)
def test_a_licence_change_that_needs_nothing_new_leaves_the_form_alone(support, start, new_type):
    provider = ProviderFactory(license_type=start)
    submit_general_onboarding(provider)
    submit_insurance_form(provider, **(PRESCRIBER_ANSWERS if start in LicenseType.prescribers() else {}))
    correction = provider_details_correct(provider=provider, actor=support, license_type=new_type, reason="x")
    assert correction.insurance_form_sent_back is None
    assert InsuranceForm.objects.get(provider=provider).status == ReviewStatus.SUBMITTED
    assert not _insurance_changes_emails(provider).exists()


def test_a_form_still_with_the_provider_asks_for_the_new_answers_itself(support):
    provider = ProviderFactory(license_type=LicenseType.LCSW)
    submit_general_onboarding(provider)
    correction = provider_details_correct(provider=provider, actor=support, license_type="MD", reason="x")
    assert correction.insurance_form_sent_back is None
    assert not _insurance_changes_emails(provider).exists()
    assert Provider.objects.get(pk=provider.pk).is_prescriber
