"""The staff admin's sign-in door: allauth's, never Django admin's own form."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache


@never_cache
def admin_sign_in(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """Stands in for `admin.site.login`.

    Django's admin login form authenticates with `django.contrib.auth.authenticate` directly:
    no allauth rate limit and no authenticator-code stage. So this view reads no credentials at
    all (a POST is treated like a GET): someone signed out is sent to allauth's sign-in, MFA
    stage included, and comes back to the admin page they asked for; someone signed in without
    staff access gets a plain refusal (sending them to sign-in would bounce straight back here,
    as allauth forwards a signed-in visitor to `next`).
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    user = request.user
    if not user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
    if user.is_active and user.is_staff:
        # The admin's own rule for who may enter (AdminSite.has_permission); the staff MFA
        # middleware still stands between this redirect and the page.
        return redirect(next_url)
    return render(request, "account/no_staff_access.html", status=403)
