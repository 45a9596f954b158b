"""The portal's own forms: "Email me my onboarding link again" (portal.services.link_requests)."""

from django import forms


class LinkRequestForm(forms.Form):
    """One address. It must look like an email address; whether anyone uses it is never said."""

    # auto_id "link_%s": the Sign In page shows this form beside allauth's, whose field ids it
    # must not share.
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter the email address Alma sends your onboarding emails to.",
            "invalid": "Enter an email address like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "link_%s")
        super().__init__(*args, **kwargs)


class FreshLinkForm(forms.Form):
    """An expired or replaced link posted back from its page (onboarding.links.GenuineLink)."""

    form = forms.CharField(max_length=40, widget=forms.HiddenInput)
    provider_id = forms.CharField(max_length=40, widget=forms.HiddenInput)
    token = forms.CharField(max_length=500, widget=forms.HiddenInput)
