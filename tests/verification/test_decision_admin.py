"""Staff's "Record credentialing decision" page and the decisions list: the readiness with its
reasons, the permission on GET and POST, refusals beside their fields, the Admin's override."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from exclusions.selectors import Screening
from onboarding.models import OutboxEmail
from tests.helpers import count_queries, signed_in_client, staff_user, text_at, text_of
from tests.verification_factories import file_provider, verify_all
from verification import emails
from verification import file as credentialing_file
from verification.models import CredentialingDecision, RecredentialingAttestation

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 1, 16, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 7, 1)
RECORD = "verification.record_credentialing_decision"
OVERRIDE = "verification.override_file_readiness"
VIEW = "verification.view_credentialingdecision"


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    lists = [Screening("OIG LEIE", dt.date(2026, 6, 20), open_case=False, confirmed=False)]
    monkeypatch.setattr(credentialing_file, "screenings", lambda provider: lists)
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def provider(db):
    return file_provider()


@pytest.fixture
def committee(db):
    return signed_in_client(staff_user("committee@alma.test", RECORD, VIEW))


@pytest.fixture
def admin_client(db):
    return signed_in_client(staff_user("admin.member@alma.test", RECORD, OVERRIDE, VIEW))


def page_url(provider) -> str:
    return reverse("admin:verification_decision_record", args=[provider.public_id])


def approve(client, provider, **data):
    values = {
        "outcome": "approved",
        "decided_on": TODAY.isoformat(),
        "reason": "Meets every criterion.",
        **data,
    }
    return client.post(page_url(provider), values)


def test_a_ready_file_is_approved_and_the_provider_is_emailed(committee, provider):
    verify_all(provider, verified_on=TODAY - dt.timedelta(days=30))

    html = committee.get(page_url(provider)).text
    assert "Ready: all" in text_at(html, "#decision-readiness")
    assert 'name="override_reason"' not in html  # the Committee cannot override

    response = approve(committee, provider)
    decision = CredentialingDecision.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:verification_credentialingdecision_change", args=[decision.pk])
    assert decision.decided_by.email == "committee@alma.test"
    assert decision.recredentialing_due_on == dt.date(2029, 7, 1)
    assert OutboxEmail.objects.filter(provider=provider, step=emails.CREDENTIALING_DECISION).count() == 1

    detail = committee.get(response.url).text
    assert "Queued 01 Jul 2026, not sent yet" in text_of(detail)


def test_a_stale_file_lists_why_and_the_committee_is_refused(committee, provider):
    verify_all(provider, verified_on=TODAY - dt.timedelta(days=121))

    html = committee.get(page_url(provider)).text
    assert "verified 121 days before the decision date; at most 120 days are allowed" in text_at(
        html, "#readiness-reasons"
    )

    response = approve(committee, provider)
    assert response.status_code == 200
    assert "ask an Admin to override" in text_of(response.text)
    assert not CredentialingDecision.objects.exists()


def test_the_page_shows_the_file_on_the_decision_date_typed(committee, provider):
    verify_all(provider, verified_on=TODAY - dt.timedelta(days=125))
    # Too old for a decision today; decided 10 days ago (after the list run), they were 115 days old.
    assert "at most 120 days are allowed" in text_at(
        committee.get(page_url(provider)).text, "#readiness-reasons"
    )
    response = approve(committee, provider, decided_on=(TODAY - dt.timedelta(days=10)).isoformat())
    assert response.status_code == 302, text_at(response.text, "#decision-readiness")
    assert CredentialingDecision.objects.get().file_snapshot["decision_on"] == "2026-06-21"


def test_a_future_date_is_refused_beside_the_date(committee, provider):
    verify_all(provider, verified_on=TODAY)
    response = approve(committee, provider, decided_on=(TODAY + dt.timedelta(days=1)).isoformat())
    assert response.status_code == 200
    assert "cannot be dated in the future" in text_at(response.text, '[data-field="decided_on"]')
    assert not CredentialingDecision.objects.exists()


def test_an_admin_overrides_with_a_reason_and_the_list_shows_the_override(admin_client, provider):
    verify_all(provider, verified_on=TODAY - dt.timedelta(days=150))
    html = admin_client.get(page_url(provider)).text
    assert 'name="override_reason"' in html

    refused = approve(admin_client, provider)
    assert "To decide anyway, write why here." in text_at(refused.text, '[data-field="override_reason"]')

    done = approve(admin_client, provider, override_reason="The board confirmed by phone; its site is down.")
    assert done.status_code == 302, text_of(done.text)[:3000]
    decision = CredentialingDecision.objects.get()
    assert decision.overridden_by.email == "admin.member@alma.test"

    listing = admin_client.get(reverse("admin:verification_credentialingdecision_changelist")).text
    assert "Yes, by admin.member@alma.test" in text_of(listing)


@pytest.mark.parametrize("permissions", [(), (VIEW,), ("verification.view_primarysourceverification",)])
def test_staff_without_the_committee_permission_are_refused_on_get_and_post(provider, permissions):
    client = signed_in_client(staff_user("someone@alma.test", *permissions))
    assert client.get(page_url(provider)).status_code == 403
    assert approve(client, provider).status_code == 403
    assert not CredentialingDecision.objects.exists()


def test_the_decisions_list_is_read_only_and_costs_the_same_with_more_rows(admin_client):
    from tests.decision_factories import decide  # noqa: PLC0415
    from tests.factories import ProviderFactory  # noqa: PLC0415

    def add(count):
        for _ in range(count):
            decide(ProviderFactory(), decided_on=TODAY)

    url = reverse("admin:verification_credentialingdecision_changelist")
    add(2)
    few = count_queries(admin_client, url)
    add(10)
    assert count_queries(admin_client, url) == few
    assert admin_client.get(reverse("admin:verification_credentialingdecision_add")).status_code == 403


def test_the_provider_page_and_the_file_page_link_to_the_decision_page_for_the_committee(provider):
    member = staff_user(
        "reader.member@alma.test",
        RECORD,
        "onboarding.view_provider",
        "verification.view_primarysourceverification",
    )
    client = signed_in_client(member)
    provider_page = client.get(reverse("admin:onboarding_provider_change", args=[provider.pk])).text
    assert f'href="{page_url(provider)}"' in provider_page
    file_page = client.get(
        reverse("admin:verification_file", args=[provider.public_id]), {"decision_on": "2026-06-30"}
    )
    assert f'href="{page_url(provider)}?decided_on=2026-06-30"' in file_page.text

    others = signed_in_client(
        staff_user(
            "reader@alma.test", "onboarding.view_provider", "verification.view_primarysourceverification"
        )
    )
    assert (
        "Record credentialing decision"
        not in others.get(reverse("admin:verification_file", args=[provider.public_id])).text
    )


@pytest.mark.parametrize(
    ("role", "status", "can_override"),
    [
        ("Credentialing Committee", 200, False),
        ("Admin", 200, True),
        ("Credentialing", 403, False),
        ("Support", 403, False),
    ],
)
def test_the_roles_who_may_decide_and_override(provider, role, status, can_override):
    member = staff_user(f"{role.lower().replace(' ', '.')}@alma.test")
    member.groups.add(Group.objects.get(name=role))
    response = signed_in_client(member).get(page_url(provider))
    assert response.status_code == status
    assert ('name="override_reason"' in response.text) is can_override


def test_the_page_says_when_the_provider_confirmed_their_details(committee, provider):
    RecredentialingAttestation.objects.create(
        provider=provider, due_on=dt.date(2026, 9, 1), attested_by=provider.user, attested_at=NOW
    )
    html = committee.get(page_url(provider)).text
    assert (
        "confirmed their details are still right on 1 Jul 2026, for the recredentialing due 1 Sep 2026"
        in (text_at(html, "#latest-attestation"))
    )


def test_staff_read_the_providers_confirmations(provider):
    RecredentialingAttestation.objects.create(
        provider=provider, due_on=dt.date(2026, 9, 1), attested_by=provider.user, attested_at=NOW
    )
    reader = signed_in_client(staff_user("reader@alma.test", "verification.view_recredentialingattestation"))
    listing = reader.get(reverse("admin:verification_recredentialingattestation_changelist")).text
    assert provider.legal_name in text_of(listing)
    assert reader.get(reverse("admin:verification_recredentialingattestation_add")).status_code == 403
    nobody = signed_in_client(staff_user("nobody@alma.test"))
    assert nobody.get(reverse("admin:verification_recredentialingattestation_changelist")).status_code == 403
