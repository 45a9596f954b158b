"""Payer applications: the status rules, the audit history, network dates, programs, and the
staff actions in admin."""

import datetime as dt
import importlib
from html import unescape

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from credentialing import selectors
from credentialing.errors import (
    AlreadyEnrolled,
    CredentialingError,
    DecisionDetailsMissing,
    InvalidApplicationTransition,
    NotEnrolled,
    PayerNotAccepting,
    PayerNotApproved,
)
from credentialing.models import (
    ApplicationStatus,
    Payer,
    PayerApplication,
    PayerApplicationEvent,
    Program,
    ProgramEnrollment,
)
from credentialing.services import applications as services
from tests.credentialing_factories import PayerFactory, ProgramFactory, make_application
from tests.factories import ProviderFactory
from tests.helpers import count_queries, staff_user

pytestmark = pytest.mark.django_db

S = ApplicationStatus
EFFECTIVE = dt.date(2027, 1, 4)

# The moves PRODUCT.md allows, written out here as the specification (not read from the code):
# requested -> submitted -> approved | denied; withdrawn when the provider unenrolls; a denied or
# withdrawn application may be requested again.
LEGAL = {
    (S.REQUESTED, S.SUBMITTED),
    (S.REQUESTED, S.WITHDRAWN),
    (S.SUBMITTED, S.APPROVED),
    (S.SUBMITTED, S.DENIED),
    (S.SUBMITTED, S.WITHDRAWN),
    (S.APPROVED, S.WITHDRAWN),
    (S.DENIED, S.REQUESTED),
    (S.WITHDRAWN, S.REQUESTED),
}
ILLEGAL = sorted({(a, b) for a in S.values for b in S.values} - LEGAL)


@pytest.fixture
def payer(db):
    return PayerFactory(name="Evergreen Health")


def attempt(to_status, *, application, actor):
    """Ask for a move through the service that makes it."""
    match to_status:
        case S.REQUESTED:
            return services.application_request(
                provider=application.provider, payer=application.payer, actor=actor
            )
        case S.SUBMITTED:
            return services.application_submit(application=application, actor=actor)
        case S.APPROVED:
            return services.application_approve(
                application=application, effective_date=EFFECTIVE, actor=actor
            )
        case S.DENIED:
            return services.application_deny(application=application, reason="Panel closed", actor=actor)
        case S.WITHDRAWN:
            return services.application_withdraw(application=application, actor=actor)
    raise AssertionError(to_status)


def snapshot(application):
    row = PayerApplication.objects.filter(pk=application.pk).values().get()
    events = list(PayerApplicationEvent.objects.filter(application=application).values_list("pk", flat=True))
    return row, events


def test_the_service_table_is_the_specified_one():
    allowed = {(a, b) for a, targets in services.TRANSITIONS.items() if a for b in targets}
    assert allowed == LEGAL
    assert services.TRANSITIONS[""] == {S.REQUESTED}


@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_an_illegal_move_is_refused_and_changes_nothing(provider, payer, staff, from_status, to_status):
    application = make_application(
        provider=provider, payer=payer, status=from_status, effective_date=EFFECTIVE
    )
    before = snapshot(application)
    with pytest.raises(InvalidApplicationTransition) as refused:
        attempt(to_status, application=application, actor=staff)
    assert isinstance(refused.value, CredentialingError)  # what views and admin catch
    assert snapshot(application) == before
    # The refusal names where the application stands, in words shown to people.
    assert S(from_status).label in str(refused.value)
    assert str(payer) in str(refused.value)


