"""Words and their matching keys, shared by queries and mention text so both fold the same way.

A word's keys are its case-folded, accent-stripped form and, for German umlauts, the spelled-out
form as well: `Müller` has keys `muller` and `mueller`, so a query for `Müller` finds `Mueller`
and `Muller`, and a query for `Mueller` finds `Müller`. `ß` folds to `ss`.
"""

from __future__ import annotations

import re
import unicodedata

# A word: letters, digits, underscore, combining marks; a leading # or @ (not inside a word,
# so `bob@acme.com` has no handle) makes it a hashtag or a handle.
WORD = re.compile(r"[\w\u0300-\u036f]+|(?<!\w)[#@][\w\u0300-\u036f]+")
SPLIT = re.compile(f"({WORD.pattern})")  # split() gives gaps and words, so offsets are sums
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def word_keys(word: str) -> frozenset[str]:
    """Every key a word (without its # or @) matches under: folded, and umlauts spelled out."""
    if word.isascii():
        return frozenset((word.lower(),))
    folded = unicodedata.normalize("NFC", word.casefold())
    keys = {strip_accents(folded)}
    if any(ch in folded for ch in "äöü"):
        keys.add(strip_accents(folded.translate(_UMLAUTS)))
    return frozenset(keys)


def token_keys(token: str) -> frozenset[str]:
    """The keys of a token as it appears in text: a hashtag or handle also has its marked keys,
    so `#Tidings` is found by `tidings` and by `#tidings`."""
    mark = token[0] if token[0] in "#@" else ""
    keys = word_keys(token[1:] if mark else token)
    return keys | {mark + key for key in keys} if mark else keys


def exact_form(token: str) -> str:
    """What a case-sensitive term compares: the word as written (composed), without # or @."""
    return unicodedata.normalize("NFC", token.lstrip("#@"))


def words(text: str) -> list[str]:
    """The words of a term as a query writes it, marks removed: `Social-Media` -> two words."""
    return [w.lstrip("#@") for w in WORD.findall(text)]
