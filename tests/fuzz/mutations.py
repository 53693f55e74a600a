"""Strategies that break recorded payloads the way the internet does: a value of another type,
a missing key, huge or odd numbers, lone surrogates, truncated or corrupted bytes.

Structural mutations of JSON find far more than random bytes, which rarely get past the
decoder; both are used, and the originals are always among the examples.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from chalicelib.domain.models import Mention
from chalicelib.domain.serialise import mention_from_dict, mention_to_dict

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Odd but valid JSON scalars: what a buggy or hostile sender actually sends.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from((0, -1, 10**11, 10**20, 2**63, -(10**30))),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(("", "\ud800", "1e400", "2026-13-45T25:61:00Z", "0", "-1", "Infinity")),
    st.sampled_from(("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "٣")),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*at, key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(_paths(item, (*at, i)))
    return found


def _mutate_once(data: Any, draw: st.DrawFn) -> Any:
    paths = _paths(data)
    path = draw(st.sampled_from(paths))
    if not path:
        return draw(json_values)
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if draw(st.booleans()) and isinstance(parent, dict):
        del parent[last]
    elif isinstance(parent, list) and draw(st.booleans()):
        parent.insert(last, draw(json_values))
    else:
        parent[last] = draw(json_values)
    return data


@st.composite
def mutated_json(draw: st.DrawFn, original: Any) -> bytes:
    """The original with one to four values replaced, deleted or inserted, as JSON bytes."""
    data = json.loads(json.dumps(original))
    for _ in range(draw(st.integers(1, 4))):
        data = _mutate_once(data, draw)
    return json.dumps(data).encode("utf-8", "surrogatepass")


@st.composite
def mutated_bytes(draw: st.DrawFn, original: bytes) -> bytes:
    """The original truncated, with bytes flipped, inserted or a text node replaced."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(("flip", "insert", "truncate", "text")))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "truncate":
            del data[at:]
        else:
            nodes = [m.span(1) for m in re.finditer(rb">([^<]+)<", data)]
            if nodes:
                start, end = draw(st.sampled_from(nodes))
                text = draw(st.text(max_size=20) | st.sampled_from(scalars_as_text))
                data[start:end] = text.encode("utf-8", "surrogatepass")
    return bytes(data)


scalars_as_text = ("", "-1", "99999999999999999999", "9999-12-31T23:59:59-14:00", "&amp;", "]]>")


def recorded(kind: str) -> list[bytes]:
    """Every recorded payload of a source, from tests/fixtures/<kind>/."""
    folder = FIXTURES / kind
    return [p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix in (".json", ".xml")]


def payloads(originals: list[bytes]) -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, the originals themselves, and mutations of each."""
    options: list[st.SearchStrategy[bytes]] = [st.binary(max_size=200), st.sampled_from(originals)]
    for body in originals:
        with contextlib.suppress(ValueError):
            options.append(mutated_json(json.loads(body)))
        options.append(mutated_bytes(body))
    return st.one_of(options)


def assert_usable(mention: Mention) -> None:
    """What the pipeline needs of a parsed mention: a key, an aware time, a queue round trip."""
    assert isinstance(mention, Mention)
    assert mention.key
    assert mention.published_at.tzinfo is not None
    assert mention.published_at.utcoffset() is not None
    message = json.loads(json.dumps(mention_to_dict(mention)))
    assert mention_from_dict(message).key == mention.key
    assert all(isinstance(v, int) for v in mention.engagement.values())
    for text in (mention.source, mention.native_id, mention.url, mention.title, mention.text):
        assert isinstance(text, str)
    assert mention.language is None or isinstance(mention.language, str)
    assert mention.author.reach is None or isinstance(mention.author.reach, int)
    assert isinstance(mention.author.name, str)
    assert isinstance(mention.author.handle, str)
