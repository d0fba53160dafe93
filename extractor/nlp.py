"""The spaCy entity layer: one blank Vietnamese pipeline labelling AGENCY, DEADLINE and LEGAL_REF.

Components: an EntityRuler from the agency registry (``doc.ents``), then two token ``Matcher``
components registered with ``@Language.component``: ``deadline_matcher`` (time expressions:
"Quý III/2026", "từ năm 2026 đến năm 2030", "hằng năm", "các năm tiếp theo") and
``legal_ref_matcher`` (số ký hiệu "1687/QĐ-TTg", "14/2019/QĐ-TTg"), each writing a span group
(``doc.spans["DEADLINE"]``, ``doc.spans["LEGAL_REF"]``) so they never fight the agency entities.
The spans say *where*; the tested parsers (``extractor.dates``, ``extractor.references``) turn
the span's printed text into the normal form.

Built lazily and once per process (``get_nlp``). The tokenizer is ours rather than pyvi's:
registry matching needs word tokens only (punctuation other than ``;`` is dropped so
"Sở Văn hóa, Thể thao" and "Sở Văn hóa Thể thao" read alike), and each token's NORM is its
unmarked lower-case form, so old/new tone placement and marks the restorer got wrong still
match (``Uy ban nhan dan`` = ``Ủy ban nhân dân``). The punctuation dropped between two tokens is
kept as the second token's ``_.gap`` ("/" in "1687/QĐ", "-" in "QĐ-TTg"), which is what tells a
document number from three words.
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
        doc.user_data["gaps"] = ["".join(text[e:s].split()) for e, s in zip([0, *toks.ends], toks.starts,
                                                                            strict=False)]
        doc.user_data["text"] = text
        return doc


DEADLINE = "DEADLINE"
LEGAL_REF = "LEGAL_REF"
_YEAR = {"TEXT": {"REGEX": r"^(19|20)\d{2}$"}}
_DAY = {"TEXT": {"REGEX": r"^\d{1,2}$"}}
_NAM = {"NORM": "nam", "OP": "?"}
_SLASH = {"REGEX": r"^/$"}
# Token patterns over the unmarked lower-case NORM, so "nam"/"năm" slips of restoration still match.
_DEADLINE_PATTERNS: list[list[dict[str, Any]]] = [
    [{"NORM": {"IN": ["tu", "den", "trong", "truoc", "sau", "giua", "cuoi", "dau"]}, "OP": "?"}, _NAM, _YEAR],
    [{"NORM": "giai"}, {"NORM": "doan"}, _YEAR],
    [_YEAR, {**_YEAR, "_": {"gap": {"REGEX": r"^[-–]$"}}}],
    [_YEAR, {"NORM": {"IN": ["den", "toi"]}}, _NAM, _YEAR],
    [{"NORM": "quy"}, {"NORM": {"IN": ["i", "ii", "iii", "iv", "1", "2", "3", "4"]}}, _NAM, _YEAR],
    [{"NORM": "thang"}, _DAY, _NAM, _YEAR],
    [{"NORM": "ngay"}, _DAY, {"NORM": "thang", "OP": "?"}, _DAY, _NAM, _YEAR],
    [{"NORM": "ngay"}, _DAY, {"NORM": "thang", "OP": "?"}, _DAY],
    [_DAY, {**_DAY, "_": {"gap": _SLASH}}, {**_YEAR, "_": {"gap": _SLASH}}],
    [{"NORM": {"IN": ["hang", "moi"]}}, {"NORM": {"IN": ["nam", "quy", "thang"]}}],
    [{"NORM": {"IN": ["cac", "nhung"]}}, {"NORM": "nam"}, {"NORM": "tiep"}, {"NORM": "theo"}],
    [{"NORM": "tro"}, {"NORM": "di"}],
    [{"NORM": "thuong"}, {"NORM": "xuyen"}],
]
_CODE = r"^[A-ZĐ][A-ZĐa-z0-9]*$"
# Số ký hiệu: number, optional year, then the type/issuer code parts (Nghị định 30/2020, Phụ lục I).
_LEGAL_REF_PATTERNS: list[list[dict[str, Any]]] = [[
    {"TEXT": {"REGEX": r"^\d{1,5}$"}, "_": {"gap": {"REGEX": r"^(?!.*/$)"}}},
    {**_YEAR, "_": {"gap": _SLASH}, "OP": "?"},
    {"TEXT": {"REGEX": _CODE}, "_": {"gap": _SLASH}},
    {"TEXT": {"REGEX": r"^[A-ZĐ][A-ZĐa-z0-9]*$"}, "_": {"gap": {"REGEX": r"^[-–&]$"}}, "OP": "*"},
]]


def _merged(spans: list[Any]) -> list[Any]:
    """Overlapping matches as one span ("Từ năm 2025" + "2025-2030" → "Từ năm 2025-2030")."""
    out: list[Any] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if out and span.start < out[-1].end:
            if span.end > out[-1].end:
                out[-1] = span.doc[out[-1].start:span.end]
        else:
            out.append(span)
    return out


def _match_component(label: str, patterns: list[list[dict[str, Any]]]) -> Any:
    """A pipeline component writing its matches, overlapping ones merged, to ``doc.spans[label]``."""
    from spacy.matcher import Matcher
    from spacy.tokens import Span

    matchers: dict[int, Matcher] = {}

    def component(doc: Any) -> Any:
        key = id(doc.vocab)
        if key not in matchers:
            matchers[key] = Matcher(doc.vocab, validate=False)
            matchers[key].add(label, patterns)
        found = _merged(matchers[key](doc, as_spans=True))
        doc.spans[label] = [Span(doc, s.start, s.end, label=label) for s in found]
        return doc

    return component


def _register() -> None:
    from spacy.language import Language
    from spacy.tokens import Token

    if not Token.has_extension("gap"):
        Token.set_extension("gap", getter=lambda t: t.doc.user_data["gaps"][t.i])
    if "deadline_matcher" not in Language.factories:
        Language.component("deadline_matcher", func=_match_component(DEADLINE, _DEADLINE_PATTERNS))
        Language.component("legal_ref_matcher", func=_match_component(LEGAL_REF, _LEGAL_REF_PATTERNS))


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The pipeline: blank ``vi`` (no pyvi), our tokenizer, an EntityRuler from the registry."""
    import spacy

    from extractor.agencies import ruler_patterns

    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.tokenizer = _Tokenizer(nlp.vocab)
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "NORM", "validate": False})
    ruler.add_patterns(ruler_patterns())  # type: ignore[attr-defined]
    _register()
    nlp.add_pipe("deadline_matcher")
    nlp.add_pipe("legal_ref_matcher")
    return nlp


