"""The Insurance Form's optional "About you" questions (race, ethnicity, languages spoken):
never required, "Prefer not to say" is an answer, saved with a draft and on submission in their
own table only, shown to staff only with `credentialing.see_provider_demographics`, and absent
from the directory and the exports."""

import csv
import io
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from credentialing import links as credentialing_links
from credentialing.models import InsuranceForm, ProviderDemographics
from credentialing.services.demographics import DemographicAnswerRefused, demographics_record
from onboarding import links
from onboarding.models import OnboardingStep
from tests.factories import insurance_form_answers, submit_general_onboarding, submit_insurance_form
from tests.helpers import attribute_of, element, elements, signed_in_client, staff_user, text_at, text_of
from verification.export import credentialing_file_zip

pytestmark = pytest.mark.django_db


def draft(**answers) -> dict:
    """A draft of the whole page (every section posted), with these answers."""
    return insurance_form_answers(action="save_draft", **answers)


ABOUT = {
    "about-shown": "1",
    "about-race": ["asian", "white"],
    "about-ethnicity": "not_hispanic_latino",
    "about-languages": ["en", "tl"],
}


@pytest.fixture
def url(provider):
    submit_general_onboarding(provider)
    return links.form_path(provider, credentialing_links.INSURANCE_FORM)


def answers_of(provider) -> tuple | None:
    found = ProviderDemographics.objects.filter(provider=provider).first()
    return (found.race, found.ethnicity, found.languages) if found else None


def test_the_section_says_the_answers_are_optional_and_never_used_to_decide(client, url):
    page = client.get(url).text
    section = element(page, "section#about-you")
    assert text_at(section, "h2") == "About you (optional)"
    note = text_at(section, "p#about-you-note")
    assert "optional" in note
    assert "never shown in the directory" in note
    assert "never used to decide your credentialing or to discriminate" in note
    legends = [text_of(legend) for legend in elements(section, "legend")]
    assert legends == ["Race", "Ethnicity", "Languages you speak"]
    # Each question offers "Prefer not to say"; none is required or ticked to begin with.
    for name in ("about-race", "about-ethnicity", "about-languages"):
        inputs = elements(section, f"input[name={name}]")
        assert "prefer_not_to_say" in [attribute_of(i, "value") for i in inputs]
        assert not any(attribute_of(i, "checked") is not None for i in inputs)
        assert not any(attribute_of(i, "required") is not None for i in inputs)


def test_a_form_submitted_without_answering_them_is_submitted_and_stores_nothing(client, url, provider):
    response = client.post(url, insurance_form_answers())
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.INSURANCE_FORM_SUBMITTED
    assert answers_of(provider) is None  # not answered: no row at all


def test_the_answers_are_saved_on_submission_in_their_own_table(client, url, provider):
    response = client.post(url, insurance_form_answers(**ABOUT))
    assert response.status_code == 302
    assert answers_of(provider) == (["asian", "white"], "not_hispanic_latino", ["en", "tl"])
    record = InsuranceForm.objects.get(provider=provider)
    assert "asian" not in str(record.draft_answers)


def test_a_draft_keeps_the_answers_and_the_page_shows_them_ticked_on_return(client, url, provider):
    response = client.post(url, draft(**ABOUT))
    assert response.status_code == 302
    assert answers_of(provider) == (["asian", "white"], "not_hispanic_latino", ["en", "tl"])
    section = element(client.get(url).text, "section#about-you")
    ticked = [attribute_of(i, "id") for i in elements(section, "input[checked]")]
    assert ticked == ["id_about-race_1", "id_about-race_4", "id_about-ethnicity_1", "id_about-languages_0",
                      "id_about-languages_6"]  # fmt: skip


def test_a_draft_with_answers_to_fix_elsewhere_keeps_them_out_of_the_typed_answers(client, url, provider):
    client.post(url, draft(npi="12345", **ABOUT))
    record = InsuranceForm.objects.get(provider=provider)
    assert record.draft_answers["npi"] == ["12345"]  # shown back with its error
    assert not any(name.startswith("about-") for name in record.draft_answers)
    assert answers_of(provider) == (["asian", "white"], "not_hispanic_latino", ["en", "tl"])
    # The draft to fix comes back with the saved answers still ticked.
    section = element(client.get(url).text, "section#about-you")
    assert attribute_of(element(section, "input#id_about-race_1"), "checked") is not None


def test_prefer_not_to_say_is_an_answer(client, url, provider):
    client.post(
        url,
        draft(
            **{
                "about-shown": "1",
                "about-race": ["prefer_not_to_say"],
                "about-ethnicity": "prefer_not_to_say",
                "about-languages": ["prefer_not_to_say"],
            }
        ),
    )
    assert answers_of(provider) == (["prefer_not_to_say"], "prefer_not_to_say", ["prefer_not_to_say"])


