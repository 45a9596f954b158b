import functools
from datetime import date
from typing import TypedDict

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language
from localflavor.us.us_states import US_STATES

from alma.admin import (
    CappedCountPaginator,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ReadOnlyWithActionsAdmin,
    ServiceActionMixin,
)
from credentialing.models import Payer, PayerApplication
from directory.models import DirectoryProfile
from helpdesk.models import Ticket
from onboarding.errors import OnboardingError
from onboarding.forms import LicenseTypeField
from onboarding.models import (
    FormReview,
    LicenseType,
    LinkRenewal,
    MembershipAgreement,
    OnboardingEvent,
    OnboardingStep,
    OutboxEmail,
    Provider,
    ProviderDetailsChange,
    ReviewedForm,
    ReviewQueue,
    ReviewStatus,
)
from portal import selectors as portal_selectors
from portal import services as portal_services
from portal.services.links import provider_links_renew
from portal.services.provider_details import PERMISSION as CORRECT_DETAILS_PERMISSION
from portal.services.provider_details import DetailsCorrection, DetailsRefused
from portal.services.review import FORM_MODELS
from portal.sla import overdue_filter_choices, providers_overdue
from training.models import TrainingProgress
from verification.file import file_summary

REVIEW_PERMISSION = "onboarding.review_onboarding_forms"
FILE_PERMISSION = "verification.view_primarysourceverification"
# Each form's own admin page, where a reviewer reads the answers before deciding.
FORM_ADMIN_URLS: dict[str, str] = {
    ReviewedForm.GENERAL_ONBOARDING: "admin:onboarding_generalonboarding_change",
    ReviewedForm.INSURANCE_FORM: "admin:credentialing_insuranceform_change",
}


OTHER_FORM = {
    ReviewedForm.GENERAL_ONBOARDING: ReviewedForm.INSURANCE_FORM,
    ReviewedForm.INSURANCE_FORM: ReviewedForm.GENERAL_ONBOARDING,
}


# Steps before the Insurance Form's submission: approving now leaves the other form to come.
BOTH_FORMS_NOT_YET_SUBMITTED = frozenset(
    {OnboardingStep.ACCOUNT_CREATED, OnboardingStep.GENERAL_ONBOARDING_SUBMITTED}
)


def approval_consequences(provider: Provider, form: ReviewedForm) -> list[str]:
    """What approving this form does, in the words the confirmation page uses.

    The email rule is form_approve's (portal/services/review.py): the portal-access email goes
    out once, when the second form is approved while the provider is at "Insurance Form
    submitted".
    """
    other = OTHER_FORM[form]
    name = provider.legal_name
    consequences = []
    if form == ReviewedForm.GENERAL_ONBOARDING:
        consequences.append(
            f"{name}'s answers become their directory profile, shown to clients once every "
            "go-live condition is met."
        )
    if provider.onboarding_step == OnboardingStep.INSURANCE_FORM_SUBMITTED:
        if FORM_MODELS[other].objects.filter(provider=provider, status=ReviewStatus.APPROVED).exists():
            consequences.append(
                f"This sends {name} the portal-access email at {provider.user.email}, with a link to "
                f"set their password: their {other.label} is already approved."
            )
        else:
            consequences.append(
                f"No email is sent yet: the portal-access email goes out when their {other.label} "
                "is approved too."
            )
    elif provider.onboarding_step in BOTH_FORMS_NOT_YET_SUBMITTED:
        consequences.append(
            f"No email is sent yet: the portal-access email goes out when their {other.label} "
            "is submitted and approved too."
        )
    else:
        consequences.append(f"No email is sent: {name} already received the portal-access email.")
    return consequences


class OnboardingEventInline(ReadOnlyInline):
    model = OnboardingEvent
    fields = ("occurred_at", "from_step", "to_step", "actor", "note")
    readonly_fields = fields
    verbose_name_plural = "step history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class LinkRenewalInline(ReadOnlyInline):
    model = LinkRenewal
    fields = ("occurred_at", "from_version", "to_version", "actor", "note")
    readonly_fields = fields
    verbose_name_plural = "links replaced (send fresh links)"


