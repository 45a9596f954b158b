"""Staff work on directory profiles: review bio edits, hide, unhide, offboard.

Every field is read-only; each change goes through a directory service, one profile at a time
(a profile's switch and its publishing happen together). Actions that need a reason open an
intermediate page that posts to this admin's own URL, which checks the permission again.
"""

from collections.abc import Callable
from typing import NotRequired, TypedDict

from django import forms
from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html

from accounts.models import User
from alma.admin import ReadOnlyInline, ReadOnlyWithActionsAdmin, ServiceActionMixin
from directory import services
from directory.errors import DirectoryError
from directory.models import DirectoryProfile, ProfileEvent


class BioReviewFilter(admin.SimpleListFilter):
    title = "bio edit"
    parameter_name = "bio"

    def lookups(self, request, model_admin):
        return (("waiting", "Waiting for review"),)

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(bio_pending_since__isnull=False).order_by("bio_pending_since")
        return queryset


class OffboardedFilter(admin.SimpleListFilter):
    title = "offboarded"
    parameter_name = "offboarded"

    def lookups(self, request, model_admin):
        return (("yes", "Offboarded"), ("no", "Active"))

    def queryset(self, request, queryset):
        match self.value():
            case "yes":
                return queryset.filter(offboarded_at__isnull=False)
            case "no":
                return queryset.filter(offboarded_at__isnull=True)
        return queryset


class ProfileEventInline(ReadOnlyInline):
    model = ProfileEvent
    fields = ("occurred_at", "kind", "trigger", "go_live_on", "reason", "actor")
    readonly_fields = fields
    verbose_name_plural = "history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


# Each staff action: permission, whether it needs a reason (and what the reason is for), service.


class StaffAction(TypedDict):
    """One staff action on profiles: its page's title, the permission it needs, the help for its
    reason (only the actions that ask for one) and the service run for each profile."""

    title: str
    permission: str
    reason_help: NotRequired[str]
    service: Callable[[DirectoryProfile, User, str], DirectoryProfile]


ACTIONS: dict[str, StaffAction] = {
    "hide": {
        "title": "Hide from the directory",
        "permission": "hide_profile",
        "reason_help": "Kept in the profile's history; the provider sees that the profile is hidden.",
        "service": lambda profile, actor, reason: services.profile_hide(
            profile=profile, actor=actor, reason=reason
        ),
    },
    "unhide": {
        "title": "Unhide (publishes at once if due)",
        "permission": "hide_profile",
        "service": lambda profile, actor, reason: services.profile_unhide(profile=profile, actor=actor),
    },
    "offboard": {
        "title": "Offboard (take down for good)",
        "permission": "hide_profile",
        "reason_help": "Why the provider left; kept in the profile's history.",
        "service": lambda profile, actor, reason: services.profile_offboard(
            profile=profile, actor=actor, reason=reason
        ),
    },
    "approve_bio": {
        "title": "Approve the edited bio",
        "permission": "review_profile_bio",
        "service": lambda profile, actor, reason: services.profile_bio_approve(
            profile=profile, reviewer=actor
        ),
    },
    "send_back_bio": {
        "title": "Send the edited bio back",
        "permission": "review_profile_bio",
        "reason_help": "What the provider should change; they read it on their profile page.",
        "service": lambda profile, actor, reason: services.profile_bio_send_back(
            profile=profile, reviewer=actor, reason=reason
        ),
    },
}


