"""How names are compared with the exclusion lists (pure: no Django).

Both sides go through `normalised`: accents taken off (NFKD, then the combining marks dropped),
case folded, and everything that is not a letter or a digit removed, so "José O'Brien-Núñez",
"JOSE OBRIEN NUNEZ" and "jose obrien-nunez" agree. The lists hold first and last names apart;
a provider has one legal name, so `name_readings` gives every plausible (first, last) split of
it: the first word is the first name, and the last name is the last word, the last two words
(a compound surname, "Garcia Lopez"), or everything after the first name ("de la Cruz").
Suffixes and credentials at the end ("Jr.", "III", "PhD", "LCSW") and single initials are not
names.
"""

import re
import unicodedata

_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")

# Generational suffixes and the credentials a provider may type after their name.
NOT_NAMES = frozenset(
    {
        "jr", "sr", "ii", "iii", "iv", "v", "phd", "psyd", "md", "do", "np", "pmhnp", "lcsw", "licsw",
        "lmsw", "lpc", "lpcc", "lmhc", "lmft", "mft", "msw", "ma", "ms", "edd", "rn", "aprn", "dnp",
    }
)  # fmt: skip


def normalised(value: str) -> str:
    """The comparable form of one name (or one part of it): "Núñez-Smith" -> "nunezsmith"."""
    if value.isascii():  # most list rows: the same answer, without decomposing
        return _NOT_ASCII_ALNUM.sub("", value.lower())
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in stripped.casefold() if ch.isalnum())


def _words(legal_name: str) -> list[str]:
    words = [normalised(word) for word in (legal_name or "").replace(",", " ").split()]
    # Single initials ("Jordan A. Rivera") are never the first or last name on a list row.
    return [word for index, word in enumerate(words) if word and (len(word) > 1 or index == 0)]


def _readings(words: list[str]) -> set[tuple[str, str]]:
    if len(words) < 2:
        return set()
    first, rest = words[0], words[1:]
    return {(first, last) for last in (rest[-1], "".join(rest[-2:]), "".join(rest))}


def name_readings(legal_name: str) -> set[tuple[str, str]]:
    """Every (first, last) reading of a legal name, normalised; empty when there is no last name.

    Read both with and without what looks like a suffix at the end: "Do" and "Ma" are surnames
    too, and a missed match is worse than one more reading."""
    words = _words(legal_name)
    stripped = list(words)
    while len(stripped) > 2 and stripped[-1] in NOT_NAMES:
        stripped.pop()
    return _readings(words) | _readings(stripped)
