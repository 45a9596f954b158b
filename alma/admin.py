"""Admin building blocks shared by every app: records that change only through services.

`ReadOnlyAdmin`, `ReadOnlyWithActionsAdmin` and `ReadOnlyInline` show records nobody edits by
hand. `ServiceActionMixin` is the admin's intermediate pages (a form or a confirmation between a
list or a record and the service that changes it), written once: the page's context for
templates/admin/alma_intermediate.html, the permission checked again when the page posts (a
member of staff without it gets a 403 however the request is made), one service call, and a
domain error turned into an error next to its field, above the form, or into a message.
"""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils.functional import cached_property

T = TypeVar("T")
Row = TypeVar("Row")


class ReadOnlyAdmin(admin.ModelAdmin):
    """A list and a page to read; every change goes through a service (an action or a view)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyWithActionsAdmin(ReadOnlyAdmin):
    """Read-only pages whose list offers actions that call services.

    The list keeps the model's change permission: Django offers an action gated on "change"
    only to whoever has it, and checks it again when the action posts. Every record's own page
    stays read-only.
    """

    def has_change_permission(self, request, obj=None):
        return obj is None and super(ReadOnlyAdmin, self).has_change_permission(request)


class CappedCountPaginator(Paginator):
    """A change list's paginator that counts at most COUNT_CAP rows.

    Django admin counts the whole filtered list on every page view: over 100,000 providers
    that COUNT is most of the page's SQL, and it grows with every provider signed. Counted up
    to the cap, a broad list costs the same at any size and says "More than 10,000 providers"
    (templates/admin/pagination.html, search_form.html), with its page links ending at the cap;
    a list narrowed by a filter or a search below it is counted exactly, as before. Staff find
    a provider by search or filter, not by paging through thousands.
    """

    COUNT_CAP = 10_000

    @cached_property
    def counted(self) -> int:
        """The rows, up to one past the cap: one COUNT over a LIMIT, without the list's order
        (kept, PostgreSQL would sort every row before counting the first ones)."""
        rows = cast("QuerySet", self.object_list)  # a change list's rows are a queryset
        return rows.order_by()[: self.COUNT_CAP + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.COUNT_CAP)

    @property
    def capped(self) -> bool:
        """More rows exist than the count says."""
        return self.counted > self.COUNT_CAP

    @property
    def cap_label(self) -> str:
        return f"{self.COUNT_CAP:,}"


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on their parent's page, for reading only."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceActionMixin(admin.ModelAdmin):
    """For a ModelAdmin whose actions or object pages open an intermediate page.

    The page's template extends "admin/alma_intermediate.html" (breadcrumbs: the model's list,
    then the record when there is one, then the title) and includes
    "admin/includes/alma_form_fields.html" for its form. A domain error may carry a `field`
    attribute naming the form field it concerns; it is shown next to that field.
    """

    # -- the page

    def intermediate_context(
        self, request: HttpRequest, *, title: str, obj: Any = None, form: forms.Form | None = None, **extra
    ) -> dict[str, Any]:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "object": obj,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            **extra,
        }
        if form is not None:
            context["media"] = self.media + form.media
        return context

    def intermediate_page(self, request: HttpRequest, template: str, **context) -> TemplateResponse:
        return TemplateResponse(request, template, self.intermediate_context(request, **context))

    # -- the POST the page sends

    @staticmethod
    def check_permission(request: HttpRequest, permission: str) -> None:
        """Checked on every request to the page, the POST included: a 403 without it."""
        if not request.user.has_perm(permission):
            raise PermissionDenied

    @staticmethod
    def refuse_unless_posted(request: HttpRequest) -> HttpResponse | None:
        return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])

    @staticmethod
    def selected_ids(request: HttpRequest) -> list[int]:
        """The rows the list's checkboxes selected, as the page posts them back."""
        return [int(pk) for pk in request.POST.getlist(ACTION_CHECKBOX_NAME) if pk.isdigit()]

    def run_service(
        self,
        request: HttpRequest,
        call: Callable[[], T],
        *,
        errors: type[Exception] | tuple[type[Exception], ...],
        form: forms.Form | None = None,
        field: str | None = None,
    ) -> tuple[bool, T | None]:
        """Call the service. A domain error (one of `errors`) goes next to its field (the
        error's own `field`, else `field`), above the form when it names none, or into an error
        message when the page has no form. Returns (done, what the service returned)."""
        try:
            return True, call()
        except errors as error:
            if form is None:
                messages.error(request, str(error))
            else:
                self.show_on_form(form, error, field=field)
            return False, None

    @staticmethod
    def show_on_form(form: forms.Form, error: Exception, *, field: str | None = None) -> None:
        named = getattr(error, "field", None) or field
        form.add_error(named if named in form.fields else None, str(error))

    @staticmethod
    def run_for_each(
        request: HttpRequest,
        rows: Iterable[Row],
        call: Callable[[Row], object],
        *,
        errors: type[Exception] | tuple[type[Exception], ...],
        refused: Callable[[Row, Exception], str],
    ) -> int:
        """One service call per row, each in its own transaction (the service's): a refused
        row is a warning saying why, and the others still go. Returns how many were done."""
        done = 0
        for row in rows:
            try:
                call(row)
            except errors as error:
                messages.warning(request, refused(row, error))
            else:
                done += 1
        return done

    def service_form_view(
        self,
        request: HttpRequest,
        *,
        permission: str,
        form: forms.Form,
        service: Callable[[dict[str, Any]], T],
        errors: type[Exception] | tuple[type[Exception], ...],
        done: Callable[[T], HttpResponse],
        template: str,
        title: str,
        obj: Any = None,
        field: str | None = None,
        **extra,
    ) -> HttpResponse:
        """A page with a form that calls one service: GET shows it, POST (the permission
        checked again) validates it and calls `service(cleaned_data)`; `done(result)` answers a
        success, and anything else shows the page again with the errors beside the fields."""
        self.check_permission(request, permission)
        if request.method == "POST" and form.is_valid():
            try:
                result = service(form.cleaned_data)
            except errors as error:
                self.show_on_form(form, error, field=field)
            else:
                return done(result)
        return self.intermediate_page(request, template, title=title, obj=obj, form=form, **extra)
