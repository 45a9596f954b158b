"""The staff queue of possible matches: clear or confirm, with a reason, permission-checked."""

import pytest
from django.conf import settings
from django.urls import reverse

from credentialing.models import ApplicationStatus, PayerApplication
from directory.models import DirectoryProfile
from exclusions import emails, services
from exclusions.errors import CaseNotPermitted
from exclusions.models import CaseStatus, ExclusionCase
from onboarding.models import OutboxEmail
from tests.credentialing_factories import PayerFactory, make_application
from tests.directory_factories import committed, make_live_provider
from tests.exclusions_factories import import_leie, leie_row, leie_rows
from tests.helpers import elements, form_errors, signed_in_client, staff_user, text_of

pytestmark = pytest.mark.django_db

RIVERA = {"LASTNAME": "RIVERA", "FIRSTNAME": "JORDAN", "DOB": "19840314", "STATE": "NY"}


@pytest.fixture
def live_rivera():
    return make_live_provider(legal_name="Jordan Rivera")


@pytest.fixture
def case(live_rivera, tmp_path) -> ExclusionCase:
    import_leie(tmp_path, [leie_row(**RIVERA, EXCLTYPE="1128a1", EXCLDATE="20190520"), *leie_rows(2)])
    services.exclusions_run()
    return ExclusionCase.objects.get(provider=live_rivera)


@pytest.fixture
def decider():
    return signed_in_client(staff_user("credentialing@alma.test", "exclusions.decide_exclusioncase"))


def list_rows(page: str) -> list[str]:
    """The changelist's rows (not its header row), as text."""
    return [text_of(row) for row in elements(elements(page, "table#result_list")[0], "tr")[1:]]


def decide_url(case, decision: str) -> str:
    return reverse("admin:exclusions_exclusioncase_decide", args=[case.pk, decision])


def test_the_queue_lists_open_cases_first_with_the_list_row_as_evidence(case, decider, tmp_path):
    decided = make_live_provider(legal_name="Alex Decided")
    other = ExclusionCase.objects.create(
        provider=decided, source="leie", entry_key="x", entry=case.entry, run=case.run, matched_on="name"
    )
    services.case_clear(case=other, actor=None, reason="Another person")

    page = decider.get(reverse("admin:exclusions_exclusioncase_changelist")).content.decode()
    rows = list_rows(page)
    assert rows[0].startswith("Jordan Rivera")
    assert "RIVERA" in rows[0]
    assert "born 1984-03-14" in rows[0]
    assert rows[1].startswith("Alex Decided")

    record = text_of(
        decider.get(reverse("admin:exclusions_exclusioncase_change", args=[case.pk])).content.decode()
    )
    assert "Exclusion type 1128a1" in record
    assert "Excluded on May 20, 2019" in record
    assert "Clear (not the provider)" in record


def test_the_queue_costs_the_same_with_more_cases(case, decider, django_assert_max_num_queries, tmp_path):
    url = reverse("admin:exclusions_exclusioncase_changelist")
    decider.get(url)
    for n in range(8):
        provider = make_live_provider(legal_name=f"Pat Person{n}")
        ExclusionCase.objects.create(
            provider=provider,
            source="leie",
            entry_key=f"k{n}",
            entry=case.entry,
            run=case.run,
            matched_on="name",
        )
    with django_assert_max_num_queries(12):
        response = decider.get(url)
    assert len(list_rows(response.content.decode())) == 9


def test_clearing_needs_a_reason_shown_beside_the_box(case, decider):
    response = decider.post(decide_url(case, "clear"), {"reason": "  "})

    assert response.status_code == 200
    assert form_errors(response, "reason")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_staff_clear_a_case_with_a_reason_and_the_profile_stays_live(case, decider, live_rivera):
    response = decider.post(decide_url(case, "clear"), {"reason": "Born in Ohio, different licence number."})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLEARED
    assert case.reason == "Born in Ohio, different licence number."
    assert case.decided_by.email == "credentialing@alma.test"
    assert [e.to_status for e in case.events.all()] == ["open", "cleared"]
    assert DirectoryProfile.objects.get(provider=live_rivera).is_live


def test_confirming_hides_the_profile_halts_open_applications_and_emails_credentialing_once(
    case, decider, live_rivera
):
    requested = make_application(provider=live_rivera, payer=PayerFactory(name="Cigna Test"))
    submitted = make_application(
        provider=live_rivera, payer=PayerFactory(name="Aetna Test"), status=ApplicationStatus.SUBMITTED
    )
    approved = PayerApplication.objects.get(provider=live_rivera, status=ApplicationStatus.APPROVED)

    with committed():
        response = decider.post(
            decide_url(case, "confirm"), {"reason": "Same DOB, NPI and licence as the list."}
        )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CONFIRMED
    profile = DirectoryProfile.objects.get(provider=live_rivera)
    assert profile.hidden_by_staff
    assert not profile.is_live
    assert "Confirmed match on the OIG LEIE exclusion list" in profile.hidden_reason
    for application in (requested, submitted):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.WITHDRAWN
        assert "exclusion list" in application.events.order_by("-pk").first().note
    approved.refresh_from_db()
    assert approved.status == ApplicationStatus.APPROVED  # in network: left to staff and the payer
    staff_emails = OutboxEmail.objects.filter(step=emails.EXCLUSION_CONFIRMED)
    assert [(e.to_email, e.key) for e in staff_emails] == [
        (settings.CREDENTIALING_TEAM_EMAIL, f"case-{case.pk}")
    ]
    assert "2 open payer applications halted" in case.events.order_by("-pk").first().note
    # The provider is not told "you unenrolled": it was not their decision.
    assert not OutboxEmail.objects.filter(provider=live_rivera, step="payer_unenrolled").exists()


