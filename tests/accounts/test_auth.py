"""Email-only sign-in; nobody signs up; providers have no password until portal access."""

from html import unescape

import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_public_sign_up_is_closed(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "someone@example.com", "password1": "a-Long-passw0rd", "password2": "a-Long-passw0rd"},
    )
    assert "No sign-up needed" in unescape(response.text)
    assert not User.objects.filter(email="someone@example.com").exists()


def test_staff_sign_in_with_email_and_land_in_admin(client):
    User.objects.create_user(email="support@alma.test", password="correct-horse-battery", is_staff=True)
    response = client.post(
        reverse("account_login"), {"login": "Support@Alma.test", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("admin:index")


def test_a_provider_cannot_sign_in_before_setting_a_password(client, provider):
    response = client.post(reverse("account_login"), {"login": provider.user.email, "password": ""})
    assert response.status_code == 200
    response = client.post(
        reverse("account_login"), {"login": provider.user.email, "password": "guess-a-password"}
    )
    assert "_auth_user_id" not in client.session
    assert "don't match" in unescape(response.text)


def test_the_sign_in_page_uses_the_portal_layout(client):
    page = client.get(reverse("account_login")).text
    assert 'id="auth-card"' in page
    assert "navbar-alma" in page


def test_the_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
