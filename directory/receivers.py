"""The directory's reactions to events in the apps below it (their signals), each re-syncing
the profiles concerned once the sender's transaction has committed.

On commit and robust, like an email: a directory failure is logged and never undoes the event
that caused it. Each reaction first writes the profiles' stored go-live dates in a callback of
its own, so when publishing fails after that, the directory's own sweep
(directory.tasks.publish_due_profiles, an index probe of those dates) catches up; if the date
write fails too, the nightly reconciliation (directory.tasks.reconcile_go_live) repairs and logs it.
"""

from django.db import transaction
from django.dispatch import receiver

from credentialing.signals import network_changed
from directory import services
from training.signals import training_completed


@receiver(network_changed, dispatch_uid="directory.sync_on_network_change")
def sync_on_network_change(sender, provider_ids, trigger, now, **kwargs) -> None:
    transaction.on_commit(lambda: services.profiles_go_live_write(provider_ids=provider_ids), robust=True)
    transaction.on_commit(
        lambda: services.profiles_sync(provider_ids=provider_ids, trigger=trigger, now=now), robust=True
    )


@receiver(training_completed, dispatch_uid="directory.publish_on_training_completed")
def publish_on_training_completed(sender, provider, now, **kwargs) -> None:
    transaction.on_commit(lambda: services.profiles_go_live_write(provider_ids=[provider.pk]), robust=True)
    transaction.on_commit(lambda: services.profile_publish_if_due(provider=provider, now=now), robust=True)
