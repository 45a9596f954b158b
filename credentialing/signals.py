"""What credentialing tells the layers above it, without knowing who listens.

network_changed(provider_ids, trigger, now): sent inside the transaction of a payer decision
that can change where a provider is in network (an approval, a withdrawal), with the
applications locked. The directory receives it and re-syncs those profiles once the transaction
has committed (directory/receivers.py).
"""

from django.dispatch import Signal

network_changed = Signal()
