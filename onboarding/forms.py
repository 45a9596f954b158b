import functools
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from localflavor.us.us_states import STATE_CHOICES, US_STATES

from alma.text import without_bidi_controls
from alma.uploads import PHOTO_MAX_SIDE, photo_reencoded
from alma.widgets import CheckboxGroupField, OptionsSelect
from onboarding.form_pages import typed_answers
from onboarding.models import GeneralOnboarding, LicenseType
from onboarding.rules import BIO_MAX_CHARS, BIO_MIN_CHARS, bio_length_problem
from onboarding.vocabulary import Approach, Language, Population, Specialty


def validate_bio_length(bio: str) -> None:
    if problem := bio_length_problem(bio):
        raise ValidationError(problem, code="bio_length")


class BioField(forms.CharField):
    """The directory bio, wherever the provider writes it: its length is onboarding.rules'."""

    default_validators = [validate_bio_length]

    def __init__(self, **kwargs) -> None:
        attrs = {"rows": 8, "minlength": BIO_MIN_CHARS, "maxlength": BIO_MAX_CHARS}
        kwargs.setdefault("widget", forms.Textarea(attrs=attrs))
        super().__init__(**kwargs)


def _checkboxes(choices, label, required_message, help_text="") -> CheckboxGroupField:
    return CheckboxGroupField(
        choices=choices, label=label, help_text=help_text, error_messages={"required": required_message}
    )


# The boxes of a checkbox group written in Python (alma/widgets.py says why), in crispy's markup.
CHECKBOXES_TEMPLATE = "onboarding/general_onboarding_checkboxes.html"


def _checkbox_group(name: str) -> Div:
    return Div(Field(name, template=CHECKBOXES_TEMPLATE), css_class="checkbox-columns")


# The form's long choice lists, by field. localflavor's state lists are lazy and sorted by their
# translated names again on every use, and each vocabulary label is translated again each time it
# is written: about 700 translations and a sort per page. They are the same for every provider,
# so each is translated once per language (_choices_in).
_CHOICES = {
    "state": lambda: [("", "Choose a state"), *STATE_CHOICES],  # the model field's, without its blank
    "states_licensed": lambda: US_STATES,
    "specialties": lambda: Specialty.choices,
    "approaches": lambda: Approach.choices,
    "populations": lambda: Population.choices,
    "languages": lambda: Language.choices,
}


@functools.cache
def _choices_in(language: str | None, name: str) -> tuple[tuple[str, str], ...]:
    return tuple((code, str(label)) for code, label in _CHOICES[name]())


