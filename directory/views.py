"""The public directory (search and profile pages, no sign-in) and the provider's own profile."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from alma.text import without_bidi_controls
from alma.uploads import DOWNLOAD_TYPES, sniff_kind
from directory import selectors, services
from directory.errors import DirectoryError, ProfileNotReady
from directory.forms import ProfileForm, SearchForm
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
    today = selectors.company_today()
    results = selectors.search_profiles(form.filters(), today=today)
    page = Paginator(results, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [_shown(p) for p in selectors.with_payers(list(page.object_list), today=today)]
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "page": page,
            "searched": any(request.GET.get(name) for name in form.fields),
            "query": form.query_without_page(),
            "more_filters": any(
                request.GET.get(name) for name in ("specialty", "language", "format", "accepting")
            ),
        },
    )


@require_GET
def profile(request, slug: str):
    today = selectors.company_today()
    found = selectors.live_profile(slug, today=today)
    if found is None:
        raise Http404("No live profile at this address.")
    return render(
        request,
        "directory/profile.html",
        {"profile": _shown(found), "payers": found.payers, "back": request.GET.get("back", "")},
    )


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
        },
    )
