"""What the directory tells the layers above it, without knowing who listens.

profiles_built(provider_ids, now): sent inside profiles_create_missing, right after new profiles
are written and before anything can publish them. A receiver above may hold one back (a confirmed
exclusion match hides it: exclusions/receivers.py) in the same transaction, so a profile built
after such a decision never goes live, not even for one sweep.
"""

from django.dispatch import Signal

profiles_built = Signal()
