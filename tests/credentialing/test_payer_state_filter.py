"""Insurance & Directories lists the payers serving the provider's licensed states, with a way to
show all, and warns beside a payer serving none of them (issue 12: a NY/NJ provider could
request a Massachusetts-only plan without notice)."""

import pytest
from django.urls import reverse

from credentialing.licensed_states import outside_states_warning, serves_licensed_state
from credentialing.models import Payer, PayerApplication, Program
from onboarding.models import GeneralOnboarding
from tests.credentialing_factories import PayerFactory
from tests.helpers import attribute_of, count_queries, element, elements, text_at

pytestmark = pytest.mark.django_db

PAGE = reverse("insurance:overview")


@pytest.fixture
def payers(provider):
    Program.objects.all().delete()
    Payer.objects.all().delete()
    GeneralOnboarding.objects.update_or_create(provider=provider, defaults={"states_licensed": ["NY", "NJ"]})
    return {
        "ny": PayerFactory(name="Empire Plan", slug="empire", states=["NY"]),
        "ma": PayerFactory(name="Bay State Health", slug="baystate", states=["MA"]),
    }


def shown_payers(html: str) -> list[str]:
    return [attribute_of(card, "data-payer") for card in elements(html, "section[data-payer]")]


def test_only_payers_in_the_licensed_states_are_shown_by_default(signed_in, payers):
    html = signed_in.get(PAGE).text
    assert shown_payers(html) == ["empire"]
    assert "Showing payers that serve your licensed states (NJ, NY)" in text_at(html, "#payer-state-filter")
    assert 'href="?payers=all"' in element(html, "#payer-state-filter")


def test_show_all_lists_every_payer_with_a_warning_beside_the_out_of_state_one(signed_in, payers):
    html = signed_in.get(PAGE, {"payers": "all"}).text
    assert shown_payers(html) == ["baystate", "empire"]
    warning = text_at(html, "#payer-baystate-outside")
    assert "Bay State Health serves MA only, none of your licensed states (NJ, NY)" in warning
    button = element(element(html, "section[data-payer=baystate]"), "button")
    assert 'aria-describedby="payer-baystate-outside"' in button
    assert "data-outside-states" not in element(html, "section[data-payer=empire]")


def test_an_out_of_state_payer_already_requested_stays_listed_with_its_warning(signed_in, provider, payers):
    signed_in.post(reverse("insurance:request", args=["baystate"]))
    assert PayerApplication.objects.filter(provider=provider, payer=payers["ma"]).exists()
    html = signed_in.get(PAGE).text
    assert shown_payers(html) == ["baystate", "empire"]
    assert "none of your licensed states" in text_at(html, "#payer-baystate-outside")


def test_the_filter_costs_the_same_with_more_payers(signed_in, payers):
    at_2 = count_queries(signed_in, PAGE)
    for number in range(10):
        PayerFactory(name=f"Plan {number}", slug=f"plan-{number}", states=["MA" if number % 2 else "NJ"])
    assert count_queries(signed_in, PAGE) == at_2


def test_the_rule_on_plain_values():
    assert serves_licensed_state(["NY", "MA"], frozenset({"NY"}))
    assert serves_licensed_state(["MA"], frozenset())  # states not known yet: no filter
    assert not serves_licensed_state(["MA"], frozenset({"NY", "NJ"}))
    assert outside_states_warning("Aetna", ["NY"], frozenset({"NY"})) == ""