def test_the_staff_email_names_the_provider_the_list_and_the_reason(case):
    services.case_confirm(case=case, actor=None, reason="Same DOB and licence.")

    from onboarding.services.outbox import render_outbox_email  # noqa: PLC0415

    message = render_outbox_email(OutboxEmail.objects.get(step=emails.EXCLUSION_CONFIRMED))
    assert message.subject == "Exclusion confirmed: Jordan Rivera on the OIG LEIE list"
    assert "Same DOB and licence." in message.body
    assert "directory profile hidden" in message.body


def test_a_decided_case_cannot_be_decided_again(case, decider):
    services.case_clear(case=case, actor=None, reason="Another person")

    response = decider.post(decide_url(case, "confirm"), {"reason": "Changed my mind"})

    assert "already decided" in text_of(response.content.decode())
    case.refresh_from_db()
    assert case.status == CaseStatus.CLEARED


def test_only_staff_who_may_decide_see_clear_and_confirm_and_only_while_open(case, decider):
    page = reverse("admin:exclusions_exclusioncase_change", args=[case.pk])
    reader = signed_in_client(staff_user("support@alma.test", "exclusions.view_exclusioncase"))
    assert "Clear (not the provider)" in text_of(decider.get(page).content.decode())
    assert "Clear (not the provider)" not in text_of(reader.get(page).content.decode())

    services.case_clear(case=case, actor=None, reason="Another person")
    shown = text_of(decider.get(page).content.decode())
    assert "Clear (not the provider)" not in shown
    assert "Cleared: not the provider" in shown


@pytest.mark.parametrize("decision", ["clear", "confirm"])
def test_staff_without_the_permission_are_refused_on_get_and_post(case, decision):
    # Support can read every case (READ_ALL's view permissions) but not decide one.
    reader = signed_in_client(staff_user("support@alma.test", "exclusions.view_exclusioncase"))

    assert reader.get(decide_url(case, decision)).status_code == 403
    assert reader.post(decide_url(case, decision), {"reason": "I think so"}).status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


@pytest.mark.parametrize("decide", [services.case_clear, services.case_confirm])
def test_the_services_refuse_a_person_without_the_permission(case, live_rivera, decide):
    # Not only the admin view: any caller handing the service a person is checked.
    reader = staff_user("support@alma.test", "exclusions.view_exclusioncase")

    with pytest.raises(CaseNotPermitted, match="Only credentialing staff"):
        decide(case=case, actor=reader, reason="Looks like another person")

    case.refresh_from_db()
    assert (case.status, case.decided_by) == (CaseStatus.OPEN, None)
    assert [event.to_status for event in case.events.all()] == [CaseStatus.OPEN]
    assert not DirectoryProfile.objects.get(pk=live_rivera.directory_profile.pk).hidden_by_staff


def test_the_credentialing_role_may_decide():
    from django.contrib.auth.models import Group  # noqa: PLC0415

    names = set(Group.objects.get(name="Credentialing").permissions.values_list("codename", flat=True))
    assert "decide_exclusioncase" in names


def test_the_imports_and_runs_lists_say_what_was_read_and_found(case):
    decider = signed_in_client(
        staff_user("reader@alma.test", "exclusions.view_exclusionimport", "exclusions.view_exclusionrun")
    )
    imports = text_of(decider.get(reverse("admin:exclusions_exclusionimport_changelist")).content.decode())
    assert "UPDATED.csv" in imports
    assert "Full list" in imports

    runs = text_of(decider.get(reverse("admin:exclusions_exclusionrun_changelist")).content.decode())
    assert "every active provider" in runs
    assert "UPDATED.csv (2026-11-09" in runs


def test_a_profile_built_after_a_confirmed_match_is_hidden_as_it_is_built(case, live_rivera):
    # Confirmed before the provider had a profile (their General Onboarding form not yet approved):
    # nothing to hide then; the profile built later must never reach the directory.
    from directory.services import profiles_publish_due  # noqa: PLC0415
    from onboarding.models import GeneralOnboarding, ReviewStatus  # noqa: PLC0415

    DirectoryProfile.objects.filter(provider=live_rivera).delete()
    in_review = GeneralOnboarding.objects.filter(provider=live_rivera)
    in_review.update(status=ReviewStatus.SUBMITTED)
    outcome = services.case_confirm(case=case, actor=None, reason="OIG confirmed the exclusion by phone.")
    assert not outcome.profile_hidden
    in_review.update(status=ReviewStatus.APPROVED)  # the form is approved after the decision

    with committed():
        profiles_publish_due()

    profile = DirectoryProfile.objects.get(provider=live_rivera)
    assert profile.hidden_by_staff
    assert not profile.is_live
    assert f"case #{case.pk}" in profile.hidden_reason