@pytest.mark.parametrize(("from_status", "to_status"), sorted(LEGAL))
def test_a_legal_move_writes_exactly_one_audit_row(provider, payer, staff, from_status, to_status):
    application = make_application(
        provider=provider, payer=payer, status=from_status, effective_date=EFFECTIVE
    )
    events_before = set(PayerApplicationEvent.objects.values_list("pk", flat=True))
    now = timezone.now() + dt.timedelta(minutes=5)
    moved = attempt(to_status, application=application, actor=staff)
    application.refresh_from_db()
    assert moved.pk == application.pk  # one row per provider and payer, whatever the history
    assert application.status == to_status
    [event] = PayerApplicationEvent.objects.exclude(pk__in=events_before)
    assert (event.application, event.actor, event.from_status, event.to_status) == (
        application,
        staff,
        from_status,
        to_status,
    )
    assert event.occurred_at <= now


def test_the_first_request_is_audited_as_new_to_requested(provider, payer):
    application = services.application_request(provider=provider, payer=payer, actor=provider.user)
    assert application.status == S.REQUESTED
    assert [(e.from_status, e.to_status, e.actor) for e in application.events.all()] == [
        ("", S.REQUESTED, provider.user)
    ]


def test_approval_needs_an_effective_date(provider, payer, staff):
    application = make_application(provider=provider, payer=payer, status=S.SUBMITTED)
    before = snapshot(application)
    with pytest.raises(DecisionDetailsMissing, match="effective date"):
        services.application_approve(application=application, effective_date=None, actor=staff)
    assert snapshot(application) == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_denial_needs_a_reason(provider, payer, staff, reason):
    application = make_application(provider=provider, payer=payer, status=S.SUBMITTED)
    before = snapshot(application)
    with pytest.raises(DecisionDetailsMissing, match="reason"):
        services.application_deny(application=application, reason=reason, actor=staff)
    assert snapshot(application) == before


def test_approval_and_denial_keep_their_details(provider, payer, staff):
    approved = make_application(provider=provider, payer=payer, status=S.APPROVED, effective_date=EFFECTIVE)
    assert approved.effective_date == EFFECTIVE
    assert approved.events.last().note == "Effective 2027-01-04."

    other = PayerFactory()
    denied = make_application(provider=provider, payer=other, status=S.DENIED, reason="Network full in NY")
    assert denied.denial_reason == "Network full in NY"
    assert denied.decided_at is not None
    assert denied.events.last().note == "Network full in NY"


def test_requesting_again_after_a_denial_reopens_the_row_and_keeps_the_history(provider, payer):
    denied = make_application(provider=provider, payer=payer, status=S.DENIED, reason="Network full in NY")
    again = services.application_request(provider=provider, payer=payer, actor=provider.user)
    assert again.pk == denied.pk
    again.refresh_from_db()
    assert (again.status, again.submitted_at, again.decided_at, again.denial_reason) == (
        S.REQUESTED,
        None,
        None,
        "",
    )
    history = [(e.from_status, e.to_status, e.note) for e in again.events.all()]
    assert history == [
        ("", S.REQUESTED, ""),
        (S.REQUESTED, S.SUBMITTED, ""),
        (S.SUBMITTED, S.DENIED, "Network full in NY"),
        (S.DENIED, S.REQUESTED, ""),
    ]


def test_an_inactive_payer_takes_no_new_requests(provider, payer):
    Payer.objects.filter(pk=payer.pk).update(is_active=False)
    payer.refresh_from_db()
    with pytest.raises(PayerNotAccepting):
        services.application_request(provider=provider, payer=payer, actor=provider.user)
    assert not PayerApplication.objects.filter(provider=provider).exists()


def test_effective_start_date_follows_approvals_and_withdrawals(provider, staff):
    first, second, third = PayerFactory.create_batch(3)
    assert selectors.effective_start_date(provider) is None

    later = make_application(
        provider=provider, payer=first, status=S.APPROVED, effective_date=dt.date(2027, 3, 1)
    )
    assert selectors.effective_start_date(provider) == dt.date(2027, 3, 1)
    earlier = make_application(
        provider=provider, payer=second, status=S.APPROVED, effective_date=dt.date(2027, 2, 1)
    )
    assert selectors.effective_start_date(provider) == dt.date(2027, 2, 1)
    make_application(provider=provider, payer=third, status=S.SUBMITTED)  # not approved: no effect
    assert selectors.effective_start_date(provider) == dt.date(2027, 2, 1)

    services.application_withdraw(application=earlier, actor=provider.user)
    assert selectors.effective_start_date(provider) == dt.date(2027, 3, 1)
    services.application_withdraw(application=later, actor=provider.user)
    assert selectors.effective_start_date(provider) is None
    # Another provider's approvals are not this provider's.
    assert selectors.effective_start_date(ProviderFactory()) is None


