"""`provider_required`, the one door to a signed-in provider's own pages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from onboarding.decorators import provider_required
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db

# Every signed-in provider page that used to look the provider up itself.
PROVIDER_PAGES = [
    "portal:dashboard",
    "insurance:overview",
    "helpdesk:list",
    "helpdesk:new",
    "practice:payouts",
    "practice:clients",
    "training:webinar",
    "training:quiz",
    "directory:my_profile",
]


@provider_required
def whose(request, provider, page: str):
    return HttpResponse(f"{provider.pk}:{page}")


def test_the_view_gets_the_signed_in_providers_own_record():
    provider = ProviderFactory()
    request = RequestFactory().get("/")
    request.user = provider.user
    assert whose(request, page="x").content.decode() == f"{provider.pk}:x"


def test_anyone_not_signed_in_is_sent_to_sign_in():
    request = RequestFactory().get("/mine/")
    request.user = AnonymousUser()
    response = whose(request, page="x")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("is_staff", [True, False])
def test_staff_and_logins_without_a_provider_get_404(is_staff):
    request = RequestFactory().get("/")
    request.user = User.objects.create_user(email="someone@alma.test", password="x" * 12, is_staff=is_staff)
    with pytest.raises(Http404):
        whose(request, page="x")


@pytest.mark.parametrize("page", PROVIDER_PAGES)
def test_every_provider_page_uses_the_door(client, page):
    url = reverse(page)
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(User.objects.create_user(email="staff@alma.test", password="x" * 12, is_staff=True))
    assert client.get(url).status_code == 404
    provider = ProviderFactory()
    client.force_login(provider.user)
    response = client.get(url)
    assert response.status_code in {200, 503}  # 503: the training page when no webinar is published
    assert response.context["provider"] == provider
