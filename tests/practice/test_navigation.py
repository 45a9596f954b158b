"""The provider navigation holds every provider page (issue 12: Clients, Payouts, "My help requests"
and the directory-profile editor were reachable by no link), marks the page you are on, and costs
no query of its own (the roster's pinned query count, test_roster.py, includes it)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from onboarding.models import OnboardingStep
from tests.helpers import attribute_of, element, elements, text_at

pytestmark = pytest.mark.django_db

# A provider page whose address starts with a navigation page's (/practice/clients/add/ below
# /practice/clients/) is one click below it. These few are below a page at another address.
BELOW = {
    "training:quiz": "training:webinar",  # the training's own tabs
    "training:quiz_start": "training:quiz",  # a POST from the quiz page
    "training:webinar_progress": "training:webinar",  # the player's progress beacon
}


def _is_provider_page(view) -> bool:
    """Behind onboarding.decorators.provider_required (functools.wraps keeps the chain, and copies
    the view's name onto each wrapper: the code object still has the wrapper's own)."""
    while view is not None:
        code = getattr(view, "__code__", None)
        if code is not None and code.co_qualname.startswith("provider_required."):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def provider_pages() -> set[str]:
    """The URL names of every provider page that takes no argument (the ones a menu can link)."""
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                )
            elif (
                isinstance(pattern, URLPattern)
                and pattern.name
                and not pattern.pattern.converters
                and _is_provider_page(pattern.callback)
            ):
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def nav_links(html: str) -> dict[str, str]:
    """href -> visible label of every link in the site navigation."""
    nav = element(html, "nav#site-nav")
    return {str(attribute_of(a, "href")): text_at(a, "a") for a in elements(nav, "a")}


def test_the_provider_pages_are_found():
    # The walk itself: if it found nothing, the next tests could not fail.
    assert {
        "practice:clients",
        "practice:payouts",
        "helpdesk:list",
        "directory:my_profile",
    } <= provider_pages()


@pytest.mark.parametrize(
    "step", [OnboardingStep.GENERAL_ONBOARDING_SUBMITTED, OnboardingStep.ONBOARDING_COMPLETE]
)
def test_every_provider_page_is_in_the_navigation_or_one_click_below_it(signed_in, provider, step):
    type(provider).objects.filter(pk=provider.pk).update(onboarding_step=step)
    links = nav_links(signed_in.get(reverse("insurance:overview")).text)
    # While onboarding, the dashboard (in the navigation as "Onboarding") links each step's page.
    from_dashboard = {"training:webinar"} if step != OnboardingStep.ONBOARDING_COMPLETE else set()
    reached = {name for name in provider_pages() if reverse(name) in links} | from_dashboard
    for _ in range(2):  # below a page that is itself below one
        reached |= {
            name
            for name in provider_pages()
            if BELOW.get(name) in reached
            or any(reverse(name).startswith(reverse(parent)) for parent in reached if reverse(parent) != "/")
        }
    missing = provider_pages() - reached
    assert not missing, f"provider pages no navigation link reaches: {sorted(missing)}"
    assert {"practice:clients", "practice:payouts", "helpdesk:list", "directory:my_profile"} <= reached


def test_the_new_pages_have_the_labels_people_look_for(signed_in):
    links = nav_links(signed_in.get(reverse("insurance:overview")).text)
    assert links[reverse("practice:clients")] == "Clients"
    assert links[reverse("practice:payouts")] == "Payouts"
    assert links[reverse("helpdesk:list")] == "My help requests"
    assert links[reverse("directory:my_profile")] == "Directory profile"
    assert links[reverse("support:index")] == "Support Center"


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("practice:clients", "Clients"),
        ("practice:payouts", "Payouts"),
        ("helpdesk:list", "My help requests"),
        ("directory:my_profile", "Directory profile"),
        ("insurance:overview", "Insurance & Directories"),
    ],
)
def test_the_page_you_are_on_is_marked_current(signed_in, name, label):
    nav = element(signed_in.get(reverse(name)).text, "nav#site-nav")
    assert [text_at(a, "a") for a in elements(nav, "a[aria-current=page]")] == [label]
