"""The benchmarks' data, loaded set-based with COPY: a national-scale practice.

`load_directory` is the directory's slice (providers, forms, payer applications, training,
profiles in mixed states: about 57 % due to go live). Other loaders build on it.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from benchmarks._common import copy_rows, reset_sequences

FIRST = [
    *("Alex", "Ana", "Ben", "Carmen", "Chloe", "Daniel", "Dana", "Eli", "Emma", "Farah", "Grace", "Hana"),
    *("Ian", "Ines", "Jamal", "Jordan", "Kai", "Lena", "Liam", "Maya", "Mei", "Noah", "Nora", "Omar"),
    *("Priya", "Quinn", "Rosa", "Sam", "Sofia", "Tara", "Theo", "Uma", "Victor", "Wen", "Yara", "Zoe"),
]
LAST = [
    *("Adams", "Alvarez", "Brooks", "Chen", "Clark", "Cohen", "Davis", "Diaz", "Evans", "Fischer", "Garcia"),
    *("Gupta", "Hall", "Harris", "Ito", "Jackson", "Kim", "Kowalski", "Lee", "Lopez", "Martin", "Mendez"),
    *("Miller", "Nguyen", "Novak", "Okafor", "Patel", "Perez", "Reyes", "Rivera", "Rossi", "Russo", "Singh"),
    *("Smith", "Stone", "Tanaka", "Taylor", "Thompson", "Walker", "Wang", "Williams", "Wilson", "Young"),
]
PHRASES = [
    "I help adults with anxiety and panic",
    "I work with couples rebuilding trust",
    "teenagers and their parents through school stress",
    "grief and loss after a death in the family",
    "trauma and PTSD with EMDR",
    "depression and low motivation using CBT",
    "life transitions, career change and burnout",
    "LGBTQIA+ clients exploring identity",
    "new parents and postpartum mood",
    "ADHD in adults: focus, planning and self-compassion",
    "substance use and recovery",
    "eating disorders and body image",
    "veterans returning to civilian life",
    "mindfulness-based stress reduction",
    "OCD with exposure and response prevention",
]
STATES = ["NY", "NJ", "CA", "TX", "FL", "IL", "PA", "MA", "WA", "GA", "NC", "OH", "CO", "AZ", "MI"]
STATE_WEIGHTS = [12, 6, 14, 10, 9, 5, 5, 4, 4, 4, 3, 3, 3, 3, 3]

# A provider's user and Provider row, as every loader writes them (the user's id is the
# provider's; no usable password; email bench<id>@example.com).
USER_COLUMNS = [
    *("id", "password", "is_superuser", "first_name", "last_name", "is_staff", "is_active"),
    *("date_joined", "email"),
]
PROVIDER_COLUMNS = [
    *("id", "public_id", "user_id", "legal_name", "license_type", "contracted_start_date"),
    *("onboarding_step", "step_changed_at", "created_at", "link_version"),
]


def user_row(user_id: int, now: datetime) -> tuple:
    """A row of USER_COLUMNS: a provider's user who signs in by link only ("!": no password)."""
    return (user_id, "!", False, "", "", False, True, now, f"bench{user_id}@example.com")


def provider_row(
    provider_id: int, name: str, contracted: date, step: str, *, now: datetime, rng: random.Random
) -> tuple:
    """A row of PROVIDER_COLUMNS (its public id drawn from rng, so the data set repeats)."""
    return (
        provider_id,
        uuid.UUID(int=rng.getrandbits(128)),
        provider_id,
        name,
        "LCSW",
        contracted,
        step,
        now,
        now,
        1,
    )


def approved_on(provider_id: int, now: datetime) -> datetime:
    """When a provider's form was approved: 30 days to 2 years ago, spread by id (no draw from the
    data set's random sequence), as a national directory's approvals are, not all today (the
    publishing sweep's missing-profile catch-up reads only the last 2 days' approvals)."""
    return now - timedelta(days=30 + provider_id % 700)


