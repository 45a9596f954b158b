"""Signed, expiring, provider-bound links that open an onboarding form without a password.

The token signs the provider's public id and link version with a salt per form, so a link
opens only its own form for its own provider, it expires after FORM_LINK_MAX_AGE_DAYS, and staff
can replace every link of a provider at once ("send fresh links" raises Provider.link_version,
portal.services.links). The training (webinar and quiz) is one more such "form": its link
opens the training's pages, and no form's link opens it.

The token is a bearer secret in the URL path: alma.logging redacts it from every log line.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from onboarding.models import Provider

GENERAL_ONBOARDING = "general-onboarding"
# Each link kind and the URL it opens, registered by the app that owns the page when it is ready
# (credentialing's Insurance Form, the training's webinar), so this core module names no app above.
_URL_NAMES: dict[str, str] = {GENERAL_ONBOARDING: "onboarding:general_onboarding"}
# A kind whose emailed link is not simply its URL (the training's opens the part still to do).
_URL_BUILDERS: dict[str, Callable[[Provider], str]] = {}


def register_link_kind(kind: str, url_name: str, *, url: Callable[[Provider], str] | None = None) -> None:
    """Let `kind`'s links open `url_name` (a URL taking provider_id and token); `url`, if given,
    builds the absolute link emails and pages show. Apps call it in AppConfig.ready();
    registering the same kind for another page is a programming error."""
    if _URL_NAMES.setdefault(kind, url_name) != url_name:
        raise ValueError(f"Link kind {kind!r} is already registered for {_URL_NAMES[kind]!r}")
    if url is not None:
        _URL_BUILDERS[kind] = url


def link_url(provider: Provider, kind: str) -> str | None:
    """The absolute link of `kind` for this provider, or None when no installed app offers it."""
    if kind not in _URL_NAMES:
        return None
    return _URL_BUILDERS[kind](provider) if kind in _URL_BUILDERS else form_url(provider, kind)


def link_kinds() -> tuple[str, ...]:
    return tuple(_URL_NAMES)


class LinkError(Exception):
    status = 400
    title = "This link isn't valid"
    # Set when the link was genuinely signed for this provider (expired or replaced, not
    # tampered): its page can then offer "Email me a fresh link" with no address to type.
    genuine_link: "GenuineLink | None" = None

    @property
    def explanation(self) -> str:
        # A property so that a subclass may word it from settings read when it is shown.
        return (
            "The link may have been copied incompletely, or it belongs to a different form or "
            "provider. Open the most recent email from Alma and use its button."
        )


class LinkExpired(LinkError):
    status = 410
    title = "This link has expired"

    @property
    def explanation(self) -> str:
        return (
            f"For your security, onboarding links work for {settings.FORM_LINK_MAX_AGE_DAYS} days. "
            "We can email you a fresh one; anything you saved is kept."
        )


class LinkReplaced(LinkError):
    # 410 like an expired link: the link was real, and it is gone for good.
    status = 410
    title = "This link was replaced"
    explanation = (
        "Alma has sent you a newer link for this form, and this one no longer works. Open the "
        "most recent email from Alma and use its button, or ask for a fresh link below; anything "
        "you saved is kept."
    )


@dataclass(frozen=True)
class GenuineLink:
    """What an expired or replaced link's page posts back to ask for a fresh one: the link itself,
    which proves it was once emailed to this provider (its signature is checked again)."""

    form: str
    provider_id: str
    token: str


def set_password_url(provider: Provider) -> str:
    """allauth's reset-from-key link: the provider sets a first password (portal access, step 4).

    allauth's reset flow accepts users with an unusable password (shared/NOTES.md); the key
    expires after PASSWORD_RESET_TIMEOUT and stops working once a password is set.
    """
    from allauth.account.forms import default_token_generator  # noqa: PLC0415 - needs apps ready
    from allauth.account.utils import user_pk_to_url_str  # noqa: PLC0415

    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(provider.user),
            "key": default_token_generator.make_token(provider.user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def _signer(form: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"alma.onboarding.form-link.{form}")


def make_token(provider: Provider, form: str) -> str:
    return _signer(form).sign_object({"p": str(provider.public_id), "v": provider.link_version})


def form_path(provider: Provider, form: str) -> str:
    return reverse(
        _URL_NAMES[form],
        kwargs={"provider_id": provider.public_id, "token": make_token(provider, form)},
    )


def form_url(provider: Provider, form: str) -> str:
    return f"{settings.SITE_URL}{form_path(provider, form)}"


def provider_for_link(*, provider_id, form: str, token: str) -> Provider:
    """The provider a link opens, or LinkError / LinkExpired / LinkReplaced."""
    genuine = GenuineLink(form=form, provider_id=str(provider_id), token=token)
    try:
        payload = _signer(form).unsign_object(token, max_age=timedelta(days=settings.FORM_LINK_MAX_AGE_DAYS))
    except signing.SignatureExpired as exc:
        expired = LinkExpired()
        if provider_for_genuine_link(genuine) is not None:
            expired.genuine_link = genuine
        raise expired from exc
    except signing.BadSignature as exc:
        raise LinkError from exc
    # A valid token for another provider pasted onto this provider's URL is refused too.
    if not isinstance(payload, dict) or payload.get("p") != str(provider_id):
        raise LinkError
    try:
        provider = Provider.objects.select_related("user").get(public_id=provider_id)
    except Provider.DoesNotExist as exc:
        raise LinkError from exc
    # Links signed before link versions existed carry none: they are version 1.
    if payload.get("v", 1) != provider.link_version:
        replaced = LinkReplaced()
        replaced.genuine_link = genuine
        raise replaced
    return provider


def provider_for_genuine_link(link: GenuineLink) -> Provider | None:
    """The provider a link was signed for, however old or replaced it is; None for a link that is
    not genuine (a bad signature, another provider's token, an unknown kind or provider).

    Only for asking for a fresh link, which goes to the provider's own address: an old link opens
    nothing, but it still proves its holder once received Alma's email."""
    if link.form not in _URL_NAMES:
        return None
    try:
        payload = _signer(link.form).unsign_object(link.token)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("p") != link.provider_id:
        return None
    return Provider.objects.select_related("user").filter(public_id=link.provider_id).first()


def form_link_view(form: str):
    """Decorate a view(request, provider, ...) reached by a form link; bad links get a clear page."""

    def decorator(view):
        @functools.wraps(view)
        @never_cache
        def wrapper(request, provider_id, token, **kwargs):
            try:
                provider = provider_for_link(provider_id=provider_id, form=form, token=token)
            except LinkError as error:
                return render(
                    request,
                    "onboarding/link_error.html",
                    {"error": error, "genuine_link": error.genuine_link},
                    status=error.status,
                )
            return view(request, provider, **kwargs)

        return wrapper

    return decorator
