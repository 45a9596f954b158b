"""The public search form and the provider's profile form. Input checks only; rules live in
directory.services."""

import re
from typing import cast

from django import forms
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from localflavor.us.us_states import US_STATES

from directory.selectors import SearchFilters, payers_to_filter_by
from onboarding.forms import BioField
from onboarding.vocabulary import Approach, Language, Population, Specialty

SESSION_FORMATS = [("", "Telehealth or in person"), ("telehealth", "Telehealth"), ("in_person", "In person")]


class OptionsSelect(forms.Select):
    """A select written out in Python, the same HTML as Django's: the search form's five selects
    hold about 130 options, and Django's widget templates render each option through a template
    of its own, which cost more than everything else on a results page (benchmarks/
    directory_benchmark.py). Flat choices only."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (code, mark_safe(" selected") if str(code) in chosen else "", label)
                for code, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class SearchForm(forms.Form):
    """GET parameters of /directory/. Every field is optional; a bad value is ignored with a
    message next to its field, and the other filters still apply."""

    q = forms.CharField(
        label="Name or keywords",
        required=False,
        max_length=200,
        help_text="For example a name, “anxiety” or “couples”.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    payer = forms.ChoiceField(label="Insurance", required=False)
    state = forms.ChoiceField(
        label="Your state",
        required=False,
        choices=[("", "Any state"), *US_STATES],
        help_text="Providers licensed to see clients who live there.",
    )
    specialty = forms.ChoiceField(
        label="Specialty", required=False, choices=[("", "Any specialty"), *Specialty.choices]
    )
    language = forms.ChoiceField(
        label="Language", required=False, choices=[("", "Any language"), *Language.choices]
    )
    format = forms.ChoiceField(label="Session type", required=False, choices=SESSION_FORMATS)
    accepting = forms.BooleanField(label="Accepting new clients only", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        payers = payers_to_filter_by()
        self.fields["payer"].choices = [("", "Any insurance"), *((slug, name) for _, slug, name in payers)]
        self._payer_ids = {slug: pk for pk, slug, _ in payers}
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Select):
                field.widget = OptionsSelect(attrs=field.widget.attrs, choices=field.choices)
            css = (
                "form-check-input"
                if name == "accepting"
                else ("form-select" if isinstance(field, forms.ChoiceField) else "form-control")
            )
            field.widget.attrs.setdefault("class", css)
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_help"

    def filters(self) -> SearchFilters:
        """The filters that passed their checks (call after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        return SearchFilters(
            text=data.get("q", ""),
            payer=data.get("payer", ""),
            payer_id=self._payer_ids.get(data.get("payer", "")),
            state=data.get("state", ""),
            specialty=data.get("specialty", ""),
            language=data.get("language", ""),
            session_format=data.get("format", ""),
            accepting_new_clients=bool(data.get("accepting")),
        )

    def query_without_page(self) -> str:
        """The current search as a query string, for the pagination links."""
        if not self.is_bound:
            return ""
        params = cast(QueryDict, self.data).copy()  # bound to request.GET
        params.pop("page", None)
        return params.urlencode()


def _checkboxes(choices, label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices,
        label=label,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": f"Choose at least one of the {label.lower()}."},
    )


class ProfileForm(forms.Form):
    """What the provider edits in the portal (directory.services.EDITABLE_FIELDS and the bio)."""

    # Accepting new clients has its own switch on the page ("Pause new-client contact",
    # services.profile_accepting_set), so saving this form never changes it.
    offers_telehealth = forms.BooleanField(label="I offer telehealth sessions", required=False)
    offers_in_person = forms.BooleanField(label="I see clients in person at my office", required=False)
    specialties = _checkboxes(Specialty.choices, "Specialties")
    approaches = _checkboxes(Approach.choices, "Treatment approaches")
    populations = _checkboxes(Population.choices, "Populations you serve")
    languages = _checkboxes(Language.choices, "Languages you offer therapy in")
    bio = BioField(
        label="Bio",
        help_text=(
            "A changed bio is reviewed by our team (within one business day) before it shows; "
            "your current bio stays on your profile meanwhile."
        ),
    )

    def clean(self):
        data = super().clean()
        if not (data.get("offers_telehealth") or data.get("offers_in_person")):
            raise forms.ValidationError(
                "Offer telehealth, in-person sessions or both, so clients can book you."
            )
        return data


class ContactForm(forms.Form):
    """A visitor's "Contact this provider" message. `leave_empty` is a honeypot, hidden from people
    (and from screen readers), filled in only by bots; the view drops such a message. Not named
    like a real field ("website" was): a browser's autofill would fill it and lose a real message."""

    name = forms.CharField(label="Your name", max_length=120)
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="The provider replies to this address.",
    )
    phone = forms.CharField(
        label="Phone (optional)",
        required=False,
        max_length=40,
        help_text="If you would rather they call you.",
    )
    message = forms.CharField(
        label="Your message",
        max_length=2000,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Please don't include health details; share those with the provider directly.",
    )
    leave_empty = forms.CharField(label="Leave this empty", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        autocomplete = {"name": "name", "email": "email", "phone": "tel", "leave_empty": "off"}
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-control")
            if name in autocomplete:
                field.widget.attrs["autocomplete"] = autocomplete[name]
        self.fields["email"].widget.attrs["spellcheck"] = "false"
        self.fields["phone"].widget.input_type = "tel"
        self.fields["leave_empty"].widget.attrs["tabindex"] = "-1"

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not re.fullmatch(r"[0-9+()\-. x]{7,40}", phone):
            raise forms.ValidationError("Enter a phone number with digits only, like 555-123-4567.")
        return phone

    @property
    def is_from_a_bot(self) -> bool:
        return bool(self.data.get("leave_empty"))
