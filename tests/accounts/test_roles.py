"""Staff roles: each group can do its job in admin and gets 403 on the rest."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from credentialing.models import InsuranceForm
from helpdesk.services import ticket_open
from tests.factories import ProviderFactory, submit_general_onboarding, submit_insurance_form

pytestmark = pytest.mark.django_db


def member(role: str) -> User:
    user = User.objects.create_user(email=f"{role.lower()}@alma.test", password="x" * 12, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def story():
    provider = ProviderFactory(legal_name="Ada Brennan")
    submit_general_onboarding(provider)
    submit_insurance_form(provider)
    ticket = ticket_open(provider=provider, category="other", subject="Hello", message="A question")
    return provider, InsuranceForm.objects.get(provider=provider), ticket


def status(client, url, method="get", **data):
    return getattr(client, method)(url, data).status_code


def test_the_three_roles_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Support", "Credentialing", "Admin"}


def test_support_handles_providers_tickets_and_emails_but_not_credentialing_secrets(client, story):
    _, insurance_form, ticket = story
    client.force_login(member("Support"))
    assert status(client, reverse("admin:onboarding_provider_changelist")) == 200
    assert status(client, reverse("admin:onboarding_provider_record_agreement")) == 200
    assert status(client, reverse("admin:onboarding_outboxemail_changelist")) == 200
    assert status(client, reverse("admin:helpdesk_ticket_change", args=[ticket.pk])) == 200
    assert status(client, reverse("admin:sla")) == 200
    assert (
        status(client, reverse("admin:credentialing_insuranceform_change", args=[insurance_form.pk])) == 200
    )
    # Not theirs: revealing the CAQH password, reviewing forms, moving payer applications.
    assert (
        status(client, reverse("admin:credentialing_insuranceform_reveal", args=[insurance_form.pk])) == 403
    )
    assert status(client, reverse("admin:onboarding_reviewqueue_changelist")) == 403
    assert status(client, reverse("admin:auth_group_changelist")) == 403


def test_credentialing_reviews_forms_and_reveals_secrets_but_does_not_answer_tickets(client, story):
    _, insurance_form, ticket = story
    client.force_login(member("Credentialing"))
    assert status(client, reverse("admin:onboarding_reviewqueue_changelist")) == 200
    assert (
        status(client, reverse("admin:credentialing_insuranceform_reveal", args=[insurance_form.pk])) == 200
    )
    assert status(client, reverse("admin:credentialing_payerapplication_changelist")) == 200
    assert status(client, reverse("admin:onboarding_provider_record_agreement")) == 403
    reply = reverse("admin:helpdesk_ticket_change", args=[ticket.pk])
    page = client.get(reply)
    assert page.status_code == 200  # they may read it...
    assert "Reply to the provider" not in page.text  # ...but not answer it


def test_admin_can_do_everything(client, story):
    _, insurance_form, ticket = story
    client.force_login(member("Admin"))
    for url in (
        reverse("admin:auth_group_changelist"),
        reverse("admin:onboarding_reviewqueue_changelist"),
        reverse("admin:credentialing_insuranceform_reveal", args=[insurance_form.pk]),
        reverse("admin:helpdesk_ticket_change", args=[ticket.pk]),
    ):
        assert status(client, url) == 200, url


@pytest.mark.parametrize("role", ["Support"])
def test_support_reads_no_credentialing_file_evidence_or_exclusion_cases(client, story, role):
    # NPDB reports are confidential by law (45 CFR 60.20); exclusion cases name people on federal
    # lists. Only the roles that credential read them.
    provider, _, _ = story
    client.force_login(member(role))
    for name in (
        "admin:verification_primarysourceverification_changelist",
        "admin:verification_npiregistrycheck_changelist",
        "admin:verification_credentialingdecision_changelist",
        "admin:exclusions_exclusioncase_changelist",
    ):
        assert status(client, reverse(name)) == 403, name
    file_page = reverse("admin:verification_file", args=[provider.public_id])
    assert status(client, file_page) == 403


@pytest.mark.parametrize("role", ["Credentialing", "Credentialing Committee"])
def test_the_credentialing_roles_read_the_file_and_the_cases(client, story, role):
    provider, _, _ = story
    client.force_login(member(role))
    assert status(client, reverse("admin:exclusions_exclusioncase_changelist")) == 200
    file_page = reverse("admin:verification_file", args=[provider.public_id])
    assert status(client, file_page) == 200


def test_a_permission_taken_away_counts_from_the_next_request(client):
    # Each request's user keeps its permission answers (accounts.models.User.has_perm): staff
    # who lose a role lose its pages on their very next request, and the sidebar with them.
    user = member("Support")
    client.force_login(user)
    providers = reverse("admin:onboarding_provider_changelist")
    assert status(client, providers) == 200
    assert 'href="/admin/onboarding/provider/"' in client.get(reverse("admin:index")).text
    user.groups.clear()
    assert status(client, providers) == 403
    assert 'href="/admin/onboarding/provider/"' not in client.get(reverse("admin:index")).text
    # In one request, one instance: answered once, the same answer every time after.
    fresh = User.objects.get(pk=user.pk)
    assert not fresh.has_perm("onboarding.view_provider")
    user.groups.add(Group.objects.get(name="Support"))
    assert not fresh.has_perm("onboarding.view_provider")
    assert User.objects.get(pk=user.pk).has_perm("onboarding.view_provider")