class ProviderDetailsChangeInline(ReadOnlyInline):
    model = ProviderDetailsChange
    fields = ("occurred_at", "field", "old_value", "new_value", "reason", "actor")
    readonly_fields = fields
    verbose_name_plural = "details corrected by staff"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_view_permission(self, request, obj=None):
        # Part of the provider's record: whoever may see the provider sees its corrections.
        return request.user.has_perm("onboarding.view_provider") or request.user.has_perm(
            "onboarding.change_provider"
        )


class OutboxEmailInline(ReadOnlyInline):
    model = OutboxEmail
    fields = ("step", "key", "due_at", "sent_at", "attempts", "last_error")
    readonly_fields = fields


class FormReviewInline(ReadOnlyInline):
    model = FormReview
    fields = ("decided_at", "form", "round", "decision", "reason", "reviewer")
    readonly_fields = fields
    verbose_name_plural = "form review history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer")


class PayerApplicationInline(ReadOnlyInline):
    model = PayerApplication
    fields = ("payer", "status", "submitted_at", "effective_date", "denial_reason")
    readonly_fields = fields
    show_change_link = True  # the application's page has its full history
    verbose_name_plural = "payer applications"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("payer")


class TicketInline(ReadOnlyInline):
    model = Ticket
    fields = ("subject", "category", "status", "opened_at", "reply_due_at")
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = "help requests"


class TrainingProgressInline(ReadOnlyInline):
    model = TrainingProgress
    fields = ("webinar_completed_at", "quiz_passed_at")
    readonly_fields = fields


class DirectoryProfileInline(ReadOnlyInline):
    model = DirectoryProfile
    fields = ("slug", "is_live", "went_live_at", "hidden_by_staff", "offboarded_at")
    readonly_fields = fields
    show_change_link = True  # hide, unhide and offboard from the profile's own page
    verbose_name_plural = "directory profile"


class OverdueFilter(admin.SimpleListFilter):
    """Providers with a broken promise on the SLA board: of any kind, or of one (the board's
    "and N more" links here). One SQL condition per kind (portal.sla.providers_overdue)."""

    title = "overdue anything"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return overdue_filter_choices()

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(providers_overdue(self.value(), timezone.now()))


class PayerFilter(admin.SimpleListFilter):
    """Providers with an application to one payer (any status).

    The payers are a handful of rows, listed from their own table; the filter is an EXISTS on
    the provider's applications, so the list needs neither the DISTINCT over every
    application that RelatedOnlyFieldListFilter reads its choices with, nor a join that could
    repeat a provider.
    """

    title = "payer"
    parameter_name = "payer"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in Payer.objects.order_by("name").values_list("pk", "name")]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        applied = PayerApplication.objects.filter(provider=OuterRef("pk"), payer_id=int(self.value()))
        return queryset.filter(Exists(applied))


@functools.cache
def _state_choices(language: str) -> tuple[tuple[str, str], ...]:
    # localflavor's US_STATES is a lazy list: sorted again, by translated name, each time it is
    # read (a few milliseconds a page). Once per language instead.
    return tuple((code, str(name)) for code, name in US_STATES)


class PracticeStateFilter(admin.SimpleListFilter):
    title = "practice state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return _state_choices(get_language())

    def queryset(self, request, queryset):
        return queryset.filter(general_onboarding__state=self.value()) if self.value() else queryset


class DetailChanges(TypedDict, total=False):
    legal_name: str
    license_type: str
    contracted_start_date: date


