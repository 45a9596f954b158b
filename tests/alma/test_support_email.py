"""The Member Support address is a setting (SUPPORT_EMAIL), shown on every page and in the forms'
help link."""

import pytest
from django.urls import reverse

from onboarding import links

pytestmark = pytest.mark.django_db


def test_every_page_names_the_support_address_from_the_setting(client, settings):
    settings.SUPPORT_EMAIL = "member-support@example.org"
    page = client.get(reverse("account_login")).text
    assert (
        '<a id="support-email" href="mailto:member-support@example.org">member-support@example.org</a>'
        in page
    )
    assert "support@alma.test" not in page


def test_the_form_link_pages_help_link_writes_to_the_setting(client, settings, provider):
    settings.SUPPORT_EMAIL = "member-support@example.org"
    page = client.get(links.form_path(provider, links.GENERAL_ONBOARDING)).text
    assert 'id="help-mailto"' in page
    assert "mailto:member-support@example.org?subject=Help%20with%20my%20onboarding%20form" in page
