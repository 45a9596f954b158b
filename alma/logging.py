"""Log shaping: bearer secrets redacted from every line, and JSON lines for log shippers.

Secrets the code holds (the CAQH password, account numbers, TOTP secrets) are never passed to
loggers in the first place. URLs are the exception: a form link carries its token in the path
(/onboarding/<provider>/<form>/<token>/, /training/<provider>/<token>/...), and allauth's
set-password link its key (/accounts/password/reset/key/<uidb36>-<key>/). Whoever holds one
can open the form or set the password, so they must not reach the access log, the 4xx warnings
of django.request, an error email or a log shipper. RedactSecrets rewrites them on each record.

This module imports only the standard library: gunicorn.conf.py uses it in gunicorn's master
process, before Django is set up.
"""

import copy
import functools
import json
import logging
import re
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime

# (pattern, replacement). The patterns match a path anywhere in a string: in a request line,
# a full URL in a Referer header, or a message that quotes a link.
_SEGMENT = r"[^/\s?#\"'<>]+"
REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    # The onboarding forms' links (onboarding/urls.py, credentialing/urls.py): whatever the
    # provider segment holds, so a link with a mangled provider id is redacted too.
    (re.compile(rf"(/onboarding/{_SEGMENT}/{_SEGMENT}/){_SEGMENT}"), r"\1<token>"),
    # The training link (training/urls.py): /training/<provider>/<token>/<page>; the signed-in
    # provider's own pages (/training/webinar/..., /training/quiz/...) carry no token.
    (re.compile(rf"(/training/(?!webinar/|quiz/){_SEGMENT}/){_SEGMENT}"), r"\1<token>"),
    # allauth's reset-from-key link. After the first visit allauth redirects to
    # <uidb36>-set-password/ with the key in the session: that name is kept, it is no secret.
    (re.compile(rf"(/accounts/password/reset/key/){_SEGMENT}-set-password\b"), r"\1<uidb36>-set-password"),
    (re.compile(rf"(/accounts/password/reset/key/)(?!<uidb36>-set-password){_SEGMENT}"), r"\1<uidb36>-<key>"),
    # allauth's email confirmation link (unused while verification is off, but routed).
    (re.compile(rf"(/accounts/confirm-email/){_SEGMENT}"), r"\1<key>"),
    # Secrets passed as query parameters, should a link ever carry one.
    (re.compile(r"([?&](?:token|key|code|secret|password)=)[^&\s\"'#]+", re.IGNORECASE), r"\1<redacted>"),
    # Anything shaped like a value signed by django.core.signing (value:timestamp:signature,
    # the signature a 43-character base64 HMAC-SHA256) wherever it appears.
    (re.compile(r"[\w.\-]+:[0-9A-Za-z]{4,}:[\w\-]{43}(?![\w\-])"), "<signed>"),
)


# One scan that every string with something to redact matches (most log strings do not).
_MAYBE_SECRET = re.compile(r"/onboarding/|/training/|/accounts/|[?&]\w+=|:[0-9A-Za-z]{4,}:")


def redact(text: str) -> str:
    """`text` with every link token and reset key replaced by a placeholder."""
    if not _MAYBE_SECRET.search(text):
        return text
    for pattern, replacement in REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


def _redact_value(value):
    return redact(value) if isinstance(value, str) else value


_PLAIN = (str, int, float, type(None))


@functools.lru_cache(maxsize=64)
def _mapping_keys(message_format: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(re.findall(r"%\(([^)]*)\)", message_format)))


def _redacted_mapping(atoms: Mapping, message_format) -> dict:
    """gunicorn's access log passes its atoms as one mapping: some 60 request headers and environ
    values, in a dict subclass that answers "-" for atoms it lacks. Only the atoms the format
    prints are read (through it) and redacted, into a plain dict: the caller's stays as it was."""
    if isinstance(message_format, str):
        try:
            return {key: _redact_value(atoms[key]) for key in _mapping_keys(message_format)}
        except KeyError:
            pass  # a format naming a missing key: logging reports it, with redacted values
    return {key: _redact_value(value) for key, value in atoms.items()}


def _redacted_request(request):
    """A shallow copy of the request whose path and headers say no secret; the live request that
    the view is still using is never touched. Error emails (AdminEmailHandler) and error trackers
    read record.request."""
    try:
        safe = copy.copy(request)
    except Exception:  # noqa: BLE001 - an uncopyable request is dropped, not logged as is
        return None
    for name in ("path", "path_info"):
        if isinstance(getattr(request, name, None), str):
            setattr(safe, name, redact(getattr(request, name)))
    meta = getattr(request, "META", None)
    if isinstance(meta, Mapping):
        safe.META = {key: _redact_value(value) for key, value in meta.items()}
    return safe


class RedactSecrets(logging.Filter):
    """Redacts link tokens and reset keys in a record's message, arguments, traceback text and
    request. As a logger's filter it changes the record before any handler (pytest's caplog,
    an error email) sees it; as a handler's filter it covers whatever reaches that handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, Mapping):
            record.args = _redacted_mapping(record.args, record.msg)
        elif isinstance(record.args, tuple):
            record.args = tuple(_redact_value(arg) for arg in record.args)
        # An argument that is not a plain value (a URL object, an exception) may still print a
        # secret: then the record keeps the redacted, already formatted message instead.
        values = record.args.values() if isinstance(record.args, Mapping) else record.args or ()
        if not all(isinstance(value, _PLAIN) for value in values):
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001 - a broken format is logging's to report, not ours
                message = None
            if message is not None and redact(message) != message:
                record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        request = getattr(record, "request", None)
        if request is not None and not isinstance(request, str):
            record.request = _redacted_request(request)
        return True


class DropTemplateContext(logging.Filter):
    """For django.template: keeps "Exception while resolving variable 'x' in template 'y'" and
    drops its traceback. The exception (VariableDoesNotExist) prints the whole template context,
    form values included: at DEBUG that put a TOTP secret being set up into the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # exc_text first: RedactSecrets leaves the redacted traceback there.
        if record.exc_text:
            entry["exception"] = record.exc_text
        elif record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
