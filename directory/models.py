"""The public directory: one profile per provider, and the history of what happened to it.

State changes happen only in directory.services; these models hold data and read helpers.

Lists of codes (specialties, languages, states...) are JSON, like the General Onboarding form
they come from, so the embedded SQLite demo works unchanged. On PostgreSQL the migrations add
what search needs and SQLite lacks: GIN indexes on those lists (jsonb containment, `@>`), and a
full-text `search_vector` over name and bio that a trigger keeps current on every write, with
its own GIN index. On SQLite the column exists but stays empty; search falls back to
`icontains` there (directory.selectors).
"""

from datetime import date

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from credentialing.models import Payer
from onboarding.models import Provider
from onboarding.vocabulary import Approach, Language, Population, Specialty

# Code -> label, made once: a results page asks for the labels of 20 cards.
_NAMES: dict[type, dict[str, str]] = {
    vocabulary: {code: str(label) for code, label in vocabulary.choices}
    for vocabulary in (Approach, Language, Population, Specialty)
}


def _labels(vocabulary, codes: list[str]) -> list[str]:
    names = _NAMES[vocabulary]
    return [names.get(code, code) for code in codes]


# The stored go-live date as each of the sweep's probes reads it (the indexes' expressions, so
# the query and the index are the same expression): a profile not live, its day (NULL for a live
# one); a live profile, its day or, with none, the end of time (NULL for one not live).
WAITING_FOR_DAY = models.Case(
    models.When(is_live=False, then=models.F("go_live_on")), output_field=models.DateField()
)
LISTED_UNTIL = models.Case(
    models.When(is_live=True, then=Coalesce(models.F("go_live_on"), models.Value(date.max))),
    output_field=models.DateField(),
)


# A live profile's last confirmation of its data (else its go-live): what the 90-day
# reverification counts from (selectors.profiles_to_reverify). NULL when not live.
LIVE_CONFIRMED_AT = models.Case(
    models.When(is_live=True, then=Coalesce(models.F("reviewed_at"), models.F("went_live_at"))),
    output_field=models.DateTimeField(),
)


