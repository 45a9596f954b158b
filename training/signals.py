"""What the training tells the layers above it, without knowing who listens.

training_completed(provider, now): sent inside the transaction that recorded the last of the
webinar and the quiz, with the provider row locked (training.services._record). Receivers:
portal (completes onboarding in the same transaction, under the same lock) and directory
(publishes the profile once the transaction has committed).
"""

from django.dispatch import Signal

training_completed = Signal()
