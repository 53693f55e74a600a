"""Sentiment: positive / neutral / negative with a score in -1..1, for English and German.

English is a VADER-style lexicon scorer (Hutto & Gilbert 2014; lexicon MIT, this code ours):
valences of words, emoji and emoticons, shifted by boosters (`very`, `kinda`), negation in the
three words before (`not bad`), ALL CAPS among lower case, elongation (`soooo goood`), a
contrast word (`but`: before counts half, after 1.5 times), `!`/`?` emphasis and VADER's
`least` and `never so` checks. English also knows evaluative words VADER lacks (`buggy`,
`seamless`, and Pattern's subjective adjectives: `gripping`), complaint idioms (`save your
money`), negates after `no` (`no problem`) and a counterfactual (`should have been better`),
reads `couldn't be happier` as praise and `too slow` as a complaint, weighs negative words 1.5
times (SO-CAL's negativity weighting), keeps emoji and emoticons from negation (`never answered
😡`), reads unlisted inflections through their stem (`helped`), two-word hashtags (`#notgood`)
and emoticons stuck to punctuation (`:D!`), and drops words whose neighbours show them carrying
no sentiment (`looks like rain`, `kind of`): rules kept only where they helped on VADER's review
and editorial sets, never chosen on its tweets (the test set, which only reports the result);
models trained on those sets did worse than the rules, so English has none. German runs the
core rules on a German lexicon (negation also after the word: `gefällt mir nicht`), and a
logistic regression trained on PotTS turns those rules' score and the words into a label.
Languages without rules are `unscored`: never a guess.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SUPPORTED = ("en", "de")
UNSCORED: tuple[str, float | None] = ("unscored", None)
THRESHOLD = 0.05  # VADER's: compound at or beyond +-0.05 is polar
NEGATION = -0.74
NEVER_SO = 1.25
CAPS = 0.733
ELONGATION = 0.293
WINDOW_DECAY = (1.0, 0.95, 0.9)
MAX_CHARS = 2000

_PARTS = re.compile(r"\w+(?:['\u2019]\w+)*|[^\w\s]+")
_REPEATS = re.compile(r"(\w)\1{2,}")
_URL = re.compile(r"https?://\S+|www\.\S+")
_BOUNDARY = frozenset('.,;:!?()[]"')
# A negated comparative is praise, not a negation: `couldn't be happier`, `doesn't get any better`.
_CANNOT_BE = re.compile(
    r"\b(?:(?:could|ca)n['\u2019]?t|cannot|(?:could|can) not)"
    r" (?:be|get|have been|ask for)(?: any)? (better|happier|easier|nicer|prouder|more|worse)\b"
    r"|\b(?:does|do)(?:n['\u2019]?t| not) get any (better|worse)\b",
    re.IGNORECASE,
)
# After these `too` means `also` (`me too`), not excess.
_ALSO = frozenset(("me", "you", "u", "us", "them", "him", "her", "it", "this", "that"))


@dataclass(frozen=True)
class Rules:
    """One language's lexicon and the words that shift it."""

    lexicon: Mapping[str, float]
    boosters: Mapping[str, float]
    negators: frozenset[str]
    contrast: frozenset[str]
    phrases: tuple[str, ...]
    spelling: Mapping[str, str]
    negate_after: bool
    emoji: Mapping[str, float]
    # English only (German's model was trained without them): emoji and emoticons kept from
    # negation; suffixes stripped to find an unlisted form (`helped` -> `help`); words that
    # carry sentiment only after one of the given words (`I like` but not `looks like`); words
    # that carry none before one of the given words (`kind of`).
    negate_symbols: bool = True
    suffixes: tuple[tuple[str, str], ...] = ()
    only_after: Mapping[str, frozenset[str]] = field(default_factory=dict)
    not_before: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # English only too: negative words weigh more (SO-CAL's negativity weighting, Taboada et
    # al. 2011: lexicons over-read praise), and two checks of VADER's: `least` negates (`the
    # least helpful`, not `at least`), `never so` strengthens (`never been so happy`).
    negative_weight: float = 1.0
    vader_checks: bool = False
    # English only: the valence of `too` before a word that carries none (`too slow`).
    excess: float = 0.0
    # English only: negated comparatives read as praise or complaint (`couldn't be happier`).
    comparatives: bool = False
    # English only: hashtags of two words split (`#notgood`), emoticons freed from the
    # punctuation stuck to them (`:D!`, `:((`).
    mend_tokens: bool = False


def _superlative(match: re.Match[str]) -> str:
    """`couldn't be better` as one token of praise, `can't get any worse` of complaint, and
    `couldn't be more helpful` as `more helpful`."""
    word = (match.group(1) or match.group(2)).lower()
    if word == "more":
        return "more"
    return " cannot_be_worse " if word == "worse" else " cannot_be_better "


