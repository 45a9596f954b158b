"""Choice widgets written out in Python, for forms with long vocabularies.

Django's widget templates render every option of a select, and crispy forms' bootstrap5 pack
every checkbox of a group, through a template (and an include of its attributes) of its own. On
the General Onboarding form, five checkbox groups and a state select hold about 230 options, and
rendering them that way took about four fifths of the page's time (issue 14; benchmarks/
pages_benchmark.py). These write the same markup in Python, every value and label escaped as
the templates escape them; the General Onboarding render tests check the options one by one.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


class OptionsSelect(forms.Select):
    """A select with the same HTML as Django's, its options written in Python. Flat choices only."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(code) for code in self.format_value(value)}
        options = "".join(
            f'<option value="{conditional_escape(code)}"{" selected" if str(code) in chosen else ""}>'
            f"{conditional_escape(label)}</option>"
            for code, label in self.choices
        )
        attrs_html = flatatt(self.build_attrs(self.attrs, attrs))
        # Every value and label is escaped above (f-strings: format_html per option cost 5x).
        return mark_safe(f'<select name="{conditional_escape(name)}"{attrs_html}>{options}</select>')  # noqa: S308


class CheckboxGroupBoundField(BoundField):
    """A checkbox group whose boxes a template writes with `{{ field.checkbox_options }}`."""

    def checkbox_options(self) -> SafeString:
        """The boxes as crispy bootstrap5's layout/radio_checkbox_select.html writes them: each box
        and its label in a form-check, marked is-invalid when the answer has errors, and the
        errors inside the last form-check, so they show right under the group. Flat choices only."""
        widget = self.field.widget
        id_ = widget.attrs.get("id") or self.auto_id
        # What every box carries (aria-invalid with errors, disabled), as Django's option would.
        shared = widget.build_attrs(widget.attrs, self.build_widget_attrs({}))
        shared.pop("id", None)  # each box has its own
        shared_html = flatatt(shared)
        chosen = {str(value) for value in widget.format_value(self.value())}
        name = escape(self.html_name)
        start = (
            f'<div class="form-check"><input type="{widget.input_type}" class="form-check-input'
            f'{" is-invalid" if self.errors else ""}" name="{name}" value="'
        )
        boxes = []
        for index, (code, label) in enumerate(widget.choices):
            box_id = escape(widget.id_for_label(id_, index)) if id_ else ""
            id_html = f' id="{box_id}"' if id_ else ""
            checked = " checked" if str(code) in chosen else ""
            boxes.append(
                f'{start}{conditional_escape(code)}"{shared_html}{id_html}{checked}>'
                f'<label for="{box_id}" class="form-check-label">{conditional_escape(label)}</label></div>'
            )
        if boxes and self.errors:
            boxes[-1] = boxes[-1][: -len("</div>")] + self._errors_block() + "</div>"
        # Every value, id and label is escaped above (f-strings: format_html per box cost 5x).
        return mark_safe("".join(boxes))  # noqa: S308

    def _errors_block(self) -> SafeString | str:
        if not self.errors:
            return ""
        field_id = getattr(self.errors, "field_id", None) or self.auto_id
        return format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((counter, self.auto_id, error) for counter, error in enumerate(self.errors, start=1)),
            ),
        )


class CheckboxGroupField(forms.MultipleChoiceField):
    """A MultipleChoiceField shown as checkboxes written in Python; its crispy Field needs a
    template that writes `{{ field.checkbox_options }}` where the pack includes its own."""

    widget = forms.CheckboxSelectMultiple

    def get_bound_field(self, form, field_name):
        return CheckboxGroupBoundField(form, self, field_name)