@pytest.mark.parametrize(
    ("days_from_effective", "expected"), [(-1, False), (0, True), (1, True), (400, True)]
)
def test_in_network_from_the_effective_date_on(provider, payer, days_from_effective, expected):
    make_application(provider=provider, payer=payer, status=S.APPROVED, effective_date=EFFECTIVE)
    on = EFFECTIVE + dt.timedelta(days=days_from_effective)
    assert selectors.in_network(provider, payer, on) is expected
    assert (payer in selectors.payers_in_effect(provider, on)) is expected


def test_in_network_only_with_the_payer_that_approved_and_only_while_approved(provider, payer):
    other = PayerFactory()
    application = make_application(
        provider=provider, payer=payer, status=S.APPROVED, effective_date=EFFECTIVE
    )
    make_application(provider=provider, payer=other, status=S.SUBMITTED)
    later = EFFECTIVE + dt.timedelta(days=30)
    assert selectors.in_network(provider, payer, later)
    assert not selectors.in_network(provider, other, later)
    assert list(selectors.payers_in_effect(provider, later)) == [payer]
    assert not selectors.in_network(ProviderFactory(), payer, later)

    services.application_withdraw(application=application, actor=provider.user)
    assert not selectors.in_network(provider, payer, later)
    assert list(selectors.payers_in_effect(provider, later)) == []


def test_an_application_is_overdue_45_days_after_submission(provider, staff):
    now = timezone.now()
    late, due_today, decided = PayerFactory.create_batch(3)
    late_app = make_application(
        provider=provider, payer=late, status=S.SUBMITTED, submitted_at=now - dt.timedelta(days=45, minutes=1)
    )
    on_time = make_application(
        provider=provider,
        payer=due_today,
        status=S.SUBMITTED,
        submitted_at=now - dt.timedelta(days=44, hours=23),
    )
    old_decided = make_application(
        provider=provider, payer=decided, status=S.SUBMITTED, submitted_at=now - dt.timedelta(days=90)
    )
    services.application_approve(application=old_decided, effective_date=EFFECTIVE, actor=staff)

    assert list(selectors.applications_overdue(now)) == [late_app]
    assert selectors.expected_decision_at(on_time.submitted_at) == on_time.submitted_at + dt.timedelta(
        days=45
    )
    # A day later the other one is overdue too.
    assert set(selectors.applications_overdue(now + dt.timedelta(days=1))) == {late_app, on_time}


@pytest.mark.parametrize("status", [None, S.REQUESTED, S.SUBMITTED, S.DENIED, S.WITHDRAWN])
def test_program_enrollment_is_refused_until_the_payer_approves(provider, payer, status):
    program = ProgramFactory(payer=payer, name="Evergreen EAP")
    if status:
        make_application(provider=provider, payer=payer, status=status)
    with pytest.raises(PayerNotApproved, match="Evergreen Health"):
        services.program_enroll(provider=provider, program=program, actor=provider.user)
    assert not ProgramEnrollment.objects.filter(provider=provider).exists()


