"""The Onboarding Dashboard (PRODUCT.md, "Onboarding Dashboard"): reads only, in a fixed number
of queries whatever the number of payers, events or articles.

Every action item is done or not because of real state (a submitted form, a recorded step, a
row in another app), never a checkbox. Queries, in order:

1. the provider, its agreement, both forms and the one-to-one rows of other apps
   (training progress, payouts account, directory profile) joined, "has a client" as an
   EXISTS, and the directory's go-live inputs (directory.selectors.go_live_for_provider reads
   them without a query of its own);
2. the provider's payer applications with their payers;
3. the effective start date (credentialing.selectors, the one definition of it);
4-7. the latest timeline rows of each kind: step events, sent emails, staff reviews, payer
   decisions (TIMELINE_LIMIT each, merged and cut to TIMELINE_LIMIT);
8. the next unsent email;
9. the published Support Center articles about the dashboard's action items, only when the
   cache has not got them (support.selectors: the same for every provider, fresh after an edit);
10-11. the credentials to renew (credentialing.services.expirables);
12. the credentialing committee's latest decisions (verification.selectors.decisions).

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