def _tokens(text: str, rules: Rules) -> list[str]:
    """Words, emoticons, emoji and punctuation runs, in order; case kept for the ALL-CAPS rule."""
    if "&" in text:
        text = html.unescape(text)
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    lexicon = rules.lexicon
    out: list[str] = []
    for token in text.split():
        if token.isalnum() or token in lexicon or token.lower() in lexicon:
            out.append(token)
        elif rules.mend_tokens and (mended := _mended(token, rules)):
            out.extend(mended)
        else:
            for part in _PARTS.findall(token):
                if part[0].isalnum() or part[0] == "_" or part in lexicon:
                    out.append(part)
                elif any(c in rules.emoji for c in part):
                    out.extend(c for c in part if c in rules.emoji)
                    out.extend(c for c in part if c in "!?.,")
                elif rules.mend_tokens and (mended := _mended(part, rules)):
                    out.extend(mended)
                else:
                    out.append(part)
    return out


def _mended(token: str, rules: Rules) -> list[str] | None:
    """A hashtag of two words (`#notgood`) or an emoticon that punctuation stuck to (`:D!`,
    `yay!!!:)`, `:((`), as the tokens the rules know; None for anything else."""
    lexicon = rules.lexicon
    if token[0] == "#":
        word = token[1:].rstrip("!?.,").lower()
        if len(word) < 5 or not word.isalpha() or word in lexicon:
            return None
        for cut in range(2, len(word) - 2):
            head, tail = word[:cut], word[cut:]
            if lexicon.get(tail) and (
                head in rules.negators or head in rules.boosters or head in lexicon
            ):
                return [part for part in (head, tail, token[len(word) + 1 :]) if part]
        return None
    core = token.strip("!?.,")
    if not core or core.isalnum() or (core[0].isalpha() and core[-1].isalpha()):
        return None
    if core not in lexicon and len(core) > 2 and core[-1] == core[-2]:
        core = core.rstrip(core[-1]) + core[-1]  # `:((` -> `:(`
    if core not in lexicon:
        return None
    start = token.index(core[:2])
    end = token[start + len(core) :].lstrip(core[-1])
    return [part for part in (token[:start], core, end) if part]


def _valences(lower: list[str], low_text: str, rules: Rules) -> tuple[list[float | None], set[int]]:
    """Each token's valence (None for none), trying emoji, social-media spellings and
    elongations (`goooood`) only when the text has any; and which tokens were elongated."""
    values: list[float | None] = [*map(rules.lexicon.get, lower)]
    elongated: set[int] = set()
    if not low_text.isascii():
        emoji = rules.emoji
        for i, word in enumerate(lower):
            if values[i] is None and word in emoji:
                values[i] = emoji[word]
    if not rules.spelling.keys().isdisjoint(lower):
        for i, word in enumerate(lower):
            spelt = rules.spelling.get(word)
            if values[i] is None and spelt is not None:
                values[i] = rules.lexicon.get(spelt)
    _read_inflections(lower, values, rules)
    _drop_out_of_context(lower, values, rules)
    if rules.excess and "too" in lower:
        _read_excess(lower, values, rules.excess)
    if _REPEATS.search(low_text):
        for i, word in enumerate(lower):
            if values[i] is None and len(word) > 3 and _REPEATS.search(word):
                values[i] = _unelongated(word, rules)
                if values[i] is not None:
                    elongated.add(i)
    return values, elongated


def _read_excess(lower: list[str], values: list[float | None], valence: float) -> None:
    """`too` before a word is a complaint (`too slow`, `too many ads`), unless that word is
    praise (`too good to be true`) or `too` means `also` (`me too`, `you too bro`)."""
    last = len(lower) - 1
    for i, word in enumerate(lower):
        if (
            word == "too"
            and i < last
            and lower[i + 1][0].isalpha()
            and not values[i + 1]
            and (i == 0 or lower[i - 1] not in _ALSO)
        ):
            values[i] = valence


def _unelongated(word: str, rules: Rules) -> float | None:
    """The valence of a stretched word (`goooood`): its repeats cut to two, then to one."""
    for candidate in (_REPEATS.sub(r"\1\1", word), _REPEATS.sub(r"\1", word)):
        value = rules.lexicon.get(candidate)
        if value is not None:
            return value
    return None


def _read_inflections(lower: list[str], values: list[float | None], rules: Rules) -> None:
    """Give inflected forms the lexicon lacks their stem's valence (`helped` as `help`)."""
    if not rules.suffixes:
        return
    endings = tuple(suffix for suffix, _ in rules.suffixes)
    for i, word in enumerate(lower):
        if values[i] is None and len(word) > 4 and word.endswith(endings) and word.isalpha():
            values[i] = _stem_valence(word, rules)