@admin.register(DirectoryProfile)
class DirectoryProfileAdmin(ServiceActionMixin, ReadOnlyWithActionsAdmin):
    list_display = (
        "display_name",
        "credentials",
        "public_page",
        "is_live",
        "went_live_at",
        "hidden_by_staff",
        "offboarded_at",
        "bio_pending_since",
    )
    list_filter = ("is_live", "hidden_by_staff", BioReviewFilter, OffboardedFilter, "accepting_new_clients")
    search_fields = ("display_name", "slug", "provider__user__email")
    list_select_related = ("provider",)
    ordering = ("display_name", "pk")
    readonly_fields = (
        "provider",
        "slug",
        "display_name",
        "credentials",
        "is_live",
        "went_live_at",
        "hidden_by_staff",
        "hidden_at",
        "hidden_by",
        "hidden_reason",
        "offboarded_at",
        "bio",
        "bio_pending",
        "bio_pending_since",
        "bio_review_note",
        "specialties",
        "approaches",
        "populations",
        "languages",
        "states_licensed",
        "offers_telehealth",
        "offers_in_person",
        "accepting_new_clients",
        "practice_name",
        "office_city",
        "office_state",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields
    inlines = (ProfileEventInline,)
    actions = tuple(ACTIONS)

    @admin.display(description="public page")
    def public_page(self, profile):
        if not profile.is_live:
            return "—"
        return format_html('<a href="{}">{}</a>', profile.get_absolute_url(), profile.slug)

    # Read-only (ReadOnlyWithActionsAdmin): profiles are built from approved General Onboarding
    # forms, and their history is the audit trail (offboard instead of deleting).

    def has_change_permission(self, request, obj=None):
        # The list also offers its actions to staff who hold only the hide or review permission.
        return obj is None and (
            super().has_change_permission(request)
            or self.has_hide_permission(request)
            or self.has_review_permission(request)
        )

    def has_view_permission(self, request, obj=None):
        return (
            super().has_view_permission(request, obj)
            or self.has_hide_permission(request)
            or self.has_review_permission(request)
        )

    def has_hide_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.hide_profile")

    def has_review_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.review_profile_bio")

    def get_actions(self, request):
        actions = super().get_actions(request)
        for name, config in ACTIONS.items():
            if not request.user.has_perm(f"{self.opts.app_label}.{config['permission']}"):
                actions.pop(name, None)
        return actions

    def get_action(self, action):
        if action in ACTIONS:
            config = ACTIONS[action]

            def run(modeladmin, request, queryset):
                return self._action_page(
                    request, action, queryset, form=ReasonForm() if "reason_help" in config else None
                )

            return run, action, config["title"]
        return super().get_action(action)

    def get_urls(self):
        return [
            path(
                "act/<str:action>/",
                self.admin_site.admin_view(self.act_view),
                name="directory_directoryprofile_act",
            ),
            *super().get_urls(),
        ]

    def _action_page(self, request, action: str, queryset, *, form):
        config = ACTIONS[action]
        if form is None:  # no reason needed: act straight away
            return self._run(request, action, list(queryset), reason="")
        if "reason_help" in config:
            form.fields["reason"].help_text = config["reason_help"]
        return self.intermediate_page(
            request,
            "directory/admin/staff_action.html",
            title=config["title"],
            form=form,
            action=action,
            profiles=list(queryset.order_by("pk")),
        )

    def _run(self, request, action: str, profiles, *, reason: str):
        config = ACTIONS[action]
        done = self.run_for_each(
            request,
            profiles,
            lambda profile: config["service"](profile, request.user, reason),
            errors=DirectoryError,
            refused=lambda profile, error: f"{profile}: {error}",
        )
        if done:
            messages.success(
                request, f"{config['title']}: done for {done} profile{'s' if done != 1 else ''}."
            )
        return redirect("admin:directory_directoryprofile_changelist")

    def act_view(self, request, action: str):
        """The intermediate page posts here: check the permission again, then act."""
        if action not in ACTIONS:
            raise Http404
        self.check_permission(request, f"{self.opts.app_label}.{ACTIONS[action]['permission']}")
        if refusal := self.refuse_unless_posted(request):
            return refusal
        profiles = DirectoryProfile.objects.filter(pk__in=self.selected_ids(request))
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return self._action_page(request, action, profiles, form=form)
        return self._run(request, action, list(profiles.order_by("pk")), reason=form.cleaned_data["reason"])
