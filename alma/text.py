"""Text that other people read: what may not stay in it. A pure rule, no Django import.

Bidirectional control characters reorder what follows them on screen: "U+202E" (right-to-left
override) makes "moc.elpmaxe" read as "example.com", and an unclosed override or isolate runs on
into the page around it. A bio, a name or an address never needs one: right-to-left scripts
(Arabic, Hebrew) are laid out by the Unicode bidirectional algorithm from the letters themselves.
"""

import re

# Exactly the characters with the Unicode property Bidi_Control (PropList.txt, Unicode 15.1):
# ALM, LRM and RLM marks, the LRE/RLE/PDF/LRO/RLO embeddings and overrides, and the LRI/RLI/FSI/PDI
# isolates. Zero-width joiners (U+200C/U+200D) stay: Persian words and emoji sequences need them.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def without_bidi_controls(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)
