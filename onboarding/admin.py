from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from localflavor.us.us_states import US_STATES

from alma.admin import ReadOnlyAdmin, ServiceActionMixin
from onboarding import email_kinds, services
from onboarding.errors import OnboardingError
from onboarding.forms import AgreementForm
from onboarding.models import (
    FormReview,
    GeneralOnboarding,
    MembershipAgreement,
    OutboxEmail,
)
from onboarding.services.outbox import (
    GAVE_UP,
    outbox_given_up,
    outbox_possible_duplicates,
    outbox_refused,
    outbox_resend,
)
from onboarding.vocabulary import Approach, Language, Population, Specialty

RECORD_AGREEMENT_PERMISSION = "onboarding.add_membershipagreement"
# What the Signed-at field shows and accepts first (AgreementForm's help text says the same).
SIGNED_AT_FORMAT = "%Y-%m-%d %H:%M"


def signed_now(now: datetime) -> str:
    """The Signed-at field's starting value: this minute on the company's clock, as typed."""
    return timezone.localtime(now, ZoneInfo(settings.COMPANY_TIME_ZONE)).strftime(SIGNED_AT_FORMAT)


@admin.register(MembershipAgreement)
class MembershipAgreementAdmin(ServiceActionMixin, ReadOnlyAdmin):
    """Signed agreements: recorded here ("Record signed agreement") or by the CSV import, never
    edited (the agreement is why the provider exists)."""

    change_list_template = "admin/onboarding/membershipagreement/change_list.html"
    list_display = ("provider", "signed_at", "source", "recorded_by", "recorded_at")
    list_filter = ("source",)
    search_fields = ("provider__legal_name", "provider__user__email", "source_reference")
    list_select_related = ("provider", "recorded_by")
    date_hierarchy = "signed_at"
    readonly_fields = (
        "provider",
        "signed_at",
        "source",
        "source_reference",
        "recorded_by",
        "recorded_at",
    )
    ordering = ("-recorded_at", "-pk")

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_record_agreement": request.user.has_perm(RECORD_AGREEMENT_PERMISSION),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def get_urls(self):
        return [
            path(
                "record/",
                self.admin_site.admin_view(self.record_agreement_view),
                name="onboarding_membershipagreement_record",
            ),
            *super().get_urls(),
        ]

    def record_agreement_view(self, request) -> HttpResponse:
        """The agreement staff type in from the signed copy: the provider's account and their
        General Onboarding email come with it (onboarding.services.agreement_record)."""

        def done(provider) -> HttpResponse:
            self.log_addition(request, provider.agreement, "Recorded the signed membership agreement.")
            messages.success(
                request,
                f"Agreement recorded for {provider}. The General Onboarding email is queued.",
            )
            return redirect(reverse("admin:onboarding_provider_change", args=[provider.pk]))

        # Most agreements are recorded the day they are signed: the field starts at now, editable.
        form = AgreementForm(request.POST or None, initial={"signed_at": signed_now(timezone.now())})
        return self.service_form_view(
            request,
            permission=RECORD_AGREEMENT_PERMISSION,
            form=form,
            service=lambda data: services.agreement_record(
                **data, source=MembershipAgreement.Source.ADMIN, recorded_by=request.user
            ),
            errors=OnboardingError,
            field="email",  # the one refusal: that email already has an account
            done=done,
            template="admin/onboarding/membershipagreement/record_agreement.html",
            title="Record a signed membership agreement",
        )


class DeliveryFilter(admin.SimpleListFilter):
    title = "delivery"
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return (
            ("overdue", "Past due, not sent"),
            ("pending", "Waiting to be sent"),
            ("sent", "Sent"),
            ("refused", "Refused by the mail server"),
            ("gave_up", "Gave up after repeated failures"),
            # The only rows that may have reached the recipient twice (same Message-ID each time).
            ("retried", "Sent after a retry (possible duplicates)"),
        )

    def queryset(self, request, queryset):
        now = timezone.now()
        choices = {
            "overdue": lambda rows: rows.overdue(now),
            "pending": lambda rows: rows.unsent().filter(due_at__gte=now),
            "sent": lambda rows: rows.filter(sent_at__isnull=False),
            "refused": outbox_refused,
            "gave_up": outbox_given_up,
            "retried": outbox_possible_duplicates,
        }
        chosen = choices.get(self.value())
        return queryset if chosen is None else chosen(queryset)


class EmailKindFilter(admin.SimpleListFilter):
    """The kinds the installed apps declare (onboarding.email_kinds), by their labels."""

    title = "kind"
    parameter_name = "step"

    def lookups(self, request, model_admin):
        return sorted(((kind.code, kind.label) for kind in email_kinds.kinds()), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset if self.value() is None else queryset.filter(step=self.value())


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ReadOnlyAdmin):
    list_display = (
        "provider",
        "kind",
        "key",
        "to_email",
        "due_at",
        "delivery",
        "attempts",
        "sent_at",
    )
    list_filter = (DeliveryFilter, EmailKindFilter)
    search_fields = ("provider__legal_name", "to_email", "message_id")
    actions = ("resend",)

    def has_resend_permission(self, request):
        return request.user.has_perm("onboarding.change_provider")

    @admin.action(description="Resend (a new, recorded send)", permissions=["resend"])
    def resend(self, request, queryset):
        for email in queryset.select_related("provider"):
            row = outbox_resend(email=email, actor=request.user)
            self.log_change(request, email, f"Resent as resend {row.resend} (outbox email {row.pk}).")
        messages.success(request, f"{queryset.count()} email(s) queued again; each is a new outbox row.")

    list_select_related = ("provider",)
    date_hierarchy = "due_at"
    readonly_fields = [field.name for field in OutboxEmail._meta.fields]

    @admin.display(description="kind", ordering="step")
    def kind(self, row):
        return row.kind_label

    @admin.display(description="delivery")
    def delivery(self, row):
        # Words, not colours: the admin runs under a CSP that forbids inline styles.
        labels = {"sent": "sent", "pending": "pending", "overdue": "OVERDUE"}
        if row.status == "failed":
            return "FAILED (gave up)" if row.last_error.startswith(GAVE_UP) else "FAILED (refused)"
        return labels[row.status]