class DirectoryProfile(models.Model):
    """What the public sees of a provider, and whether they see it now (`is_live`).

    Built from the approved General Onboarding form (the form cannot change after approval);
    the provider edits it afterwards in the portal. A bio edit waits in `bio_pending` for staff
    review while the last approved `bio` stays live.
    """

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="directory_profile")
    # Name-based and never changed once made, so links to a profile keep working.
    slug = models.SlugField(max_length=120, unique=True)
    display_name = models.CharField(max_length=200)
    credentials = models.CharField(max_length=16, blank=True, help_text="License type, e.g. LCSW")
    # The approved form's photo (the same stored file). Uploads are private: the public reaches
    # it only through the profile's photo view, and only while the profile is live.
    photo = models.ImageField(blank=True, max_length=255)
    bio = models.TextField(blank=True, help_text="The approved bio: what the public reads")
    # The provider's latest edit of the bio: waiting for review while bio_pending_since is set;
    # after staff send it back, their draft (with bio_review_note beside it).
    bio_pending = models.TextField("edited bio", blank=True)
    bio_pending_since = models.DateTimeField("edited bio waiting since", null=True, blank=True)
    bio_review_note = models.TextField(blank=True, help_text="Why staff sent back the last edit")
    specialties = models.JSONField(default=list, blank=True)
    approaches = models.JSONField(default=list, blank=True)
    populations = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    states_licensed = models.JSONField(default=list, blank=True)
    offers_telehealth = models.BooleanField(default=False)
    offers_in_person = models.BooleanField(default=False)
    practice_name = models.CharField(max_length=200, blank=True)
    office_address_line1 = models.CharField(max_length=200, blank=True)
    office_address_line2 = models.CharField(max_length=200, blank=True)
    office_city = models.CharField(max_length=100, blank=True)
    office_state = models.CharField(max_length=2, blank=True)
    office_postal_code = models.CharField(max_length=10, blank=True)
    # The provider's own switch: while off, the profile says so and shows no contact form.
    accepting_new_clients = models.BooleanField(default=True)
    # When the provider last confirmed their profile in the portal (saved it, or "Looks right"):
    # the dashboard's "Review your directory profile" is done only once this is set.
    reviewed_at = models.DateTimeField("reviewed by the provider at", null=True, blank=True)

    is_live = models.BooleanField(default=False)
    went_live_at = models.DateTimeField(null=True, blank=True, help_text="When it last went live")
    hidden_by_staff = models.BooleanField(default=False)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.TextField(blank=True)
    offboarded_at = models.DateTimeField(null=True, blank=True)
    # Maintained by a PostgreSQL trigger (migration 0002); NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # The profile's place in the day's fair order of the public list: md5(slug || day) read as a
    # number (directory.selectors.fair_rank_of), written for every live profile by the midnight
    # job (services.profiles_fair_rank) and by publishing, so search sorts an index instead of
    # hashing every live profile per request. `fair_rank_on` is the day it was written for.
    # NULL until then (and on SQLite, where search hashes per request: the demo is small).
    fair_rank = models.BigIntegerField(null=True, blank=True, editable=False)
    fair_rank_on = models.DateField(null=True, blank=True, editable=False)
    # The ids of the payers the provider is in network with on `fair_rank_on` (approved, effective
    # by then; credentialing.selectors.in_effect_on), sorted: the insurance filter of search reads
    # this list from the fair index instead of probing payer applications per profile. Written
    # with the rank (the midnight job, publishing) and on every payer decision for the provider
    # (services.profiles_sync), so a payer withdrawn today leaves the list today and one
    # effective tomorrow enters at tomorrow's midnight run. Empty on SQLite (the demo filters
    # by the applications themselves).
    network_payer_ids = models.JSONField(default=list, blank=True, editable=False)
    # The day the go-live rule gives this profile (directory.golive: the latest of the earliest
    # approved effective date, the contracted start date and the training day), NULL while
    # anything blocks it (no approved payer, training not done, form not approved, hidden,
    # offboarded). Written whenever one of its inputs changes (every event that syncs a profile
    # goes through services._publish, which writes it first) and repaired by the nightly
    # reconciliation, so the sweep every few minutes reads two small index ranges
    # (not live and go_live_on <= today; live and go_live_on NULL or later than today) instead
    # of deciding who is due over every provider. An effective date that arrives needs
    # no write: the stored day was already that date.
    go_live_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    # Not a column: the payers in network today, set by directory.selectors.with_payers on the
    # profiles a page shows.
    payers: list[Payer]

    class Meta:
        verbose_name = "directory profile"
        ordering = ["display_name"]
        indexes = [
            # The public list in the day's fair order: page 1 of a search reads this index in
            # order instead of sorting every live profile. It carries the columns the filters
            # read, so a deep page (or a capped count) walks the index alone, never the table.
            models.Index(
                fields=["fair_rank", "id"],
                include=[
                    "provider_id",
                    "states_licensed",
                    "specialties",
                    "languages",
                    "offers_telehealth",
                    "offers_in_person",
                    "accepting_new_clients",
                    "network_payer_ids",
                ],
                name="directory_profile_fair",
                condition=models.Q(is_live=True),
            ),
            # The sweep's two probes (services.profiles_differing_by_date): profiles waiting for
            # their day, and live profiles whose day is gone or moved later. With nothing due each
            # is an empty range of its index, whatever the number of providers. Expressions, not
            # partial indexes on the column: ANALYZE keeps statistics of an (unconditional)
            # index's expression, so the planner knows that almost no waiting profile's day has
            # come; a partial index on go_live_on leaves it to multiply the columns' separate
            # statistics (a quarter of the table at 100,000 providers: a sequential scan).
            models.Index(WAITING_FOR_DAY, name="directory_profile_going_live"),
            models.Index(LISTED_UNTIL, name="directory_profile_coming_down"),
            # The SLA board's and the reminders' live profiles due for reverification: a range
            # of this index (an expression, for the same statistics reason), not every live row.
            models.Index(LIVE_CONFIRMED_AT, name="directory_profile_confirmed"),
            # The FHIR API's PractitionerRole?location.address-state= (Plan-Net's usual search):
            # the live offices of a state from this index alone, each then probing its payer
            # applications, instead of every application of a payer probing its profile (a
            # network + state count: 74 -> 9 ms at 100,000 providers).
            models.Index(
                fields=["office_state"],
                include=["provider_id", "offers_in_person", "office_city", "updated_at"],
                name="directory_profile_office_state",
                condition=models.Q(is_live=True),
            ),
        ]
        permissions = [
            ("review_profile_bio", "Can approve or send back a provider's directory bio"),
            ("hide_profile", "Can hide, unhide or offboard a directory profile"),
        ]

    def __str__(self) -> str:
        return self.name_with_credentials

    def get_absolute_url(self) -> str:
        return reverse("directory:profile", args=[self.slug])

    @property
    def name_with_credentials(self) -> str:
        return f"{self.display_name}, {self.credentials}" if self.credentials else self.display_name

    @property
    def bio_in_review(self) -> bool:
        return self.bio_pending_since is not None

    @property
    def is_offboarded(self) -> bool:
        return self.offboarded_at is not None

    @property
    def specialty_labels(self) -> list[str]:
        return _labels(Specialty, self.specialties)

    @property
    def approach_labels(self) -> list[str]:
        return _labels(Approach, self.approaches)

    @property
    def population_labels(self) -> list[str]:
        return _labels(Population, self.populations)

    @property
    def language_labels(self) -> list[str]:
        return _labels(Language, self.languages)


