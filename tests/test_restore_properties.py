"""Property tests for restoration (STYLE.md: text transforms get Hypothesis tests)."""

from __future__ import annotations

from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.restore import model as restore_model
from extractor.restore import restore_text, restore_tokens
from extractor.vietnamese import strip_diacritics

_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@lru_cache(maxsize=1)
def _unaccented_syllables() -> list[str]:
    return sorted(restore_model.load(overlay_dir="/nonexistent-overlay").by_key)


@st.composite
def unaccented_text(draw) -> str:
    sylls = _unaccented_syllables()
    words = st.sampled_from(sylls).map(lambda s: s) | st.sampled_from(sylls).map(str.capitalize)
    line = st.lists(words, min_size=0, max_size=12).map(" ".join)
    return "\n".join(draw(st.lists(line, min_size=1, max_size=4)))


@_SETTINGS
@given(unaccented_text())
def test_unaccented_input_only_gains_marks(text):
    assert strip_diacritics(restore_text(text)) == text


@_SETTINGS
@given(unaccented_text())
def test_idempotent(text):
    once = restore_text(text)
    assert restore_text(once) == once


@_SETTINGS
@given(unaccented_text(), st.lists(st.sampled_from([" ", "  ", "\t", " \t "]), min_size=1, max_size=30))
def test_whitespace_and_line_breaks_kept(text, gaps):
    words = text.split(" ")
    spaced = "".join(w + gaps[i % len(gaps)] for i, w in enumerate(words))
    out = restore_text(spaced)
    assert [c for c in out if c.isspace()] == [c for c in spaced if c.isspace()]
    assert len(out.split("\n")) == len(spaced.split("\n"))


@_SETTINGS
@given(st.text(max_size=200))
def test_arbitrary_unicode_never_crashes(text):
    out = restore_text(text)
    assert out.count("\n") == text.count("\n")
    toks = restore_tokens(text)
    assert len(toks) >= len(text.split())  # hyphenated words give one token per syllable