# How a moment reads on staff pages (the review queue's format): weekday, date, time, zone.
MOMENT_FORMAT = "D j M Y, H:i T"


def moment_label(moment: datetime | None) -> str:
    return "—" if moment is None else date_format(timezone.localtime(moment), MOMENT_FORMAT)


def choice_labels(choices, codes: list[str]) -> str:
    """Codes by their labels, in the order chosen ("New York, New Jersey", not ["NY","NJ"])."""
    names = dict(choices)
    return ", ".join(str(names.get(code, code)) for code in codes) or "None chosen"


def yes_no(value: bool) -> str:
    # Words, not admin's green and red icons: what a screen reader and a printout say too.
    return "Yes" if value else "No"


@admin.register(GeneralOnboarding)
class GeneralOnboardingAdmin(ReadOnlyAdmin):
    """Staff read a submitted form here before deciding (the review queue links to this page).

    Every answer is shown as the provider saw it on the form: choice labels, not codes. The
    Approve and Request changes buttons (templates/admin/onboarding/generalonboarding/
    change_form.html) open the review queue's pages, which check the review permission again.
    """

    list_display = (
        "provider",
        "status",
        "practice_name",
        "state",
        "draft_saved_at",
        "submitted_at",
    )
    list_filter = ("status", "offers_telehealth", "offers_in_person")
    search_fields = ("provider__legal_name", "provider__user__email", "practice_name")
    list_select_related = ("provider",)
    SUBMISSION = ("provider", "status", "review_round", "submitted", "reviewed", "draft_saved")
    PRACTICE = (
        "practice_name",
        "phone",
        "address_line1",
        "address_line2",
        "city",
        "state",
        "postal_code",
        "licensed_in",
        "telehealth",
        "in_person",
    )
    PROFILE = (
        "specialty_labels",
        "approach_labels",
        "population_labels",
        "language_labels",
        "bio",
        "profile_photo",
    )
    fieldsets = (
        ("Submission", {"fields": SUBMISSION}),
        ("Practice", {"fields": PRACTICE}),
        ("Directory profile", {"fields": PROFILE}),
    )
    # Everything is read-only; the photo (a private upload) is only a link to the access-checked
    # view (profile_photo), never a storage URL.
    readonly_fields = (*SUBMISSION, *PRACTICE, *PROFILE)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provider")

    @admin.display(description="submitted")
    def submitted(self, record):
        return moment_label(record.submitted_at)

    @admin.display(description="last decision")
    def reviewed(self, record):
        return moment_label(record.reviewed_at)

    @admin.display(description="draft last saved")
    def draft_saved(self, record):
        return moment_label(record.draft_saved_at)

    @admin.display(description="contact phone")
    def phone(self, record):
        return record.contact_phone.as_national if record.contact_phone else "—"

    @admin.display(description="states licensed")
    def licensed_in(self, record):
        return choice_labels(US_STATES, record.states_licensed)

    @admin.display(description="offers telehealth")
    def telehealth(self, record):
        return yes_no(record.offers_telehealth)

    @admin.display(description="offers in-person sessions")
    def in_person(self, record):
        return yes_no(record.offers_in_person)

    @admin.display(description="specialties")
    def specialty_labels(self, record):
        return choice_labels(Specialty.choices, record.specialties)

    @admin.display(description="approaches")
    def approach_labels(self, record):
        return choice_labels(Approach.choices, record.approaches)

    @admin.display(description="populations")
    def population_labels(self, record):
        return choice_labels(Population.choices, record.populations)

    @admin.display(description="languages")
    def language_labels(self, record):
        return choice_labels(Language.choices, record.languages)

    @admin.display(description="profile photo")
    def profile_photo(self, record):
        if not record.photo:
            return "None uploaded"
        url = reverse("documents:general_onboarding_photo", args=[record.provider.public_id])
        return format_html('<a href="{}">Download the photo</a> (reviewers check it before approving)', url)


@admin.register(FormReview)
class FormReviewAdmin(ReadOnlyAdmin):
    """The review history: every staff decision, as recorded by the review services."""

    list_display = ("provider", "form", "round", "decision", "short_reason", "reviewer", "decided_at")
    list_filter = ("form", "decision")
    search_fields = ("provider__legal_name", "provider__user__email")
    list_select_related = ("provider", "reviewer")
    date_hierarchy = "decided_at"
    ordering = ("-decided_at", "-pk")
    readonly_fields = ("provider", "form", "round", "decision", "reason", "reviewer", "decided_at")
    fields = readonly_fields

    @admin.display(description="reason")
    def short_reason(self, review):
        return review.reason if len(review.reason) <= 80 else f"{review.reason[:79]}…"
