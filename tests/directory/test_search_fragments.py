"""The search page's cached HTML (directory/fragments.py): a warm page is the cold page byte for
byte, a changed profile shows its change on the next search, and nothing of one request (its
query string, its form values, its visitor) reaches another's page."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.test.signals import template_rendered
from django.utils import translation

from credentialing.models import ApplicationStatus, PayerApplication
from directory import fragments, selectors
from directory import services as directory
from directory.forms import SearchForm
from directory.models import DirectoryProfile
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import live_providers
from tests.helpers import attribute_of, element, elements, text_of

pytestmark = pytest.mark.django_db

SEARCH = "/directory/"
CARD = "directory/result_card.html"
FORM = "directory/search_form.html"


@pytest.fixture
def evergreen(db):
    return PayerFactory(name="Evergreen Health", slug="evergreen")


def rendered(response) -> set[str]:
    return {template.name for template in response.templates}


def links_of(response) -> list[str]:
    return [attribute_of(link, "href") for link in elements(response.text, "a[data-profile-link]")]


def selected(response, select: str) -> list[str]:
    return [attribute_of(o, "value") for o in elements(element(response.text, select), "option[selected]")]


def card_text(response, slug: str) -> str:
    return text_of(element(response.text, f'li[data-slug="{slug}"]'))


def test_a_warm_page_is_the_cold_page_byte_for_byte(client, evergreen):
    first, second, _ = live_providers(3, payer=evergreen, in_person=True)
    DirectoryProfile.objects.filter(provider=first).update(photo="providers/x/photo.png")
    DirectoryProfile.objects.filter(provider=second).update(display_name='Ana <b>"Bold"</b> & Co')
    url = f"{SEARCH}?q=&payer=evergreen&state=NY&specialty=nonsense&accepting=on"
    cold = client.get(url)
    assert {CARD, FORM} <= rendered(cold)
    warm = client.get(url)
    assert not {CARD, FORM} & rendered(warm)  # both came from the cache
    assert warm.content == cold.content
    assert "Ana &lt;b&gt;&quot;Bold&quot;&lt;/b&gt; &amp; Co, LCSW" in warm.text  # escaped, as ever
    assert warm.text.count('src="/directory/') == 1  # the one photo
    # The bad filter's message is part of the cached form, and stays with its search only.
    assert "This filter was left out." in warm.text
    assert "This filter was left out." not in client.get(SEARCH).text


def test_each_search_keeps_its_own_query_string_and_form_values(evergreen):
    live_providers(2, payer=evergreen)
    visitor = Client()
    by_state = visitor.get(SEARCH, {"state": "NY"})
    plain = visitor.get(SEARCH)
    by_payer = Client().get(SEARCH, {"payer": "evergreen", "page": "1"})
    by_text = Client().get(SEARCH, {"q": 'Provider "&<'})

    assert links_of(by_state)
    assert all(link.endswith("/?back=state%3DNY") for link in links_of(by_state))
    assert selected(by_state, "select#id_state") == ["NY"]
    assert "Clear filters" in by_state.text

    assert links_of(plain)
    assert not any("?back=" in link for link in links_of(plain))
    assert selected(plain, "select#id_state") == [""]
    assert selected(plain, "select#id_payer") == [""]
    assert "Clear filters" not in plain.text

    assert all(link.endswith("/?back=payer%3Devergreen") for link in links_of(by_payer))
    assert selected(by_payer, "select#id_payer") == ["evergreen"]
    assert selected(by_payer, "select#id_state") == [""]

    assert links_of(by_text)
    assert all(link.endswith("/?back=q%3DProvider%2B%2522%2526%253C") for link in links_of(by_text))
    assert attribute_of(element(by_text.text, "input#id_q"), "value") == 'Provider "&<'
    # The same profiles on all four pages, from one rendering of each card.
    assert re.findall(r'data-slug="([^"]+)"', plain.text) == re.findall(r'data-slug="([^"]+)"', by_payer.text)


def test_a_signed_in_providers_page_leaves_nothing_personal_for_the_next_visitor(live_provider):
    provider_browser = Client()
    provider_browser.force_login(live_provider.user)
    mine = provider_browser.get(SEARCH)
    token = attribute_of(element(mine.text, 'input[name="csrfmiddlewaretoken"]'), "value")
    assert token
    assert live_provider.user.email in mine.text

    theirs = Client().get(SEARCH)
    assert not {CARD, FORM} & rendered(theirs)  # the same cards and form, from the cache
    assert token not in theirs.text
    assert "csrfmiddlewaretoken" not in theirs.text
    assert live_provider.user.email not in theirs.text
    assert "Sign out" not in theirs.text
    assert elements(mine.text, "li[data-slug]") == elements(theirs.text, "li[data-slug]")
    assert element(mine.text, "form#directory-search") == element(theirs.text, "form#directory-search")


def test_a_changed_profile_shows_its_change_on_the_next_search(live_provider):
    visitor = Client()
    profile = DirectoryProfile.objects.get(provider=live_provider)
    before = card_text(visitor.get(SEARCH), profile.slug)
    assert "Accepting new clients" in before
    assert "Not accepting" not in before

    directory.profile_accepting_set(provider=live_provider, accepting=False, actor=live_provider.user)
    assert "Not accepting new clients" in card_text(visitor.get(SEARCH), profile.slug)

    other = PayerFactory(name="Aardvark Mutual", slug="aardvark")
    PayerApplication.objects.create(
        provider=live_provider,
        payer=other,
        status=ApplicationStatus.APPROVED,
        effective_date=dt.date(2025, 1, 1),
    )
    assert "Insurance: Aardvark Mutual, " in card_text(visitor.get(SEARCH), profile.slug)

    DirectoryProfile.objects.filter(pk=profile.pk).update(display_name="Morgan Alvarez-Reyes")
    assert "Morgan Alvarez-Reyes" in card_text(visitor.get(SEARCH), profile.slug)


def test_a_card_made_in_one_language_is_not_served_in_another(evergreen):
    live_providers(1, payer=evergreen)
    page = selectors.search_page(SearchForm().filters(), today=selectors.company_today(), page=1)
    made = []

    def record(sender, template, **kwargs):
        made.append(template.name)

    template_rendered.connect(record)
    try:
        with translation.override("en"):
            english = fragments.result_cards(page.profiles, query="")
            fragments.result_cards(page.profiles, query="")
        assert made == [CARD]  # the second time from the cache
        with translation.override("es"):
            fragments.result_cards(page.profiles, query="")
        assert made == [CARD, CARD]  # made again for the other language
    finally:
        template_rendered.disconnect(record)
    assert english[0].startswith('<li class="card mb-3 directory-result"')
