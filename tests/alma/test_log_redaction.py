"""No bearer secret in any log line: form-link tokens, set-password keys, the CAQH password, payout
account numbers and TOTP secrets, in Django's logs and in gunicorn's access log."""

import datetime as dt
import http.client
import logging
import os
import signal
import subprocess
import sys
import time
from html import unescape
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alma.logging import JsonFormatter, RedactSecrets, redact
from credentialing import links as credentialing_links
from onboarding import links
from onboarding.models import ReviewedForm
from tests.factories import CAQH_PASSWORD, ProviderFactory, general_onboarding_answers, insurance_form_answers
from tests.helpers import (
    REPO,
    STAFF_PASSWORD,
    argv_of,
    dockerfile_instructions,
    emailed_link,
    signed_in_client,
    staff_user,
    totp_code,
)
from tests.pipeline import PASSWORD, reviewer
from tests.practice_factories import ACCOUNT_NUMBER, payout_account_answers
from tests.smtp_sink import free_port
from tests.training_factories import seed_training
from training import links as training_links


def token_of(path: str) -> str:
    """The secret segment of a form link, training link or set-password link."""
    parts = [p for p in path.split("/") if p]
    if parts[0] == "accounts":
        return parts[-1]  # <uidb36>-<key>
    if parts[0] == "training":
        return parts[2]
    return parts[3]


def console_handler() -> logging.Handler:
    [handler] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    return handler


def everything_a_record_says(record: logging.LogRecord) -> list[str]:
    """The record's message, arguments, traceback text, request, and the lines the console
    handler (plain) and a log shipper (JSON) would write for it."""
    handler = console_handler()
    handler.filter(record)
    said = [record.getMessage(), repr(record.args), record.exc_text or "", handler.format(record)]
    said.append(JsonFormatter().format(record))
    # Handlers print a traceback from exc_text (logging.Formatter, JsonFormatter): the filter
    # leaves it there redacted. The exception object itself may hold a secret (a template
    # error holds the whole context), which is why nothing formats it again.
    assert not record.exc_info or record.exc_text
    request = getattr(record, "request", None)
    if request is not None:
        said.append(request.get_full_path())
        said += [value for value in request.META.values() if isinstance(value, str)]
    return said


# --- the filter on its own ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("link", "shape"),
    [
        (
            lambda p: links.form_path(p, links.GENERAL_ONBOARDING),
            "/onboarding/{id}/general-onboarding/<token>/",
        ),
        (
            lambda p: links.form_path(p, credentialing_links.INSURANCE_FORM),
            "/onboarding/{id}/insurance-form/<token>/",
        ),
        (
            lambda p: (
                links.form_path(p, credentialing_links.INSURANCE_FORM) + "documents/liability_certificate/"
            ),
            "/onboarding/{id}/insurance-form/<token>/documents/liability_certificate/",
        ),
        (
            lambda p: reverse(
                "training:quiz_link",
                kwargs={"provider_id": p.public_id, "token": links.make_token(p, training_links.TRAINING)},
            ),
            "/training/{id}/<token>/quiz/",
        ),
        (lambda p: urlsplit(links.set_password_url(p)).path, "/accounts/password/reset/key/<uidb36>-<key>/"),
    ],
    ids=["general-onboarding", "insurance-form", "document", "training", "set-password"],
)
def test_each_kind_of_link_keeps_its_shape_and_loses_its_secret(provider, link, shape):
    path = link(provider)
    secret = token_of(path)
    line = f'127.0.0.1 - - "GET {path}?next=1 HTTP/1.1" 200 "https://alma.test{path}"'
    redacted = redact(line)
    assert secret not in redacted
    expected = shape.format(id=provider.public_id)
    assert redacted == f'127.0.0.1 - - "GET {expected}?next=1 HTTP/1.1" 200 "https://alma.test{expected}"'
    assert redact(redacted) == redacted  # a second pass (logger, then handler) changes nothing


