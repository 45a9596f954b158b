"""Every portal page is for a signed-in provider, and only about themself.

Walks the URL configuration, so a page added later without a login check fails here.
"""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Namespaces whose pages belong to a signed-in provider. Form-link pages (onboarding:general_
# onboarding, credentialing:*) are reached by signed links instead and are tested with them.
PORTAL_NAMESPACES = {"insurance", "helpdesk", "practice", "documents", "verification"}
PORTAL_NAMES = {"portal:dashboard", "directory:my_profile"} | {
    f"training:{name}" for name in ("webinar", "webinar_progress", "quiz", "quiz_start", "quiz_attempt")
}
DUMMY = {"int": 1, "uuid": uuid.UUID(int=1), "slug": "aetna", "string": "liability_certificate", "path": "x"}


def portal_urls():
    found = []

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                if namespace in PORTAL_NAMESPACES or name in PORTAL_NAMES:
                    converters = entry.pattern.converters
                    kwargs = {key: DUMMY[type(c).__name__.removesuffix("Converter").lower()]
                              for key, c in converters.items()}  # fmt: skip
                    found.append(reverse(name, kwargs=kwargs))

    walk(get_resolver().url_patterns)
    return found


def test_the_walk_finds_the_portal():
    urls = portal_urls()
    assert "/portal/onboarding/" in urls
    assert len(urls) >= 10


@pytest.mark.django_db
@pytest.mark.parametrize("url", portal_urls())
def test_anonymous_visitors_are_sent_to_sign_in_or_find_nothing(client, url):
    for response in (client.get(url), client.post(url)):
        assert response.status_code in {302, 404}, url
        if response.status_code == 302:
            assert response.url.startswith(reverse("account_login")), url


@pytest.mark.django_db
@pytest.mark.parametrize("url", portal_urls())
def test_staff_without_a_provider_record_get_no_provider_pages(client, url, admin_user):
    client.force_login(admin_user)
    # Staff work in admin; a provider page has no provider to show them (documents excepted:
    # permitted staff may download, and here there is no such document). 405: a POST-only page.
    assert client.get(url).status_code in {302, 404, 405}, url
    assert client.post(url).status_code in {302, 404}, url
