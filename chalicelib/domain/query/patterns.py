"""A term as the word sequences it can be found as, each word a set of folded keys."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.query.ast import Term
from chalicelib.domain.query.normalise import exact_form, word_keys, words


@dataclass(frozen=True)
class Word:
    """One word of a pattern: any of its keys, or a key starting with one (a wildcard), and
    for a case-sensitive term the exact form as well."""

    keys: frozenset[str]
    prefix: bool = False
    exact: str | None = None  # case-sensitive: the word as written

    def matches(self, keys: frozenset[str], raw: str) -> bool:
        if self.prefix:
            if not any(k.startswith(a) for k in keys for a in self.keys):
                return False
        elif self.keys.isdisjoint(keys):
            return False
        if self.exact is None:
            return True
        form = exact_form(raw)
        return form.startswith(self.exact) if self.prefix else form == self.exact


Pattern = tuple[Word, ...]


def patterns_of(term: Term) -> tuple[Pattern, ...]:
    """The word sequences a term is found as: `Social-Media` as two words or as one."""
    mark = {"word": "", "hashtag": "#", "handle": "@"}[term.kind]
    found = words(term.text)

    def word(text: str, last: bool) -> Word:
        keys = frozenset(mark + k for k in word_keys(text))
        exact = exact_form(text) if term.case_sensitive else None
        return Word(keys, prefix=term.prefix and last, exact=exact)

    main = tuple(word(w, i == len(found) - 1) for i, w in enumerate(found))
    if len(found) == 1:
        return (main,)
    return (main, (word("".join(found), True),))