class ProviderDetailsForm(forms.Form):
    """Staff's correction of what the agreement gave; every field starts at today's value."""

    DETAILS = ("legal_name", "license_type", "contracted_start_date")

    def corrections(self) -> DetailChanges:
        """The details staff changed on the page (valid form): the others are left alone."""
        changes: DetailChanges = {}
        if "legal_name" in self.changed_data:
            changes["legal_name"] = self.cleaned_data["legal_name"]
        if "license_type" in self.changed_data:
            changes["license_type"] = self.cleaned_data["license_type"]
        if "contracted_start_date" in self.changed_data:
            changes["contracted_start_date"] = self.cleaned_data["contracted_start_date"]
        return changes

    def shown(self) -> dict[str, object]:
        """The values the page showed when staff opened it (posted back as hidden inputs)."""
        values = {}
        for name in self.DETAILS:
            field = self.fields[name]
            raw = field.hidden_widget().value_from_datadict(
                self.data, self.files, self.add_initial_prefix(name)
            )
            values[name] = field.to_python(raw)
        return values

    # show_hidden_initial: the page posts back the values it showed, so only what staff changed
    # is corrected, and a correction made by someone else meanwhile is never silently undone.
    legal_name = forms.CharField(
        max_length=200, help_text="Shown in the public directory.", show_hidden_initial=True
    )
    license_type = LicenseTypeField(
        show_hidden_initial=True,
        choices=LicenseType.choices,
        help_text="A prescriber's Insurance Form also needs DEA and board answers: a form already "
        "handed in without them goes back to the provider.",
    )
    contracted_start_date = forms.DateField(
        show_hidden_initial=True,
        help_text="YYYY-MM-DD. The directory go-live date is never before it.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label="Why are they corrected?",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        error_messages={"required": "Say why the details are corrected; it is kept in the history."},
        help_text="Kept in the provider's history with your name.",
    )


