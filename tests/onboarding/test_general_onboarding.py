"""Step 1: the General Onboarding form, from draft to submission."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credentialing import emails as credentialing_emails
from credentialing import links as credentialing_links
from onboarding import links
from onboarding.models import GeneralOnboarding, OnboardingStep, OutboxEmail
from tests.factories import general_onboarding_answers
from tests.helpers import form_errors, image_bytes

pytestmark = pytest.mark.django_db


def test_a_new_form_opens_empty_with_every_section(client, general_onboarding_url):
    page = client.get(general_onboarding_url).text
    for label in ("Practice name", "Contact phone", "States where you hold a license", "Directory bio"):
        assert label in page
    assert "Save draft" in page


def test_a_draft_keeps_valid_answers_and_flags_the_invalid_one(client, provider, general_onboarding_url):
    response = client.post(
        general_onboarding_url,
        {
            "action": "save_draft",
            "practice_name": "Harbor Counseling",
            "contact_phone": "12",
            "city": "Albany",
        },
    )
    assert response.status_code == 200
    assert form_errors(response, "contact_phone")
    assert "Draft saved, except the answers marked below" in unescape(response.text)
    # What the provider typed stays on screen, including the bad value to fix.
    assert 'value="12"' in response.text
    draft = GeneralOnboarding.objects.get(provider=provider)
    assert (draft.practice_name, draft.city, str(draft.contact_phone)) == ("Harbor Counseling", "Albany", "")
    assert draft.status == GeneralOnboarding.Status.DRAFT


def test_a_saved_draft_is_there_when_the_provider_comes_back(client, provider, general_onboarding_url):
    response = client.post(
        general_onboarding_url, {"action": "save_draft", "practice_name": "Harbor", "specialties": ["grief"]}
    )
    assert response.status_code == 302
    page = client.get(general_onboarding_url)
    assert page.context["form"].initial["practice_name"] == "Harbor"
    assert page.context["form"].initial["specialties"] == ["grief"]
    assert "Draft last saved" in page.text
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.ACCOUNT_CREATED  # a draft moves nothing


def test_submitting_an_incomplete_form_names_each_missing_answer(client, provider, general_onboarding_url):
    response = client.post(
        general_onboarding_url, {"action": "submit", "practice_name": "Harbor", "bio": "Too short."}
    )
    assert response.status_code == 200
    assert form_errors(response, "city") == ["This field is required."]
    assert "at least 150 characters" in form_errors(response, "bio")[0]
    assert form_errors(response, "offers_telehealth") == ["Choose telehealth, in-person sessions, or both."]
    emails = OutboxEmail.objects.filter(provider=provider, step=credentialing_emails.INSURANCE_FORM)
    assert not emails.exists()


def test_submitting_queues_the_insurance_form_email(
    client, provider, general_onboarding_url, photo_upload, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            general_onboarding_url,
            {**general_onboarding_answers(), "action": "submit", "photo": photo_upload},
        )
    assert response.status_code == 302

    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.GENERAL_ONBOARDING_SUBMITTED
    event = provider.onboarding_events.last()
    assert (event.to_step, event.actor) == (OnboardingStep.GENERAL_ONBOARDING_SUBMITTED, provider.user)
    record = provider.general_onboarding
    assert record.status == GeneralOnboarding.Status.SUBMITTED
    assert record.specialties == ["anxiety", "trauma"]
    assert record.photo.name.startswith(f"providers/{provider.public_id}/")
    assert "me.png" not in record.photo.name  # the uploaded name is not trusted

    row = OutboxEmail.objects.get(provider=provider, step=credentialing_emails.INSURANCE_FORM)
    assert row.sent_at is not None
    insurance = [m for m in mailoutbox if "Insurance Form" in m.subject]
    assert len(insurance) == 1
    assert f"/onboarding/{provider.public_id}/insurance-form/" in insurance[0].body

    confirmation = client.get(general_onboarding_url)
    assert "your General Onboarding form is in" in unescape(confirmation.text)
    assert "We emailed it to" in confirmation.text


def test_submitting_twice_sends_one_insurance_email(client, provider, general_onboarding_url, photo_upload):
    answers = {**general_onboarding_answers(), "action": "submit", "photo": photo_upload}
    client.post(general_onboarding_url, answers)
    response = client.post(general_onboarding_url, answers)
    assert response.status_code == 200
    assert "your General Onboarding form is in" in unescape(response.text)
    emails = OutboxEmail.objects.filter(provider=provider, step=credentialing_emails.INSURANCE_FORM)
    assert emails.count() == 1


def test_a_photo_saved_with_the_draft_counts_at_submission(
    client, provider, general_onboarding_url, photo_upload
):
    client.post(general_onboarding_url, {"action": "save_draft", "photo": photo_upload})
    response = client.post(general_onboarding_url, {**general_onboarding_answers(), "action": "submit"})
    assert response.status_code == 302
    assert GeneralOnboarding.objects.get(provider=provider).photo


def test_a_photo_is_checked_by_its_content_not_its_name(client, provider, general_onboarding_url):
    fake = SimpleUploadedFile("photo.png", b"%PDF-1.7 not an image", content_type="image/png")
    response = client.post(
        general_onboarding_url, {**general_onboarding_answers(), "action": "submit", "photo": fake}
    )
    assert response.status_code == 200
    assert form_errors(response, "photo")
    assert not GeneralOnboarding.objects.filter(provider=provider, status="submitted").exists()


def test_a_gif_photo_is_refused_even_though_it_is_an_image(client, general_onboarding_url):
    gif = SimpleUploadedFile("me.png", image_bytes("GIF"), content_type="image/png")
    response = client.post(
        general_onboarding_url, {**general_onboarding_answers(), "action": "submit", "photo": gif}
    )
    assert "not a JPEG or PNG file" in " ".join(form_errors(response, "photo"))


def test_a_photo_over_the_size_limit_is_refused_with_the_limit(client, general_onboarding_url, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("me.jpg", image_bytes("JPEG", size=(400, 400)), content_type="image/jpeg")
    response = client.post(
        general_onboarding_url, {**general_onboarding_answers(), "action": "submit", "photo": big}
    )
    [error] = form_errors(response, "photo")
    assert "the limit is 1.0\xa0KB" in error


def test_the_insurance_form_link_from_the_email_opens(client, provider):
    response = client.get(links.form_path(provider, credentialing_links.INSURANCE_FORM))
    assert response.status_code == 200
    assert "Insurance Form" in response.text


def test_the_confirmation_offers_the_training_at_once(client, provider, general_onboarding_url, photo_upload):
    client.post(
        general_onboarding_url, {**general_onboarding_answers(), "action": "submit", "photo": photo_upload}
    )
    page = client.get(general_onboarding_url).text
    assert "/training/" in page
    assert str(provider.public_id) in page.split('data-testid="training-link"')[0].rsplit("href=", 1)[1]


def test_reviewers_can_see_the_photo_and_nobody_else(client, provider, general_onboarding_url, photo_upload):
    from django.contrib.auth.models import Permission  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    from accounts.models import User  # noqa: PLC0415
    from tests.factories import ProviderFactory  # noqa: PLC0415

    client.post(
        general_onboarding_url, {**general_onboarding_answers(), "action": "submit", "photo": photo_upload}
    )
    url = reverse("documents:general_onboarding_photo", args=[provider.public_id])
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(ProviderFactory().user)
    assert client.get(url).status_code == 404  # another provider
    reviewer = User.objects.create_user(email="reviewer@alma.test", password="x" * 12, is_staff=True)
    reviewer.user_permissions.add(Permission.objects.get(codename="view_generalonboarding"))
    client.force_login(reviewer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    record = GeneralOnboarding.objects.get(provider=provider)
    page = client.get(reverse("admin:onboarding_generalonboarding_change", args=[record.pk])).text
    assert url in page