def test_enroll_leave_and_enroll_again_once_approved(provider, payer):
    program = ProgramFactory(payer=payer)
    make_application(provider=provider, payer=payer, status=S.APPROVED)

    first = services.program_enroll(provider=provider, program=program, actor=provider.user)
    assert first.left_at is None
    with pytest.raises(AlreadyEnrolled):
        services.program_enroll(provider=provider, program=program, actor=provider.user)

    services.program_leave(provider=provider, program=program, actor=provider.user)
    first.refresh_from_db()
    assert first.left_at is not None
    with pytest.raises(NotEnrolled):
        services.program_leave(provider=provider, program=program, actor=provider.user)

    services.program_enroll(provider=provider, program=program, actor=provider.user)
    assert ProgramEnrollment.objects.filter(provider=provider, program=program).count() == 2
    assert ProgramEnrollment.objects.filter(provider=provider, left_at__isnull=True).count() == 1


def test_withdrawing_ends_the_enrollments_in_that_payers_programs_only(provider, payer):
    eap, other_eap = ProgramFactory(payer=payer, name="Evergreen EAP"), ProgramFactory(name="Other EAP")
    application = make_application(provider=provider, payer=payer, status=S.APPROVED)
    make_application(provider=provider, payer=other_eap.payer, status=S.APPROVED)
    services.program_enroll(provider=provider, program=eap, actor=provider.user)
    services.program_enroll(provider=provider, program=other_eap, actor=provider.user)
    someone_else = ProviderFactory()
    make_application(provider=someone_else, payer=payer, status=S.APPROVED)
    services.program_enroll(provider=someone_else, program=eap, actor=someone_else.user)

    withdrawn = services.application_withdraw(application=application, actor=provider.user)

    active = ProgramEnrollment.objects.filter(left_at__isnull=True)
    assert set(active.values_list("provider", "program")) == {
        (provider.pk, other_eap.pk),
        (someone_else.pk, eap.pk),
    }
    assert withdrawn.events.last().note == "Left Evergreen EAP."
    with pytest.raises(PayerNotApproved):
        services.program_enroll(provider=provider, program=eap, actor=provider.user)


def test_bulk_moves_cost_the_same_at_3_and_20_rows(payer, staff, django_assert_num_queries):
    def approve_batch(n):
        ids = [
            make_application(provider=ProviderFactory(), payer=payer, status=S.SUBMITTED).pk for _ in range(n)
        ]
        with CaptureQueriesContext(connection) as queries:
            outcome = services.application_approve_many(
                application_ids=ids, effective_date=EFFECTIVE, actor=staff
            )
        assert len(outcome.moved) == n
        return len(queries)

    at_3 = approve_batch(3)
    assert approve_batch(20) == at_3
    # savepoint, lock, update, insert the events, insert the "approved" emails, release
    assert at_3 <= 6
    assert PayerApplicationEvent.objects.filter(to_status=S.APPROVED, actor=staff).count() == 23


def test_a_bulk_move_moves_the_rows_it_can_and_reports_the_others(payer, staff):
    submitted = make_application(provider=ProviderFactory(), payer=payer, status=S.SUBMITTED)
    denied = make_application(provider=ProviderFactory(legal_name="Dana Reyes"), payer=payer, status=S.DENIED)
    outcome = services.application_approve_many(
        application_ids=[submitted.pk, denied.pk], effective_date=EFFECTIVE, actor=staff
    )
    assert [a.pk for a in outcome.moved] == [submitted.pk]
    [(refused, problem)] = outcome.refused
    assert refused.pk == denied.pk
    assert problem == "Dana Reyes's application with Evergreen Health is Denied; it cannot be approved."
    denied.refresh_from_db()
    assert denied.status == S.DENIED
    assert not denied.events.filter(to_status=S.APPROVED).exists()


# ---- admin


