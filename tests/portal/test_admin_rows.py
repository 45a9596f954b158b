# ruff: noqa: E501 - the reference templates below are kept as Django wrote them, one line each
"""The review queue's and the provider list's rows, written in Python (portal/templatetags/
admin_rows.py), show staff exactly what the templates showed: the same dates in the same words,
the same links, labels and escaping."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.contrib.admin.templatetags.admin_list import admin_list_filter, items_for_result
from django.template import Context, Template
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.formats import get_format

from onboarding.models import MembershipAgreement, Provider
from portal.templatetags.admin_rows import DateLabels, lean_list_filter, lean_results
from tests.credentialing_factories import PayerFactory
from tests.factories import ProviderFactory, submit_general_onboarding, submit_insurance_form
from tests.helpers import element, elements, new_york, staff_user

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")

MOMENTS = [
    new_york(2026, 11, 1, 0, 0),  # midnight, on the day clocks go back
    new_york(2026, 11, 1, 1, 30),  # 1:30 EDT, before the change
    new_york(2026, 11, 1, 1, 30).astimezone(dt.UTC) + dt.timedelta(hours=1),  # 1:30 again, EST
    new_york(2026, 3, 8, 2, 30),  # a wall-clock time that never happened (Django shows no zone)
    new_york(2026, 3, 8, 3, 0),  # just after clocks go forward
    new_york(2026, 12, 2, 12, 0),  # noon
    new_york(2026, 12, 2, 12, 5, 9),
    new_york(2027, 1, 1, 23, 59, 59),
    dt.datetime(2026, 7, 4, 16, 45, tzinfo=dt.UTC),  # shown in the company zone
]
FORMATS = [
    "DATETIME_FORMAT",
    "D j M Y, H:i T",  # the review queue's
    "DATE_FORMAT",
    r"l \t\h\e jS \o\f F Y, g:i:s A e O",  # escapes, seconds, zone names and offsets
    "c U",  # the whole value each time
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_date_labels_write_what_djangos_date_filter_writes(fmt):
    labels = DateLabels()  # one for every moment: its remembered parts must never leak
    for moment in MOMENTS * 2:
        expected = formats.date_format(timezone.template_localtime(moment), fmt)
        assert labels.local(moment, fmt) == expected, (moment, fmt)
    for day in (dt.date(2026, 2, 28), dt.date(2028, 2, 29), dt.date(2026, 9, 1)):
        assert labels.format(day, get_format("DATE_FORMAT")) == dateformat.format(
            day, get_format("DATE_FORMAT")
        )


@pytest.mark.parametrize("fmt", ["P", "H:i", r"g:i A \a\t f a", "h G"])
def test_date_labels_write_every_minute_of_a_day_as_django_does(fmt):
    # The hour-and-minute parts are written without Django's formatter: every minute of a day,
    # midnight and noon among them, in formats using each of those characters.
    labels = DateLabels()
    start = new_york(2026, 6, 15, 0, 0)
    for minute in range(24 * 60):
        moment = start + dt.timedelta(minutes=minute)
        assert labels.local(moment, fmt) == dateformat.format(moment, fmt), moment


@pytest.mark.parametrize("fmt", ["N j, Y", r"D, jS F Y \w\e\e\k W, t \d\a\y\s, L z b E o"])
def test_date_labels_write_every_day_of_two_years_as_django_does(fmt):
    # Each character is remembered by what it reads (the year, the month, the day of the month,
    # the date): one instance for 731 days, a leap year among them, must never mix them up.
    labels = DateLabels()
    for offset in range(731):
        day = dt.date(2027, 1, 1) + dt.timedelta(days=offset)
        assert labels.format(day, fmt) == dateformat.format(day, fmt), day


# The queue's rows as the template wrote them, cell by cell, before they were written in Python.
FORMER_QUEUE_ROWS = Template(
    """{% load static %}{% for item, form_admin_url in rows %}<tr data-testid="queue-row" data-form="{{ item.form }}" data-provider="{{ item.provider_id }}" data-round="{{ item.round }}"{% if item.overdue %} data-overdue="true"{% endif %}>
            <th scope="row"><a href="{% url 'admin:onboarding_provider_change' item.provider_id %}">{{ item.provider_name }}</a><br><span class="quiet">{{ item.provider_email }}</span></th>
            <td><a href="{{ form_admin_url }}">{{ item.form.label }}</a></td>
            <td>{{ item.round }}{% if item.round > 1 %} <span class="quiet">(resubmitted)</span>{% endif %}</td>
            <td>{{ item.submitted_at|date:"D j M Y, H:i T" }}</td>
            <td>{{ item.waiting_label }}{% if item.overdue %}<br><strong data-testid="overdue"><img src="{% static 'admin/img/icon-alert.svg' %}" alt=""> Overdue</strong>{% endif %}</td>
            <td>{{ item.review_due_at|date:"D j M Y, H:i T" }}</td>
            <td>
              <a class="button default" data-action="approve" href="{% url 'admin:onboarding_reviewqueue_approve' item.provider_id item.form %}?round={{ item.round }}{% if queue.number > 1 %}&amp;page={{ queue.number }}{% endif %}" aria-label="Approve the {{ item.form.label }} of {{ item.provider_name }}">Approve</a>
              <a class="button" data-action="request-changes" href="{% url 'admin:onboarding_reviewqueue_request_changes' item.provider_id item.form %}?round={{ item.round }}{% if queue.number > 1 %}&amp;page={{ queue.number }}{% endif %}" aria-label="Request changes on the {{ item.form.label }} of {{ item.provider_name }}">Request changes</a>
            </td>
          </tr>
{% endfor %}"""
)


@pytest.mark.django_db
@pytest.mark.parametrize("page", [1, 2])
def test_the_queue_rows_are_the_rows_the_template_wrote(client, monkeypatch, page):
    monkeypatch.setattr("portal.selectors.QUEUE_PAGE_SIZE", 3)
    # Over a weekend and the DST change, so rows are overdue, not yet, EDT and EST.
    for day, name in enumerate(["Ann O'Brien & Co", "<b>Bo</b> Li", "Cy Dee", "Di Eve"]):
        with time_machine.travel(new_york(2026, 10, 30, 9, 0) + dt.timedelta(days=day), tick=False):
            provider = ProviderFactory(legal_name=name)
            submit_general_onboarding(provider)
            if day == 1:
                submit_insurance_form(provider)
    client.force_login(staff_user("reviewer@alma.test", "review_onboarding_forms", "view_provider"))
    with time_machine.travel(new_york(2026, 11, 3, 12, 0), tick=False):
        response = client.get(reverse("admin:onboarding_reviewqueue_changelist") + f"?page={page}")
    assert response.status_code == 200
    context = response.context
    shown = elements(response.text, "tr[data-testid=queue-row]")
    assert shown, "no rows shown"
    with timezone.override(NEW_YORK):
        expected = FORMER_QUEUE_ROWS.render(Context({"rows": context["rows"], "queue": context["queue"]}))
    assert "".join(row.strip() for row in expected.split("\n")) in "".join(
        line.strip() for line in response.text.split("\n")
    )
    assert "O&#x27;Brien &amp; Co" in response.text or page == 2
    assert "<b>Bo</b>" not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?o=1", "?license_type=LCSW&o=-5"])
def test_the_provider_list_rows_are_the_rows_django_writes(client, query):
    for n, name in enumerate(["Ann O'Brien & Co", "<b>Bo</b> Li", "Cy Dee"]):
        with time_machine.travel(new_york(2026, 11, 1, 0, 30) + dt.timedelta(hours=7 * n), tick=False):
            ProviderFactory(legal_name=name, email=f"p{n}@example.com")
    # A provider without an agreement shows the empty value where the signing date goes.
    MembershipAgreement.objects.filter(provider__legal_name="Cy Dee").delete()
    client.force_login(staff_user("lists@alma.test", "view_provider", "change_provider"))
    response = client.get(reverse("admin:onboarding_provider_changelist") + query)
    assert response.status_code == 200
    cl = response.context["cl"]
    assert len(cl.result_list) == 3
    ours = lean_results(cl)
    djangos = ["".join(items_for_result(cl, result, None)) for result in cl.result_list]
    assert len(ours) == len(djangos)
    for our_row, djangos_row in zip(ours, djangos, strict=True):
        at = next((i for i, (a, b) in enumerate(zip(our_row, djangos_row, strict=False)) if a != b), None)
        assert our_row == djangos_row, (our_row[at - 80 : at + 80], djangos_row[at - 80 : at + 80])
    for row in ours:
        assert f"<tr>{row}</tr>" in response.text
    assert "&lt;b&gt;Bo&lt;/b&gt; Li" in response.text
    # Still sortable by name, step date and start date, and still a table with column headers.
    headers = elements(element(response.text, "table#result_list"), "th[scope=col]")
    assert len(headers) == 8  # the select-all box and the seven columns
    assert sum('class="sortable' in th for th in headers) == 3
    assert Provider.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["", "?state=NY", "?payer={payer}&q=O%27Brien&o=1", "?onboarding_step=general_onboarding"]
)
def test_the_provider_lists_filters_are_the_filters_django_writes(client, query):
    # Every filter, with nothing chosen and with a choice made (the chosen link marked, the
    # others keeping the rest of the query), is Django's markup; and the page shows them.
    ProviderFactory(legal_name="Ann O'Brien & Co")
    payer = PayerFactory(name="Aetna <Better Health>")
    client.force_login(staff_user("lists@alma.test", "view_provider"))
    response = client.get(reverse("admin:onboarding_provider_changelist") + query.format(payer=payer.pk))
    assert response.status_code == 200
    cl = response.context["cl"]
    assert len(cl.filter_specs) == 5
    for spec in cl.filter_specs:
        ours, djangos = lean_list_filter(cl, spec), admin_list_filter(cl, spec)
        at = next((i for i, (a, b) in enumerate(zip(ours, djangos, strict=False)) if a != b), len(ours))
        assert ours == djangos, (
            spec.title,
            ours[max(0, at - 80) : at + 80],
            djangos[max(0, at - 80) : at + 80],
        )
        assert ours in response.text
    assert "Aetna &lt;Better Health&gt;" in element(response.text, "nav#changelist-filter")