def load_directory(n: int, today: date, rng: random.Random) -> dict:
    """n providers in mixed states; returns counts of what was loaded."""
    from django.db import connection  # noqa: PLC0415

    from accounts.models import User  # noqa: PLC0415
    from credentialing.models import Payer, PayerApplication  # noqa: PLC0415
    from directory.models import DirectoryProfile  # noqa: PLC0415
    from onboarding.models import GeneralOnboarding, Provider  # noqa: PLC0415
    from onboarding.vocabulary import Approach, Language, Population, Specialty  # noqa: PLC0415
    from training.models import TrainingProgress  # noqa: PLC0415

    now = datetime.now(UTC)
    payer_ids = list(Payer.objects.order_by("pk").values_list("pk", flat=True))
    specialties = list(Specialty.values)
    approaches = list(Approach.values)
    populations = list(Population.values)
    other_languages = [code for code in Language.values if code != "en"]

    people: list[dict[str, Any]] = []
    for i in range(1, n + 1):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        form_approved = rng.random() < 0.95
        roll = rng.random()
        # Approved payers: most with effective dates in the past, some only in the future, some none.
        if roll < 0.72:
            effective = [today - timedelta(days=rng.randint(1, 700)) for _ in range(rng.randint(1, 3))]
        elif roll < 0.82:
            effective = [today + timedelta(days=rng.randint(1, 90))]
        else:
            effective = []
        trained = (
            (now - timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 1440)))
            if rng.random() < 0.85
            else None
        )
        contracted = today + timedelta(days=rng.randint(-700, 30 if rng.random() < 0.1 else -1))
        people.append(
            {
                "id": i,
                "name": name,
                "form_approved": form_approved,
                "effective": effective,
                "trained": trained,
                "contracted": contracted,
                "hidden": rng.random() < 0.01,
                "offboarded": rng.random() < 0.01,
                "bio": ". ".join(rng.sample(PHRASES, 3)) + ".",
                "specialties": rng.sample(specialties, rng.randint(2, 4)),
                "approaches": rng.sample(approaches, 2),
                "populations": rng.sample(populations, 2),
                "languages": ["en", *rng.sample(other_languages, 1 if rng.random() < 0.25 else 0)],
                "states": sorted(set(rng.choices(STATES, STATE_WEIGHTS, k=rng.randint(1, 3)))),
                "telehealth": rng.random() < 0.85,
                "in_person": rng.random() < 0.4,
                "accepting": rng.random() < 0.8,
            }
        )
    for person in people:
        if not (person["telehealth"] or person["in_person"]):
            person["telehealth"] = True

    copy_rows(
        User,
        USER_COLUMNS,
        (user_row(p["id"], now) for p in people),
    )
    copy_rows(
        Provider,
        PROVIDER_COLUMNS,
        (
            provider_row(p["id"], p["name"], p["contracted"], "forms_approved", now=now, rng=rng)
            for p in people
        ),
    )
    copy_rows(
        GeneralOnboarding,
        [
            *("provider_id", "status", "practice_name", "contact_phone", "address_line1", "address_line2"),
            *("city", "state", "postal_code", "states_licensed", "specialties", "approaches", "populations"),
            *("languages", "offers_telehealth", "offers_in_person", "photo", "bio", "submitted_at"),
            *("reviewed_at", "review_round"),
        ],
        (
            (
                p["id"], "approved" if p["form_approved"] else "submitted", "", "", "", "",
                "Springfield", p["states"][0], "10001", p["states"], p["specialties"], p["approaches"],
                p["populations"], p["languages"], p["telehealth"], p["in_person"], "", p["bio"],
                approved_on(p["id"], now) - timedelta(days=1),
                approved_on(p["id"], now) if p["form_approved"] else None, 1,
            )
            for p in people
        ),
    )  # fmt: skip
    applications = []
    for p in people:
        for payer_id, effective in zip(
            rng.sample(payer_ids, len(p["effective"])), p["effective"], strict=True
        ):
            applications.append((p["id"], payer_id, "approved", now, now, now, effective, ""))
    copy_rows(
        PayerApplication,
        [
            *("provider_id", "payer_id", "status", "requested_at", "submitted_at", "decided_at"),
            *("effective_date", "denial_reason"),
        ],
        applications,
    )
    copy_rows(
        TrainingProgress,
        ["provider_id", "webinar_completed_at", "quiz_passed_at"],
        ((p["id"], p["trained"] - timedelta(minutes=40), p["trained"]) for p in people if p["trained"]),
    )
    # Profiles exist for every approved form (the sweep would build any missing; that is a
    # one-off backfill, not the nightly job) and none is live yet.
    copy_rows(
        DirectoryProfile,
        [
            *("provider_id", "slug", "display_name", "credentials", "photo", "bio", "bio_pending"),
            *("bio_review_note", "specialties", "approaches", "populations", "languages"),
            *("states_licensed", "offers_telehealth", "offers_in_person", "practice_name"),
            *("office_address_line1", "office_address_line2", "office_city", "office_state"),
            *("office_postal_code", "accepting_new_clients", "is_live", "hidden_by_staff"),
            *("hidden_reason", "offboarded_at", "created_at", "updated_at"),
        ],
        (
            (
                p["id"], f"{p['name'].lower().replace(' ', '-')}-{p['id']}", p["name"], "LCSW", "",
                p["bio"], "", "", p["specialties"], p["approaches"], p["populations"], p["languages"],
                p["states"], p["telehealth"], p["in_person"], "", "", "", "Springfield",
                p["states"][0], "10001", p["accepting"], False, p["hidden"], "",
                now if p["offboarded"] else None, now, now,
            )
            for p in people
            if p["form_approved"]
        ),
    )  # fmt: skip
    reset_sequences(User, Provider, GeneralOnboarding, PayerApplication, TrainingProgress, DirectoryProfile)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"providers": n, "applications": len(applications), "payers": len(payer_ids)}


