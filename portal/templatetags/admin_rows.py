"""The review queue's and the provider list's rows, written in Python in one loop per page.

Both pages cost about a millisecond a row when the rows went through templates: per cell a
template lookup, a `{% url %}` (a full `reverse()`), a `|date` (Django's date formatter, ~75 µs
a value) and, on the provider list, Django admin's `items_for_result` (`lookup_field`,
`display_for_field`, a `format_html` per cell, the checkbox widget's own template). At 50 rows
that was 9-10x the floor page (issue 14, README "Performance"). Here each page:

- reverses each URL once, with a stand-in id that each row's id replaces;
- formats dates with `DateLabels`: Django's formatter, but each character of the format that
  reads only the year, the month, the day, the date or the zone is formatted once per page and
  reused (so the words come from the same translations), and the hour and minute are written
  directly;
- escapes every value with `django.utils.html.escape`, as the templates did.

The markup is the markup the templates wrote; tests/portal/test_admin_rows.py compares each row
with Django's own rendering.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import template
from django.contrib.admin.templatetags.admin_list import (
    admin_list_filter,
    items_for_result,
    result_headers,
    result_hidden_fields,
)
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.templatetags.static import static
from django.urls import reverse
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.encoding import iri_to_uri
from django.utils.formats import get_format
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext

register = template.Library()

# A stand-in primary key: reverse() once with it, then put each row's id in its place. No real
# URL of these pages contains these digits except where the id goes.
STAND_IN = 918273645

# Which part of a date-time each of Django's format characters reads (the others, such as the
# seconds or the Unix time, read the whole value).
_YEAR = frozenset("LyY")
_MONTH = frozenset("bEFmMnN")
_DAY_OF_MONTH = frozenset("djS")
_DATE = frozenset("DltwWz")  # the weekday, the week, the days in the month, the day of the year
_CLOCK = frozenset("aAfgGhHiP")
_ZONE = frozenset("eOTZ")


class DateLabels:
    """Django's `dateformat.format`, remembering each part of a format it has written on a page.

    Each format character is written once per distinct value of what it reads (the year, the
    month, the day of the month, the date, the zone) and reused; the hour-and-minute characters
    are written from the hour and the minute directly (_clock_characters), not through Django's
    formatter; anything else (seconds, the Unix time, ...) is formatted from the value each
    time. The result is what `dateformat.format(value, fmt)` gives, character for character;
    one instance serves one page (one language, one time zone).
    """

    def __init__(self) -> None:
        self._plans: dict[str, list[tuple[str, str]]] = {}
        self._done: dict[tuple, str] = {}
        self._formats: dict[str, str] = {}
        self._clock: dict[str, Callable[[int, int], str]] | None = None
        self._zone = get_current_timezone()  # the page's (the request's) zone

    def _plan(self, fmt: str) -> list[tuple[str, str]]:
        """The format as (kind, character) pairs, and ("text", literal) between them."""
        plan = self._plans.get(fmt)
        if plan is None:
            plan = []
            for index, piece in enumerate(re_formatchars.split(fmt)):
                if index % 2:
                    plan.append((next((kind for kind, chars in _KINDS if piece in chars), "all"), piece))
                elif piece:
                    plan.append(("text", re_escaped.sub(r"\1", piece)))  # backslashes undone
            self._plans[fmt] = plan
        return plan

    def format(self, value: datetime.date, fmt: str) -> str:
        out = []
        moment = value if isinstance(value, datetime.datetime) else None
        for kind, part in self._plan(fmt):
            if kind == "text":
                out.append(part)
                continue
            if kind == "clock" and moment is not None:
                # Every row has its own minute: written from the hour and minute directly.
                if self._clock is None:
                    self._clock = _clock_characters()
                out.append(self._clock[part](moment.hour, moment.minute))
                continue
            key: tuple
            if kind == "year":
                key = (part, value.year)
            elif kind == "month":
                key = (part, value.month)
            elif kind == "day of month":
                key = (part, value.day)
            elif kind == "date":
                key = (part, value.year, value.month, value.day)
            elif kind == "zone" and moment is not None:
                # Django writes no zone for a wall-clock time that is ambiguous or skipped (a
                # DST change): the offset the other fold would have tells those apart.
                other = moment.replace(fold=1 - moment.fold).utcoffset()
                key = (part, moment.tzinfo, moment.utcoffset(), moment.dst(), other)
            else:
                out.append(DateFormat(value).format(part))
                continue
            label = self._done.get(key)
            if label is None:
                label = self._done[key] = DateFormat(value).format(part)
            out.append(label)
        return "".join(out)

    def local(self, value: datetime.datetime, fmt: str) -> str:
        """`{{ value|date:fmt }}` (fmt a format or a format setting's name): in the current zone."""
        resolved = self._formats.get(fmt)
        if resolved is None:
            resolved = self._formats[fmt] = get_format(fmt)
        # localtime(value), for the aware values the models hold, without its checks each time.
        return self.format(value.astimezone(self._zone), resolved)


_KINDS = (
    ("year", _YEAR),
    ("month", _MONTH),
    ("day of month", _DAY_OF_MONTH),
    ("date", _DATE),
    ("clock", _CLOCK),
    ("zone", _ZONE),
)


def _clock_characters() -> dict[str, Callable[[int, int], str]]:
    """Django's TimeFormat for each hour-and-minute character (_CLOCK), as a function of the hour
    and the minute, with its words ("a.m.", "noon", ...) translated once.
    tests/portal/test_admin_rows.py compares them with Django's on every minute of a day."""
    am_pm = (gettext("a.m."), gettext("p.m."))
    upper = (gettext("AM"), gettext("PM"))
    midnight, noon = gettext("midnight"), gettext("noon")

    def f(hour: int, minute: int) -> str:
        twelve = hour % 12 or 12
        return f"{twelve}:{minute:02d}" if minute else str(twelve)

    def p(hour: int, minute: int) -> str:
        if (hour, minute) == (0, 0):
            return midnight
        if (hour, minute) == (12, 0):
            return noon
        return f"{f(hour, minute)} {am_pm[hour > 11]}"

    return {
        "a": lambda hour, _minute: am_pm[hour > 11],
        "A": lambda hour, _minute: upper[hour > 11],
        "f": f,
        "g": lambda hour, _minute: str(hour % 12 or 12),
        "G": lambda hour, _minute: str(hour),
        "h": lambda hour, _minute: f"{hour % 12 or 12:02d}",
        "H": lambda hour, _minute: f"{hour:02d}",
        "i": lambda _hour, minute: f"{minute:02d}",
        "P": p,
    }


# ---------------------------------------------------------------------------------------------
# The review queue (templates/admin/onboarding/reviewqueue/queue.html)


@register.simple_tag
def review_queue_rows(queue, rows) -> SafeString:
    """The queue's table rows: provider, form, round, submitted, waiting, due, the two decisions.

    `rows` are (QueuedSubmission, the form's admin URL) pairs, as the view builds them.
    """
    labels = DateLabels()
    when = "D j M Y, H:i T"
    provider_url = reverse("admin:onboarding_provider_change", args=[STAND_IN])
    stand_in = str(STAND_IN)
    decision_urls: dict[Any, tuple[str, ...]] = {}
    back = f"&amp;page={queue.number}" if queue.number > 1 else ""
    alert = escape(static("admin/img/icon-alert.svg"))
    out = []
    for item, form_admin_url in rows:
        form = item.form
        urls = decision_urls.get(form)
        if urls is None:
            urls = decision_urls[form] = tuple(
                escape(reverse(f"admin:onboarding_reviewqueue_{name}", args=[STAND_IN, form]))
                for name in ("approve", "request_changes")
            )
        provider_id = str(item.provider_id)
        name = escape(item.provider_name)
        form_label = escape(form.label)
        query = f"?round={item.round}{back}"
        approve, request_changes = (url.replace(stand_in, provider_id) + query for url in urls)
        overdue_attr = ' data-overdue="true"' if item.overdue else ""
        overdue_flag = (
            f'<br><strong data-testid="overdue"><img src="{alert}" alt=""> Overdue</strong>'
            if item.overdue
            else ""
        )
        resubmitted = ' <span class="quiet">(resubmitted)</span>' if item.round > 1 else ""
        out.append(
            f'<tr data-testid="queue-row" data-form="{escape(form)}" data-provider="{provider_id}" '
            f'data-round="{item.round}"{overdue_attr}>\n'
            f'            <th scope="row"><a href="{escape(provider_url.replace(stand_in, provider_id))}">'
            f'{name}</a><br><span class="quiet">{escape(item.provider_email)}</span></th>\n'
            f'            <td><a href="{escape(form_admin_url)}">{form_label}</a></td>\n'
            f"            <td>{item.round}{resubmitted}</td>\n"
            f"            <td>{escape(labels.local(item.submitted_at, when))}</td>\n"
            f"            <td>{escape(item.waiting_label)}{overdue_flag}</td>\n"
            f"            <td>{escape(labels.local(item.review_due_at, when))}</td>\n"
            "            <td>\n"
            f'              <a class="button default" data-action="approve" href="{approve}" '
            f'aria-label="Approve the {form_label} of {name}">Approve</a>\n'
            f'              <a class="button" data-action="request-changes" href="{request_changes}" '
            f'aria-label="Request changes on the {form_label} of {name}">Request changes</a>\n'
            "            </td>\n"
            "          </tr>\n"
        )
    # Every value above is escaped (f-strings: a format_html per cell was most of the cost).
    return mark_safe("".join(out))  # noqa: S308


# ---------------------------------------------------------------------------------------------
# A changelist's rows (the provider list): Django admin's result_list, cells written in Python


Cell = tuple[str, str]  # a cell's class names and its escaped HTML


def _cell_writer(  # noqa: PLR0911 (one return per kind of column, as Django's display_for_field)
    cl: ChangeList, field_name: str, labels: DateLabels
) -> Callable[[Any], Cell | None] | None:
    """How to write one column's cells (object -> class names and escaped HTML), decided once per
    column, with Django's rules (admin.utils.display_for_field / display_for_value, and
    items_for_result's class names). None for a column Django must write itself."""
    model_admin = cl.model_admin
    empty = escape(model_admin.get_empty_value_display())
    css = f"field-{field_name}"
    if field_name == "action_checkbox":
        select = gettext("Select this object for an action - {}")
        return lambda obj: (
            "action-checkbox",
            (
                f'<input type="checkbox" name="_selected_action" value="{escape(obj.pk)}" '
                f'class="action-select" aria-label="{escape(select.format(str(obj)))}">'
            ),
        )
    field: Any  # a concrete model field here: relations are left to Django just below
    try:
        field = cl.lookup_opts.get_field(field_name)
    except FieldDoesNotExist:
        field = None
    if field is not None:
        if field.is_relation or isinstance(field, models.BooleanField):
            return None
        attname, blank = field.attname, field.empty_values
        if field.flatchoices:
            shown = {code: escape(label) for code, label in field.flatchoices}
            return lambda obj: (css, shown.get(getattr(obj, attname), empty))
        if isinstance(field, models.DateTimeField):
            wide = f"{css} nowrap"
            return lambda obj: (
                wide,
                empty
                if getattr(obj, attname) in blank
                else escape(labels.local(getattr(obj, attname), "DATETIME_FORMAT")),
            )
        if isinstance(field, models.DateField):
            wide, day = f"{css} nowrap", get_format("DATE_FORMAT")
            return lambda obj: (
                wide,
                empty
                if getattr(obj, attname) in blank
                else escape(labels.format(getattr(obj, attname), day)),
            )
        if isinstance(field, (models.CharField, models.TextField)):
            return lambda obj: (
                css,
                empty
                if getattr(obj, attname) in blank or not str(getattr(obj, attname)).strip()
                else escape(getattr(obj, attname)),
            )
        return None
    method = getattr(model_admin, field_name, None)
    if not callable(method) or getattr(method, "boolean", False):
        return None
    # A list_display method: plain values only (a date, a date-time, text); a value of another
    # kind (None from write() below) leaves the list to Django, so its own rules apply.
    day, wide = get_format("DATE_FORMAT"), f"{css} nowrap"

    def write(obj) -> Cell | None:
        value = method(obj)
        if isinstance(value, datetime.datetime):
            return wide, escape(labels.local(value, "DATETIME_FORMAT"))
        if isinstance(value, datetime.date):
            return wide, escape(labels.format(value, day))
        if value is None or (isinstance(value, str) and not value.strip()):
            return css, empty
        if type(value) is str:
            return css, escape(value)
        return None

    return write


def _django_rows(cl: ChangeList) -> list[SafeString]:
    return [mark_safe("".join(items_for_result(cl, result, None))) for result in cl.result_list]  # noqa: S308


def lean_results(cl: ChangeList) -> list[SafeString]:
    """Each result's <tr> content, equal to Django's items_for_result joined; written in Python.

    The list_display_links columns link to the change page, with the list's filters preserved,
    the first of them a row header (<th>), as Django writes them. A column this does not know, a
    list_editable form or a popup leave the whole list to Django.
    """
    links = cl.list_display_links
    if cl.formset or cl.is_popup or cl.to_field or not links:
        return _django_rows(cl)
    labels = DateLabels()
    writers = [_cell_writer(cl, name, labels) if isinstance(name, str) else None for name in cl.list_display]
    if any(writer is None for writer in writers):
        return _django_rows(cl)
    from django.contrib.admin.templatetags.admin_urls import add_preserved_filters  # noqa: PLC0415

    change_url = add_preserved_filters(
        {"preserved_filters": cl.preserved_filters, "opts": cl.opts},
        reverse(
            f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
            args=(STAND_IN,),
            current_app=cl.model_admin.admin_site.name,
        ),
    )
    before, _, after = escape(change_url).partition(str(STAND_IN))
    linked = [name in links for name in cl.list_display]
    row_header = linked.index(True) if True in linked else -1
    rows = []
    for result in cl.result_list:
        cells = []
        for index, write in enumerate(writers):
            cell = write(result)  # type: ignore[misc]
            if cell is None:  # a method's value of a kind Django writes itself
                return _django_rows(cl)
            classes, html = cell
            if linked[index]:
                tag = "th" if index == row_header else "td"
                link = f'<a href="{before}{escape(result.pk)}{after}">{html}</a>'
                cells.append(f'<{tag} class="{classes}">{link}</{tag}>')
            else:
                cells.append(f'<td class="{classes}">{html}</td>')
        rows.append(mark_safe("".join(cells)))  # noqa: S308 - every value escaped above
    return rows


def lean_result_list(cl: ChangeList) -> dict:
    """Django's result_list context, its rows from lean_results."""
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": lean_results(cl),
    }