def test_pages_without_secrets_are_logged_as_they_are():
    for path in (
        "/portal/onboarding/",
        "/training/webinar/progress/",
        "/training/quiz/attempts/12/",
        "/directory/?state=NY&q=anxiety",
        "/healthz",
    ):
        assert redact(path) == path
    # allauth's second step names no key, only the user's id, which is redacted as well.
    assert (
        redact("/accounts/password/reset/key/4-set-password/")
        == "/accounts/password/reset/key/<uidb36>-set-password/"
    )


def test_a_signed_value_anywhere_in_a_message_is_redacted(provider):
    token = links.make_token(provider, links.GENERAL_ONBOARDING)
    assert redact(f"user pasted {token} into the chat") == "user pasted <signed> into the chat"


def test_arguments_that_are_not_strings_are_redacted_through_the_formatted_message(provider):
    path = links.form_path(provider, links.GENERAL_ONBOARDING)
    record = logging.LogRecord("any", logging.INFO, __file__, 1, "opened %s (%d)", (urlsplit(path), 3), None)
    RedactSecrets().filter(record)
    assert token_of(path) not in record.getMessage()
    assert "<token>" in record.getMessage()
    assert record.getMessage().endswith("(3)")


@pytest.mark.django_db
def test_gunicorn_atoms_keep_their_meaning_and_the_callers_mapping_is_left_alone(provider):
    from gunicorn.glogging import SafeAtoms  # noqa: PLC0415

    path = links.form_path(provider, links.GENERAL_ONBOARDING)
    atoms = SafeAtoms({"r": f"GET {path} HTTP/1.1", "s": "200", "{referer}i": f"https://alma.test{path}"})
    fmt = '"%(r)s" %(s)s "%({Referer}i)s" %(b)s'
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, fmt, (atoms,), None)
    RedactSecrets().filter(record)
    shown = f"/onboarding/{provider.public_id}/general-onboarding/<token>/"
    # Header atoms match whatever their case, atoms gunicorn lacks print "-", as before.
    assert record.getMessage() == f'"GET {shown} HTTP/1.1" 200 "https://alma.test{shown}" -'
    assert atoms["r"] == f"GET {path} HTTP/1.1"


# --- django.request's 4xx warnings ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_bad_link_is_warned_about_without_its_token(client, provider, caplog):
    tampered = links.make_token(provider, links.GENERAL_ONBOARDING)[:-2] + "xx"
    path = f"/onboarding/{provider.public_id}/general-onboarding/{tampered}/"
    with caplog.at_level(logging.DEBUG, logger="django.request"):
        response = client.get(path)
    assert response.status_code == 400
    [record] = [r for r in caplog.records if r.name == "django.request"]
    # The warning still says which page, for which provider, failed how.
    assert record.getMessage() == f"Bad Request: /onboarding/{provider.public_id}/general-onboarding/<token>/"
    assert record.status_code == 400
    assert record.request.path == f"/onboarding/{provider.public_id}/general-onboarding/<token>/"
    assert tampered not in record.request.get_full_path()
    # The view's own request was not touched (only the logged copy).
    assert response.wsgi_request.path == path
    console = console_handler().format(record)
    assert tampered not in console
    assert "<token>" in console


# --- the whole pipeline at DEBUG ------------------------------------------------------------------


@pytest.fixture
def everything_logged(caplog, settings):
    """Every logger at DEBUG, SQL included (Django logs queries only on a debug cursor)."""
    settings.LOG_LEVEL = "DEBUG"
    caplog.set_level(logging.DEBUG)
    for name in ("django", "django.request", "django.db.backends", "django.security", "celery", "allauth"):
        caplog.set_level(logging.DEBUG, logger=name)
    connection.force_debug_cursor = True
    cache.clear()  # allauth's rate limits
    yield caplog
    connection.force_debug_cursor = False


