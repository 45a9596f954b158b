"""Admin building blocks shared by every app: records that change only through services."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A list and a page to read; every change goes through a service (an action or a view)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on their parent's page, for reading only."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