def test_prefer_not_to_say_with_another_answer_is_marked_and_not_saved(client, url, provider):
    response = client.post(
        url, insurance_form_answers(**{**ABOUT, "about-race": ["asian", "prefer_not_to_say"]})
    )
    assert response.status_code == 200  # not submitted
    section = element(response.text, "section#about-you")
    error = text_at(section, "div#id_about-race_error")
    assert "Prefer not to say” goes on its own" in error
    assert "id_about-race_error" in attribute_of(element(section, "fieldset"), "aria-describedby")
    assert answers_of(provider) is None
    provider.refresh_from_db()
    assert provider.onboarding_step != OnboardingStep.INSURANCE_FORM_SUBMITTED


def test_clearing_every_answer_forgets_them(client, url, provider):
    client.post(url, draft(**ABOUT))
    client.post(url, draft(**{"about-shown": "1"}))
    assert answers_of(provider) == ([], "", [])


def test_a_post_without_the_section_leaves_the_saved_answers(client, url, provider):
    client.post(url, draft(**ABOUT))
    client.post(url, draft())
    assert answers_of(provider) == (["asian", "white"], "not_hispanic_latino", ["en", "tl"])


def test_the_service_refuses_an_answer_that_is_not_a_choice(provider):
    with pytest.raises(DemographicAnswerRefused, match="martian is not one of the choices"):
        demographics_record(provider=provider, race=["martian"], ethnicity="", languages=[])
    assert answers_of(provider) is None


# --- staff ------------------------------------------------------------------------------------------


@pytest.fixture
def answered(provider):
    submit_general_onboarding(provider)
    submit_insurance_form(provider)
    demographics_record(provider=provider, race=["black_african_american"], ethnicity="hispanic_latino",
                        languages=["es"])  # fmt: skip
    return provider


def _admin_page(user, provider) -> str:
    page = signed_in_client(user).get(
        reverse("admin:credentialing_insuranceform_change", args=[provider.insurance_form.pk])
    )
    assert page.status_code == 200
    return page.text


def test_staff_without_the_permission_see_no_trace_of_the_answers(answered):
    reviewer = staff_user("reviewer@alma.test", "view_insuranceform")
    text = text_of(_admin_page(reviewer, answered))
    assert "Demographics" not in text
    assert "Black or African American" not in text
    assert "Hispanic or Latino" not in text


def test_staff_with_the_permission_see_the_answers_in_their_own_section(answered):
    allowed = staff_user("lead@alma.test", "view_insuranceform", "credentialing.see_provider_demographics")
    page = _admin_page(allowed, answered)
    assert "Demographics (optional answers)" in text_of(page)
    assert text_at(page, "dl[data-testid=demographic-answers]") == (
        "Race Black or African American Ethnicity Hispanic or Latino Languages Spanish"
    )


def test_only_the_admin_role_holds_the_permission_by_default():
    holders = Group.objects.filter(
        permissions__codename="see_provider_demographics",
        permissions__content_type__app_label="credentialing",
    )
    assert list(holders.values_list("name", flat=True)) == ["Admin"]


# --- nowhere public --------------------------------------------------------------------------------


def test_the_answers_are_not_on_the_directory_profile_or_in_the_exports(live_provider, client, capsys):
    demographics_record(provider=live_provider, race=["native_hawaiian_pacific_islander"],
                        ethnicity="hispanic_latino", languages=["tl"])  # fmt: skip
    profile = client.get(live_provider.directory_profile.get_absolute_url())
    assert profile.status_code == 200
    shown = text_of(profile.text)
    assert "Native Hawaiian" not in shown
    assert "Hispanic" not in shown
    assert "Tagalog" not in shown  # a language spoken is not a language the directory offers
    search = text_of(client.get(reverse("directory:search")).text)
    assert "Native Hawaiian" not in search
    assert "Hispanic" not in search

    call_command("onboarding_report", "--format", "csv")
    report = capsys.readouterr().out
    call_command("publish_profiles", "--dry-run", "--format", "csv")
    report += capsys.readouterr().out
    assert list(csv.reader(io.StringIO(report)))  # the exports ran
    for answer in ("native_hawaiian", "Native Hawaiian", "hispanic", "Hispanic", "Tagalog"):
        assert answer not in report


def test_the_answers_are_not_in_the_credentialing_file_export(answered):
    archive = zipfile.ZipFile(io.BytesIO(credentialing_file_zip(answered, now=timezone.now())))
    assert archive.namelist()  # the file was built: index, data, evidence
    everything = b"".join(archive.read(name) for name in archive.namelist())
    for answer in (b"black_african_american", b"Black or African American", b"hispanic_latino", b"Hispanic"):
        assert answer not in everything
