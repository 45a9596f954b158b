"""The benchmarks' data, loaded set-based with COPY: a national-scale practice.

`load_directory` is the directory's slice (providers, forms, payer applications, training,
profiles in mixed states: about 57 % due to go live). Other loaders build on it.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

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

    people = []
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
        [
            "id",
            "password",
            "is_superuser",
            "first_name",
            "last_name",
            "is_staff",
            "is_active",
            "date_joined",
            "email",
        ],
        ((p["id"], "!", False, "", "", False, True, now, f"bench{p['id']}@example.com") for p in people),
    )
    copy_rows(
        Provider,
        [
            "id",
            "public_id",
            "user_id",
            "legal_name",
            "license_type",
            "contracted_start_date",
            "onboarding_step",
            "step_changed_at",
            "created_at",
            "link_version",
        ],
        (
            (
                p["id"],
                uuid.UUID(int=rng.getrandbits(128)),
                p["id"],
                p["name"],
                "LCSW",
                p["contracted"],
                "forms_approved",
                now,
                now,
                1,
            )
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
                p["populations"], p["languages"], p["telehealth"], p["in_person"], "", p["bio"], now,
                now if p["form_approved"] else None, 1,
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
            "provider_id",
            "payer_id",
            "status",
            "requested_at",
            "submitted_at",
            "decided_at",
            "effective_date",
            "denial_reason",
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
