from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from onboarding import services
from onboarding.errors import OnboardingError
from onboarding.forms import AgreementForm
from onboarding.models import (
    GeneralOnboarding,
    MembershipAgreement,
    OnboardingEvent,
    OutboxEmail,
    Provider,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OnboardingEventInline(ReadOnlyInline):
    model = OnboardingEvent
    fields = ("occurred_at", "from_step", "to_step", "actor", "note")
    readonly_fields = fields
    verbose_name_plural = "step history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class OutboxEmailInline(ReadOnlyInline):
    model = OutboxEmail
    fields = ("step", "round", "due_at", "sent_at", "attempts", "last_error")
    readonly_fields = fields


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = (
        "legal_name",
        "email",
        "license_type",
        "onboarding_step",
        "step_changed_at",
        "contracted_start_date",
        "agreement_signed_at",
    )
    list_filter = ("onboarding_step", "license_type")
    search_fields = ("legal_name", "user__email")
    list_select_related = ("user", "agreement")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    readonly_fields = ("public_id", "user", "onboarding_step", "step_changed_at", "created_at")
    fields = ("legal_name", "license_type", "contracted_start_date", *readonly_fields)
    inlines = (OnboardingEventInline, OutboxEmailInline)
    change_list_template = "admin/onboarding/provider/change_list.html"

    @admin.display(ordering="user__email")
    def email(self, provider):
        return provider.user.email

    @admin.display(description="agreement signed", ordering="agreement__signed_at")
    def agreement_signed_at(self, provider):
        return provider.agreement.signed_at if hasattr(provider, "agreement") else None

    def has_add_permission(self, request):
        # Providers exist only because an agreement was signed: see "Record signed agreement".
        return False

    def get_urls(self):
        return [
            path(
                "record-agreement/",
                self.admin_site.admin_view(self.record_agreement_view),
                name="onboarding_provider_record_agreement",
            ),
            *super().get_urls(),
        ]

    def record_agreement_view(self, request):
        if not request.user.has_perm("onboarding.add_membershipagreement"):
            raise PermissionDenied
        form = AgreementForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                provider = services.agreement_record(
                    **form.cleaned_data,
                    source=MembershipAgreement.Source.ADMIN,
                    recorded_by=request.user,
                )
            except OnboardingError as error:
                form.add_error("email", str(error))
            else:
                messages.success(
                    request,
                    f"Agreement recorded for {provider}. The General Onboarding email is queued.",
                )
                return redirect(reverse("admin:onboarding_provider_change", args=[provider.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Record a signed membership agreement",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/onboarding/provider/record_agreement.html", context)


@admin.register(MembershipAgreement)
class MembershipAgreementAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False  # recorded through the provider list's "Record signed agreement"

    def has_change_permission(self, request, obj=None):
        return False


class DeliveryFilter(admin.SimpleListFilter):
    title = "delivery"
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return (
            ("overdue", "Past due, not sent"),
            ("pending", "Waiting to be sent"),
            ("sent", "Sent"),
            ("failed", "Refused by the email provider"),
        )

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case "overdue":
                return queryset.overdue(now)
            case "pending":
                return queryset.unsent().filter(due_at__gte=now)
            case "sent":
                return queryset.filter(sent_at__isnull=False)
            case "failed":
                return queryset.filter(failed_at__isnull=False)
        return queryset


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = (
        "provider",
        "step",
        "round",
        "to_email",
        "due_at",
        "delivery",
        "attempts",
        "sent_at",
    )
    list_filter = (DeliveryFilter, "step")
    search_fields = ("provider__legal_name", "to_email", "message_id")
    list_select_related = ("provider",)
    date_hierarchy = "due_at"
    readonly_fields = [field.name for field in OutboxEmail._meta.fields]

    @admin.display(description="delivery")
    def delivery(self, row):
        colours = {
            "sent": "#1f7a4d",
            "pending": "#6c757d",
            "overdue": "#b42318",
            "failed": "#b42318",
        }
        return format_html('<strong style="color:{}">{}</strong>', colours[row.status], row.status)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GeneralOnboarding)
class GeneralOnboardingAdmin(admin.ModelAdmin):
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
    exclude = ("photo",)  # private upload; shown through an access-checked view (credentialing issue)
    readonly_fields = [f.name for f in GeneralOnboarding._meta.fields if f.name != "photo"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
