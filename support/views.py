"""The Support Center: searchable help articles at stable addresses. Public, like any help
center: articles hold no one's data, and providers land here from emails before they can sign in.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from support.action_items import ActionItem
from support.models import Article

PAGE_SIZE = 20
RELATED_LIMIT = 5
LIST_FIELDS = ("title", "slug", "summary", "action_items", "updated_at")


def index(request):
    query = request.GET.get("q", "").strip()[:200]
    item = request.GET.get("item", "")
    item = item if item in ActionItem.values else ""
    articles = Article.objects.published().only(*LIST_FIELDS)
    if item:
        articles = articles.about(item)
    if query:
        articles = articles.search(query)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "support/index.html",
        {
            "page": page,
            "query": query,
            "item": item,
            "item_label": ActionItem(item).label if item else "",
            "action_items": ActionItem.choices,
        },
    )


def _can_preview(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("support.view_article")


def article(request, slug: str):
    # Staff may open a draft at its future address to preview it; nobody else sees drafts.
    found = get_object_or_404(Article, slug=slug)
    if not found.is_published and not _can_preview(request.user):
        raise Http404("No such article.")
    related = []
    if found.action_items:
        related = (
            Article.objects.published()
            .about(*found.action_items)
            .exclude(pk=found.pk)
            .only(*LIST_FIELDS)[:RELATED_LIMIT]
        )
    return render(request, "support/article.html", {"article": found, "related": related})
