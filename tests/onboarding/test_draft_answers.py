"""A General Onboarding draft keeps every answer as typed, an invalid one too, and shows it
again with its error when the provider comes back (issue 12: a too-short bio was lost)."""

from html import unescape

import pytest

from onboarding.models import GeneralOnboarding
from tests.factories import general_onboarding_answers
from tests.helpers import element, form_errors, text_at

pytestmark = pytest.mark.django_db

SHORT_BIO = "I help adults with anxiety."


def test_a_draft_with_a_too_short_bio_keeps_it_and_shows_its_error_on_return(
    client, provider, general_onboarding_url
):
    client.post(
        general_onboarding_url,
        {"action": "save_draft", "practice_name": "Harbor Counseling", "bio": SHORT_BIO},
    )
    page = client.get(general_onboarding_url)

    assert SHORT_BIO in element(page.text, "#id_bio")
    assert "at least 150 characters" in form_errors(page, "bio")[0]
    assert "at least 150 characters" in unescape(page.text)
    assert "still need attention" in text_at(page.text, "#draft-to-fix")
    assert 'value="Harbor Counseling"' in page.text
    # The valid answer is stored in its field; the invalid one only as typed, until fixed.
    record = GeneralOnboarding.objects.get(provider=provider)
    assert (record.practice_name, record.bio) == ("Harbor Counseling", "")


def test_the_typed_answers_keep_every_kind_of_answer(client, general_onboarding_url):
    client.post(
        general_onboarding_url,
        {
            "action": "save_draft",
            "contact_phone": "12",
            "states_licensed": ["NY", "NJ"],
            "offers_telehealth": "on",
            "bio": SHORT_BIO,
        },
    )
    form = client.get(general_onboarding_url).context["form"]
    assert form["contact_phone"].value() == "12"
    assert form["states_licensed"].value() == ["NY", "NJ"]
    assert form["offers_telehealth"].value() is True
    assert set(form.errors) == {"contact_phone", "bio"}


def test_fixing_the_draft_leaves_no_typed_answers_behind(client, provider, general_onboarding_url):
    client.post(general_onboarding_url, {"action": "save_draft", "bio": SHORT_BIO})
    fixed = "I help adults with anxiety and depression find steadier ground. " * 3
    response = client.post(general_onboarding_url, {"action": "save_draft", "bio": fixed})
    assert response.status_code == 302

    page = client.get(general_onboarding_url)
    assert not page.context["form"].is_bound
    assert "draft-to-fix" not in page.text
    assert GeneralOnboarding.objects.get(provider=provider).draft_answers == {}


def test_submission_still_checks_everything_and_clears_the_typed_answers(
    client, provider, general_onboarding_url, photo_upload
):
    client.post(general_onboarding_url, {"action": "save_draft", "bio": SHORT_BIO})
    refused = client.post(general_onboarding_url, {**general_onboarding_answers(), "bio": SHORT_BIO})
    assert refused.status_code == 200
    assert form_errors(refused, "bio")

    client.post(general_onboarding_url, {**general_onboarding_answers(), "photo": photo_upload})
    record = GeneralOnboarding.objects.get(provider=provider)
    assert record.status == GeneralOnboarding.Status.SUBMITTED
    assert record.draft_answers == {}