@register.tag(name="lean_result_list")
def lean_result_list_tag(parser, token):
    """`{% lean_result_list cl %}`: Django's `{% result_list cl %}` with rows written in Python."""
    return InclusionAdminNode(
        parser,
        token,
        func=lean_result_list,
        template_name="lean_change_list_results.html",
        takes_context=False,
    )


# ---------------------------------------------------------------------------------------------
# A changelist's filters: Django admin's admin_list_filter, written in Python


@register.simple_tag
def lean_list_filter(cl: ChangeList, spec: Any) -> SafeString:
    """`{% admin_list_filter cl spec %}` for a filter drawn with Django's admin/filter.html: its
    markup, character for character, written in Python (the provider list's five filters offer
    about 85 links, which cost more through the template than all the rows). A filter with a
    template of its own goes through Django."""
    if spec.template != "admin/filter.html":
        return admin_list_filter(cl, spec)
    title = conditional_escape(spec.title)
    # {% blocktranslate %}: the sentence translated, the title in it escaped.
    summary = gettext(" By %(filter_title)s ") % {"filter_title": title}
    selected = ' class="selected"'
    items = "".join(
        f"\n    <li{selected if choice['selected'] else ''}>\n"
        f'    <a href="{conditional_escape(iri_to_uri(choice["query_string"]))}">'
        f"{conditional_escape(choice['display'])}</a></li>\n  "
        for choice in spec.choices(cl)
    )
    return mark_safe(  # noqa: S308 - every value escaped above
        f'\n<details data-filter-title="{title}" open>\n  <summary>\n    {summary}\n  </summary>\n'
        f"  <ul>\n  {items}\n  </ul>\n</details>\n"
    )
