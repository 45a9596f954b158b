"""What the test modules share, in one place: who is signed in, what a page says and where on the
page it says it, the links in an email, uploads, clocks, threads that race, and the production
settings run in a subprocess.

Fixtures built on these live in the root conftest.py; rows made through the services live in
the factories modules beside this one (factories.py, credentialing_factories.py, ...).
"""

import datetime as dt
import io
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import threading
import time
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import strip_tags
from PIL import Image

from accounts.models import User

REPO = Path(__file__).resolve().parents[1]
NEW_YORK = ZoneInfo("America/New_York")

# --- people ----------------------------------------------------------------------------------

STAFF_PASSWORD = "Staff-Desk-2026!"


def staff_user(email: str = "staff@alma.test", *permissions: str, password: str = STAFF_PASSWORD) -> User:
    """A staff user holding `permissions`: codenames ("view_provider"), or "app_label.codename"
    where two apps share a codename."""
    user = User.objects.create_user(email=email, password=password, is_staff=True)
    for permission in permissions:
        app_label, _, codename = permission.rpartition(".")
        found = Permission.objects.filter(codename=codename)
        if app_label:
            found = found.filter(content_type__app_label=app_label)
        assert found.exists(), f"no permission {permission}"
        user.user_permissions.add(*found)
    return user


def signed_in_client(person) -> Client:
    """A browser of its own, signed in as `person` (a user, or a provider's user)."""
    browser = Client()
    browser.force_login(getattr(person, "user", person))
    return browser


# --- what a page says --------------------------------------------------------------------------

# Elements a browser shows apart from their neighbours (blocks, table cells, and the inline
# elements the templates lay out as separate chips, buttons and labels). Punctuation that follows
# one stays against it, as on screen ("<strong>Jan 5</strong>." reads "Jan 5.").
_APART = (
    "address|article|aside|a|br|button|dd|div|dl|dt|footer|form|h[1-6]|header|label|li|main|nav|"
    "ol|option|p|section|small|span|strong|table|tbody|td|th|thead|time|tr|ul"
)
_APART_TAG = re.compile(rf"</?(?:{_APART})\b[^>]*>")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" (?=[.,;:!?)])")


def text_of(html: str) -> str:
    """What a reader sees: no tags, elements shown apart kept apart, one space between words."""
    text = " ".join(unescape(strip_tags(_APART_TAG.sub(" ", html))).split())
    return _SPACE_BEFORE_PUNCTUATION.sub("", text)


def count_queries(client, url: str) -> int:
    """How many queries one GET of `url` costs (the page must answer 200)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def form_errors(response, field: str, form: str = "form") -> list[str]:
    """The errors shown next to `field` of the page's form (none: an empty list)."""
    return list(response.context[form].errors.get(field, []))


# --- where on a page ---------------------------------------------------------------------------
# Tests find an element by its id or a data-* attribute, never by its Bootstrap classes: a
# change of look must not break a test, and a test must not pass because a class is there.

_SELECTOR = re.compile(r"(?P<tag>[a-z][a-z0-9]*)?(?:#(?P<id>[\w-]+))?(?P<attributes>(?:\[[^\]]+\])*)")
_ATTRIBUTE = re.compile(
    r"\[(?P<name>[\w-]+)(?:(?P<op>\^?=)(?P<quote>[\"']?)(?P<value>[^\"'\]]*)(?P=quote))?\]"
)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _matcher(selector: str):
    """`tag#id[attribute][attribute=value][attribute^=prefix]`, each part optional."""
    parsed = _SELECTOR.fullmatch(selector)
    assert selector, "an empty selector"
    assert parsed, f"unsupported selector {selector!r}"
    wanted = [(m["name"], m["op"], m["value"]) for m in _ATTRIBUTE.finditer(parsed["attributes"] or "")]
    if parsed["id"]:
        wanted.append(("id", "=", parsed["id"]))

    def matches(tag: str, attributes: dict) -> bool:
        if parsed["tag"] and tag != parsed["tag"]:
            return False
        for name, op, value in wanted:
            if name not in attributes:
                return False
            found = attributes[name] or ""
            if (op == "=" and found != value) or (op == "^=" and not found.startswith(value)):
                return False
        return True

    return matches


class _ElementFinder(HTMLParser):
    """Where each matching element starts and ends in the page's HTML."""

    def __init__(self, html: str, matches):
        super().__init__(convert_charrefs=True)
        self.html, self.matches = html, matches
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", html))]
        self.spans: list[list[int]] = []
        self.open: list[list] = []  # [tag, depth, span]

    def position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        start = self.position()
        if tag not in _VOID:
            for entry in self.open:
                if entry[0] == tag:
                    entry[1] += 1
        if self.matches(tag, dict(attrs)):
            span = [start, start + len(self.get_starttag_text())]
            self.spans.append(span)
            if tag not in _VOID:
                self.open.append([tag, 1, span])

    def handle_startendtag(self, tag, attrs):
        start = self.position()
        if self.matches(tag, dict(attrs)):
            self.spans.append([start, start + len(self.get_starttag_text())])

    def handle_endtag(self, tag):
        end = self.html.index(">", self.position()) + 1
        for entry in list(self.open):
            if entry[0] == tag:
                entry[1] -= 1
                if entry[1] == 0:
                    entry[2][1] = end
                    self.open.remove(entry)