# ---------------------------------------------------------------------------------------------
# The national data set: everything the measured pages read

# Per provider, on average: 2 step events, about 2 events per payer application, and 4.2 sent
# emails (the go-live sweep adds a "profile live" email to each of the ~57 % it publishes): at
# 100k about 500k events and 470k outbox rows, as in the measurements.
EMAILS_PER_PROVIDER = (3, 5)  # inclusive range of sent emails each provider has had
HEAVIEST_PAYERS = 8
HEAVIEST_EVENTS = 900  # step events + payer-application events + emails + form reviews


def _copy_rows(model, columns, rows) -> int:
    """copy_rows, with the text columns not named left empty (Django's blank="" for a CharField
    without a default), so the loaders name only what they mean."""
    from django.db import models  # noqa: PLC0415

    empty = [
        field.column
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.FileField)
        and not field.null
        and not field.has_default()
        and field.column not in columns
        and field.attname not in columns
    ]
    return copy_rows(model, [*columns, *empty], ((*row, *("" for _ in empty)) for row in rows))


def _session_cookie(client) -> str:
    from django.conf import settings  # noqa: PLC0415

    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _staff_signed_in():
    """A staff user for the review queue, the provider list and the SLA board, signed in with
    password and authenticator code through allauth (the admin refuses a session without the
    code step). Returns the test client and whether it passed."""
    from allauth.mfa.totp.internal.auth import (  # noqa: PLC0415
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
    )
    from django.contrib.auth.models import Permission  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    from accounts.models import User  # noqa: PLC0415

    staff_password = "Bench-Staff-2026!"  # noqa: S105 - a benchmark database's own user
    staff = User.objects.create_user(email="bench.staff@alma.test", password=staff_password, is_staff=True)
    for codename in (
        "review_onboarding_forms",
        "view_provider",
        "view_outboxemail",
        "view_insuranceform",
        "view_generalonboarding",
        "view_payerapplication",
    ):
        staff.user_permissions.add(*Permission.objects.filter(codename=codename))
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    staff_browser = Client()
    answer = staff_browser.post(reverse("account_login"), {"login": staff.email, "password": staff_password})
    check_mfa = answer.status_code == 302 and answer.url.startswith(reverse("mfa_authenticate"))
    if time.time() % 30 > 25:  # allauth takes only the current period's code: wait for the next
        time.sleep(30 - time.time() % 30 + 0.1)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    answer = staff_browser.post(reverse("mfa_authenticate"), {"code": code})
    check_mfa = check_mfa and answer.status_code == 302 and staff_browser.get("/admin/").status_code == 200
    return staff_browser, check_mfa