def _stem_valence(word: str, rules: Rules) -> float | None:
    for suffix, replacement in rules.suffixes:
        if word.endswith(suffix):
            value = rules.lexicon.get(word[: -len(suffix)] + replacement)
            if value is not None:
                return value
    return None


def _drop_out_of_context(lower: list[str], values: list[float | None], rules: Rules) -> None:
    """Silence words whose neighbours show them used without sentiment: `like` as a
    preposition (`looks like rain`), `kind` in `kind of`."""
    if rules.only_after.keys().isdisjoint(lower) and rules.not_before.keys().isdisjoint(lower):
        return
    last = len(lower) - 1
    for i, word in enumerate(lower):
        cues = rules.only_after.get(word)
        if cues is not None and (i == 0 or lower[i - 1] not in cues):
            values[i] = None
        cues = rules.not_before.get(word)
        if cues is not None and i < last and lower[i + 1] in cues:
            values[i] = None


def polarity(text: str, rules: Rules) -> tuple[float, int]:
    """VADER's compound score in -1..1, and how many sentiment-bearing tokens it rests on."""
    score, hits, _ = _polarity(text[:MAX_CHARS], rules)
    return score, hits


def _polarity(text: str, rules: Rules) -> tuple[float, int, list[str]]:
    """The compound score, its number of hits and the lower-cased tokens it read."""
    low_text = text.lower()
    for phrase in rules.phrases:
        if phrase in low_text:
            text = re.sub(re.escape(phrase), phrase.replace(" ", "_"), text, flags=re.IGNORECASE)
    if rules.comparatives and ("nt " in low_text or "n't" in low_text or "not " in low_text):
        text = _CANNOT_BE.sub(_superlative, text)
    tokens = _tokens(text, rules)
    lower = [t.lower() for t in tokens]
    values, elongated = _valences(lower, low_text, rules)
    shouting = False
    if text != low_text:
        words = [t for t in tokens if t.isalpha()]
        shouting = 0 < sum(1 for t in words if t.isupper() and len(t) > 1) < len(words)
    # A negator with a valence of its own (`no`) keeps it only when it negates nothing: `No.`
    # is negative, `no problem` is not.
    found = [
        (i, _weigh(i, valence, tokens, lower, rules, shouting=shouting, elongated=i in elongated))
        for i, valence in enumerate(values)
        if valence
        and lower[i] not in rules.boosters
        and (lower[i] not in rules.negators or i + 1 == len(values) or values[i + 1] is None)
    ]
    if not found:
        return 0.0, 0, lower
    pivot = next((i for i, w in enumerate(lower) if w in rules.contrast), -1)
    total = 0.0
    weight = rules.negative_weight
    for i, value in found:
        part = value * (1.0 if pivot < 0 else 0.5 if i < pivot else 1.5)
        total += part * weight if part < 0 else part
    if total:
        total += math.copysign(_emphasis(text), total)
    return total / math.sqrt(total * total + 15.0), len(found), lower


def _weigh(
    i: int,
    valence: float,
    tokens: Sequence[str],
    lower: Sequence[str],
    rules: Rules,
    *,
    shouting: bool,
    elongated: bool,
) -> float:
    """One sentiment word's valence after CAPS, elongation, the boosters and negations of the
    three words before it (VADER's window) and, in German, a negation after it."""
    sign = 1.0 if valence > 0 else -1.0
    value = valence
    if shouting and tokens[i].isupper() and tokens[i].isalpha():
        value += sign * CAPS
    if elongated:
        value += sign * ELONGATION
    negated = False
    # An emoji or emoticon is not negated where the language says so: `never answered 😡`.
    symbol = not rules.negate_symbols and not tokens[i][0].isalnum()
    for back in (1, 2, 3):
        j = i - back
        if j < 0 or lower[j] in _BOUNDARY:
            break
        before = lower[j]
        boost = rules.boosters.get(before)
        if boost is not None and before not in rules.lexicon:
            if shouting and tokens[j].isupper():
                boost += CAPS if boost > 0 else -CAPS
            value += sign * boost * WINDOW_DECAY[back - 1]
        negated = negated or before in rules.negators or before.endswith("n't")
    if symbol:
        return value
    if not negated and rules.negate_after:
        negated = _negated_after(lower, i, rules.negators)
    if rules.vader_checks:
        if negated and _never_so(lower, i):
            return value * NEVER_SO
        if not negated and i > 0 and lower[i - 1] == "least":
            negated = i < 2 or lower[i - 2] not in ("at", "very")
    return value * NEGATION if negated else value


def _never_so(lower: Sequence[str], i: int) -> bool:
    """`never` two or three words before, with `so` or `this` after it: `never been so good`."""
    for back in (2, 3):
        if i >= back and lower[i - back] == "never":
            return not {"so", "this"}.isdisjoint(lower[i - back + 1 : i])
    return False


