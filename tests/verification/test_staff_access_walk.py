"""Every staff page of the credentialing file and of exclusion monitoring is refused to staff
without its permission, on GET and on POST.

Walks the admin site's URL patterns (whatever the verification and exclusions apps register,
Django's model pages and the custom ones alike), so a page added later without a permission
check fails here. The member of staff has passed the authenticator-code step, as in production,
so a refusal is the page's own and not the MFA gate's.
"""

import datetime as dt
import re

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.contrib import admin
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone

from tests.credentialing_file_factories import screen
from tests.helpers import NEW_YORK, STAFF_PASSWORD, signed_in_client, staff_user, totp_code
from tests.verification_factories import file_provider, verify_all
from verification.models import CredentialingDecision, NpiRegistryCheck, RecredentialingAttestation
from verification.services.decisions import decision_record
from verification.services.export import credentialing_file_download
from verification.services.npi import npi_check_run

pytestmark = pytest.mark.django_db

APPS = ("verification", "exclusions")
NOW = dt.datetime(2026, 3, 10, 11, 0, tzinfo=NEW_YORK)
CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
# Path values that are not a row's id: a real one, so a page that looks its row up first still
# reaches its permission check with something to find.
NAMED_VALUES = {"item": "state_license", "decision": "clear", "form": "general_onboarding"}


def admin_routes() -> list[tuple[str, str]]:
    """(route, name) of every admin URL pattern under the apps' prefixes or named after them."""
    found = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                route, name = prefix + str(entry.pattern), entry.name or ""
                if route.startswith(tuple(f"{app}/" for app in APPS)) or name.startswith(
                    tuple(f"{app}_" for app in APPS)
                ):
                    found.append((route, name))

    walk(admin.site.get_urls(), "")
    return found


def test_the_walk_finds_the_model_pages_and_the_custom_ones():
    names = {name for _route, name in admin_routes()}
    assert "verification_credentialing_file_export" in names
    assert "verification_credentialingfiledownload_changelist" in names
    assert {name for name in names if name.startswith("exclusions_")}
    assert len(names) >= 12


@pytest.fixture
def world(tmp_path):
    """One row of each kind the pages show, so every id in a path names something real."""
    with time_machine.travel(NOW, tick=False):
        provider = file_provider(licences=1, legal_name="Dana Whitfield")
        verify_all(provider, verified_on=dt.date(2026, 3, 1))
        for check in NpiRegistryCheck.objects.filter(provider=provider):
            npi_check_run(check_id=check.pk)
        screen(provider, tmp_path)
        decision = decision_record(
            provider=provider,
            outcome=CredentialingDecision.Outcome.APPROVED,
            decided_on=dt.date(2026, 3, 10),
            reason="Verified.",
            actor=staff_user("committee@alma.test", "verification.record_credentialing_decision"),
        )
        RecredentialingAttestation.objects.create(
            provider=provider, due_on=decision.recredentialing_due_on, attested_by=provider.user
        )
        downloader = staff_user("reviewer@alma.test", "verification.download_credentialing_file")
        credentialing_file_download(provider=provider, actor=downloader, now=timezone.now())
    return provider


def urls_for(provider) -> list[tuple[str, str]]:
    """(url, name) of each route with real values: a row of the route's own model, the
    provider's public id."""
    urls = []
    for route, name in admin_routes():
        if route.startswith("^"):  # the app index's regex: one page per app
            urls.extend((reverse("admin:app_list", args=[app]), "app_list") for app in APPS)
            continue
        app_label, _, rest = route.partition("/")
        model_name = rest.partition("/")[0]
        model = apps.all_models.get(app_label, {}).get(model_name)
        row_id = model.objects.order_by("pk").values_list("pk", flat=True).first() if model else None

        def value(match, row_id=row_id):
            converter, name = match["converter"] or "str", match["name"]
            if converter == "uuid":
                return str(provider.public_id)
            if name in NAMED_VALUES:
                return NAMED_VALUES[name]
            return str(row_id if row_id is not None else provider.pk)

        urls.append((f"/admin/{CONVERTER.sub(value, route)}", name))
    return sorted(set(urls))


def mfa_signed_in_staff(client):
    """Staff with no permission at all beyond the admin's door, signed in with password and code."""
    staff = staff_user("no.permissions@alma.test")
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    response = client.post(reverse("account_login"), {"login": staff.email, "password": STAFF_PASSWORD})
    assert response.url.startswith(reverse("mfa_authenticate"))
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200  # the door is open: what follows is the page's own
    return client


def refusal_problem(response, url: str, name: str, method: str) -> str:
    """Why `response` is not a refusal ("" when it is).

    403: refused. 405: a POST-only page asked with GET. 302 only from Django's unnamed model
    address "<id>/", which forwards to the record's change page (refused in its turn). An app's
    index that shows nothing this person may see answers 404, as Django's own does."""
    if name == "app_list":
        ok = response.status_code == 404
    elif name == "":
        ok = response.status_code == 302 and response.url == f"{url}change/"
    else:
        ok = response.status_code == 403 or (method == "GET" and response.status_code == 405)
    return "" if ok else f"{method} {url} ({name or 'forward'}): {response.status_code}"


def test_staff_without_permissions_are_refused_every_page_get_and_post(
    client, world, settings, rate_limits_reset
):
    settings.STAFF_MFA_REQUIRED = True
    browser = mfa_signed_in_staff(client)
    wrong = [
        problem
        for url, name in urls_for(world)
        for method in ("GET", "POST")
        if (problem := refusal_problem(getattr(browser, method.lower())(url), url, name, method))
    ]
    assert not wrong, "\n".join(wrong)


def test_anonymous_visitors_and_providers_are_sent_to_sign_in_from_every_page(client, world):
    urls = urls_for(world)
    for browser in (client, signed_in_client(world)):
        for url, _name in urls:
            for response in (browser.get(url), browser.post(url)):
                assert response.status_code == 302, url
                assert response.url.startswith(("/admin/login/", reverse("account_login"))), url
