"""The quiz form: one field per question of an attempt, its choices in the attempt's order.

Only input checks live here (each answer must be one of its own question's choices); scoring is
the service's, from the stored right answers. A posted "score" or anything else is ignored.
"""

import json

from django import forms

from training import rules
from training.models import Question
from training.selectors import ShownQuestion


def field_name(question: Question) -> str:
    return f"question-{question.pk}"


class _Numbered:
    # The question's number on the page; the template shows it beside the question.
    number: int = 0


class OneAnswerField(_Numbered, forms.ChoiceField):
    pass


class AllThatApplyField(_Numbered, forms.MultipleChoiceField):
    pass


class QuizAttemptForm(forms.Form):
    def __init__(self, *args, shown: list[ShownQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.shown = shown
        for number, item in enumerate(shown, start=1):
            question = item.question
            choices = [(str(choice.pk), choice.text) for choice in item.choices]
            field: OneAnswerField | AllThatApplyField
            if question.kind == Question.Kind.MULTIPLE:
                field = AllThatApplyField(
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                    error_messages={"required": "Choose at least one answer."},
                    help_text="Choose all that apply.",
                )
            else:
                field = OneAnswerField(
                    choices=choices,
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                    error_messages={"required": "Choose an answer."},
                )
            field.label = question.text
            field.number = number
            self.fields[field_name(question)] = field

    def answers(self) -> dict[int, list[int]]:
        """{question id: chosen choice ids}, after is_valid()."""
        answers = {}
        for item in self.shown:
            value = self.cleaned_data[field_name(item.question)]
            answers[item.question.pk] = [int(pk) for pk in ([value] if isinstance(value, str) else value)]
        return answers

    @property
    def has_foreign_choice(self) -> bool:
        """True when an answer names a choice the page never offered (a tampered submission)."""
        return any(
            error.code == "invalid_choice" for errors in self.errors.as_data().values() for error in errors
        )


class SecondsField(forms.FloatField):
    """Django's FloatField, for JSON: a posted string is always float()-able or a ValueError, but
    a JSON integer too big for a float (10**400) raises OverflowError, which Django lets through."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


class PlayerReportForm(forms.Form):
    """One report from the webinar player (static/training/webinar.js), posted as JSON. Django's
    FloatField refuses NaN and infinity; the position is clamped to the video by the rule."""

    # A report is under 100 bytes; anything much longer is not one (and deep nesting in a long
    # body would exhaust json's recursion limit).
    MAX_BODY_BYTES = 2048

    event = forms.ChoiceField(choices=[(event, event) for event in sorted(rules.EVENTS)])
    position = SecondsField(min_value=0)
    duration = SecondsField(min_value=0, required=False)  # the player's idea, only checked
    webinar = forms.IntegerField(required=False)  # the webinar the page was showing

    @classmethod
    def from_body(cls, body: bytes) -> "PlayerReportForm":
        if len(body) > cls.MAX_BODY_BYTES:
            return cls({})
        try:
            data = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError, RecursionError):
            data = None
        return cls(data if isinstance(data, dict) else {})
