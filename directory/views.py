"""The public directory (search and profile pages, no sign-in) and the provider's own profile."""

import contextlib

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from alma.text import without_bidi_controls
from alma.uploads import DOWNLOAD_TYPES, sniff_kind
from directory import contact, fragments, selectors, services
from directory.errors import (
    ContactPaused,
    ContactRateLimited,
    DirectoryError,
    ProfileNotFound,
    ProfileNotReady,
)
from directory.forms import ContactForm, ProfileForm, SearchForm
from directory.models import DirectoryProfile
from onboarding.decorators import provider_required

# The profile's free text, as the public pages show it.
PUBLIC_TEXT = (
    "display_name",
    "bio",
    "practice_name",
    "office_address_line1",
    "office_address_line2",
    "office_city",
)


def _shown(profile: DirectoryProfile) -> DirectoryProfile:
    """Without bidi controls (alma/text.py). New profiles are built without them; this covers
    profiles built before that, and costs nothing (the row is not saved)."""
    deferred = profile.get_deferred_fields()  # not loaded, so not shown: never fetch them here
    for name in PUBLIC_TEXT:
        if name not in deferred:
            setattr(profile, name, without_bidi_controls(getattr(profile, name)))
    return profile


@require_GET
def search(request):
    """/directory/: filters in the query string, so every search has a URL to share or go back to."""
    form = SearchForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # bad values get a message; the valid filters still apply
    page = selectors.search_page(
        form.filters(), today=selectors.company_today(), page=request.GET.get("page")
    )
    page.profiles[:] = [_shown(p) for p in page.profiles]
    query = form.query_without_page()
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "page": page,
            "cards": fragments.result_cards(page.profiles, query=query),
            "searched": any(request.GET.get(name) for name in form.fields),
            "query": query,
            "more_filters": any(
                request.GET.get(name) for name in ("specialty", "language", "format", "accepting")
            ),
        },
    )


@require_GET
def front_door(request):
    """`/` for visitors who are not signed in: the directory's search box and filters (the same
    form as /directory/, which shows the results), and the way in for providers."""
    return render(request, "directory/front_door.html", {"form": SearchForm()})


def _profile_page(request, found: DirectoryProfile, *, contact_form: ContactForm | None = None, status=200):
    return render(
        request,
        "directory/profile.html",
        {
            "profile": _shown(found),
            "payers": found.payers,
            "back": request.GET.get("back", ""),
            "contact_form": contact_form or ContactForm(),
        },
        status=status,
    )


@require_GET
def profile(request, slug: str):
    found = selectors.live_profile(slug, today=selectors.company_today())
    if found is None:
        raise Http404("No live profile at this address.")
    return _profile_page(request, found)


@require_POST
def contact_provider(request, slug: str):
    """The profile's "Contact this provider" form. On an error the profile page comes back with
    everything the visitor typed and the error beside its field."""
    found = selectors.live_profile(slug, today=selectors.company_today())
    if found is None:
        raise Http404("No live profile at this address.")
    form = ContactForm(request.POST)
    # The visitor's address as allauth finds it (behind ALLAUTH_TRUSTED_PROXY_COUNT proxies), so
    # visitors behind the load balancer are limited each on their own, not all as one.
    client_ip = get_adapter(request).get_client_ip(request)
    if form.is_from_a_bot:
        # Looks sent to the bot, so it learns nothing; nothing is stored or emailed.
        with contextlib.suppress(ContactRateLimited):
            contact.contact_attempt_count(client_ip=client_ip)
        return redirect("directory:contact_sent", slug=slug)
    if not form.is_valid():
        return _profile_page(request, found, contact_form=form)
    visitor = contact.VisitorMessage(
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        phone=form.cleaned_data["phone"],
        message=form.cleaned_data["message"],
    )
    try:
        contact.contact_message_send(slug=slug, visitor=visitor, client_ip=client_ip)
    except ProfileNotFound as error:
        raise Http404(str(error)) from error
    except ContactPaused:
        found.accepting_new_clients = False  # the page now shows the note instead of the form
        return _profile_page(request, found, contact_form=form, status=409)
    except ContactRateLimited as error:
        form.add_error(None, str(error))
        return _profile_page(request, found, contact_form=form, status=429)
    return redirect("directory:contact_sent", slug=slug)