class ProfileEvent(models.Model):
    """The profile's history: every publish and unpublish with its reason, and staff actions."""

    class Kind(models.TextChoices):
        CREATED = "created", "Profile created"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        HIDDEN = "hidden", "Hidden by staff"
        UNHIDDEN = "unhidden", "Unhidden by staff"
        OFFBOARDED = "offboarded", "Offboarded"
        EDITED = "edited", "Edited by the provider"
        BIO_SUBMITTED = "bio_submitted", "Bio edit sent for review"
        BIO_APPROVED = "bio_approved", "Bio edit approved"
        BIO_SENT_BACK = "bio_sent_back", "Bio edit sent back"
        DETAILS_CORRECTED = "details_corrected", "Name or credentials corrected by staff"
        REVIEWED = "reviewed", "Reviewed by the provider"

    profile = models.ForeignKey(DirectoryProfile, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What caused it: "scheduled sweep", "payer approved", "training completed", a staff action...
    trigger = models.CharField(max_length=60, blank=True)
    reason = models.TextField(blank=True)
    # The go-live date the rule gave when this happened (publish/unpublish).
    go_live_on = models.DateField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.profile}: {self.get_kind_display()}"


class ContactMessage(models.Model):
    """A visitor's "Contact this provider" message, kept only until its email is delivered.

    The email to the provider (directory.emails.CONTACT_MESSAGE, key "contact-<id>") carries the
    visitor's words in its outbox context. Once every outbox row of that key is sent or has
    failed for good, directory.services.contact_messages_erase (run by the directory's sweep,
    every few minutes) blanks the visitor's name, email, phone and message here and in those
    outbox rows, and sets `erased_at`. What stays is that a message was sent, to whom and when.
    No IP address is stored: the rate limit keeps a hash of it in the cache for an hour.
    """

    profile = models.ForeignKey(DirectoryProfile, on_delete=models.CASCADE, related_name="contact_messages")
    visitor_name = models.CharField(max_length=120, blank=True)
    visitor_email = models.EmailField(blank=True)
    visitor_phone = models.CharField(max_length=40, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"], name="contact_unerased", condition=models.Q(erased_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"Message to {self.profile} on {self.created_at:%Y-%m-%d}"

    @property
    def outbox_key(self) -> str:
        return f"contact-{self.pk}"