def _negated_after(lower: Sequence[str], i: int, negators: frozenset[str]) -> bool:
    """German puts `nicht` after a verb at the clause's end: `das gefällt mir nicht.`"""
    for j in range(i + 1, min(i + 5, len(lower))):
        word = lower[j]
        if word in _BOUNDARY or word[0] in _BOUNDARY:
            return False
        if word in negators:
            return j + 1 == len(lower) or not lower[j + 1][0].isalnum()
    return False


def _emphasis(text: str) -> float:
    bangs = min(text.count("!"), 4) * 0.292
    questions = text.count("?")
    if questions > 1:
        bangs += min(questions, 3) * 0.18 if questions <= 3 else 0.96
    return bangs


def label_of(score: float) -> str:
    if score >= THRESHOLD:
        return "positive"
    if score <= -THRESHOLD:
        return "negative"
    return "neutral"


class LinearModel:
    """Multinomial logistic regression over sparse binary features (weights shipped as JSON)."""

    CLASSES = ("negative", "neutral", "positive")

    def __init__(self, weights: Mapping[str, Sequence[float]]) -> None:
        self._weights = {f: tuple(w) for f, w in weights.items()}

    def predict(self, features: Sequence[str]) -> tuple[str, float]:
        """The likeliest class and P(positive) - P(negative)."""
        weights = self._weights
        neg, neu, pos = weights.get("_bias", (0.0, 0.0, 0.0))
        for feature in features:
            w = weights.get(feature)
            if w is not None:
                neg += w[0]
                neu += w[1]
                pos += w[2]
        top = max(neg, neu, pos)
        e_neg, e_neu, e_pos = math.exp(neg - top), math.exp(neu - top), math.exp(pos - top)
        total = e_neg + e_neu + e_pos
        score = (e_pos - e_neg) / total
        label = self.CLASSES[(neg, neu, pos).index(top)]
        return label, score


def features(text: str, language: str) -> list[str]:
    """A model's view of a text: its words (marked `!` after a negator up to the next
    punctuation), the rules' score in buckets, and emphasis."""
    rules = ruleset(language)
    score, hits, lower = _polarity(text[:MAX_CHARS], rules)
    found = [f"_c{round(score * 4)}", f"_h{min(hits, 3)}"]
    emoji, lexicon = rules.emoji, rules.lexicon
    if rules.negators.isdisjoint(lower) and "n't" not in text:
        # Nothing to mark: punctuation runs cut to 3 characters, everything else as it is.
        found += [w if w[0].isalnum() or w in emoji or w in lexicon else w[:3] for w in lower]
    else:
        negated = False
        for word in lower:
            if word in rules.negators or word.endswith("n't"):
                negated = True
                found.append(word)
            elif not word[0].isalnum() and word not in emoji and word not in lexicon:
                negated = False
                found.append(word[:3])
            else:
                found.append(f"!{word}" if negated else word)
    if "!" in text:
        found.append("_bang")
    return found


@cache
def ruleset(language: str) -> Rules:
    raw = json.loads((DATA / f"{language}.json").read_text(encoding="utf-8"))
    emoji = json.loads((DATA / "emoji.json").read_text(encoding="utf-8"))
    return Rules(
        lexicon=raw["lexicon"],
        boosters=raw["boosters"],
        negators=frozenset(raw["negators"]),
        contrast=frozenset(raw["contrast"]),
        phrases=tuple(raw["phrases"]),
        spelling=raw["spelling"],
        negate_after=bool(raw["negate_after"]),
        emoji=emoji,
        negate_symbols=bool(raw.get("negate_symbols", True)),
        suffixes=tuple((a, b) for a, b in raw.get("suffixes", ())),
        only_after={w: frozenset(c) for w, c in raw.get("only_after", {}).items()},
        not_before={w: frozenset(c) for w, c in raw.get("not_before", {}).items()},
        negative_weight=float(raw.get("negative_weight", 1.0)),
        vader_checks=bool(raw.get("vader_checks", False)),
        excess=float(raw.get("excess", 0.0)),
        comparatives=bool(raw.get("comparatives", False)),
        mend_tokens=bool(raw.get("mend_tokens", False)),
    )


@cache
def german_model() -> LinearModel | None:
    path = DATA / "de_model.json"
    if not path.exists():
        return None
    return LinearModel(json.loads(path.read_text(encoding="utf-8"))["weights"])


def sentiment(text: str, language: str) -> tuple[str, float | None]:
    """(label, score in -1..1) for a supported language; `("unscored", None)` otherwise."""
    if language not in SUPPORTED:
        return UNSCORED
    if language == "de":
        model = german_model()
        if model is not None:
            label, score = model.predict(features(text, language))
            return label, round(score, 4)
    score, _ = polarity(text, ruleset(language))
    return label_of(score), round(score, 4)
