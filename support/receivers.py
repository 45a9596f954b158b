"""The Support Center's reactions to its own articles changing: the cached article lists
(support.selectors) move on once the change is committed, so a reader never caches the rows of a
transaction that rolls back, and sees an edit on its next request."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from support.models import Article
from support.selectors import articles_changed


@receiver(post_save, sender=Article, dispatch_uid="support_article_saved")
@receiver(post_delete, sender=Article, dispatch_uid="support_article_deleted")
def article_changed(sender, **kwargs) -> None:
    transaction.on_commit(articles_changed)