@dataclass(frozen=True)
class EntitySpan:
    """One entity the ruler found: character span, label and registry id."""

    start: int
    end: int
    label: str
    ent_id: str


@lru_cache(maxsize=2048)
def _analyse(text: str) -> tuple[tuple[EntitySpan, ...], ...]:
    """(agency entities, DEADLINE spans, LEGAL_REF spans) of ``text``, offsets into ``text``.

    Cached: the same cell or clause is looked at by several extractors.
    """
    if not text.strip():
        return (), (), ()
    doc = get_nlp()(text)
    starts, ends = doc.user_data["offsets"]
    if not starts:
        return (), (), ()

    def spans(items: Any) -> tuple[EntitySpan, ...]:
        return tuple(EntitySpan(starts[e.start], ends[e.end - 1], e.label_, e.ent_id_) for e in items)

    refs = spans(doc.spans[LEGAL_REF])
    # the issuer code of a number ("1687/QĐ-TTg") cites a document; it does not name a body
    ents = tuple(e for e in spans(doc.ents) if not any(r.start <= e.start < r.end for r in refs))
    return ents, spans(doc.spans[DEADLINE]), refs


def clear_cache() -> None:
    """Forget analysed texts (benchmarks time the pipeline, not the cache)."""
    _analyse.cache_clear()


def entities(text: str) -> list[EntitySpan]:
    """Registry entities in ``text`` (longest, non-overlapping), with offsets into ``text``."""
    return list(_analyse(text)[0])


def deadline_spans(text: str) -> list[EntitySpan]:
    """Time expressions the DEADLINE matcher found in ``text``, in order."""
    return list(_analyse(text)[1])


def legal_ref_spans(text: str) -> list[EntitySpan]:
    """Document numbers (số ký hiệu) the LEGAL_REF matcher found in ``text``, in order."""
    return list(_analyse(text)[2])