@admin.register(Provider)
class ProviderAdmin(ServiceActionMixin, ReadOnlyWithActionsAdmin):
    list_display = (
        "legal_name",
        "email",
        "license_type",
        "onboarding_step",
        "step_changed_at",
        "contracted_start_date",
        "agreement_signed_at",
    )
    list_filter = (
        "onboarding_step",
        OverdueFilter,
        PayerFilter,
        PracticeStateFilter,
        "license_type",
    )
    search_fields = ("legal_name", "user__email", "insurance_form__npi")
    list_select_related = ("user", "agreement")
    # Sorted on indexed columns only (onboarding.models.Provider.Meta.indexes): the newest first by
    # default, or by name, step date or start date. The e-mail and signing date sit in other
    # tables and the licence type and step are better filtered than sorted, so they do not sort.
    ordering = ("-created_at",)
    sortable_by = ("legal_name", "step_changed_at", "contracted_start_date")
    # The page's cost is Django rendering each row (about a millisecond a row, not the queries):
    # 50 rows, as on the review queue, half the default's.
    list_per_page = 50
    # One COUNT, not two: "12 results (100,000 total)" cost a second count of every provider;
    # and that one stops at 10,000 (alma.admin.CappedCountPaginator).
    show_full_result_count = False
    paginator = CappedCountPaginator
    # No date_hierarchy on created_at: its year links are a SELECT DISTINCT date_trunc over every
    # provider on each page view, which no index makes cheap; the list is newest first instead.
    # Read-only (ReadOnlyWithActionsAdmin): providers exist only because an agreement was signed
    # ("Record signed agreement", on Membership agreements), their records are the audit trail,
    # and the name, licence type and start date change only through "Correct provider details"
    # (provider_details_correct).
    fields = (
        "legal_name",
        "license_type",
        "contracted_start_date",
        "public_id",
        "user",
        "onboarding_step",
        "step_changed_at",
        "created_at",
    )
    readonly_fields = fields
    # The whole story on one page: steps, reviews, emails, credentialing, training, help.
    inlines = (
        OnboardingEventInline,
        ProviderDetailsChangeInline,
        FormReviewInline,
        OutboxEmailInline,
        LinkRenewalInline,
        PayerApplicationInline,
        TrainingProgressInline,
        DirectoryProfileInline,
        TicketInline,
    )
    change_list_template = "admin/onboarding/provider/change_list.html"
    change_form_template = "admin/onboarding/provider/change_form.html"
    actions = ("resend_portal_access_email", "send_fresh_links")

    @admin.action(description="Send fresh links (the old ones stop working)", permissions=["change"])
    def send_fresh_links(self, request, queryset):
        # Revoking links is not undoable: a confirmation page first (Django's delete_selected
        # pattern: the page posts back to this action with "post", and Django offers the action
        # again only to whoever still has the permission).
        providers = list(queryset.select_related("user").order_by("legal_name", "pk"))
        if request.POST.get("post") != "yes":
            return self.intermediate_page(
                request,
                "admin/onboarding/provider/send_fresh_links.html",
                title="Send fresh links",
                providers=providers,
            )
        for provider in providers:
            renewal = provider_links_renew(provider=provider, actor=request.user, now=timezone.now())
            sent = ", ".join(renewal.email_names) or "no email needed again"
            self.log_change(request, provider, f"Sent fresh links (version {renewal.version}): {sent}.")
            messages.success(
                request,
                f"Every earlier link of {provider} now says it was replaced. Sent again to "
                f"{provider.user.email}: {sent}.",
            )
        return None

    @admin.action(description="Resend the portal-access email", permissions=["change"])
    def resend_portal_access_email(self, request, queryset):
        # A new, recorded send per provider (the next round in the outbox), each with a fresh
        # set-password link; only providers waiting for portal access get one.
        for provider in queryset.select_related("user"):
            try:
                row = portal_services.portal_access_email_resend(provider=provider, actor=request.user)
            except OnboardingError as error:
                messages.warning(request, str(error))
            else:
                send = row.key.removeprefix("send-")  # "send-2": the second portal-access email
                self.log_change(request, provider, f"Resent the portal-access email (send {send}).")
                messages.success(
                    request, f"Portal-access email to {provider.user.email} queued again (send {send})."
                )

    @admin.display(description="email")  # not sortable: the address is in the users table
    def email(self, provider):
        return provider.user.email

    @admin.display(description="agreement signed")  # not sortable: in the agreements table
    def agreement_signed_at(self, provider):
        return provider.agreement.signed_at if hasattr(provider, "agreement") else None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_correct_details": request.user.has_perm(CORRECT_DETAILS_PERMISSION),
        }
        # The credentialing file in one line, with its page (verification's PSV admin).
        shown = Provider.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if shown is not None and request.user.has_perm(FILE_PERMISSION):
            extra_context["credentialing_file"] = file_summary(shown, today=timezone.localdate())
            file_page = reverse("admin:verification_file", args=[shown.public_id])
            extra_context["credentialing_file_url"] = file_page
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def get_urls(self):
        return [
            # Agreements are recorded on Membership agreements now; the address the Providers list
            # used to link to opens the same page, so bookmarks keep working.
            path(
                "record-agreement/",
                self.admin_site.admin_view(self.record_agreement_view),
                name="onboarding_provider_record_agreement",
            ),
            path(
                "<int:pk>/correct-details/",
                self.admin_site.admin_view(self.correct_details_view),
                name="onboarding_provider_correct_details",
            ),
            *super().get_urls(),
        ]

    def record_agreement_view(self, request):
        return self.admin_site.get_model_admin(MembershipAgreement).record_agreement_view(request)

    def correct_details_view(self, request, pk: int):
        provider = get_object_or_404(Provider.objects.select_related("user"), pk=pk)
        current = {
            name: getattr(provider, name) for name in ("legal_name", "license_type", "contracted_start_date")
        }

        def done(correction: DetailsCorrection):
            changed = ", ".join(
                f"{change.get_field_display()} {change.old_value} -> {change.new_value}"
                for change in correction.changes
            )
            self.log_change(request, provider, f"Corrected the provider's details: {changed}.")
            messages.success(request, f"Corrected: {changed}.")
            if correction.insurance_form_sent_back is not None:
                messages.warning(
                    request,
                    f"The Insurance Form of {provider} went back to them: it needs "
                    f"{', '.join(correction.missing_answers)}. The email with the reason is queued.",
                )
            return redirect(reverse("admin:onboarding_provider_change", args=[provider.pk]))

        form = ProviderDetailsForm(request.POST or None, initial=current)
        return self.service_form_view(
            request,
            permission=CORRECT_DETAILS_PERMISSION,
            form=form,
            service=lambda data: portal_services.provider_details_correct(
                provider=provider,
                actor=request.user,
                reason=data["reason"],
                shown=form.shown(),
                **form.corrections(),
            ),
            errors=DetailsRefused,
            done=done,
            template="admin/onboarding/provider/correct_details.html",
            title="Correct provider details",
            obj=provider,
        )


