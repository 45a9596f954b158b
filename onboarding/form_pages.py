"""What both emailed-link form pages (General Onboarding, Insurance Form) say after a save."""

from django.contrib import messages
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