class GeneralOnboardingForm(forms.ModelForm):
    """Step 1. With draft=True nothing is required and cross-field rules wait for submission."""

    states_licensed = _checkboxes(
        US_STATES, "States where you hold a license", "Choose every state where you hold a license."
    )
    specialties = _checkboxes(
        Specialty.choices,
        "Specialties",
        "Choose at least one specialty.",
        "Choose the concerns you treat most.",
    )
    approaches = _checkboxes(Approach.choices, "Treatment approaches", "Choose at least one approach.")
    populations = _checkboxes(Population.choices, "Populations you serve", "Choose at least one population.")
    languages = _checkboxes(
        Language.choices, "Languages you offer therapy in", "Choose at least one language."
    )
    bio = BioField(
        label="Directory bio",
        help_text=(
            f"Shown on your public directory profile. {BIO_MIN_CHARS}-{BIO_MAX_CHARS} characters: "
            "who you work with, how you work, what a first session looks like."
        ),
    )

    class Meta:
        model = GeneralOnboarding
        fields = list(GeneralOnboarding.PROVIDER_FIELDS)
        labels = {
            "offers_telehealth": "I offer telehealth sessions",
            "offers_in_person": "I see clients in person at this address",
            "photo": "Profile photo",
        }
        help_texts = {
            "contact_phone": "A number clients and Alma staff can reach you on, e.g. (212) 555-0143.",
            "photo": (
                "A clear, friendly headshot. JPEG or PNG, at most 10 MB. It is shown at most "
                f"{PHOTO_MAX_SIDE} pixels on its longer side, without its location or camera details."
            ),
        }
        widgets = {"photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"})}
        # A plain file field: Django's ImageField would decode the image to verify it before
        # clean_photo could refuse it by its header, and say only "Upload a valid image".
        field_classes = {"photo": forms.FileField}
        error_messages = {"photo": {"required": "Add a profile photo: clients choose faces they can trust."}}

    OPTIONAL = frozenset({"address_line2", "offers_telehealth", "offers_in_person"})

    def __init__(self, *args, draft: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.draft = draft
        for name, field in self.fields.items():
            field.required = not draft and name not in self.OPTIONAL
        language = get_language()
        for name in _CHOICES:
            cast(forms.ChoiceField, self.fields[name]).choices = _choices_in(language, name)
        state = cast(forms.ChoiceField, self.fields["state"])
        state.widget = OptionsSelect(attrs=state.widget.attrs, choices=_choices_in(language, "state"))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "Your practice",
                "practice_name",
                "contact_phone",
                "address_line1",
                "address_line2",
                Div(
                    Div("city", css_class="col-md-6"),
                    Div("state", css_class="col-6 col-md-3"),
                    Div("postal_code", css_class="col-6 col-md-3"),
                    css_class="row",
                ),
                _checkbox_group("states_licensed"),
                HTML('<p class="form-label mt-2">How you see clients</p>'),
                "offers_telehealth",
                "offers_in_person",
            ),
            Fieldset(
                "Your directory profile",
                _checkbox_group("specialties"),
                _checkbox_group("approaches"),
                _checkbox_group("populations"),
                _checkbox_group("languages"),
                "photo",
                "bio",
            ),
        )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        # Only a new upload has `content_type`; a photo kept from the draft was checked then.
        # What is stored is the re-encoded copy: no metadata, at most PHOTO_MAX_SIDE px.
        if photo and hasattr(photo, "content_type"):
            return photo_reencoded(photo)
        return photo

    def clean(self):
        cleaned = super().clean()
        # The practice, the address and the bio go on the public directory profile: no bidi
        # controls in them (alma/text.py says why). Choice codes are never affected.
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = without_bidi_controls(value)
        if not self.draft and not (cleaned.get("offers_telehealth") or cleaned.get("offers_in_person")):
            self.add_error("offers_telehealth", "Choose telehealth, in-person sessions, or both.")
        return cleaned

    def valid_values(self) -> dict:
        """For a draft: every answer that passed its own check, so nothing valid is lost."""
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}

    def typed_answers(self) -> dict[str, list[str]]:
        """What was posted for every answer, the photo aside (a file is kept only once checked)."""
        return typed_answers(self.data, [self.add_prefix(name) for name in self.fields if name != "photo"])


class LicenseTypeField(forms.ChoiceField):
    """Accepts any capitalisation and "NP" or "PMHNP" for NP/PMHNP, as CSV files write them."""

    ALIASES = {"np": LicenseType.NP, "pmhnp": LicenseType.NP}

    def to_python(self, value):
        value = super().to_python(value).strip()
        by_lower = {choice.lower(): choice for choice in LicenseType.values} | self.ALIASES
        return by_lower.get(value.lower(), value)


class AgreementForm(forms.Form):
    """A signed membership agreement, as staff type it in admin or a CSV row gives it."""

    legal_name = forms.CharField(max_length=200)
    email = forms.EmailField()
    license_type = LicenseTypeField(choices=LicenseType.choices)
    contracted_start_date = forms.DateField(help_text="YYYY-MM-DD")
    signed_at = forms.DateTimeField(
        help_text="YYYY-MM-DD HH:MM, company time zone, or a full ISO 8601 timestamp"
    )

    def clean_legal_name(self):
        # The legal name becomes the public directory name.
        return without_bidi_controls(self.cleaned_data["legal_name"]).strip()

    def clean_signed_at(self):
        signed_at = self.cleaned_data["signed_at"]
        if signed_at > timezone.now():
            raise ValidationError("The agreement cannot be signed in the future.")
        return signed_at
