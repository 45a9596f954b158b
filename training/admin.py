from django.contrib import admin

from training.models import TrainingProgress


@admin.register(TrainingProgress)
class TrainingProgressAdmin(admin.ModelAdmin):
    """Read-only: progress is recorded by the provider's own webinar and quiz (training.services)."""

    list_display = ("provider", "webinar_completed_at", "quiz_passed_at", "done")
    search_fields = ("provider__legal_name", "provider__user__email")
    list_select_related = ("provider",)
    ordering = ("provider__legal_name",)
    readonly_fields = ("provider", "webinar_completed_at", "quiz_passed_at")
    fields = readonly_fields

    @admin.display(boolean=True, description="training done")
    def done(self, progress):
        return progress.is_done

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
