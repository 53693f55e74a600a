"""A mention's text is stored compressed only where that saves bytes, and always reads back."""

from __future__ import annotations

import random

import pytest

from chalicelib.store.tables import COMPRESS_FROM, pack_text, unpack_text

PROSE = (
    "The support team answered within the hour and the refund arrived two days later, which "
    "is more than I can say for the last three companies I ordered from this year. "
) * 3


@pytest.mark.parametrize(
    "text",
    [
        "",
        "short tweet 🚀",
        PROSE,
        "x" * (COMPRESS_FROM - 1),
        "é" * COMPRESS_FROM,
        "cut mid-escape \ud800",
        PROSE + "\udfff",  # a lone surrogate, as json.loads returns for "\udfff"
    ],
)
def test_every_text_reads_back_as_written(text: str) -> None:
    assert unpack_text(*pack_text(text)) == text


def test_long_prose_is_packed_and_short_text_is_not() -> None:
    text, packed = pack_text(PROSE)

    assert text == ""
    assert packed is not None
    assert len(packed) < 0.8 * len(PROSE)
    assert pack_text("short tweet") == ("short tweet", None)


def test_text_that_does_not_compress_stays_a_string() -> None:
    rng = random.Random(1)
    noise = "".join(chr(rng.randrange(33, 127)) for _ in range(400))  # an id list, a hash dump

    assert pack_text(noise) == (noise, None)
