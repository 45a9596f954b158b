"""What credentialing tells the layers above it, without knowing who listens.

network_changed(provider_ids, trigger, now): sent once a payer decision that can change where a
provider is in network (an approval, a withdrawal) is saved: a withdrawal sends it inside its
transaction, an approval right after its own transaction (inside the caller's, if any). A
receiver relies on no lock and defers its work to on_commit, as the directory's does: it
re-syncs those profiles once the transaction has committed (directory/receivers.py).
"""

from django.dispatch import Signal

network_changed = Signal()

# unenroll_consequences(application, today): asked, never told, before a provider unenrolls from a
# payer (its confirmation page, and the withdrawal itself for its email). Each receiver in an app
# above returns a list of credentialing.unenrolling.Consequence: what unenrolling does there (the
# roster's clients on that payer, the directory profile). A receiver changes nothing.
unenroll_consequences = Signal()

# payer_withdrawn(application, now): sent inside the withdrawal's transaction, after the
# application is withdrawn. practice flags the roster clients on that payer in the same
# transaction (practice/receivers.py).
payer_withdrawn = Signal()

# insurance_form_submitted(provider, npi, now): sent inside insurance_form_submit's transaction,
# provider row locked, after the form is marked submitted (each round, a resubmission too).
# verification asks the NPI registry about `npi` once the transaction has committed.
insurance_form_submitted = Signal()
