"""Reads of the Support Center for other apps.

The articles about each dashboard action item are the same for every provider, so they are read
once and kept in the Django cache (CACHES: in-process in development and tests, shared Redis in
production) instead of once per dashboard request. An article saved or deleted through the ORM
(the admin, a service, a test) moves the cache's generation on once its transaction commits
(support.receivers), so every process reads the change on its next request.

Why a generation and not a plain delete: a request that read the old rows just before the
change could otherwise write them back after the delete. It stores them under the generation it
started with, which nobody reads any more. Writes that skip the ORM's signals (bulk_create,
QuerySet.update, raw SQL, a data migration) are caught by the entry's timeout, or at once with
`articles_changed()`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache

from support.action_items import ActionItem
from support.models import Article

GENERATION_KEY = "support:articles:generation"
ARTICLES_KEY = "support:articles-by-item:{generation}"
# The safety net for writes that send no signal; a save or delete takes effect at once.
ARTICLES_CACHE_SECONDS = 10 * 60


@dataclass(frozen=True)
class ArticleSummary:
    """What a list of links needs of an article: its title and its address."""

    title: str
    url: str


def articles_by_action_item() -> dict[str, list[ArticleSummary]]:
    """The published articles about each action item, best first (its main topic first, then by
    title); from the cache, or one query."""
    generation = cache.get_or_set(GENERATION_KEY, 1, timeout=None)
    key = ARTICLES_KEY.format(generation=generation)
    found = cache.get(key)
    if found is None:
        found = _read_articles_by_action_item()
        cache.set(key, found, ARTICLES_CACHE_SECONDS)
    return found


def articles_changed() -> None:
    """Every process reads the articles afresh from its next request on."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # never read yet (or evicted): the next read starts a generation
        cache.set(GENERATION_KEY, 1, timeout=None)
        cache.delete(ARTICLES_KEY.format(generation=1))


def _read_articles_by_action_item() -> dict[str, list[ArticleSummary]]:
    by_item: dict[str, list[Article]] = defaultdict(list)
    articles = Article.objects.published().about(*ActionItem.values).only("title", "slug", "action_items")
    for article in articles:
        for key in article.action_items:
            by_item[key].append(article)
    return {key: _best_first(found, key) for key, found in by_item.items()}


def _best_first(articles: list[Article], item: str) -> list[ArticleSummary]:
    """The article whose main topic `item` is first, then by title."""
    ordered = sorted(articles, key=lambda article: (article.rank_for(item), article.title))
    return [ArticleSummary(article.title, article.get_absolute_url()) for article in ordered]
