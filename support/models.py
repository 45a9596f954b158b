"""Support Center articles: the help the Onboarding Dashboard pairs with each action item."""

from functools import reduce
from operator import add, and_, or_

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse

from support.action_items import ActionItem
from support.rendering import render_markdown

# More words than this in one search only slow the query down; people type a few.
MAX_SEARCH_WORDS = 8


def validate_action_items(value) -> None:
    if not isinstance(value, list) or not all(isinstance(key, str) for key in value):
        raise ValidationError("Give a list of action-item keys.")
    unknown = sorted(set(value) - set(ActionItem.values))
    if unknown:
        raise ValidationError(f"Unknown action items: {', '.join(unknown)}.")


def _about(key: str) -> Q:
    # The keys are stored as a JSON list; matching the quoted key in its text works the same on
    # PostgreSQL and on the embedded SQLite demo (JSON containment does not exist on SQLite).
    # Keys are fixed slugs (support.action_items), so a quoted key never matches part of another.
    return Q(action_items__icontains=f'"{key}"')


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def about(self, *keys: str):
        """Articles that help with any of these action items."""
        if not keys:
            return self.none()
        return self.filter(reduce(or_, (_about(key) for key in keys)))

    def search(self, text: str):
        """Every word must appear in the title, summary or body; title hits come first.

        Plain case-insensitive matching keeps the embedded SQLite demo working; with a few
        hundred articles it is fast enough, and PostgreSQL full-text search can replace it here
        alone if the Support Center grows.
        """
        words = text.split()[:MAX_SEARCH_WORDS]
        if not words:
            return self
        found = reduce(
            and_,
            (Q(title__icontains=w) | Q(summary__icontains=w) | Q(body__icontains=w) for w in words),
        )
        in_title = reduce(
            add,
            (Case(When(title__icontains=w, then=Value(1)), default=Value(0)) for w in words),
        )
        return (
            self.filter(found)
            .annotate(title_hits=models.ExpressionWrapper(in_title, output_field=IntegerField()))
            .order_by("-title_hits", "title")
        )


class Article(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=120, unique=True, help_text="The article's address: /support/<slug>/. Keep it stable."
    )
    summary = models.CharField(max_length=300, help_text="One or two sentences, shown in lists and search.")
    body = models.TextField(help_text="Markdown. Headings start at ## (the title is the page heading).")
    action_items = models.JSONField(
        "dashboard action items",
        default=list,
        blank=True,
        validators=[validate_action_items],
        help_text="The Onboarding Dashboard shows this article next to these action items; "
        "the first one is its main topic.",
    )
    is_published = models.BooleanField(default=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("support:article", args=[self.slug])

    @property
    def body_html(self):
        return render_markdown(self.body)

    @property
    def action_item_labels(self) -> list[str]:
        labels = dict(ActionItem.choices)
        return [labels[key] for key in self.action_items if key in labels]

    def rank_for(self, key: str) -> int:
        """0 when `key` is the article's main topic, higher the further down its list."""
        try:
            return self.action_items.index(key)
        except ValueError:
            return len(self.action_items)