def elements(html: str, selector: str) -> list[str]:
    """The HTML of every element matching `selector` (see _matcher), in page order."""
    finder = _ElementFinder(html, _matcher(selector))
    finder.feed(html)
    finder.close()
    assert not finder.open, f"{selector}: <{finder.open[0][0]}> is never closed"
    return [html[start:end] for start, end in finder.spans]


def element(html: str, selector: str) -> str:
    """The HTML of the first element matching `selector`; the test fails when there is none."""
    found = elements(html, selector)
    assert found, f"nothing on the page matches {selector}"
    return found[0]


def text_at(html: str, selector: str) -> str:
    """What a reader sees in the first element matching `selector`."""
    return text_of(element(html, selector))


def attribute_of(element_html: str, name: str) -> str | None:
    """The value of attribute `name` on an element's start tag (None when it has none)."""
    start_tag = re.match(r"<[^>]*>", element_html).group(0)
    match = re.search(rf"""\s{re.escape(name)}(?:=(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?(?=[\s/>])""", start_tag)
    if not match:
        return None
    return unescape(next((g for g in match.groups() if g is not None), ""))


# --- emails and the links in them ----------------------------------------------------------------

PORTAL_ACCESS_SUBJECT = "Your Alma portal is ready: set your password"
WEBINAR_SUBJECT = "Step 5 of 6 in your Alma onboarding: the Insurance Program Training Webinar"
COMPLETE_SUBJECT = "Your Alma onboarding is complete"


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def only_link(text: str) -> str:
    """The one link an email's text carries (the test fails on none or several)."""
    [url] = set(links_in(text))
    return url


def path_of(url: str) -> str:
    return urlsplit(url).path


def link_paths(text: str) -> list[str]:
    """The paths of the links in an email's text, in order."""
    return [path_of(url) for url in links_in(text)]


def emailed_link(mailoutbox, to: str, path_start: str) -> str:
    """The path of the one link to `path_start` in the latest email to `to` that has one."""
    for message in reversed(mailoutbox):
        if message.to == [to]:
            paths = [path for path in link_paths(message.body) if path.startswith(path_start)]
            if paths:
                [path] = set(paths)
                return path
    raise AssertionError(f"no email to {to} links to {path_start}")


def subjects(messages) -> list[str]:
    return [message.subject for message in messages]


def open_link(client, link: str):
    """Open an emailed set-password link as the browser would (allauth hides the key by a redirect)."""
    return client.get(path_of(link), follow=True)


def set_password(client, page, password: str):
    """Post allauth's set-password form on `page` (the answer to open_link)."""
    return client.post(page.request["PATH_INFO"], {"password1": password, "password2": password})


# --- time ----------------------------------------------------------------------------------------


def new_york(*args: int) -> dt.datetime:
    """A moment on the company's clock: new_york(2026, 11, 24, 15, 0)."""
    return dt.datetime(*args, tzinfo=NEW_YORK)


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now (valid for one 30-second period, usable once).

    Near the end of a period it waits for the next one: allauth accepts only the current period's
    code, and a browser test that types it a moment later would otherwise cross the boundary."""
    now = timezone.now().timestamp()
    if now % 30 > 25:
        time.sleep(30 - now % 30 + 0.1)
        now = timezone.now().timestamp()
    return format_hotp_value(hotp_value(secret, int(now) // 30))


# --- uploads and form data -------------------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def pdf_upload(name: str = "certificate.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def image_bytes(fmt: str = "PNG", size=(64, 64)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 80)).save(buffer, format=fmt)
    return buffer.getvalue()


def png_upload(name: str = "screenshot.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(), content_type="image/png")


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    """POST data for a formset section: its management form and one set of fields per row."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


# --- races -----------------------------------------------------------------------------------------


def run_at_once(*targets) -> None:
    """Run each target in its own thread (and database connection), all released together."""
    barrier = threading.Barrier(len(targets))
    errors = []

    def runner(target):
        try:
            barrier.wait()
            target()
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []


# --- the production settings, in a subprocess ------------------------------------------------------

# Variables a subprocess must not inherit from whoever runs the tests (CI, a developer's shell).
_INHERITED_PREFIXES = ("DJANGO_", "DATABASE_", "CELERY_", "EMAIL_", "ANYMAIL_")
_INHERITED_NAMES = ("SITE_URL", "FIELD_ENCRYPTION_KEYS", "CACHE_URL")


def production_env(*, without: str | None = None) -> dict[str, str]:
    """A clean environment with realistic production values, optionally missing one of them."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(_INHERITED_PREFIXES) and name not in _INHERITED_NAMES
    }
    env.update(
        DJANGO_SETTINGS_MODULE="alma.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="portal.alma.example,portal-internal.alma.example",
        DATABASE_URL="postgres://alma:s3cret-db-password@127.0.0.1:5432/alma",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        SITE_URL="https://portal.alma.example",
        FIELD_ENCRYPTION_KEYS="3nlVx1dFOQt7cW-zF6pbTS3ejoi22o0QmK16yG1dx98=",
        CREDENTIALING_TEAM_EMAIL="credentialing@alma.example",
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    if without:
        del env[without]
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with line continuations joined and comments dropped."""
    instructions, pending = [], ""
    for raw in (REPO / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def argv_of(arguments: str) -> list[str]:
    """A Dockerfile CMD/ENTRYPOINT's argv, in exec (JSON) or shell form."""
    return json.loads(arguments) if arguments.startswith("[") else shlex.split(arguments)