def _load_mid_onboarding(mid_id: int, today: date, now: datetime, rng: random.Random) -> None:
    """The provider mid-onboarding: agreement signed, both forms drafts (no profile, no payers)."""
    from accounts.models import User  # noqa: PLC0415
    from credentialing.models import InsuranceForm  # noqa: PLC0415
    from onboarding.models import GeneralOnboarding, MembershipAgreement, OnboardingEvent, Provider  # noqa: PLC0415

    _copy_rows(
        User,
        USER_COLUMNS,
        [user_row(mid_id, now)],
    )
    _copy_rows(
        Provider,
        PROVIDER_COLUMNS,
        [
            provider_row(
                mid_id, "Mira Onboarding", today + timedelta(days=30), "account_created", now=now, rng=rng
            )
        ],
    )
    _copy_rows(
        MembershipAgreement,
        ["provider_id", "signed_at", "source", "source_reference", "recorded_at"],
        [(mid_id, now - timedelta(days=2), "import", "bench.csv", now)],
    )
    _copy_rows(
        GeneralOnboarding,
        [
            "provider_id",
            "status",
            "practice_name",
            "city",
            "state",
            "states_licensed",
            "specialties",
            "languages",
            "bio",
            "draft_saved_at",
        ],
        [
            (
                mid_id,
                "draft",
                "Mira Counselling",
                "Springfield",
                "NY",
                ["NY"],
                ["anxiety"],
                ["en"],
                "I help adults with anxiety.",
                now,
            )
        ],
    )
    _copy_rows(InsuranceForm, ["provider_id", "status", "draft_saved_at"], [(mid_id, "draft", now)])
    _copy_rows(
        OnboardingEvent,
        ["provider_id", "from_step", "to_step", "occurred_at"],
        [(mid_id, "", "account_created", now - timedelta(days=2))],
    )


def _load_outbox(n: int, heaviest_id: int, now: datetime, rng: random.Random) -> int:
    """The outbox: each provider's sent emails of the registered kinds, a few not yet due, and a
    handful overdue (the SLA board shows those); the heaviest provider's 300 more."""
    from onboarding import email_kinds  # noqa: PLC0415
    from onboarding.models import OutboxEmail  # noqa: PLC0415

    staff_kinds = email_kinds.staff_notice_codes()
    codes = sorted(k.code for k in email_kinds.kinds() if k.code not in staff_kinds)

    def emails():
        serial = 0
        for pid in range(1, n + 1):
            for code in rng.sample(codes, min(len(codes), rng.randint(*EMAILS_PER_PROVIDER))):
                serial += 1
                roll = rng.random()
                created = now - timedelta(days=rng.randint(1, 700))
                if roll < 0.01:  # queued for later
                    due_at, sent = now + timedelta(hours=rng.randint(1, 72)), None
                elif roll < 0.0102:  # overdue
                    due_at, sent = now - timedelta(hours=rng.randint(1, 48)), None
                else:
                    due_at, sent = created, created + timedelta(seconds=5)
                yield (
                    pid,
                    code,
                    "bench",
                    f"bench{pid}@example.com",
                    f"<bench-{serial}@alma.test>",
                    created,
                    due_at,
                    sent,
                    1 if sent else 0,
                )
        for j in range(300):
            serial += 1
            at = now - timedelta(days=600 - j)
            yield (
                heaviest_id,
                codes[j % len(codes)],
                f"heavy-{j}",
                f"bench{heaviest_id}@example.com",
                f"<bench-{serial}@alma.test>",
                at,
                at,
                at + timedelta(seconds=5),
                1,
            )

    return _copy_rows(
        OutboxEmail,
        [
            "provider_id",
            "step",
            "key",
            "to_email",
            "message_id",
            "created_at",
            "due_at",
            "sent_at",
            "attempts",
        ],
        emails(),
    )


