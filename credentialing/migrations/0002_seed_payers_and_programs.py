"""Reference data: the commercial payers Alma credentials providers with, and their EAPs.

Idempotent (payers get_or_create by slug, programs by their unique name): running it on a
database that already has some of these rows changes nothing about them, so staff edits made in
admin are kept. Reversing it is a no-op: applications and enrollments may point at these rows
by then.
"""

from django.db import migrations

# The 50 states and DC, written out so this migration never changes with application code.
ALL_STATES = [
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL",
    "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE",
    "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VA", "VT", "WA", "WI", "WV", "WY",
]

PAYERS = [
    ("aetna", "Aetna", ALL_STATES),
    ("cigna", "Cigna", ALL_STATES),
    ("unitedhealthcare", "UnitedHealthcare / Optum", ALL_STATES),
    (
        "anthem",
        "Anthem Blue Cross and Blue Shield",
        ["CA", "CO", "CT", "GA", "IN", "KY", "ME", "MO", "NH", "NV", "NY", "OH", "VA", "WI"],
    ),
    ("bcbs-massachusetts", "Blue Cross Blue Shield of Massachusetts", ["MA"]),
    ("oxford", "Oxford Health Plans", ["CT", "NJ", "NY"]),
    (
        "oscar",
        "Oscar Health",
        ["AZ", "CA", "FL", "GA", "IA", "IL", "KS", "MO", "NC", "NJ", "OH", "OK", "PA", "TN", "TX", "VA"],
    ),
    ("harvard-pilgrim", "Harvard Pilgrim Health Care", ["CT", "MA", "ME", "NH"]),
]

PROGRAMS = [
    (
        "unitedhealthcare",
        "Optum EAP",
        "Short-term counseling sessions for employees of companies that buy Optum's Employee "
        "Assistance Program.",
    ),
    (
        "cigna",
        "Cigna EAP",
        "Cigna's Employee Assistance Program: a few free counseling sessions per issue for "
        "employees and their households.",
    ),
    (
        "aetna",
        "Aetna Resources For Living",
        "Aetna's Employee Assistance Program: short-term counseling for employees and their "
        "families, at no cost to them.",
    ),
    (
        "anthem",
        "Anthem EAP",
        "Anthem's Employee Assistance Program: confidential short-term counseling for members' "
        "employees.",
    ),
]


def seed(apps, schema_editor):
    Payer = apps.get_model("credentialing", "Payer")
    Program = apps.get_model("credentialing", "Program")
    for slug, name, states in PAYERS:
        Payer.objects.get_or_create(slug=slug, defaults={"name": name, "states": states})
    for payer_slug, name, description in PROGRAMS:
        Program.objects.get_or_create(
            name=name,
            defaults={
                "payer": Payer.objects.get(slug=payer_slug),
                "kind": "eap",
                "description": description,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("credentialing", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