@pytest.mark.django_db
def test_the_whole_pipeline_at_debug_logs_no_secret(
    client, everything_logged, django_capture_on_commit_callbacks, mailoutbox, photo_upload
):
    seed_training()
    secrets: dict[str, str] = {}
    start = timezone.now().replace(microsecond=0)

    def committed():
        # Emails go out when the transition commits (each step's email carries the next link).
        return django_capture_on_commit_callbacks(execute=True)

    with time_machine.travel(start, tick=False):
        # Step 0: the agreement, and the General Onboarding email with its link.
        with committed():
            provider = ProviderFactory(legal_name="Jordan Rivera")
        email = provider.user.email
        general = emailed_link(mailoutbox, email, "/onboarding/")
        secrets["general onboarding token"] = token_of(general)

        # Bad links: tampered (400) and, later, expired (410), each a django.request warning.
        tampered = general.replace(token_of(general), token_of(general)[:-3] + "abc")
        secrets["tampered token"] = token_of(tampered)
        assert client.get(tampered).status_code == 400

        # Step 1 through its link, then step 2 with the CAQH password.
        answers = {**general_onboarding_answers(), "action": "submit", "photo": photo_upload}
        with committed():
            assert client.post(general, answers).status_code == 302
        insurance = emailed_link(mailoutbox, email, "/onboarding/")
        assert "/insurance-form/" in insurance
        secrets["insurance form token"] = token_of(insurance)
        secrets["CAQH password"] = CAQH_PASSWORD
        with committed():
            assert client.post(insurance, insurance_form_answers()).status_code == 302

        # Step 3: staff approve both forms through the review queue.
        staff = signed_in_client(reviewer())
        for form in (ReviewedForm.GENERAL_ONBOARDING, ReviewedForm.INSURANCE_FORM):
            url = reverse("admin:onboarding_reviewqueue_approve", args=[provider.pk, form])
            with committed():
                assert staff.post(url, {"round": 1}).status_code == 302

        # Step 4: the set-password link.
        set_password = emailed_link(mailoutbox, email, "/accounts/password/reset/key/")
        secrets["set-password key"] = token_of(set_password).split("-", 1)[1]
        # allauth answers a wrong key with a 200 page; the 4xx that names a key in its path is
        # a form posted without its CSRF cookie (a browser that lost it): django.security.csrf.
        assert Client(enforce_csrf_checks=True).post(set_password, {}).status_code == 403
        wrong_key = set_password.replace(secrets["set-password key"], "c5d1x2-0123456789abcdef0123")
        secrets["wrong key"] = token_of(wrong_key)
        assert unescape(client.get(wrong_key).text).count("already been used")
        page = client.get(set_password, follow=True)
        with committed():
            response = client.post(page.request["PATH_INFO"], {"password1": PASSWORD, "password2": PASSWORD})
        assert response.status_code == 302

        # Step 5 by the training link from the webinar email.
        training = emailed_link(mailoutbox, email, "/training/")
        secrets["training token"] = token_of(training)
        assert client.get(training).status_code == 200

        # The payouts account, signed in.
        secrets["account number"] = ACCOUNT_NUMBER
        with committed():
            response = client.post(reverse("practice:payouts_change"), payout_account_answers())
            assert response.status_code == 302

        # Staff turn on their authenticator app.
        secrets["TOTP secret"] = activate_totp()

    later = start + dt.timedelta(days=settings.FORM_LINK_MAX_AGE_DAYS, hours=1)
    with time_machine.travel(later, tick=False):
        assert client.get(insurance).status_code == 410

    records = everything_logged.records
    assert len(records) > 100, "the capture should have seen the SQL and the requests"
    warnings = [r.getMessage() for r in records if r.name in {"django.request", "django.security.csrf"}]
    public_id = provider.public_id
    assert f"Bad Request: /onboarding/{public_id}/general-onboarding/<token>/" in warnings
    assert "Forbidden (CSRF cookie not set.): /accounts/password/reset/key/<uidb36>-<key>/" in warnings
    assert f"Gone: /onboarding/{public_id}/insurance-form/<token>/" in warnings
    for record in records:
        said = "\n".join(everything_a_record_says(record))
        for what, secret in secrets.items():
            assert secret not in said, f"{what} in a {record.name} record: {said[:300]}"


