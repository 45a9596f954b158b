"""The Onboarding Dashboard (PRODUCT.md, "Onboarding Dashboard"): reads only, in a fixed number
of queries whatever the number of payers, events or articles.

Every action item is done or not because of real state (a submitted form, a recorded step, a
row in another app), never a checkbox. Queries, in order:

1. the provider, its agreement, both forms and the one-to-one rows of other apps
   (training progress, payouts account, directory profile) joined, "has a client" as an
   EXISTS; the directory's go-live inputs and the Insurance Form's dated credentials are read
   from these rows (directory.selectors.go_live_for_loaded_provider,
   credentialing.services.expirables.provider_expirables), with no query of their own;
2. the provider's payer applications with their payers (the effective start date is the
   earliest approved one: credentialing.selectors.earliest_effective_date);
3-6. the latest timeline rows of each kind: step events, sent emails, staff reviews, payer
   decisions (TIMELINE_LIMIT each, merged and cut to TIMELINE_LIMIT);
7. the next unsent email;
8. the published Support Center articles about the dashboard's action items, only when the
   cache has not got them (support.selectors: the same for every provider, fresh after an edit);
9. the state licences to renew (credentialing.services.expirables);
10. the credentialing committee's latest decisions (verification.selectors.decisions);
11. the payers' decision history (credentialing.turnaround), only when the cache has not got it.

The parts, one module each:
- `board`: the reads above and `build_dashboard`, which puts the parts together;
- `stages`: the four stages, the checks that decide their items, and each item's articles;
- `action_items`: what an item is and the facts the items are decided from;
- `account`, `insurance`, `expanding`: the items of each stage ("Account Created" and
  "Getting Started"; "Understanding Insurance", with each payer's status; "Expanding Your
  Caseload");
- `timeline`: what has happened and what comes next.
"""

from portal.dashboard.board import Dashboard, build_dashboard, provider_for_dashboard

__all__ = ["Dashboard", "build_dashboard", "provider_for_dashboard"]
