"""The General Onboarding page's long choice lists, now written in Python (alma/widgets.py): every
option is still there, with its label, its saved or typed state and the group's errors."""

import pytest
from localflavor.us.us_states import STATE_CHOICES, US_STATES

from onboarding import services
from onboarding.vocabulary import Approach, Language, Population, Specialty
from tests.factories import general_onboarding_answers
from tests.helpers import attribute_of, element, elements, text_at

pytestmark = pytest.mark.django_db

GROUPS = {
    "states_licensed": US_STATES,
    "specialties": Specialty.choices,
    "approaches": Approach.choices,
    "populations": Population.choices,
    "languages": Language.choices,
}


def _boxes(page: str, name: str) -> dict[str, tuple[str, bool]]:
    """Each box of a group: its value -> (the text of its label, whether it is checked)."""
    boxes = {}
    for box in elements(page, f"input[name={name}]"):
        assert attribute_of(box, "type") == "checkbox"
        label = text_at(page, f"label[for={attribute_of(box, 'id')}]")
        boxes[attribute_of(box, "value")] = (label, attribute_of(box, "checked") is not None)
    return boxes


def test_every_vocabulary_option_is_listed_with_its_label_and_saved_state(
    client, provider, general_onboarding_url
):
    saved = {
        "states_licensed": ["NY", "NJ"],
        "specialties": ["anxiety", "trauma"],
        "approaches": ["cbt"],
        "populations": ["adults"],
        "languages": ["en", "es"],
    }
    answers = general_onboarding_answers(offers_telehealth=True, **saved)
    answers.pop("bio")
    services.general_onboarding_save_draft(provider=provider, values=answers, typed_answers=None)

    page = client.get(general_onboarding_url).text

    for name, choices in GROUPS.items():
        expected = {code: (str(label), code in saved[name]) for code, label in choices}
        assert _boxes(page, name) == expected, name
    options = elements(element(page, "select[name=state]"), "option")
    shown = [(attribute_of(option, "value"), text_at(option, "option")) for option in options]
    assert shown == [("", "Choose a state"), *((code, str(name)) for code, name in STATE_CHOICES)]
    assert [
        attribute_of(option, "value") for option in options if attribute_of(option, "selected") is not None
    ] == ["NY"]


def test_a_group_with_an_error_shows_it_under_its_boxes_and_keeps_what_was_typed(
    client, general_onboarding_url
):
    response = client.post(
        general_onboarding_url,
        {"action": "submit", "specialties": ["grief"], "languages": ["en", "<b>xx</b>"]},
    )

    assert response.status_code == 200
    page = response.text
    group = element(page, "div#div_id_states_licensed")
    assert "Choose every state where you hold a license." in text_at(group, "div#id_states_licensed_error")
    for box in elements(group, "input[name=states_licensed]"):
        assert attribute_of(box, "aria-invalid") == "true"
    # A value that is not an option is refused, its text never written back unescaped.
    languages = element(page, "div#div_id_languages")
    assert text_at(languages, "div#id_languages_error")
    assert "<b>xx</b>" not in page
    assert _boxes(page, "specialties")["grief"][1] is True
    assert not any(checked for _, checked in _boxes(page, "states_licensed").values())
