"""Thin views: parse the query (fhirapi.search), read one page (fhirapi.selectors), build the
resources (fhirapi.builders), answer with a Bundle or the resource (fhirapi.responses).

Read-only and unauthenticated, as Plan-Net requires for public directory data: GET and HEAD
only; no session, cookie or CSRF is involved. Every error is an OperationOutcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from directory.selectors import company_today, company_zone
from fhirapi import builders, publishing, search
from fhirapi.capabilities import build_capability_statement
from fhirapi.responses import conditional, error_response, fhir_json_response, fhir_response

logger = logging.getLogger(__name__)


def _fhir_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Bad input -> 400 OperationOutcome; anything unexpected -> logged, 500 OperationOutcome
    with no traceback in the body."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except search.SearchError as error:
            return error_response(
                error.code, error.diagnostics, status=error.status, expression=error.expression
            )
        except Exception:
            logger.exception("FHIR request failed: %s", request.get_full_path())
            return error_response("exception", "The server could not answer this request.", status=500)

    return wrapped


def _site(request: HttpRequest) -> builders.Site:
    return builders.Site(origin=f"{request.scheme}://{request.get_host()}")


def _not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET and HEAD only, and a 405 that is an OperationOutcome too."""
    safe = require_safe(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = safe(request, *args, **kwargs)
        if response.status_code == 405:
            refused = error_response("not-supported", "This API is read-only: GET and HEAD only.", status=405)
            refused["Allow"] = "GET, HEAD"
            return refused
        return response

    return wrapped


@_not_allowed
@_fhir_errors
def metadata(request: HttpRequest) -> HttpResponse:
    statement = build_capability_statement(_site(request))
    return conditional(request, fhir_response(statement), last_modified=None)


@_not_allowed
@_fhir_errors
def search_type(request: HttpRequest, resource_type: str) -> HttpResponse:
    params = search.parse(resource_type, dict(request.GET.lists()), zone=company_zone())
    text, newest = publishing.searchset(
        params,
        site=_site(request),
        today=company_today(),
        self_url=request.build_absolute_uri(),
        query=request.GET,
    )
    return conditional(request, fhir_json_response(text), last_modified=newest)


@_not_allowed
@_fhir_errors
def read(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    resource = publishing.read(resource_type, resource_id, site=_site(request), today=company_today())
    if resource is None:
        return error_response(
            "not-found", f"{resource_type}/{resource_id} is not in the directory", status=404
        )
    last_updated = resource.meta.lastUpdated if resource.meta else None
    return conditional(request, fhir_response(resource), last_modified=last_updated)


@_fhir_errors
def unknown(request: HttpRequest, path: str) -> HttpResponse:
    return error_response(
        "not-supported",
        f"'{path}' is not a resource type this server publishes "
        f"(see {request.build_absolute_uri('/fhir/metadata')})",
        status=404,
    )
