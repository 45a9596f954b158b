"""The Insurance Form (step 2): one main form plus three repeatable sections.

With draft=True nothing is required and only each answer's own checks apply; submission adds
the required answers, the minimum limits, the work-history rule and the prescriber sections.
The rules themselves are credentialing.rules (and credentialing.checks); the forms apply them
and put each message next to its field.
"""

from dataclasses import dataclass

from django import forms
from django.forms import formset_factory, model_to_dict
from django.utils import timezone

from alma.uploads import check_upload
from credentialing import checks, demographics, rules
from credentialing.models import (
    Education,
    InsuranceForm,
    ProviderDemographics,
    StateLicense,
    WorkHistoryEntry,
)
from onboarding.form_pages import typed_answers
from onboarding.models import Provider

DOCUMENT_KINDS = ("pdf", "png", "jpeg")
PRESCRIBER_FIELDS = (*InsuranceForm.PRESCRIBER_FIELDS, *InsuranceForm.PRESCRIBER_OPTIONAL_FIELDS)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _not_expired(value, what: str):
    if value and value < timezone.localdate():
        raise forms.ValidationError(f"This {what} expired on {value:%B %-d, %Y}; enter the renewed one.")
    return value


class InsuranceFormForm(forms.ModelForm):
    caqh_password = forms.CharField(
        label="CAQH password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Stored encrypted and never shown again. Leave empty to keep the one you saved.",
    )
    # Declared here, not taken from the model: the model's 10-character limit would answer
    # "1234 567 893" with Django's generic length error before clean_npi could normalise it.
    npi = forms.CharField(
        label="NPI (Type 1, individual)",
        required=False,
        max_length=40,
        error_messages={"max_length": "An NPI is exactly 10 digits."},
        help_text="Your 10-digit individual (Type 1) NPI.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = InsuranceForm
        fields = list(InsuranceForm.PROVIDER_FIELDS)
        widgets = {
            "caqh_attested_on": DateInput(),
            "date_of_birth": DateInput(),
            "liability_effective": DateInput(),
            "liability_expiry": DateInput(),
            "dea_expiry": DateInput(),
            "board_expiry": DateInput(),
            "work_gap_explanation_recent": forms.Textarea(attrs={"rows": 2}),
            **{name: forms.ClearableFileInput(attrs={"accept": ".pdf,image/png,image/jpeg"})
               for name in InsuranceForm.FILE_FIELDS},
        }  # fmt: skip
        help_texts = {
            "dea_registered_name": (
                "Only if your DEA registration is under another name, for example a former surname."
            ),
            "caqh_id": "Digits only, from your CAQH ProView profile.",
            "date_of_birth": (
                "As on your ID. Federal rules ask us to check it, with your name, against the "
                "OIG and SAM exclusion lists; CAQH asks for it too."
            ),
            "liability_per_claim": "At least $1,000,000.",
            "liability_aggregate": "At least $3,000,000.",
            "liability_certificate": "PDF, PNG or JPEG, at most 10 MB.",
            "dea_certificate": "PDF, PNG or JPEG, at most 10 MB.",
            "board_certificate": "PDF, PNG or JPEG, at most 10 MB.",
        }

    OPTIONAL = frozenset(
        {
            "work_gap_explanation_recent",
            "caqh_password",
            "caqh_attested_on",
            "dea_registered_name",
        }
    )

    def __init__(self, *args, provider: Provider, draft: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.provider = provider
        self.draft = draft
        # Shown next to their field without keeping the form from being saved or submitted.
        self.warnings: dict[str, str] = {}
        if not provider.is_prescriber:
            for name in PRESCRIBER_FIELDS:
                del self.fields[name]
        for name, field in self.fields.items():
            field.required = not draft and name not in self.OPTIONAL
        # A password is needed once; after that an empty box keeps the saved one.
        self.fields["caqh_password"].required = not draft and not self.instance.has_caqh_password
        self.fields["liability_per_claim"].widget.attrs.update(step=1000, min=0)
        if not self.is_bound and self.instance.dea_number and "dea_registered_name" in self.fields:
            # The saved draft's DEA number, as the page opens: the same warning as on saving it.
            self._warn_dea_name(self.instance.dea_number, self.instance.dea_registered_name)
        self.fields["liability_aggregate"].widget.attrs.update(step=1000, min=0)

    def _problem(self, problem: str | None, value):
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_npi(self):
        npi = checks.npi_normalised(self.cleaned_data["npi"])
        return self._problem(checks.npi_problem(npi), npi) if npi else npi

    def clean_caqh_id(self):
        caqh_id = self.cleaned_data["caqh_id"].strip()
        return self._problem(checks.caqh_id_problem(caqh_id), caqh_id) if caqh_id else caqh_id

    def clean_dea_number(self):
        dea = self.cleaned_data["dea_number"].strip().upper()
        return self._problem(checks.dea_problem(dea), dea) if dea else dea

    def clean_caqh_attested_on(self):
        attested = self.cleaned_data["caqh_attested_on"]
        if attested and attested > timezone.localdate():
            raise forms.ValidationError("An attestation date cannot be in the future.")
        return attested

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born is None:
            return born
        return self._problem(rules.date_of_birth_problem(born, today=timezone.localdate()), born)

    def clean_liability_per_claim(self):
        limit = self.cleaned_data["liability_per_claim"]
        return self._problem(rules.liability_per_claim_problem(limit), limit) if limit is not None else limit

    def clean_liability_aggregate(self):
        limit = self.cleaned_data["liability_aggregate"]
        return self._problem(rules.liability_aggregate_problem(limit), limit) if limit is not None else limit

    def clean_liability_expiry(self):
        return _not_expired(self.cleaned_data["liability_expiry"], "policy")

    def clean_dea_expiry(self):
        return _not_expired(self.cleaned_data["dea_expiry"], "DEA registration")

    def clean_board_expiry(self):
        return _not_expired(self.cleaned_data["board_expiry"], "board certification")

    def _clean_document(self, name):
        upload = self.cleaned_data.get(name)
        if upload and hasattr(upload, "content_type"):  # a new upload, not the saved file
            check_upload(upload, kinds=DOCUMENT_KINDS)
        return upload

    def clean_liability_certificate(self):
        return self._clean_document("liability_certificate")

    def clean_dea_certificate(self):
        return self._clean_document("dea_certificate")

    def clean_board_certificate(self):
        return self._clean_document("board_certificate")

    def clean(self):
        cleaned = super().clean()
        effective, expiry = cleaned.get("liability_effective"), cleaned.get("liability_expiry")
        if effective and expiry and effective > expiry:
            self.add_error("liability_effective", "The policy must start before it expires.")
        self._check_dea_name(cleaned)
        return cleaned

    def _check_dea_name(self, cleaned) -> None:
        """A DEA number whose second letter is not the legal surname's initial needs the name on
        the registration to be submitted; once given, a mismatch is only a warning (staff see it
        in review). A draft is never held back by it."""
        dea = cleaned.get("dea_number")
        if not dea or "dea_number" in self.errors or "dea_registered_name" not in self.fields:
            return
        registered_name = cleaned.get("dea_registered_name") or ""
        mismatch = checks.dea_name_mismatch(
            dea, legal_name=self.provider.legal_name, registered_name=registered_name
        )
        if mismatch and not registered_name.strip() and not self.draft:
            self.add_error("dea_registered_name", mismatch)
        elif mismatch:
            self._warn_dea_name(dea, registered_name)

    def _warn_dea_name(self, dea: str, registered_name: str) -> None:
        mismatch = checks.dea_name_mismatch(
            dea, legal_name=self.provider.legal_name, registered_name=registered_name
        )
        if mismatch:
            self.warnings["dea_registered_name"] = mismatch
            self.fields["dea_registered_name"].widget.attrs["aria-describedby"] = "dea-name-warning"

    def valid_values(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and name != "caqh_password"
        }


class StateLicenseForm(forms.ModelForm):
    class Meta:
        model = StateLicense
        fields = ["state", "license_type", "number", "expiry"]
        widgets = {"expiry": DateInput()}

    def clean_expiry(self):
        return _not_expired(self.cleaned_data["expiry"], "license")


class EducationForm(forms.ModelForm):
    class Meta:
        model = Education
        fields = ["institution", "degree", "graduation_date"]
        widgets = {"graduation_date": DateInput()}

    def clean_graduation_date(self):
        graduated = self.cleaned_data["graduation_date"]
        if graduated and graduated > timezone.localdate():
            raise forms.ValidationError("A graduation date cannot be in the future.")
        return graduated


class WorkHistoryForm(forms.ModelForm):
    class Meta:
        model = WorkHistoryEntry
        fields = ["employer", "role", "start_date", "end_date", "gap_explanation"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "gap_explanation": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        today = timezone.localdate()
        if start and start > today:
            self.add_error("start_date", "A start date cannot be in the future.")
        if end and end > today:
            self.add_error(
                "end_date", "An end date cannot be in the future; leave it empty for a current position."
            )
        if start and end and end < start:
            self.add_error("end_date", "The end date is before the start date.")
        return cleaned


SECTIONS = {
    # prefix: (row form, "what one row is" for messages)
    "licenses": (StateLicenseForm, "state license"),
    "education": (EducationForm, "degree"),
    "work_history": (WorkHistoryForm, "position"),
}
# The most rows a section takes. Django's default ceiling (2,000 rows) let one POST build and
# render 2,000 forms per section (28 s, a 12.7 MB page); these are what a real provider needs,
# with room to spare: a license per state for a multi-state telehealth practice, every degree
# and certificate program, a whole career of positions. The "Add another" button stops here
# too (static/alma.js reads MAX_NUM_FORMS), so only a hand-made request ever reaches the limit.
# The answers of each section's rows, as their forms declare them.
ROW_FIELDS: dict[str, list[str]] = {
    "licenses": StateLicenseForm.Meta.fields,
    "education": EducationForm.Meta.fields,
    "work_history": WorkHistoryForm.Meta.fields,
}
SECTION_MAX_ROWS = {"licenses": 30, "education": 10, "work_history": 30}
SECTION_PLURALS = {"licenses": "state licenses", "education": "degrees", "work_history": "positions"}


def _too_many_rows_message(prefix: str) -> str:
    return (
        f"This section takes at most {SECTION_MAX_ROWS[prefix]} {SECTION_PLURALS[prefix]}. Nothing in it "
        f"was saved: the {SECTION_PLURALS[prefix]} shown are the ones saved before."
    )


class SectionFormSet(forms.BaseFormSet):
    """One repeatable section, saying above its rows what keeps it from being saved.

    `label` is what one row is ("position"); `required` asks for at least one row (on
    submission); `refusal` is the error of a section posted with more rows than it takes, which
    is shown unbound, with the rows saved before (see _refused_section).
    """

    def __init__(
        self,
        *args,
        label: str,
        required: bool = False,
        refusal: str | None = None,
        prefill: dict | None = None,
        **kwargs,
    ):
        self.prefill = prefill or {}
        super().__init__(*args, **kwargs)
        self.label, self.required, self.refusal = label, required, refusal

    def get_form_kwargs(self, index):
        """A new row (an extra one, or one added with "Add another") opens with `prefill`, e.g. the
        licence type of the provider's agreement; a saved or typed row keeps what it holds."""
        kwargs = super().get_form_kwargs(index)
        if self.prefill and (index is None or index >= self.initial_form_count()):
            kwargs["initial"] = dict(self.prefill)
        return kwargs

    def clean(self):
        if not self.management_form.is_valid():
            return  # Django's own error about the broken row count stands
        if any(self.errors):
            # A section with a row to fix is not saved (rows() is None): say so above it.
            raise forms.ValidationError(
                f"Nothing in this section is saved until the {self.label} marked below is complete "
                "(or removed)."
            )
        if self.required and not self.kept_forms():
            raise forms.ValidationError(f"Add at least one {self.label}.")

    def non_form_errors(self):
        if self.refusal is not None:
            return self.error_class(
                [forms.ValidationError(self.refusal, code="too_many_forms")],
                error_class="nonform",
                renderer=self.renderer,
            )
        return super().non_form_errors()

    def kept_forms(self) -> list[forms.Form]:
        """Rows the provider means to keep: any row with something typed in it, unless they
        ticked "remove". (Typed, not "changed": a page posted again holds the same rows.)"""
        kept = []
        for row in self.forms:
            typed = any(
                row[name].value() not in (None, "", self.prefill.get(name))
                for name in row.fields
                if name != "DELETE"
            )
            # Removed: its DELETE box is ticked, even on a row with errors (Django skips them).
            removed = not row.errors.get("DELETE") and bool(row.cleaned_data.get("DELETE"))
            if typed and not removed:
                kept.append(row)
        return kept


def _formset_class(row_form, prefix: str, *, extra: int):
    most = SECTION_MAX_ROWS[prefix]
    # absolute_max = max_num: a bound formset never builds more rows than this, whatever
    # TOTAL_FORMS claims (Django's own ceiling is 2,000 rows).
    return formset_factory(
        row_form,
        formset=SectionFormSet,
        extra=extra,
        can_delete=True,
        max_num=most,
        absolute_max=most,
        validate_max=True,
    )


def _posted_row_count(data, prefix: str) -> int | None:
    """The row count a POST claims for a section (None: no POST, or not a number, which
    Django's management form reports itself)."""
    if data is None:
        return None
    try:
        return int(data.get(f"{prefix}-TOTAL_FORMS", ""))
    except ValueError:  # also a number too long to read (Python caps int() at 4,300 digits)
        return None


def _refused_section(row_form, prefix: str, saved: list[dict]) -> SectionFormSet:
    """A section posted with more rows than it takes. Only a hand-made request sends that (the
    page's "Add another" stops at the limit), so none of its rows are built, validated or shown
    back: the page shows the rows saved before, as on opening it, with the error above them.
    Posting that page again keeps them; the section is not saved this time (rows() is None:
    an unbound formset is never valid)."""
    return _formset_class(row_form, prefix, extra=0 if saved else 1)(
        prefix=prefix, initial=saved, label=SECTIONS[prefix][1], refusal=_too_many_rows_message(prefix)
    )


class DemographicsForm(forms.Form):
    """The optional "About you" section (credentialing.demographics): nothing required, each
    question with "Prefer not to say". Bound only to a page that carried the section (its hidden
    `shown` input), so a POST without it, or a draft's typed answers, which never hold these
    answers, leaves the saved ones as they are."""

    prefix = "about"

    shown = forms.CharField(widget=forms.HiddenInput, initial="1", required=False)
    race = forms.MultipleChoiceField(
        label="Race",
        choices=demographics.RACE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Choose all that apply.",
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=demographics.ETHNICITY_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label="Languages you speak",
        choices=demographics.LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Choose all that apply.",
    )

    @classmethod
    def for_page(cls, data, saved: ProviderDemographics | None) -> "DemographicsForm":
        initial = (
            {"race": saved.race, "ethnicity": saved.ethnicity, "languages": saved.languages} if saved else {}
        )
        posted = data is not None and f"{cls.prefix}-shown" in data
        return cls(data if posted else None, initial=initial)

    def _on_its_own(self, name: str) -> list[str]:
        chosen = self.cleaned_data[name]
        if demographics.PREFER_NOT_TO_SAY in chosen and len(chosen) > 1:
            raise forms.ValidationError(demographics.ON_ITS_OWN)
        return chosen

    def clean_race(self):
        return self._on_its_own("race")

    def clean_languages(self):
        return self._on_its_own("languages")

    def answers(self) -> dict | None:
        """What the service stores, or None to leave the saved answers as they are (the page did
        not carry the section, or an answer needs fixing)."""
        if not self.is_bound or not self.is_valid():
            return None
        return {name: self.cleaned_data[name] for name in ("race", "ethnicity", "languages")}


@dataclass
class InsuranceFormBundle:
    """The main form and its repeatable sections, validated and read together."""

    form: InsuranceFormForm
    sections: dict[str, SectionFormSet]
    draft: bool
    # The optional "About you" questions: kept apart from the form (ProviderDemographics).
    demographics: DemographicsForm | None = None

    @classmethod
    def build(cls, *, provider: Provider, record: InsuranceForm, data=None, files=None, draft=False):
        form = InsuranceFormForm(data, files, instance=record, provider=provider, draft=draft)
        sections = {}
        for prefix, (row_form, label) in SECTIONS.items():
            saved = (
                [model_to_dict(row, fields=ROW_FIELDS[prefix]) for row in getattr(record, prefix).all()]
                if record.pk
                else []
            )
            posted = _posted_row_count(data, prefix)
            if posted is not None and posted > SECTION_MAX_ROWS[prefix]:
                sections[prefix] = _refused_section(row_form, prefix, saved)
                continue
            # Saved rows prefill the page; posted data stands on its own (with an `initial`, an
            # extra row equal to it would count as untouched and skip validation).
            initial = saved if data is None else []
            sections[prefix] = _formset_class(row_form, prefix, extra=0 if initial else 1)(
                data,
                prefix=prefix,
                initial=initial,
                # Reached only by a count int() cannot read but Django can ("31.0"): same words.
                error_messages={"too_many_forms": _too_many_rows_message(prefix)},
                label=label,
                required=not draft,
                # PRODUCT.md: the agreement gave the licence type; a new licence row starts with it.
                prefill={"license_type": provider.license_type} if prefix == "licenses" else None,
            )
        saved_demographics = (
            ProviderDemographics.objects.filter(provider=provider).first() if provider.pk else None
        )
        about = DemographicsForm.for_page(data, saved_demographics)
        return cls(form=form, sections=sections, draft=draft, demographics=about)

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        # A list, not a generator: every section is validated so each shows its own errors.
        valid = all([formset.is_valid() for formset in self.sections.values()]) and valid  # noqa: C419
        if not self.draft:
            valid = self._check_work_history() and valid
        if self.demographics is not None and self.demographics.is_bound:
            valid = self.demographics.is_valid() and valid
        return valid

    @property
    def has_errors(self) -> bool:
        if self.demographics is not None and self.demographics.is_bound and self.demographics.errors:
            return True
        return bool(self.form.errors) or any(
            # formset.errors leaves out the rows the provider removed (their DELETE box ticked).
            any(formset.errors) or formset.non_form_errors()
            for formset in self.sections.values()
        )

    def over_the_limit(self, prefix: str) -> bool:
        """Whether the section was posted with more rows than it takes."""
        errors = self.sections[prefix].non_form_errors().as_data()
        return any(error.code == "too_many_forms" for error in errors)

    def rows(self, prefix: str) -> list[dict] | None:
        """The section's rows to save, or None to leave the saved ones as they are.

        A section is saved only when it was posted whole and valid: a service replaces a
        section as a whole, so saving the valid rows of a section with a row to fix (or with
        a broken or over-the-limit row count) would delete the saved rows left out. The page
        shows what was typed, with the errors, until it is fixed.
        """
        formset = self.sections[prefix]
        if not formset.is_valid():
            return None
        return [
            {name: row.cleaned_data.get(name) for name in ROW_FIELDS[prefix]} for row in formset.kept_forms()
        ]

    def _check_work_history(self) -> bool:
        """The work-history rule on the positions to keep; each unexplained gap is an error
        where its explanation goes (credentialing.rules.missing_gap_explanations)."""
        if self.over_the_limit("work_history"):
            return False  # no gap rules over rows that will not be saved
        work_forms = [row for row in self.sections["work_history"].kept_forms() if row.is_valid()]
        positions = [
            rules.Position(
                row.cleaned_data["start_date"],
                row.cleaned_data.get("end_date"),
                row.cleaned_data.get("gap_explanation") or "",
            )
            for row in work_forms
        ]
        missing = rules.missing_gap_explanations(
            positions,
            recent_explanation=self.form.cleaned_data.get("work_gap_explanation_recent") or "",
            today=timezone.localdate(),
        )
        for problem in missing:
            if problem.position is None:
                self.form.add_error("work_gap_explanation_recent", problem.message)
            else:
                work_forms[problem.position].add_error("gap_explanation", problem.message)
        return not missing

    def typed_answers(self) -> dict[str, list[str]]:
        """The page as typed (onboarding.form_pages): the main form's answers but its files and
        the CAQH password, which is never kept unencrypted, and every section's rows but those
        of a section refused for having too many rows (it shows its saved rows instead)."""
        secret_or_file = {"caqh_password", *InsuranceForm.FILE_FIELDS}
        names = [self.form.add_prefix(name) for name in self.form.fields if name not in secret_or_file]
        for prefix, formset in self.sections.items():
            if formset.refusal is None and not self.over_the_limit(prefix):
                names += [name for name in self.form.data if name.startswith(f"{prefix}-")]
        return typed_answers(self.form.data, names)

    def service_arguments(self) -> dict:
        values = self.form.cleaned_data if not self.draft else self.form.valid_values()
        values = {name: value for name, value in values.items() if name != "caqh_password"}
        password = (
            self.form.cleaned_data.get("caqh_password") if "caqh_password" not in self.form.errors else None
        )
        return {
            "values": values,
            "caqh_password": password or None,
            "licenses": self.rows("licenses"),
            "education": self.rows("education"),
            "work_history": self.rows("work_history"),
            "demographics": self.demographics.answers() if self.demographics is not None else None,
        }
