"""Form links open exactly one form of exactly one provider, and only for a while."""

import datetime as dt
from html import unescape

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from onboarding import links

pytestmark = pytest.mark.django_db


def general_path(provider):
    return links.form_path(provider, links.GENERAL_ONBOARDING)


def test_the_emailed_link_opens_the_providers_own_form(client, provider):
    response = client.get(general_path(provider))
    assert response.status_code == 200
    assert provider.legal_name in response.text
    assert response["Cache-Control"].startswith("max-age=0")  # never cached: personal data


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"), id="changed-signature"),
        pytest.param(lambda token: token.split(":")[0], id="signature-removed"),
        pytest.param(lambda token: "not-a-token", id="garbage"),
    ],
)
def test_a_tampered_link_gets_a_clear_error_page(client, provider, tamper):
    token = links.make_token(provider, links.GENERAL_ONBOARDING)
    url = f"/onboarding/{provider.public_id}/general-onboarding/{tamper(token)}/"
    response = client.get(url)
    assert response.status_code == 400
    assert "This link isn't valid" in unescape(response.text)
    assert provider.legal_name not in response.text
    assert "Traceback" not in response.text


def test_an_expired_link_says_so_and_shows_nothing_of_the_provider(client, provider, settings):
    path = general_path(provider)
    later = timezone.now() + dt.timedelta(days=settings.FORM_LINK_MAX_AGE_DAYS, hours=1)
    with time_machine.travel(later, tick=False):
        response = client.get(path)
    assert response.status_code == 410
    assert "This link has expired" in response.text
    assert f"{settings.FORM_LINK_MAX_AGE_DAYS} days" in response.text
    assert provider.legal_name not in response.text


def test_another_providers_link_cannot_open_this_providers_form(client, make_provider):
    alice, bob = make_provider(), make_provider()
    alices_token = links.make_token(alice, links.GENERAL_ONBOARDING)
    response = client.get(f"/onboarding/{bob.public_id}/general-onboarding/{alices_token}/")
    assert response.status_code == 400
    assert bob.legal_name not in response.text
    assert alice.legal_name not in response.text

    # Nor can it write to Bob's form.
    response = client.post(
        f"/onboarding/{bob.public_id}/general-onboarding/{alices_token}/",
        {"action": "save_draft", "practice_name": "Hijacked"},
    )
    assert response.status_code == 400
    assert not hasattr(bob, "general_onboarding")


def test_a_link_for_one_form_does_not_open_another(client, provider):
    general_token = links.make_token(provider, links.GENERAL_ONBOARDING)
    response = client.get(f"/onboarding/{provider.public_id}/insurance-form/{general_token}/")
    assert response.status_code == 400


def test_an_unknown_provider_gets_the_same_error_as_a_bad_link(client, provider):
    token = links.make_token(provider, links.GENERAL_ONBOARDING)
    provider.public_id = "00000000-0000-4000-8000-000000000000"
    response = client.get(f"/onboarding/{provider.public_id}/general-onboarding/{token}/")
    assert response.status_code == 400


def test_a_link_of_another_link_version_says_it_was_replaced(client, provider):
    # Tokens sign the provider's link version; staff's "send fresh links" raises it
    # (tests/portal/test_link_revocation.py). A version other than the current one is refused.
    salt = f"alma.onboarding.form-link.{links.GENERAL_ONBOARDING}"
    for version in (0, 2):
        token = signing.TimestampSigner(salt=salt).sign_object({"p": str(provider.public_id), "v": version})
        with pytest.raises(links.LinkReplaced):
            links.provider_for_link(
                provider_id=provider.public_id, form=links.GENERAL_ONBOARDING, token=token
            )
        response = client.get(f"/onboarding/{provider.public_id}/general-onboarding/{token}/")
        assert response.status_code == 410
        assert "This link was replaced" in response.text
        assert provider.legal_name not in response.text
