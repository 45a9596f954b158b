"""The directory bio's length (PRODUCT.md: the bio the public reads), on plain text. No Django
import: the General Onboarding form and the directory profile's edit form both call it."""

BIO_MIN_CHARS = 150
BIO_MAX_CHARS = 2000


def bio_length_problem(bio: str) -> str | None:
    """What is wrong with the bio's length, in words for the provider; None when it is fine.

    Counted as it is saved: without the whitespace around it.
    """
    length = len(bio.strip())
    if length < BIO_MIN_CHARS:
        return f"Write at least {BIO_MIN_CHARS} characters (it has {length})."
    if length > BIO_MAX_CHARS:
        return f"Keep it to at most {BIO_MAX_CHARS} characters (it has {length})."
    return None
