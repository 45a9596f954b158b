from django import forms
from django.contrib import admin
from django.utils.html import format_html

from support.action_items import ActionItem
from support.models import Article


class ArticleForm(forms.ModelForm):
    # Tick boxes instead of raw JSON: staff pick the dashboard items an article helps with.
    action_items = forms.TypedMultipleChoiceField(
        choices=ActionItem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Dashboard action items",
        help_text="The Onboarding Dashboard shows the article next to these items.",
    )

    class Meta:
        model = Article
        fields = ["title", "slug", "summary", "body", "action_items", "is_published"]
        widgets = {"body": forms.Textarea(attrs={"rows": 24})}


class ActionItemFilter(admin.SimpleListFilter):
    title = "dashboard action item"
    parameter_name = "item"

    def lookups(self, request, model_admin):
        return [("none", "None"), *ActionItem.choices]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(action_items=[])
        if self.value() in ActionItem.values:
            return queryset.about(self.value())
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = ["title", "slug", "is_published", "items", "updated_at"]
    list_filter = ["is_published", ActionItemFilter, "updated_at"]
    search_fields = ["title", "summary", "body", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "action_items", "is_published"]}),
        ("Body", {"fields": ["body"]}),
        (
            "Preview",
            {
                "fields": ["preview", "updated_at"],
                "description": "The saved body as providers see it, after sanitizing. Save and "
                "continue editing to refresh it; drafts also open at their address for staff.",
            },
        ),
    ]

    @admin.display(description="action items")
    def items(self, article: Article) -> str:
        return ", ".join(article.action_item_labels) or "—"

    @admin.display(description="rendered article")
    def preview(self, article: Article):
        if not article.pk:
            return "Save the article to see its preview."
        return format_html(
            '<div class="support-article-preview" data-article-preview>{}</div>', article.body_html
        )
