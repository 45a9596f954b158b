"""`provider_required`: the one door to a signed-in provider's own pages."""

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from onboarding.models import Provider
from onboarding.selectors import provider_for_user

View = Callable[..., HttpResponse]


def provider_required(view: View | None = None, *, fetch: Callable[[Any], Provider] = provider_for_user):
    """Sign in first (the login page, then back), then the view gets the provider behind the
    login as its `provider` keyword argument. Staff and logins without a provider get 404: these
    pages are a provider's own, and staff work in admin.

    `fetch` loads the provider (default `onboarding.selectors.provider_for_user`); a page that
    needs more of the provider in the same query passes its own (the dashboard does).
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def with_provider(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.is_staff:
                raise Http404("These pages are for providers.")
            return view(request, *args, provider=fetch(request.user), **kwargs)

        return login_required(with_provider)

    return decorate if view is None else decorate(view)