def _page_links(current: int, last: int) -> list[int | None]:
    """The page numbers the queue links to: the first, the last and two either side of the
    current one; None where numbers are left out (shown as an ellipsis)."""
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    links: list[int | None] = []
    for number in shown:
        if links and number - (links[-1] or 0) > 1:
            links.append(None)
        links.append(number)
    return links


class RequestChangesForm(forms.Form):
    reason = forms.CharField(
        label="What should the provider change?",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        error_messages={"required": "Write the reason: the provider receives it in the email."},
        help_text="Sent to the provider by email, with a link back to this form, and shown on the form.",
    )
    round = forms.IntegerField(widget=forms.HiddenInput, required=False)


@admin.register(ReviewQueue)
class ReviewQueueAdmin(ServiceActionMixin, ReadOnlyAdmin):
    """Step 3: one page with every submitted form waiting for review, oldest first.

    Registered on a proxy so the queue has its own line in the admin index; the page is the
    queue (portal.selectors.review_queue), not a list of FormReview rows.
    """

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(REVIEW_PERMISSION)

    def get_urls(self):
        form_kinds = "<int:provider_id>/<str:form>"
        return [
            path(
                f"{form_kinds}/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="onboarding_reviewqueue_approve",
            ),
            path(
                f"{form_kinds}/request-changes/",
                self.admin_site.admin_view(self.request_changes_view),
                name="onboarding_reviewqueue_request_changes",
            ),
            path(
                "", self.admin_site.admin_view(self.changelist_view), name="onboarding_reviewqueue_changelist"
            ),
        ]

    @staticmethod
    def _form_admin_url(form: str, record_id: int) -> str:
        return reverse(FORM_ADMIN_URLS[form], args=[record_id])

    @staticmethod
    def _queue_page_number(request) -> int:
        """The queue page the reviewer is on (?page=), 1 for anything that is not a number."""
        value = request.GET.get("page", "")
        return int(value) if value.isdigit() and int(value) > 0 else 1

    def _queue_url(self, request) -> str:
        """The queue, at the page the reviewer came from: a decision returns them there."""
        url = reverse("admin:onboarding_reviewqueue_changelist")
        page = self._queue_page_number(request)
        return f"{url}?page={page}" if page > 1 else url

    def changelist_view(self, request, extra_context=None):
        self.check_permission(request, REVIEW_PERMISSION)
        asked = self._queue_page_number(request)
        queue = portal_selectors.review_queue_page(page=asked, per_page=portal_selectors.QUEUE_PAGE_SIZE)
        rows = [(item, self._form_admin_url(item.form, item.record_id)) for item in queue.items]
        return self.intermediate_page(
            request,
            "admin/onboarding/reviewqueue/queue.html",
            title="Review queue",
            queue=queue,
            rows=rows,
            overdue_count=queue.overdue_count,
            # Asked for a page past the end (the queue shrank since): the last page, said so.
            asked_page_past_end=asked > queue.number,
            page_links=_page_links(queue.number, queue.num_pages),
            **(extra_context or {}),
        )

    @staticmethod
    def _reviewed(provider_id: int, form: str) -> tuple[Provider, ReviewedForm]:
        if form not in ReviewedForm.values:
            raise Http404("No such onboarding form.")
        return get_object_or_404(Provider.objects.select_related("user"), pk=provider_id), ReviewedForm(form)

    @staticmethod
    def _posted_round(value) -> int | None:
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    def _waiting_record(self, request, provider: Provider, form: ReviewedForm):
        """The form, if it is waiting for review; otherwise None, with an error message."""
        record = FORM_MODELS[form].objects.filter(provider=provider).only("status", "review_round").first()
        if record is None or record.status != ReviewStatus.SUBMITTED:
            messages.error(request, f"The {form.label} of {provider} is not waiting for review.")
            return None
        return record

    def _back_url(self, request, form: str, record) -> str:
        """Where Cancel goes: the form's page when the reviewer came from it, else the queue."""
        if request.GET.get("from") == "form":
            return self._form_admin_url(form, record.pk)
        return self._queue_url(request)

    def approve_view(self, request, provider_id: int, form: str):
        """GET asks "Approve Jane Doe's General Onboarding form?" and says what it sends; only
        the page's POST (the permission checked again) approves."""
        self.check_permission(request, REVIEW_PERMISSION)
        provider, form = self._reviewed(provider_id, form)
        if request.method == "POST":
            return self._approve(request, provider, form)
        record = self._waiting_record(request, provider, form)
        if record is None:
            return redirect(self._queue_url(request))
        return self.intermediate_page(
            request,
            "admin/onboarding/reviewqueue/approve.html",
            title=f"Approve {provider.legal_name}'s {form.label}?",
            provider=provider,
            # The Insurance Form's NPI registry check, read before approving (verification's tag).
            npi_registry_provider=provider if form == ReviewedForm.INSURANCE_FORM else None,
            form_label=form.label,
            record=record,
            shown_round=self._posted_round(request.GET.get("round")) or record.review_round,
            consequences=approval_consequences(provider, form),
            form_admin_url=self._form_admin_url(form, record.pk),
            back_url=self._back_url(request, form, record),
        )

    def _approve(self, request, provider: Provider, form: ReviewedForm):
        try:
            review = portal_services.form_approve(
                provider=provider,
                form=form,
                reviewer=request.user,
                expected_round=self._posted_round(request.POST.get("round")),
            )
        except OnboardingError as error:
            messages.error(request, str(error))
        else:
            done = f"{form.label} of {provider} approved (round {review.round})."
            if review.provider.onboarding_step == OnboardingStep.FORMS_APPROVED:
                done += " Both forms are approved: the portal-access email is queued."
            messages.success(request, done)
        return redirect(self._queue_url(request))

    def request_changes_view(self, request, provider_id: int, form: str):
        self.check_permission(request, REVIEW_PERMISSION)
        provider, form = self._reviewed(provider_id, form)
        record = self._waiting_record(request, provider, form)
        if record is None:
            return redirect(self._queue_url(request))
        shown_round = self._posted_round(request.GET.get("round")) or record.review_round

        def done(review: FormReview) -> HttpResponse:
            messages.success(
                request,
                f"Changes requested on the {form.label} of {provider} (round {review.round}). "
                "The email with your reason is queued.",
            )
            return redirect(self._queue_url(request))

        return self.service_form_view(
            request,
            permission=REVIEW_PERMISSION,
            form=RequestChangesForm(request.POST or None, initial={"round": shown_round}),
            service=lambda data: portal_services.form_request_changes(
                provider=provider,
                form=form,
                reviewer=request.user,
                reason=data["reason"],
                expected_round=data["round"],
            ),
            errors=OnboardingError,  # ReasonRequired names its field; the rest show above the form
            done=done,
            template="admin/onboarding/reviewqueue/request_changes.html",
            title=f"Request changes: {form.label} of {provider}",
            provider=provider,
            form_label=form.label,
            record=record,
            form_admin_url=self._form_admin_url(form, record.pk),
            back_url=self._back_url(request, form, record),
        )
