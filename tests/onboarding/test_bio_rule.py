"""The directory bio's length (onboarding.rules), the one rule both bio forms apply. No database."""

import pytest

from onboarding.rules import BIO_MAX_CHARS, BIO_MIN_CHARS, bio_length_problem


@pytest.mark.parametrize(
    ("bio", "problem"),
    [
        ("I help adults with anxiety.", "Write at least 150 characters (it has 27)."),
        ("x" * BIO_MIN_CHARS, None),
        ("  " + "x" * (BIO_MIN_CHARS - 1) + "\n", "Write at least 150 characters (it has 149)."),
        ("x" * BIO_MAX_CHARS, None),
        ("x" * (BIO_MAX_CHARS + 1), "Keep it to at most 2000 characters (it has 2001)."),
    ],
)
def test_a_bio_is_150_to_2000_characters_without_the_space_around_it(bio, problem):
    assert bio_length_problem(bio) == problem


def test_both_bio_forms_show_the_rules_message_next_to_the_bio():
    from directory.forms import ProfileForm  # noqa: PLC0415 - forms need settings, the rule does not
    from onboarding.forms import GeneralOnboardingForm  # noqa: PLC0415

    short = "Too short."
    profile_form = ProfileForm(data={"bio": short, "offers_telehealth": "on"})
    assert profile_form.errors["bio"] == ["Write at least 150 characters (it has 10)."]
    onboarding_form = GeneralOnboardingForm(data={"bio": short}, draft=True)
    assert onboarding_form.errors["bio"] == ["Write at least 150 characters (it has 10)."]