def many_applications(n):
    payers = PayerFactory.create_batch(3)
    for i in range(n):
        provider = ProviderFactory()
        application = make_application(
            provider=provider, payer=payers[i % 3], status=[S.SUBMITTED, S.APPROVED, S.REQUESTED][i % 3]
        )
        if application.status == S.APPROVED:
            program = ProgramFactory(payer=application.payer)
            services.program_enroll(provider=provider, program=program, actor=provider.user)


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:credentialing_payerapplication_changelist",
        "admin:credentialing_payer_changelist",
        "admin:credentialing_program_changelist",
        "admin:credentialing_programenrollment_changelist",
    ],
)
def test_admin_lists_cost_the_same_at_5_and_50_rows(admin_client, changelist, django_assert_num_queries):
    url = reverse(changelist)
    many_applications(5)
    at_5 = count_queries(admin_client, url)
    many_applications(45)
    assert count_queries(admin_client, url) == at_5
    with django_assert_num_queries(at_5):
        admin_client.get(url)
    assert at_5 <= 8


def test_the_application_list_shows_days_waiting_and_flags_overdue_ones(admin_client, payer):
    now = timezone.now()
    late = make_application(
        provider=ProviderFactory(legal_name="Late Larkin"),
        payer=payer,
        status=S.SUBMITTED,
        submitted_at=now - dt.timedelta(days=50),
    )
    make_application(
        provider=ProviderFactory(legal_name="Prompt Parker"),
        payer=payer,
        status=S.SUBMITTED,
        submitted_at=now - dt.timedelta(days=10),
    )
    url = reverse("admin:credentialing_payerapplication_changelist")
    page = admin_client.get(url)
    rows = {r.provider.legal_name: r for r in page.context["cl"].result_list}
    admin_view = page.context["cl"].model_admin
    assert admin_view.days_waiting(rows["Late Larkin"]) == 50
    assert admin_view.overdue(rows["Late Larkin"]) is True
    assert admin_view.days_waiting(rows["Prompt Parker"]) == 10
    assert admin_view.overdue(rows["Prompt Parker"]) is False
    assert "Overdue (&gt; 45 days)" in page.text

    overdue_only = admin_client.get(url + "?decision=overdue")
    assert [r.pk for r in overdue_only.context["cl"].result_list] == [late.pk]


