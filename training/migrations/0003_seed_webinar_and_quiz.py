"""The demo webinar (the six-second video shipped in static/training/) with its chapters and
transcript, and the quiz's questions about the Alma Insurance Program.

Staff edit both in admin; `seed` is idempotent (tests that flush the database call it again).
"""

from django.db import migrations

WEBINAR = {
    "title": "Insurance Program Training Webinar",
    "duration_seconds": 6.0,  # ffprobe: 6.003 s; the last frames count as "the end"
    "summary": "How the Alma Insurance Program works: your effective start date, scheduling insurance "
    "visits, claims and payouts, and what to do when a client's insurance changes.",
}
CHAPTERS = [
    (
        0,
        "How the Alma Insurance Program works",
        "Welcome to Alma. Through the Alma Insurance Program we credential you with our payer partners, "
        "so you are in-network with them under Alma's tax ID. Each payer that approves you gives you an "
        "effective date; your effective start date is the earliest of them. Until then you are "
        "out-of-network with Alma's insurance partners. You can still see cash-pay clients with Alma's "
        "scheduling and invoicing tools, so there is no need to wait to start your practice on Alma.",
    ),
    (
        2,
        "Scheduling insurance visits",
        "Before you schedule a session billed to a client's insurance, check the client's payer on your "
        "Insurance & Directories page: it must have approved you, and its effective date must have come. "
        "A client on a payer you are not in-network with yet can be seen as cash-pay. If a client tells "
        "you their insurance has changed, update it on their roster entry before the next session; if "
        "you are not in-network with the new payer from that date, see them as cash-pay until you are.",
    ),
    (
        4,
        "Claims and payouts",
        "After an insurance session, Alma submits the claim to the payer on your behalf: you never bill "
        "the payer yourself, and the client pays only their share. Alma pays you for your sessions into "
        "the payouts account you set up in the portal, so set it up before your first session.",
    ),
]
# (topic, Support Center article slug, kind, question, [(choice, correct), ...])
QUESTIONS = [
    (
        "Scheduling insurance visits",
        "cash-pay-and-insurance-before-your-effective-date",
        "single",
        "A new client wants to use their insurance with you. From when can you schedule sessions billed "
        "to it?",
        [
            ("From the effective date of the client's payer, once that payer has approved you", True),
            ("As soon as you have submitted your Insurance Form", False),
            ("As soon as your onboarding is complete", False),
            ("Any time, as long as the client's insurance card is active", False),
        ],
    ),
    (
        "Claims",
        "insurance-program-training-webinar",
        "single",
        "Who submits the insurance claim for a session you held with an insurance client through Alma?",
        [
            ("Alma submits it to the payer on your behalf", True),
            ("You submit it to the payer yourself", False),
            ("The client submits it to their payer for reimbursement", False),
        ],
    ),
    (
        "Payouts",
        "setting-up-your-payouts-account",
        "single",
        "How are you paid for your insurance sessions?",
        [
            ("Alma pays you into the payouts account you set up in the portal", True),
            ("The payer pays you directly, by check", False),
            ("The client pays you the full fee and claims it back from the payer", False),
        ],
    ),
    (
        "Out-of-network before your effective start date",
        "cash-pay-and-insurance-before-your-effective-date",
        "single",
        "Before your effective start date, how do Alma's insurance partners consider you?",
        [
            ("Out-of-network", True),
            ("In-network, but only for new clients", False),
            ("In-network as soon as Alma approves your forms", False),
        ],
    ),
    (
        "Cash-pay clients before your effective start date",
        "cash-pay-and-insurance-before-your-effective-date",
        "multiple",
        "Before your effective start date, which of these can you do through Alma?",
        [
            ("See cash-pay clients", True),
            ("Use Alma's scheduling and invoicing tools for cash-pay clients", True),
            ("Bill a client's insurance for a session", False),
        ],
    ),
    (
        "When a client's insurance changes",
        "adding-a-client-to-your-roster",
        "single",
        "A client tells you their insurance has changed to a different payer. What do you do?",
        [
            (
                "Update their insurance on your roster before the next session, and see them as cash-pay "
                "until you are in-network with the new payer",
                True,
            ),
            ("Keep billing their previous insurance until the end of the year", False),
            ("Nothing: Alma finds out when a claim is denied", False),
        ],
    ),
]


def seed(apps, schema_editor):
    Webinar = apps.get_model("training", "Webinar")
    WebinarChapter = apps.get_model("training", "WebinarChapter")
    Question = apps.get_model("training", "Question")
    Choice = apps.get_model("training", "Choice")

    webinar, _ = Webinar.objects.get_or_create(
        title=WEBINAR["title"], video_url="", defaults={**WEBINAR, "is_published": True}
    )
    for start, title, transcript in CHAPTERS:
        WebinarChapter.objects.update_or_create(
            webinar=webinar, starts_at_seconds=start, defaults={"title": title, "transcript": transcript}
        )
    for position, (topic, slug, kind, text, choices) in enumerate(QUESTIONS, start=1):
        question, created = Question.objects.get_or_create(
            text=text,
            defaults={"topic": topic, "article_slug": slug, "kind": kind, "position": position},
        )
        if created:
            Choice.objects.bulk_create(
                Choice(question=question, text=choice, is_correct=correct, position=index)
                for index, (choice, correct) in enumerate(choices, start=1)
            )


def unseed(apps, schema_editor):
    apps.get_model("training", "Question").objects.filter(
        text__in=[text for *_, text, _ in QUESTIONS], answers__isnull=True
    ).delete()
    apps.get_model("training", "Webinar").objects.filter(
        title=WEBINAR["title"], video_url="", viewings__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0002_webinar_and_quiz")]

    operations = [migrations.RunPython(seed, unseed)]