# One loader read top to bottom in the order its rows depend on each other (ids chosen, then
# their history): splitting it further would pass half its locals around.
def load_national(n: int, today: date, rng: random.Random) -> dict:  # noqa: PLR0915
    """load_directory's n providers, plus every row the portal's pages read, set-based with COPY:
    membership agreements, Insurance Forms, ~5 % of forms waiting for review (submitted over the
    last two weeks, so some are overdue), payer applications in every status with their history,
    step events, the outbox, and three chosen providers; then a staff user signed in through the
    real authenticator-code step, and the due profiles published (and ranked, where the directory
    has a fair_rank). Returns counts, the chosen providers' ids, page paths and session cookies.

    Needs DJANGO settings with STAFF_MFA_REQUIRED as in production (benchmarks.settings) and a
    test environment (the test client signs in).
    """
    from django.db import connection  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from accounts.models import User  # noqa: PLC0415
    from credentialing.links import INSURANCE_FORM  # noqa: PLC0415
    from credentialing.models import InsuranceForm, Payer, PayerApplication, PayerApplicationEvent  # noqa: PLC0415
    from directory import services as directory_services  # noqa: PLC0415
    from directory.models import DirectoryProfile  # noqa: PLC0415
    from onboarding import links  # noqa: PLC0415
    from onboarding.models import (  # noqa: PLC0415
        FormReview,
        GeneralOnboarding,
        MembershipAgreement,
        OnboardingEvent,
        OutboxEmail,
        Provider,
    )

    counts = load_directory(n, today, rng)
    now = datetime.now(UTC)
    payer_ids = list(Payer.objects.order_by("pk").values_list("pk", flat=True))

    # Forms waiting for review: load_directory leaves ~5 % of General Onboarding forms submitted;
    # give them ages from minutes to two weeks (past the one-business-day review promise for most).
    waiting = list(GeneralOnboarding.objects.filter(status="submitted").values_list("provider_id", flat=True))
    waiting_set = set(waiting)
    ages = {pid: now - timedelta(minutes=rng.randint(5, 14 * 24 * 60)) for pid in waiting}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_ages (provider_id int PRIMARY KEY, submitted_at timestamptz)")
        with cursor.cursor.copy("COPY bench_ages FROM STDIN") as copy:
            for pid, at in ages.items():
                copy.write_row((pid, at))
        cursor.execute(
            "UPDATE onboarding_generalonboarding g SET submitted_at = a.submitted_at, reviewed_at = NULL "
            "FROM bench_ages a WHERE g.provider_id = a.provider_id"
        )
        cursor.execute(
            "UPDATE onboarding_provider p SET onboarding_step = 'insurance_form_submitted', "
            "step_changed_at = a.submitted_at FROM bench_ages a WHERE p.id = a.provider_id"
        )
        cursor.execute("DROP TABLE bench_ages")

    _copy_rows(
        MembershipAgreement,
        ["provider_id", "signed_at", "source", "source_reference", "recorded_at"],
        ((pid, now - timedelta(days=800), "import", f"bench.csv line {pid}", now) for pid in range(1, n + 1)),
    )
    # Insurance Forms: approved with the General Onboarding form, or already approved while the
    # General Onboarding form waits (one form per provider in the queue, ~5 % of n in all).
    _copy_rows(
        InsuranceForm,
        ["provider_id", "status", "npi", "submitted_at", "reviewed_at", "review_round"],
        (
            (
                pid,
                "approved",
                f"{1_000_000_000 + pid}"[:10],
                now - timedelta(days=30),
                now - timedelta(days=29),
                1,
            )
            for pid in range(1, n + 1)
        ),
    )

    # Payer applications in every status beside load_directory's approved ones: ~12 % of
    # providers have one more, requested, submitted, denied or withdrawn.
    taken: dict[int, set[int]] = {}
    for pid, payer_id in PayerApplication.objects.values_list("provider_id", "payer_id"):
        taken.setdefault(pid, set()).add(payer_id)
    extra = []
    for pid in range(1, n + 1):
        if rng.random() < 0.12:
            free = [p for p in payer_ids if p not in taken.get(pid, set())]
            if free:
                status = rng.choice(["requested", "submitted", "submitted", "denied", "withdrawn"])
                requested = now - timedelta(days=rng.randint(1, 200))
                extra.append((pid, rng.choice(free), status, requested, status))
    _copy_rows(
        PayerApplication,
        [
            *("provider_id", "payer_id", "status", "requested_at", "submitted_at", "decided_at"),
            *("withdrawn_at", "denial_reason"),
        ],
        (
            (
                pid,
                payer,
                status,
                at,
                None if s == "requested" else at + timedelta(days=2),
                at + timedelta(days=40) if s == "denied" else None,
                at + timedelta(days=10) if s == "withdrawn" else None,
                "Panel closed in this county" if s == "denied" else "",
            )
            for pid, payer, status, at, s in extra
        ),
    )

    # The chosen providers: the heaviest and an average one are both live-to-be (approved form,
    # trained, an approved payer in effect, contracted start passed, shown, not offboarded).
    due = (
        Provider.objects.filter(
            general_onboarding__status="approved",
            training_progress__quiz_passed_at__isnull=False,
            contracted_start_date__lt=today,
            directory_profile__hidden_by_staff=False,
            directory_profile__offboarded_at__isnull=True,
            payer_applications__status="approved",
            payer_applications__effective_date__lt=today,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    heaviest_id, average_id = list(due[:2])

    # The heaviest: an application with each of 8 payers (the ones it lacks added, in every
    # status), each with a long history; ~900 rows across the timeline's tables.
    check_payers = len(payer_ids) >= HEAVIEST_PAYERS
    heavy_payers = [p for p in payer_ids if p not in taken.get(heaviest_id, set())]
    statuses = ["submitted", "requested", "denied", "withdrawn", "submitted", "approved", "approved"]
    added = heavy_payers[: max(0, HEAVIEST_PAYERS - len(taken.get(heaviest_id, set())))]
    _copy_rows(
        PayerApplication,
        ["provider_id", "payer_id", "status", "requested_at", "submitted_at", "decided_at", "effective_date"],
        (
            (
                heaviest_id,
                payer,
                s,
                now - timedelta(days=300),
                now - timedelta(days=290),
                now - timedelta(days=200) if s in ("approved", "denied") else None,
                today - timedelta(days=100) if s == "approved" else None,
            )
            for payer, s in zip(added, statuses, strict=False)
        ),
    )

    # History of every application: requested -> submitted (-> decided). ~2 per application.
    applications = list(PayerApplication.objects.values_list("pk", "provider_id", "status", "requested_at"))
    heavy_apps = [pk for pk, pid, _, _ in applications if pid == heaviest_id]

    def application_events():
        for pk, _pid, status, at in applications:
            yield (pk, "", "requested", "", at)
            if status != "requested":
                yield (pk, "requested", "submitted", "", at + timedelta(days=2))
            if status in ("approved", "denied", "withdrawn"):
                yield (pk, "submitted", status, "", at + timedelta(days=40))
        # The heaviest's long history: notes and re-submissions, 40 per application.
        for pk in heavy_apps:
            for j in range(40):
                yield (
                    pk,
                    "submitted",
                    "submitted",
                    f"Payer asked for document {j}",
                    now - timedelta(days=250 - j),
                )

    application_event_count = _copy_rows(
        PayerApplicationEvent,
        ["application_id", "from_status", "to_status", "note", "occurred_at"],
        application_events(),
    )

    def step_events():
        for pid in range(1, n + 1):
            yield (pid, "", "account_created", now - timedelta(days=800))
            if pid in waiting_set:
                yield (pid, "account_created", "insurance_form_submitted", ages[pid])
            else:
                yield (pid, "insurance_form_submitted", "forms_approved", now - timedelta(days=29))
        for j in range(300):
            yield (heaviest_id, "forms_approved", "forms_approved", now - timedelta(days=700 - j))

    step_event_count = _copy_rows(
        OnboardingEvent, ["provider_id", "from_step", "to_step", "occurred_at"], step_events()
    )

    outbox_count = _load_outbox(n, heaviest_id, now, rng)
    _copy_rows(
        FormReview,
        ["provider_id", "form", "round", "decision", "reason", "decided_at"],
        (
            (
                heaviest_id,
                form,
                r,
                "approved" if r == 30 else "changes_requested",
                "Please fix the dates",
                now - timedelta(days=400 - r),
            )
            for form in ("general_onboarding", "insurance_form")
            for r in range(1, 31)
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE onboarding_generalonboarding SET review_round = 30 WHERE provider_id = %s", [heaviest_id]
        )
        cursor.execute(
            "UPDATE credentialing_insuranceform SET review_round = 30 WHERE provider_id = %s", [heaviest_id]
        )

    mid_id = n + 1
    _load_mid_onboarding(mid_id, today, now, rng)
    reset_sequences(
        User,
        Provider,
        MembershipAgreement,
        GeneralOnboarding,
        InsuranceForm,
        PayerApplication,
        PayerApplicationEvent,
        OnboardingEvent,
        OutboxEmail,
        FormReview,
    )

    # Rows loaded with COPY carry no stored go-live date: write them as the services would on each
    # input change, then publish what is due, as the midnight job does, and rank it.
    directory_services.profiles_go_live_write()
    published = directory_services.profiles_publish_due()
    fair_rank = getattr(directory_services, "profiles_fair_rank", None)
    if fair_rank is not None:
        fair_rank(today=today)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    staff_browser, check_mfa = _staff_signed_in()

    sessions = {"staff": _session_cookie(staff_browser)}
    for name, pid in (("heaviest", heaviest_id), ("average", average_id), ("mid", mid_id)):
        browser = Client()
        browser.force_login(User.objects.get(provider__pk=pid))
        sessions[name] = _session_cookie(browser)

    mid = Provider.objects.get(pk=mid_id)
    return {
        **counts,
        "applications": PayerApplication.objects.count(),
        "events": application_event_count + step_event_count,
        "outbox": OutboxEmail.objects.count(),
        "outbox_loaded": outbox_count,
        "waiting_for_review": len(waiting),
        "live": DirectoryProfile.objects.filter(is_live=True).count(),
        "published": len(published.published),
        "fair_rank": fair_rank is not None,
        "heaviest": heaviest_id,
        "heaviest_payers": PayerApplication.objects.filter(provider_id=heaviest_id).count(),
        "heaviest_rows": (
            OnboardingEvent.objects.filter(provider_id=heaviest_id).count()
            + PayerApplicationEvent.objects.filter(application__provider_id=heaviest_id).count()
            + OutboxEmail.objects.filter(provider_id=heaviest_id).count()
            + FormReview.objects.filter(provider_id=heaviest_id).count()
        ),
        "average": average_id,
        "mid": mid_id,
        "staff_mfa": check_mfa,
        "enough_payers": check_payers,
        "sessions": sessions,
        "paths": {
            "general_onboarding": links.form_path(mid, links.GENERAL_ONBOARDING),
            "insurance_form": links.form_path(mid, INSURANCE_FORM),
        },
        "profile_slug": DirectoryProfile.objects.filter(is_live=True)
        .order_by("pk")
        .values_list("slug", flat=True)[0],
    }
