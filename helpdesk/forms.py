"""The provider's help request and follow-up forms, and the staff reply form in admin."""

from urllib.parse import urlsplit

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.contrib.auth import get_user_model
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

from alma.uploads import check_upload
from helpdesk.models import TicketCategory
from helpdesk.services import ATTACHMENT_KINDS

MESSAGE_MAX_CHARS = 5000
# URL parts that work as credentials (form-link tokens, allauth's password-reset key): a page
# recorded on a ticket keeps its shape but never these values, since staff read it.
SECRET_URL_KWARGS = frozenset({"token", "key", "uidb36"})


def local_page(value: str | None) -> str:
    """The portal page a request came from, or "" for anything that is not a local portal path.

    Only a path of this site that resolves to one of its views is kept (no scheme, no host, no
    query string), with link tokens blanked out.
    """
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return ""
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=None):
        return ""
    path = urlsplit(value).path
    try:
        match = resolve(path)
    except Resolver404:
        return ""
    for name, argument in match.kwargs.items():
        if name in SECRET_URL_KWARGS and str(argument):
            path = path.replace(str(argument), f"<{name}>")
    return path[:500]


class AttachmentField(forms.FileField):
    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            label="Attachment (optional)",
            help_text="A screenshot or document that shows the problem: PDF, PNG or JPEG, at most 10 MB.",
            widget=forms.ClearableFileInput(attrs={"accept": ".pdf,image/png,image/jpeg"}),
            **kwargs,
        )

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            check_upload(upload, kinds=ATTACHMENT_KINDS)
        return upload


class TicketForm(forms.Form):
    category = forms.ChoiceField(
        label="What is it about?",
        choices=[("", "Choose a topic"), *TicketCategory.choices],
        error_messages={"required": "Choose the topic closest to your question."},
    )
    subject = forms.CharField(
        max_length=200,
        error_messages={"required": "Give your request a short subject."},
        widget=forms.TextInput(attrs={"placeholder": "e.g. My Insurance Form link has expired"}),
    )
    message = forms.CharField(
        label="How can we help?",
        max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MESSAGE_MAX_CHARS}),
        help_text="What you were trying to do, and what happened instead.",
        error_messages={"required": "Tell us what you need help with."},
    )
    attachment = AttachmentField()
    page = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own <form> has the token
        self.helper.layout = Layout("category", "subject", "message", "attachment", "page")

    def clean_page(self):
        # A hidden field: a page that is not ours is dropped, never shown as an error.
        return local_page(self.cleaned_data.get("page"))


class FollowUpForm(forms.Form):
    message = forms.CharField(
        label="Write a follow-up",
        max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_MAX_CHARS}),
        error_messages={"required": "Write your message before sending it."},
    )
    attachment = AttachmentField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own <form> has the token
        self.helper.layout = Layout("message", "attachment")


class StaffReplyForm(forms.Form):
    message = forms.CharField(
        label="Reply to the provider",
        max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text="Emailed to the provider and shown in their portal; the ticket becomes Answered.",
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Nobody (unassign)",
        help_text="A member of staff; the same for every selected ticket.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            get_user_model().objects.filter(is_staff=True, is_active=True).order_by("email")
        )


class CloseForm(forms.Form):
    note = forms.CharField(required=False, max_length=255, help_text="Optional, kept in the history.")