@require_GET
def contact_sent(request, slug: str):
    found = selectors.live_profiles().filter(slug=slug).only("slug", "display_name", "credentials").first()
    if found is None:
        raise Http404("No live profile at this address.")
    return render(request, "directory/contact_sent.html", {"profile": _shown(found)})


@require_GET
# Private: a shared cache (a CDN, a proxy) would go on serving the photo for as long as it
# kept it, after staff hide the profile or the provider leaves. A visitor's own browser may
# keep it a few minutes: search pages show the same photos again and again.
@cache_control(private=True, max_age=300)
def photo(request, slug: str):
    """A live profile's photo. Uploads are private; this is the only public way to one."""
    found = DirectoryProfile.objects.filter(slug=slug, is_live=True).only("photo").first()
    if found is None or not found.photo:
        raise Http404("No photo.")
    try:
        with found.photo.open("rb") as handle:
            kind = sniff_kind(handle.read(16))
        # Typed by its content, never by its stored name; only images are ever shown.
        if kind not in {"png", "jpeg"}:
            raise Http404("No photo.")
        response = FileResponse(found.photo.open("rb"), content_type=DOWNLOAD_TYPES[kind])
    except FileNotFoundError as exc:
        raise Http404("No photo.") from exc
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _initial(profile: DirectoryProfile) -> dict:
    return {
        **{name: getattr(profile, name) for name in services.EDITABLE_FIELDS},
        "bio": profile.bio_pending or profile.bio,
    }


@provider_required
def my_profile(request, provider):
    """The provider's directory profile: whether and when it is live, and their edits."""
    try:
        mine = services.profile_for(provider)
    except ProfileNotReady as error:
        return render(request, "directory/my_profile.html", {"provider": provider, "not_ready": str(error)})
    form = ProfileForm(request.POST or None, initial=_initial(mine))
    if request.method == "POST" and form.is_valid():
        waiting_before = mine.bio_pending_since
        try:
            mine = services.profile_update(provider=provider, values=form.cleaned_data, actor=request.user)
        except DirectoryError as error:
            messages.error(request, str(error))
        else:
            if mine.bio_in_review and mine.bio_pending_since != waiting_before:
                messages.success(
                    request,
                    "Saved. Your new bio is waiting for review; your current bio stays on your profile until "
                    "it is approved.",
                )
            else:
                messages.success(request, "Saved. Your profile shows the changes now.")
            return redirect("directory:my_profile")
    return render(
        request,
        "directory/my_profile.html",
        {
            "provider": provider,
            "profile": mine,
            "form": form,
            "go_live": selectors.go_live_for_provider(provider),
            **_reverification_context(mine),
        },
    )


def _reverification_context(profile: DirectoryProfile) -> dict:
    """The live profile's 90-day confirmation (directory.reverification): when it was last
    confirmed, by when to confirm it again, and whether that time has come."""
    period = selectors.reverification_for(profile)
    standing = period.standing(selectors.company_today()) if period else None
    return {"reverification": period, "reverification_standing": standing}


@require_POST
@provider_required
def my_profile_reviewed(request, provider):
    """ "Looks right": the provider confirms their profile without changing anything."""
    try:
        services.profile_review_confirm(provider=provider, actor=request.user)
    except DirectoryError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Thank you. Your profile is marked as reviewed.")
    return redirect("directory:my_profile")


@require_POST
@provider_required
def my_profile_accepting(request, provider):
    """Pause or resume new-client contact (the form's `accepting` is "yes" or "no")."""
    accepting = request.POST.get("accepting") == "yes"
    try:
        services.profile_accepting_set(provider=provider, accepting=accepting, actor=request.user)
    except DirectoryError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            "New-client contact is on: your profile says you are accepting new clients and takes messages."
            if accepting
            else "New-client contact is paused: your profile says you are not accepting new clients right "
            "now, and shows no contact form.",
        )
    return redirect("directory:my_profile")


@require_GET
@provider_required
def my_profile_preview(request, provider):
    """The provider's own profile as clients see it (live or not yet); only for themself."""
    try:
        mine = services.profile_for(provider)
    except ProfileNotReady as error:
        raise Http404(str(error)) from error
    mine = selectors.with_payers([mine], today=selectors.company_today())[0]
    return render(
        request,
        "directory/profile.html",
        {"profile": _shown(mine), "payers": mine.payers, "preview": True, "contact_form": ContactForm()},
    )
