"""HTTP for FHIR: application/fhir+json bodies from R4B models, OperationOutcomes for errors,
and validators (ETag, Last-Modified) with conditional GETs answered 304."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.resource import Resource

from fhirapi.codes import FHIR_JSON

CONTENT_TYPE = f"{FHIR_JSON}; charset=utf-8"
# Public data that changes a few times a day per profile: a minute of sharing keeps bursts of
# identical pulls off the database without keeping a withdrawal visible for long.
CACHE_CONTROL = "public, max-age=60"


def outcome(
    code: str, diagnostics: str, *, severity: str = "error", expression: str | None = None
) -> OperationOutcome:
    issue: dict = {"severity": severity, "code": code, "diagnostics": diagnostics}
    if expression:
        issue["expression"] = [expression]
    # One issue at least: the model would accept none and drop the element (invalid FHIR).
    return OperationOutcome.model_validate({"issue": [issue]})


def fhir_response(model: Resource, *, status: int = 200) -> HttpResponse:
    return fhir_json_response(model.model_dump_json(), status=status)


def fhir_json_response(text: str, *, status: int = 200) -> HttpResponse:
    """A body serialised by fhir.resources already (a searchset: fhirapi/fragments.py)."""
    response = HttpResponse(text, status=status, content_type=CONTENT_TYPE)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error_response(
    code: str, diagnostics: str, *, status: int, expression: str | None = None
) -> HttpResponse:
    return fhir_response(outcome(code, diagnostics, expression=expression), status=status)


def conditional(
    request: HttpRequest, response: HttpResponse, *, last_modified: datetime | None
) -> HttpResponse:
    """Add the validators and answer If-None-Match / If-Modified-Since with a 304.

    The ETag is the body's hash (weak: equal JSON, not byte ranges), so it changes with anything
    published, including a role that left a search's results; Last-Modified is the newest
    `meta.lastUpdated` shown, which cannot see a row leave, so a client that keeps both should
    send If-None-Match (which, per RFC 9110, then decides alone)."""
    etag = f'W/"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    timestamp = None
    if last_modified is not None:
        timestamp = int(last_modified.timestamp())
        response["Last-Modified"] = http_date(timestamp)
    conditional_response = get_conditional_response(
        request, etag=etag, last_modified=timestamp, response=response
    )
    if conditional_response is None or conditional_response is response:
        return response
    conditional_response["Access-Control-Allow-Origin"] = "*"
    return conditional_response
