"""The payouts account form and the add-a-client form. Input checks only; the rules (in network
on a payer, the bank details gate) live in practice.services."""

from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html

from credentialing.models import Payer
from practice import rules
from practice.models import AccountType, PaymentMethod
from practice.selectors import NetworkStatus


class SecretNumberInput(forms.TextInput):
    """A text box whose value is never written back into the page, even after a form error."""

    def __init__(self, attrs=None):
        defaults = {"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}
        super().__init__(attrs={**defaults, **(attrs or {})})

    def get_context(self, name, value, attrs):
        return super().get_context(name, None, attrs)


class PayoutAccountForm(forms.Form):
    holder_name = forms.CharField(
        label="Name on the account",
        max_length=200,
        help_text="Your name or your practice's, exactly as your bank has it.",
        error_messages={"required": "Enter the name on the account."},
    )
    account_type = forms.ChoiceField(
        label="Account type",
        choices=AccountType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose checking or savings."},
    )
    routing_number = forms.CharField(
        label="Routing number",
        max_length=20,
        help_text="9 digits: the first number at the bottom left of a check.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "Enter your bank's 9-digit routing number."},
    )
    account_number = forms.CharField(
        label="Account number",
        max_length=40,
        strip=True,
        widget=SecretNumberInput(),
        help_text="For your security we never show it again, only its last four digits.",
        error_messages={"required": "Enter your account number."},
    )
    account_number_confirm = forms.CharField(
        label="Account number again",
        max_length=40,
        widget=SecretNumberInput(),
        help_text="Type it again so a mistyped digit can't send your payouts elsewhere.",
        error_messages={"required": "Type your account number a second time."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own <form> has the token
        self.helper.layout = Layout(
            "holder_name",
            Field("account_type"),
            "routing_number",
            Div(
                Div("account_number", css_class="col-md-6"),
                Div("account_number_confirm", css_class="col-md-6"),
                css_class="row",
            ),
        )

    def clean_routing_number(self):
        routing_number = rules.digits_only(self.cleaned_data["routing_number"])
        if problem := rules.routing_number_problem(routing_number):
            raise forms.ValidationError(problem)
        return routing_number

    def clean_account_number(self):
        account_number = rules.digits_only(self.cleaned_data["account_number"])
        if problem := rules.account_number_problem(account_number):
            raise forms.ValidationError(problem)
        return account_number

    def clean(self):
        cleaned = super().clean()
        first = cleaned.get("account_number")
        second = rules.digits_only(cleaned.get("account_number_confirm") or "")
        if first and second and first != second:
            self.add_error(
                "account_number_confirm",
                "The two account numbers don't match. Type the account number again in both boxes.",
            )
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "holder_name": data["holder_name"],
            "account_type": data["account_type"],
            "routing_number": data["routing_number"],
            "account_number": data["account_number"],
        }


class ClientForm(forms.Form):
    first_name = forms.CharField(
        max_length=100, error_messages={"required": "Enter the client's first name."}
    )
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter the client's last name."})
    email = forms.EmailField(
        error_messages={"required": "Enter the client's email address.", "invalid": "Enter a valid email."}
    )
    payment_method = forms.ChoiceField(
        label="How will the client pay?",
        choices=PaymentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose cash-pay or insurance."},
    )
    payer = forms.ModelChoiceField(
        label="Insurance payer",
        queryset=Payer.objects.none(),  # the payers the provider may choose, set per form
        required=False,
        empty_label="Choose the client's payer",
    )

    def __init__(self, *args, payers: QuerySet[Payer], network: NetworkStatus, **kwargs):
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Payer]", self.fields["payer"]).queryset = payers
        in_network = ", ".join(payer.name for payer in network.payers)
        self.fields["payer"].help_text = format_html(
            '{} See each payer\'s status on <a href="{}">Insurance &amp; Directories</a>.',
            f"In network today: {in_network}."
            if in_network
            else "You are not in network with any payer yet.",
            reverse("insurance:overview"),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own <form> has the token
        self.helper.layout = Layout(
            Div(
                Div("first_name", css_class="col-md-6"),
                Div("last_name", css_class="col-md-6"),
                css_class="row",
            ),
            "email",
            "payment_method",
            "payer",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("payment_method") == PaymentMethod.INSURANCE and not cleaned.get("payer"):
            self.add_error("payer", "Choose the client's insurance payer.")
        return cleaned
