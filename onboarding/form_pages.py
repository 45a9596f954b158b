"""What both emailed-link form pages (General Onboarding, Insurance Form) say after a save."""

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect


def saved_outcome(request, *, saving_draft: bool, has_errors: bool):
    """Tell the provider what was kept. A clean draft redirects (returned); otherwise None, and
    the caller shows the form again with the answers to fix."""
    if saving_draft and not has_errors:
        messages.success(request, "Draft saved. Use the same link from your email to come back to it.")
        return redirect(request.path)
    if saving_draft:
        messages.warning(request, "Draft saved, except the answers marked below. Fix them and save again.")
    else:
        messages.error(
            request,
            "Some answers need attention before you can submit. They are marked below; "
            "everything else is saved as a draft.",
        )
    return None


# --- a draft's typed answers ---------------------------------------------------------------------
# A draft keeps every answer that passed its own check in the form's model fields. An answer that
# did not (a bio too short, a phone number with a typo, a repeatable row half filled) has no
# valid value to store there, yet it is what the provider typed: the form's `draft_answers` keeps
# the posted text of such a draft, and the page binds to it on return, so every answer is there
# with its error next to it. Never a file, never a secret (each form names what it leaves out).


def typed_answers(data, names) -> dict[str, list[str]]:
    """The posted values (as lists, a checkbox group has several) of the given input names.

    NUL characters are dropped: PostgreSQL's jsonb cannot hold one (the draft would fail to save),
    and no answer can contain one anyway (Django's form fields refuse it)."""
    return {
        name: [value.replace("\x00", "") for value in data.getlist(name)] for name in names if name in data
    }


def answers_as_data(answers: dict[str, list[str]]) -> QueryDict:
    """Saved typed answers as the POST data a form binds to."""
    data = QueryDict(mutable=True)
    for name, values in answers.items():
        data.setlist(name, [str(value) for value in values])
    return data
