"""Which NUCC provider taxonomy codes are behavioural health, and the licence type each means.

One table, read by the mismatch flags (verification.npi_registry.flags) and the Insurance Form's
pre-fill. Codes from the NUCC Health Care Provider Taxonomy code set (nucc.org); the values are
onboarding.models.LicenseType's (kept as plain strings so this module stays pure: a test checks
each is a real choice). Where one code covers two of our licence types (a psychologist with a
PhD or a PsyD; a counsellor licensed as LPC or LMHC, by state; a psychiatrist MD or DO), the
pre-fill uses the provider's own licence type when it is one of them, else the first.
"""

# code: (NUCC's words, our licence types)
BEHAVIOURAL_HEALTH_TAXONOMIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "103T00000X": ("Psychologist", ("PhD", "PsyD")),
    "103TC0700X": ("Psychologist, Clinical", ("PhD", "PsyD")),
    "103TC1900X": ("Psychologist, Counseling", ("PhD", "PsyD")),
    "103TC2200X": ("Psychologist, Clinical Child & Adolescent", ("PhD", "PsyD")),
    "103TB0200X": ("Psychologist, Cognitive & Behavioral", ("PhD", "PsyD")),
    "103TF0000X": ("Psychologist, Family", ("PhD", "PsyD")),
    "1041C0700X": ("Social Worker, Clinical", ("LCSW",)),
    "101Y00000X": ("Counselor", ("LPC", "LMHC")),
    "101YM0800X": ("Counselor, Mental Health", ("LMHC", "LPC")),
    "101YP2500X": ("Counselor, Professional", ("LPC", "LMHC")),
    "106H00000X": ("Marriage & Family Therapist", ("LMFT",)),
    "2084P0800X": ("Psychiatry & Neurology, Psychiatry", ("MD", "DO")),
    "2084P0804X": ("Psychiatry & Neurology, Child & Adolescent Psychiatry", ("MD", "DO")),
    "2084P0805X": ("Psychiatry & Neurology, Geriatric Psychiatry", ("MD", "DO")),
    "363LP0808X": ("Nurse Practitioner, Psychiatric/Mental Health", ("NP/PMHNP",)),
}


def is_behavioural_health(code: str) -> bool:
    return code.upper() in BEHAVIOURAL_HEALTH_TAXONOMIES


def license_type_for(code: str, *, preferred: str = "") -> str | None:
    """Our licence type for a taxonomy code (the preferred one when the code allows it), or None."""
    entry = BEHAVIOURAL_HEALTH_TAXONOMIES.get(code.upper())
    if entry is None:
        return None
    types = entry[1]
    return preferred if preferred in types else types[0]
