"""The Support Center articles beside each action item come from the cache (the same for every
provider), and a change to an article shows on the next dashboard request."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from support.models import Article
from tests.factories import ProviderFactory
from tests.helpers import element, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("support_articles")]

PAGE = "/portal/onboarding/"
PAYOUTS_ARTICLE = "setting-up-your-payouts-account"


def payouts_item(client) -> str:
    response = client.get(PAGE)
    assert response.status_code == 200
    return text_of(element(response.text, "li#item-payouts"))


def test_an_edited_article_shows_at_once(signed_in, django_capture_on_commit_callbacks):
    assert "Setting up your payouts account" in payouts_item(signed_in)  # now in the cache
    article = Article.objects.get(slug=PAYOUTS_ARTICLE)
    article.title = "Getting paid: your payouts account"
    with django_capture_on_commit_callbacks(execute=True):  # as the admin's save commits
        article.save()
    text = payouts_item(signed_in)
    assert "Getting paid: your payouts account" in text
    assert "Setting up your payouts account" not in text


def test_an_unpublished_or_deleted_article_leaves_the_dashboard_at_once(
    signed_in, django_capture_on_commit_callbacks
):
    assert "Setting up your payouts account" in payouts_item(signed_in)
    article = Article.objects.get(slug=PAYOUTS_ARTICLE)
    article.is_published = False
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert "Setting up your payouts account" not in payouts_item(signed_in)

    article.is_published = True
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert "Setting up your payouts account" in payouts_item(signed_in)
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert "Setting up your payouts account" not in payouts_item(signed_in)


def test_an_edit_that_is_rolled_back_never_shows(signed_in):
    assert "Setting up your payouts account" in payouts_item(signed_in)
    article = Article.objects.get(slug=PAYOUTS_ARTICLE)
    with transaction.atomic():
        article.title = "A title that was never committed"
        article.save()
        transaction.set_rollback(True)
    assert "A title that was never committed" not in payouts_item(signed_in)


def test_a_second_provider_gets_the_articles_without_a_query_for_them(client, provider):
    client.force_login(provider.user)
    first = payouts_item(client)
    client.force_login(ProviderFactory().user)
    with CaptureQueriesContext(connection) as queries:
        assert payouts_item(client) == first
    assert queries.captured_queries, "the page still reads the provider's own rows"
    assert not [q for q in queries.captured_queries if "support_article" in q["sql"]]
