"""The outbox as infrastructure: an email's kind is a registered code (no choices frozen here), and
the overloaded `round` becomes an explicit de-duplication key, backfilled from today's values.

The key scheme (OutboxEmail.key): "" for an email sent once per provider, else "<what>-<id>".
"""

from django.db import migrations, models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Cast, Concat, Substr

# What `round` meant for each kind, as the key's prefix ("" for the kinds sent once).
ROUND_MEANT = {
    "general_onboarding": "",
    "insurance_form": "",
    "general_onboarding_changes": "round",  # the review round
    "insurance_form_changes": "round",
    "portal_access": "send",  # 1 for the first email, 2, 3 for staff's "resend portal access"
    "webinar": "",
    "onboarding_complete": "",
    "help_ticket_received": "ticket",  # the ticket's id
    "help_ticket_reply": "reply",  # the reply's id
    "payout_account_changed": "payout-v",  # the account's version
    "profile_live": "",
    "bio_sent_back": "event",  # the profile event's id
    "expiry_reminder": "reminder",  # the reminder's id
}


def key_for(step: str, round_: int) -> str:
    """The key of a row that had `round_`: "" for a once-only kind's (or a first send's) row."""
    prefix = ROUND_MEANT.get(step, "round")
    if prefix in {"", "send"} and round_ == 1:
        return ""
    if prefix == "":
        return f"round-{round_}"  # a once-only kind sent again as a new round: keep it apart
    return f"{prefix}{round_}" if prefix.endswith("-v") else f"{prefix}-{round_}"


def round_for(key: str) -> int:
    """The reverse: the number at the end of the key, 1 for the empty key."""
    return int(key.rsplit("-", 1)[-1].lstrip("v")) if key else 1


def _key_prefix(prefix: str) -> str:
    return prefix if prefix.endswith("-v") else f"{prefix}-"


def backfill_keys(apps, schema_editor):
    """One UPDATE for the whole table (key_for in SQL): the table is locked meanwhile, so its
    time must not grow with the number of distinct rounds."""
    OutboxEmail = apps.get_model("onboarding", "OutboxEmail")
    number = Cast("round", models.CharField())
    once = [step for step, prefix in ROUND_MEANT.items() if prefix in {"", "send"}]
    whens = [When(step__in=once, round=1, then=Value(""))]
    whens += [
        When(step=step, then=Concat(Value(_key_prefix(prefix or "round")), number))
        for step, prefix in ROUND_MEANT.items()
    ]
    OutboxEmail.objects.update(
        key=Case(*whens, default=Concat(Value("round-"), number), output_field=models.CharField())
    )


def backfill_rounds(apps, schema_editor):
    """The reverse: one UPDATE per known prefix (round_for in SQL), then the few other keys."""
    OutboxEmail = apps.get_model("onboarding", "OutboxEmail")
    OutboxEmail.objects.filter(key="").update(round=1)
    prefixes = {_key_prefix(prefix or "round") for prefix in ROUND_MEANT.values()}
    for prefix in prefixes:
        OutboxEmail.objects.filter(key__regex=rf"^{prefix}[0-9]+$").update(
            round=Cast(Substr("key", len(prefix) + 1), models.PositiveIntegerField())
        )
    # Keys of kinds added with this migration ("application-3-event-8"): their own number.
    known = Q(key="")
    for prefix in prefixes:
        known |= Q(key__regex=rf"^{prefix}[0-9]+$")
    for key in OutboxEmail.objects.exclude(known).values_list("key", flat=True).distinct():
        OutboxEmail.objects.filter(key=key).update(round=round_for(key))


class Migration(migrations.Migration):
    dependencies = [
        ("onboarding", "0012_provider_details_change"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outboxemail",
            name="step",
            field=models.CharField(max_length=40, verbose_name="kind"),
        ),
        migrations.AddField(
            model_name="outboxemail",
            name="key",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        # The old constraint goes first, so that going back re-creates it only after the
        # rounds are restored from the keys (until then every round is the default 1).
        migrations.RemoveConstraint(
            model_name="outboxemail",
            name="outbox_one_email_per_step_round",
        ),
        migrations.RunPython(backfill_keys, backfill_rounds),
        migrations.RemoveField(
            model_name="outboxemail",
            name="round",
        ),
        migrations.AddConstraint(
            model_name="outboxemail",
            constraint=models.UniqueConstraint(
                fields=("provider", "step", "key", "resend"), name="outbox_one_email_per_kind_key"
            ),
        ),
    ]