def test_staff_approve_several_applications_through_the_intermediate_page(admin_client, admin_user, payer):
    first = make_application(
        provider=ProviderFactory(legal_name="Ada Brennan"), payer=payer, status=S.SUBMITTED
    )
    second = make_application(
        provider=ProviderFactory(legal_name="Ben Ortiz"), payer=payer, status=S.SUBMITTED
    )
    already = make_application(
        provider=ProviderFactory(legal_name="Cy Mendes"),
        payer=payer,
        status=S.APPROVED,
        effective_date=EFFECTIVE,
    )
    ids = [first.pk, second.pk, already.pk]

    page = admin_client.post(
        reverse("admin:credentialing_payerapplication_changelist"),
        {"action": "approve", "_selected_action": ids},
    )
    assert page.status_code == 200
    text = unescape(page.text)
    assert "Approve (with effective date)" in text
    assert all(name in text for name in ("Ada Brennan", "Ben Ortiz", "Cy Mendes"))
    assert "left unchanged" in text  # Cy is approved already
    assert PayerApplication.objects.filter(status=S.APPROVED).count() == 1  # nothing moved yet

    decide = reverse("admin:credentialing_payerapplication_decide", args=["approve"])
    done = admin_client.post(decide, {"_selected_action": ids, "effective_date": "2027-02-01"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("admin:credentialing_payerapplication_changelist")
    for application in (first, second):
        application.refresh_from_db()
        assert (application.status, application.effective_date) == (S.APPROVED, dt.date(2027, 2, 1))
        event = application.events.last()
        assert (event.actor, event.from_status, event.to_status) == (admin_user, S.SUBMITTED, S.APPROVED)
    already.refresh_from_db()
    assert already.effective_date == EFFECTIVE  # not moved, not re-dated
    shown = [str(m) for m in done.context["messages"]]
    assert "Approved 2 applications." in shown
    assert any("Cy Mendes" in m and m.startswith("Left unchanged") for m in shown)


def test_an_approval_without_a_date_is_sent_back_and_changes_nothing(admin_client, payer):
    application = make_application(provider=ProviderFactory(), payer=payer, status=S.SUBMITTED)
    decide = reverse("admin:credentialing_payerapplication_decide", args=["approve"])
    page = admin_client.post(decide, {"_selected_action": [application.pk], "effective_date": ""})
    assert page.status_code == 200
    assert "effective_date" in page.context["form"].errors
    assert "This field is required." in page.text
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_staff_deny_with_a_reason_and_mark_submitted(admin_client, admin_user, payer):
    requested = make_application(provider=ProviderFactory(), payer=payer, status=S.REQUESTED)
    submitted = make_application(provider=ProviderFactory(), payer=payer, status=S.SUBMITTED)
    admin_client.post(
        reverse("admin:credentialing_payerapplication_decide", args=["submit"]),
        {"_selected_action": [requested.pk], "note": "Ref EH-20931"},
    )
    admin_client.post(
        reverse("admin:credentialing_payerapplication_decide", args=["deny"]),
        {"_selected_action": [submitted.pk], "reason": "Not accepting LCSWs in Kings County"},
    )
    requested.refresh_from_db()
    submitted.refresh_from_db()
    assert requested.status == S.SUBMITTED
    assert requested.submitted_at is not None
    assert requested.events.last().note == "Ref EH-20931"
    assert (submitted.status, submitted.denial_reason) == (S.DENIED, "Not accepting LCSWs in Kings County")
    assert submitted.events.last().actor == admin_user


def test_staff_without_the_permission_cannot_decide(client, payer):
    client.force_login(staff_user("viewer@alma.test", "view_payerapplication"))
    application = make_application(provider=ProviderFactory(), payer=payer, status=S.SUBMITTED)

    changelist = client.get(reverse("admin:credentialing_payerapplication_changelist"))
    assert changelist.status_code == 200
    assert "Approve (with effective date)" not in changelist.text
    for decision, data in (("approve", {"effective_date": "2027-02-01"}), ("deny", {"reason": "x"})):
        url = reverse("admin:credentialing_payerapplication_decide", args=[decision])
        assert client.post(url, {"_selected_action": [application.pk], **data}).status_code == 403
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.events.count() == 2


def test_the_application_page_is_read_only_and_shows_its_history(admin_client, payer):
    application = make_application(
        provider=ProviderFactory(), payer=payer, status=S.DENIED, reason="Panel closed"
    )
    page = admin_client.get(reverse("admin:credentialing_payerapplication_change", args=[application.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert "status history" in page.text.lower()
    assert "Panel closed" in page.text
    assert page.text.count("Submitted to payer") >= 2  # requested -> submitted, submitted -> denied
    assert admin_client.get(reverse("admin:credentialing_payerapplication_add")).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:credentialing_payerapplication_delete", args=[application.pk])
        ).status_code
        == 403
    )


def test_the_reference_payers_and_their_eaps_load_and_loading_again_changes_nothing(db):
    # Called directly rather than trusting the migrated rows: a transactional test (the browser
    # journeys) empties every table, migrated reference data included.
    seed = importlib.import_module("credentialing.migrations.0002_seed_payers_and_programs").seed
    seed(apps, None)
    Payer.objects.filter(slug="oscar").update(states=["NY"])  # a staff edit in admin
    payers, programs = Payer.objects.count(), Program.objects.count()
    seed(apps, None)
    assert (Payer.objects.count(), Program.objects.count()) == (payers, programs)
    assert Payer.objects.get(slug="oscar").states == ["NY"]  # kept
    assert {"Aetna", "Cigna", "UnitedHealthcare / Optum", "Harvard Pilgrim Health Care"} <= set(
        Payer.objects.values_list("name", flat=True)
    )
    assert Program.objects.get(name="Aetna Resources For Living").payer.slug == "aetna"
    assert Program.objects.get(name="Optum EAP").payer.slug == "unitedhealthcare"
    assert Payer.objects.get(slug="bcbs-massachusetts").states == ["MA"]
