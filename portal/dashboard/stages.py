"""The dashboard's four stages (PRODUCT.md) and the checks that decide their action items, in
order, each item with its best few Support Center articles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from onboarding.models import Provider
from portal.dashboard import account, expanding, insurance
from portal.dashboard.action_items import ArticleLink, Facts, Item
from support.selectors import ArticleSummary

ARTICLES_PER_ITEM = 3


@dataclass
class Stage:
    number: int
    title: str
    description: str
    items: list[Item]

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def done(self) -> bool:
        return self.done_count == len(self.items)


STAGES: list[tuple[str, str, list[Callable[[Provider, Facts], Item]]]] = [
    (
        "Account Created",
        "Your agreement is signed: tell us about your practice and your credentials.",
        [account.agreement, account.general_onboarding, account.insurance_form, account.staff_review],
    ),
    (
        "Getting Started",
        "Sign in to the portal and get ready to be paid.",
        [account.set_password, account.payouts],
    ),
    (
        "Understanding Insurance",
        "Learn how the Alma Insurance Program works and get in-network.",
        [insurance.webinar, insurance.quiz, insurance.payer_approval],
    ),
    (
        "Expanding Your Caseload",
        "Help clients find you, and start seeing them.",
        [expanding.directory_profile, expanding.add_client],
    ),
]


def build_stages(provider: Provider, facts: Facts, articles: dict[str, list[ArticleSummary]]) -> list[Stage]:
    """`articles`: support.selectors.articles_by_action_item, the same for every provider."""
    stages = []
    for number, (title, description, checks) in enumerate(STAGES, start=1):
        items = [check(provider, facts) for check in checks]
        for item in items:
            found = articles.get(item.key, [])
            item.articles = [ArticleLink(a.title, a.url) for a in found[:ARTICLES_PER_ITEM]]
            if len(found) > ARTICLES_PER_ITEM:
                item.more_articles_url = f"{reverse('support:index')}?item={item.key}"
        stages.append(Stage(number, title, description, items))
    return stages
