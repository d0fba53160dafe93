"""The spaCy entity layer: a blank Vietnamese pipeline whose EntityRuler knows the agency registry.

Built lazily and once per process (``get_nlp``). The tokenizer is ours rather than pyvi's:
registry matching needs word tokens only (punctuation other than ``;`` is dropped so
"Sở Văn hóa, Thể thao" and "Sở Văn hóa Thể thao" read alike), and each token's NORM is its
unmarked lower-case form, so old/new tone placement and marks the restorer got wrong still
match (``Uy ban nhan dan`` = ``Ủy ban nhân dân``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from extractor.vietnamese import strip_diacritics

if TYPE_CHECKING:
    from spacy.language import Language

_TOKEN = re.compile(r"\w+|;")


def norm_token(token: str) -> str:
    """Matching form of one token: no marks, lower case."""
    return strip_diacritics(token).lower()


@dataclass(frozen=True)
class Tokens:
    """Tokens of a text with their character offsets into it."""

    words: list[str]
    starts: list[int]
    ends: list[int]


def tokenize(text: str) -> Tokens:
    """Word tokens (and ``;`` barriers) with offsets."""
    found = list(_TOKEN.finditer(text))
    return Tokens([m.group(0) for m in found], [m.start() for m in found], [m.end() for m in found])


class _Tokenizer:
    """spaCy tokenizer over ``tokenize``; NORM set to the unmarked lower-case form."""

    def __init__(self, vocab: Any):
        self.vocab = vocab

    def __call__(self, text: str) -> Any:
        from spacy.tokens import Doc

        toks = tokenize(text)
        doc = Doc(self.vocab, words=toks.words, spaces=[True] * len(toks.words))
        for token in doc:
            token.norm_ = norm_token(token.text)
        doc.user_data["offsets"] = (toks.starts, toks.ends)
        return doc


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The pipeline: blank ``vi`` (no pyvi), our tokenizer, an EntityRuler from the registry."""
    import spacy

    from extractor.agencies import ruler_patterns

    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.tokenizer = _Tokenizer(nlp.vocab)
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "NORM", "validate": False})
    ruler.add_patterns(ruler_patterns())  # type: ignore[attr-defined]
    return nlp


@dataclass(frozen=True)
class EntitySpan:
    """One entity the ruler found: character span, label and registry id."""

    start: int
    end: int
    label: str
    ent_id: str


def entities(text: str) -> list[EntitySpan]:
    """Registry entities in ``text`` (longest, non-overlapping), with offsets into ``text``."""
    if not text.strip():
        return []
    doc = get_nlp()(text)
    starts, ends = doc.user_data["offsets"]
    if not starts:
        return []
    return [EntitySpan(starts[e.start], ends[e.end - 1], e.label_, e.ent_id_) for e in doc.ents]
