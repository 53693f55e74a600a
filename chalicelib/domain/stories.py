"""Stories: near-duplicate mentions (syndicated articles, cross-posts, retweets, quoted copies)
grouped so one story is counted and alerted once while every copy is kept.

A mention's fingerprint is an exact key (a hash of its text with the noise that differs between
copies removed: URLs, @handles, `RT @x:` prefixes, quote markers, punctuation, case) and, for
texts long enough to have a shape, a 64-bit SimHash over word shingles. Two mentions tell the
same story when their exact keys are equal or their SimHashes differ in few bits. The pipeline
keeps the stories a watch founded recently in a `StoryBook`, read once per batch, so the lookup
compares in memory and storing a story costs a few bytes of one item per batch (see README).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import InitVar, dataclass, field
from datetime import timedelta

# Copies of a story arrive within hours of each other (syndication, retweets, cross-posts).
STORY_WINDOW = timedelta(hours=48)
# Below this many words a text has too few shingles for SimHash, and the same few words from
# different people ("Acme is down") are separate voices a spike must count: a short text joins a
# story only as an explicit repost (`RT @x: ...`) of exactly the same words.
MIN_SIMHASH_WORDS = 8
# SimHashes at most this many bits apart (of 64) are the same story. Over word pairs, unrelated
# texts on one topic sit 25-32 bits apart, a copy with another byline, footer or quote within ~8;
# two random texts fall within 10 bits about once in 10^8 pairs.
NEAR_BITS = 10
SHINGLE = 2  # word pairs: robust to a changed word, still sensitive to word order

_RETWEET = re.compile(r"^\s*(rt|mt)\s+@[\w.@-]+\s*:?\s*", re.IGNORECASE)
_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<!\w)@[\w.-]+(@[\w.-]+)?")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Fingerprint:
    exact: str  # 16 hex digits of a hash of the normalised text
    simhash: int | None  # None for short texts: they only group by the exact key
    repost: bool = False  # had a retweet prefix; only the joining side's matters, not stored

    def encode(self) -> str:
        return f"{self.exact}:{'' if self.simhash is None else format(self.simhash, '016x')}"

    @classmethod
    def decode(cls, value: str) -> Fingerprint:
        exact, _, simhash = value.partition(":")
        return cls(exact, int(simhash, 16) if simhash else None)

    @property
    def joins_exact(self) -> bool:
        """Whether an equal exact key makes this a copy: long texts and reposts only."""
        return self.simhash is not None or self.repost


@dataclass(frozen=True)
class StoryEntry:
    """A story as a watch remembers it: its fingerprint and the id of the mention that founded
    it (which is also the story's id)."""

    fingerprint: Fingerprint
    story_id: str

    def encode(self) -> str:
        return f"{self.fingerprint.encode()}:{self.story_id}"

    @classmethod
    def decode(cls, value: str) -> StoryEntry:
        exact, simhash, story_id = value.split(":", 2)
        return cls(Fingerprint.decode(f"{exact}:{simhash}"), story_id)


def story_words(text: str) -> list[str]:
    """The words that copies of a story share: no URLs, handles, retweet prefixes, quote
    markers or punctuation, casefolded."""
    text = _HANDLE.sub(" ", _URL.sub(" ", _without_reposts(text)))
    return _WORD.findall(text.casefold())


def _without_reposts(text: str) -> str:
    while (stripped := _RETWEET.sub("", text, count=1)) != text:
        text = stripped
    return text


def fingerprint(title: str, text: str) -> Fingerprint:
    words = story_words(f"{title}\n{text}")
    exact = hashlib.blake2b(" ".join(words).encode(), digest_size=8).hexdigest()
    return Fingerprint(
        exact,
        simhash(words) if len(words) >= MIN_SIMHASH_WORDS else None,
        repost=_without_reposts(text) != text,
    )


def simhash(words: list[str]) -> int:
    """64-bit SimHash over word shingles: similar texts get hashes a few bits apart."""
    weights = [0] * 64
    count = max(len(words) - SHINGLE + 1, 1)
    for i in range(count):
        shingle = " ".join(words[i : i + SHINGLE])
        value = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if value >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if weights[bit] > 0)


def same_story(story: Fingerprint, mention: Fingerprint) -> bool:
    """Whether the mention is a copy of the story."""
    if story.exact == mention.exact:
        return mention.joins_exact
    if story.simhash is None or mention.simhash is None:
        return False
    return (story.simhash ^ mention.simhash).bit_count() <= NEAR_BITS


@dataclass
class StoryBook:
    """A watch's recent stories in memory, and those this batch founded (to be stored).

    Thousands of stories a busy watch founded in the window are looked up per mention: exact keys
    by a dict, SimHashes by one pass over plain ints, so a lookup stays well under a millisecond.
    """

    known: InitVar[Iterable[StoryEntry]] = ()  # indexed, not kept
    founded: list[StoryEntry] = field(default_factory=list)
    _by_exact: dict[str, StoryEntry] = field(default_factory=dict, init=False, repr=False)
    _simhashes: list[tuple[int, StoryEntry]] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self, known: Iterable[StoryEntry]) -> None:
        for entry in known:
            self._index(entry)

    def story_of(self, print_: Fingerprint, mention_id: str) -> str:
        """The story this mention belongs to; founds one (its own id) when none matches."""
        exact = self._by_exact.get(print_.exact)
        if exact is not None and not print_.joins_exact:
            return mention_id  # a short post in its own words: its own story, already indexed
        found = exact or self._nearest(print_.simhash)
        if found is not None:
            return found.story_id
        entry = StoryEntry(print_, mention_id)
        self.founded.append(entry)
        self._index(entry)
        return mention_id

    def _nearest(self, simhash: int | None) -> StoryEntry | None:
        """The oldest story whose SimHash is within NEAR_BITS (see same_story)."""
        if simhash is None:
            return None
        for other, entry in self._simhashes:
            if (other ^ simhash).bit_count() <= NEAR_BITS:
                return entry
        return None

    def _index(self, entry: StoryEntry) -> None:
        self._by_exact.setdefault(entry.fingerprint.exact, entry)  # the oldest story wins
        if entry.fingerprint.simhash is not None:
            self._simhashes.append((entry.fingerprint.simhash, entry))
