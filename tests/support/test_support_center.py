"""The Support Center: search, articles at stable addresses, safe Markdown, drafts, admin."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from support.action_items import ActionItem
from support.models import Article
from tests.helpers import element, elements, staff_user, text_of

pytestmark = pytest.mark.django_db

INDEX = reverse("support:index")


def results(response) -> list[str]:
    """Article titles in the result list, in order."""
    assert response.status_code == 200
    return [text_of(title) for title in elements(response.text, "div[data-article-title]")]


def article(**fields) -> Article:
    fields.setdefault("slug", fields["title"].lower().replace(" ", "-")[:100])
    fields.setdefault("summary", f"About {fields['title']}.")
    fields.setdefault("body", "Body text.")
    fields.setdefault("is_published", True)
    return Article.objects.create(**fields)


@pytest.fixture
def only_our_articles(db):
    # The seed migration's articles would share words with the ones made here.
    Article.objects.all().delete()


def test_every_dashboard_action_item_has_a_published_article_out_of_the_box(client, support_articles):
    for key, label in ActionItem.choices:
        found = Article.objects.published().about(key)
        assert found.exists(), f"no article for {label}"
    # And they open at their stable addresses, rendered from Markdown.
    page = client.get("/support/what-is-caqh-proview/")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "What is CAQH ProView, and why do we need your login?" in text
    assert "Your CAQH password is encrypted as soon as you submit it" in text
    assert "<strong>CAQH ProView</strong>" in page.text


def test_the_insurance_form_article_states_the_liability_limits(client, support_articles):
    text = text_of(client.get(reverse("support:article", args=["insurance-form"])).text)
    assert "at least $1,000,000 per claim and $3,000,000 aggregate" in text
    assert "10 digits with a valid check digit" in text


def test_searching_finds_words_in_title_summary_or_body_with_title_hits_first(client, only_our_articles):
    article(title="Setting up your payouts account", summary="Your bank details.", body="Routing number.")
    article(title="Adding clients", summary="Cash-pay clients.", body="Clients are paid out through payouts.")
    article(title="Webinar", summary="The training video.", body="Nothing about money.")

    assert results(client.get(INDEX, {"q": "payouts"})) == [
        "Setting up your payouts account",
        "Adding clients",
    ]
    # Every word must appear somewhere in the article, in any case.
    assert results(client.get(INDEX, {"q": "ROUTING payouts"})) == ["Setting up your payouts account"]
    assert results(client.get(INDEX, {"q": "training"})) == ["Webinar"]
    empty = client.get(INDEX, {"q": "fax machine"})
    assert results(empty) == []
    assert "No articles match “fax machine”." in text_of(empty.text)
    assert "0 articles found for “fax machine”." in text_of(empty.text)


def test_drafts_are_not_found_nor_shown_to_providers(client, provider, only_our_articles):
    draft = article(title="Payouts draft", is_published=False)
    assert results(client.get(INDEX, {"q": "payouts"})) == []
    client.force_login(provider.user)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_staff_preview_a_draft_at_its_future_address(client, only_our_articles):
    draft = article(
        title="Quiz tips", body="## Before you start\n\nWatch the *whole* webinar.", is_published=False
    )
    client.force_login(staff_user("editor@alma.test", "view_article"))
    page = client.get(draft.get_absolute_url())
    assert page.status_code == 200
    assert "Draft preview: only staff can see this article until it is published." in text_of(page.text)
    assert "<h2>Before you start</h2>" in page.text
    assert "<em>whole</em>" in page.text


def test_filtering_by_action_item_lists_its_articles(client, only_our_articles):
    article(title="Payouts basics", action_items=["payouts"])
    article(title="Clients and payouts", action_items=["add_client", "payouts"])
    article(title="Quiz tips", action_items=["quiz"])
    response = client.get(INDEX, {"item": "payouts"})
    assert results(response) == ["Clients and payouts", "Payouts basics"]
    assert "Articles for Set up your payouts account" in text_of(response.text)
    # An unknown key is ignored rather than an error.
    assert len(results(client.get(INDEX, {"item": "nonsense"}))) == 3


def test_script_and_event_handlers_in_an_article_body_never_reach_the_page(client, only_our_articles):
    body = (
        "Hello **there**.\n\n"
        "<script>alert('stolen')</script>\n\n"
        '<img src="/static/x.png" onerror="alert(1)" alt="diagram">\n\n'
        '<a href="javascript:alert(2)">click me</a> and '
        '<a href="https://example.com/help" onclick="x()">help</a>\n\n'
        '<p style="position:fixed">styled</p><iframe src="https://evil.example"></iframe>'
    )
    page = client.get(article(title="Unsafe", body=body).get_absolute_url()).text
    body_html = element(page, "#article-body")
    assert "<strong>there</strong>" in body_html
    assert "<script" not in body_html
    assert "alert('stolen')" not in body_html
    assert "onerror" not in body_html
    assert "onclick" not in body_html
    assert "javascript:" not in body_html
    assert "style=" not in body_html
    assert "<iframe" not in body_html
    assert '<img src="/static/x.png" alt="diagram">' in body_html
    assert '<a href="https://example.com/help" rel="noopener noreferrer">help</a>' in body_html


def test_an_article_page_links_related_articles(client, only_our_articles):
    main = article(title="Your directory profile", action_items=["directory_profile"])
    article(title="Writing your bio", action_items=["general_onboarding", "directory_profile"])
    article(title="Quiz tips", action_items=["quiz"])
    text = text_of(client.get(main.get_absolute_url()).text)
    assert "Related articles Writing your bio" in text
    assert "Quiz tips" not in text


def test_action_items_must_be_known_keys(only_our_articles):
    bad = Article(title="Bad", slug="bad", summary="s", body="b", action_items=["payouts", "teleport"])
    with pytest.raises(ValidationError, match="Unknown action items: teleport"):
        bad.full_clean()


def test_the_list_costs_the_same_with_30_and_300_articles(
    client, only_our_articles, django_assert_num_queries
):
    def add(count):
        start = Article.objects.count()
        Article.objects.bulk_create(
            Article(
                title=f"Payouts question {n:03}",
                slug=f"payouts-question-{n}",
                summary="About payouts.",
                body="Payouts " * 50,
                action_items=["payouts"],
                is_published=True,
            )
            for n in range(start, start + count)
        )

    add(30)
    # count, page (sessions are not touched for an anonymous visitor)
    with django_assert_num_queries(2):
        first = client.get(INDEX, {"q": "payouts", "item": "payouts"})
    add(270)
    with django_assert_num_queries(2):
        again = client.get(INDEX, {"q": "payouts", "item": "payouts"})
    assert len(results(first)) == len(results(again)) == 20
    assert "300 articles found for “payouts”." in text_of(again.text)
    assert "Page 1 of 15" in text_of(again.text)


def test_admin_searches_articles_and_previews_them_sanitized(admin_client, only_our_articles):
    saved = article(title="CAQH help", body="Your **CAQH** login.\n\n<script>alert(1)</script>")
    article(title="Quiz tips")
    listing = admin_client.get(reverse("admin:support_article_changelist"), {"q": "caqh"})
    assert "CAQH help" in listing.text
    assert "Quiz tips" not in listing.text

    change = admin_client.get(reverse("admin:support_article_change", args=[saved.pk])).text
    assert "<p>Your <strong>CAQH</strong> login.</p>" in element(change, "[data-article-preview]")
    assert "<script>alert(1)</script>" not in change.replace("&lt;script&gt;", "")


def test_admin_saves_action_items_from_tick_boxes(admin_client, only_our_articles):
    response = admin_client.post(
        reverse("admin:support_article_add"),
        {
            "title": "Payouts FAQ",
            "slug": "payouts-faq",
            "summary": "Questions about payouts.",
            "body": "Answers.",
            "action_items": ["payouts", "add_client"],
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    assert Article.objects.get(slug="payouts-faq").action_items == ["payouts", "add_client"]
    filtered = admin_client.get(reverse("admin:support_article_changelist"), {"item": "add_client"})
    assert "Payouts FAQ" in filtered.text