def activate_totp() -> str:
    """A staff member activates TOTP (allauth MFA) after reauthenticating; returns the secret."""

    staff_user("security@alma.test", "view_provider")
    client = Client()
    client.post(reverse("account_login"), {"login": "security@alma.test", "password": STAFF_PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    if response.status_code == 302 and "reauthenticate" in response.url:
        client.post(response.url, {"password": STAFF_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    assert client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}).status_code == 302
    return secret


# --- gunicorn's access log, with the image's own command ------------------------------------------


def image_command(port: int) -> list[str]:
    """The Dockerfile's CMD, bound to a free loopback port with one worker."""
    [argv] = [argv_of(arguments) for keyword, arguments in dockerfile_instructions() if keyword == "CMD"]
    argv = list(argv)
    argv[argv.index("--bind") + 1] = f"127.0.0.1:{port}"
    argv[argv.index("--workers") + 1] = "1"
    assert argv[argv.index("--access-logfile") + 1] == "-"
    return [sys.executable, "-m", *argv]


def get(port: int, path: str, referer: str = "") -> int:
    """One GET to the server, no redirect followed; the status code."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Referer": referer} if referer else {})
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_gunicorn_access_log_shows_each_link_with_its_secret_redacted(tmp_path):
    provider = ProviderFactory()  # committed: the gunicorn worker reads it from the database
    general = links.form_path(provider, links.GENERAL_ONBOARDING)
    tampered = general.replace(token_of(general), token_of(general)[:-3] + "abc")
    set_password = urlsplit(links.set_password_url(provider)).path
    secrets = [token_of(general), token_of(tampered), token_of(set_password).split("-", 1)[1]]

    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alma.settings.test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "PYTHONUNBUFFERED": "1",
    }
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with out.open("w") as stdout, err.open("w") as stderr:
        server = subprocess.Popen(image_command(port), cwd=REPO, env=env, stdout=stdout, stderr=stderr)  # noqa: S603
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(port, "/healthz") == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, err.read_text()
            assert time.monotonic() < deadline, "gunicorn did not come up"
            time.sleep(0.2)
        assert get(port, general) == 200
        assert get(port, tampered) == 400
        # allauth moves the key into the session and redirects to <uidb36>-set-password/.
        assert get(port, set_password, referer=f"{base}{general}") == 302
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    access_log = out.read_text()
    everything = access_log + err.read_text()
    for secret in secrets:
        assert secret not in everything
    public_id = provider.public_id
    lines = access_log.splitlines()
    assert any(
        f'"GET /onboarding/{public_id}/general-onboarding/<token>/ HTTP/1.1" 200' in line for line in lines
    )
    assert any(
        f'"GET /onboarding/{public_id}/general-onboarding/<token>/ HTTP/1.1" 400' in line for line in lines
    )
    [reset] = [line for line in lines if "/accounts/password/reset/key/" in line]
    assert '"GET /accounts/password/reset/key/<uidb36>-<key>/ HTTP/1.1" 302' in reset
    # The Referer (here a form link) is redacted too.
    assert f'"{base}/onboarding/{public_id}/general-onboarding/<token>/"' in reset
    # And Django's own warning for the bad link, on stderr.
    assert f"Bad Request: /onboarding/{public_id}/general-onboarding/<token>/" in err.read_text()


def test_gunicorn_reads_the_config_that_installs_the_redaction():
    # gunicorn loads ./gunicorn.conf.py by itself as well (gunicorn.config.get_default_config_file).
    from gunicorn.app.base import Application  # noqa: PLC0415

    class Probe(Application):
        def init(self, parser, opts, args):
            return None

        def load(self):
            return None

    saved = sys.argv
    cwd = os.getcwd()
    try:
        os.chdir(REPO)
        sys.argv = ["gunicorn", "alma.wsgi:application"]
        probe = Probe()
    finally:
        sys.argv = saved
        os.chdir(cwd)
    logger = probe.cfg.logger_class(probe.cfg)
    assert any(isinstance(f, RedactSecrets) for f in logger.access_log.filters)
    assert any(isinstance(f, RedactSecrets) for f in logger.error_log.filters)
