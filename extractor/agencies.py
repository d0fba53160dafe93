"""Canonical names of Vietnamese administrative bodies, matched in noisy text.

The registry (``data/agencies.tsv``) maps abbreviations, old tone placement and unmarked
spellings to one canonical name (SCHEMA.md: modern "hóa"/"Ủy"). Matching runs on the
unmarked lower-case form through the spaCy EntityRuler (``extractor.nlp``); a province name
printed right after a body stays part of it ("Công an tỉnh Sơn La"). Text that names a body
the registry does not know is kept as printed and reported unresolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from extractor.nlp import entities, norm_token, tokenize
from extractor.vietnamese import normalize

_LABEL = "AGENCY"
_COLLECTIVE_LABEL = "AGENCY_GROUP"


@dataclass(frozen=True)
class Entry:
    """One registry row."""

    canonical: str
    kind: str  # body | collective | prefix
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class AgencyMention:
    """A body named in a text: its canonical name, where it was printed, and whether resolved."""

    name: str
    printed: str
    start: int
    end: int
    resolved: bool


def _data(name: str) -> str:
    return resources.files("extractor").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def registry() -> tuple[Entry, ...]:
    """The registry rows, loaded once."""
    rows = []
    for line in _data("agencies.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, kind, aliases = (line.split("\t") + ["", ""])[:3]
        names = tuple(a.strip() for a in aliases.split("|") if a.strip()) or (canonical,)
        rows.append(Entry(normalize(canonical), kind, tuple(normalize(a) for a in names)))
    return tuple(rows)


@lru_cache(maxsize=1)
def provinces() -> tuple[str, ...]:
    """Province names, longest first (so "Thừa Thiên Huế" wins over "Huế")."""
    names = [normalize(n.strip()) for n in _data("provinces.txt").splitlines()
             if n.strip() and not n.startswith("#")]
    return tuple(sorted(names, key=len, reverse=True))


def _key(text: str) -> str:
    return " ".join(norm_token(w) for w in tokenize(text).words)


@lru_cache(maxsize=1)
def _province_keys() -> tuple[tuple[str, str], ...]:
    return tuple((_key(p), p) for p in provinces())


@lru_cache(maxsize=1)
def _prefix_keys() -> tuple[str, ...]:
    return tuple(_key(e.canonical) for e in registry() if e.kind == "prefix")


def ruler_patterns() -> list[dict]:
    """EntityRuler phrase patterns: every alias of every body/collective row."""
    patterns = []
    for entry in registry():
        if entry.kind == "prefix":
            continue
        label = _COLLECTIVE_LABEL if entry.kind == "collective" else _LABEL
        for alias in {entry.canonical, *entry.aliases}:
            patterns.append({"label": label, "pattern": alias, "id": entry.canonical})
    return patterns


def province_at(text: str) -> tuple[str, int] | None:
    """The province named at the start of ``text`` (optionally after "tỉnh"), and its length."""
    toks = tokenize(text)
    keys = [norm_token(w) for w in toks.words]
    skip = 1 if keys[:1] in (["tinh"], ["thanh"]) else 0
    if keys[:2] == ["thanh", "pho"]:
        skip = 2
    for key, name in _province_keys():
        parts = key.split()
        if keys[skip:skip + len(parts)] == parts:
            return name, toks.ends[skip + len(parts) - 1]
    return None


def find_province(text: str) -> str | None:
    """The first province named anywhere in ``text``."""
    keys = [norm_token(w) for w in tokenize(text).words]
    joined = " " + " ".join(keys) + " "
    best: tuple[int, str] | None = None
    for key, name in _province_keys():
        pos = joined.find(" " + key + " ")
        if pos >= 0 and (best is None or pos < best[0]):
            best = (pos, name)
    return best[1] if best else None


def _with_province(name: str, text: str, end: int) -> tuple[str, int]:
    """Extend a matched body with the province printed right after it."""
    found = province_at(text[end:])
    if not found:
        return name, end
    province, length = found
    rest = text[end:end + length].strip()
    qualifier = "tỉnh " if norm_token(rest.split()[0]) == "tinh" and not name.endswith("tỉnh") else ""
    if rest.lower().startswith("thành phố"):
        qualifier = "thành phố "
    return f"{name} {qualifier}{province}", end + length


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def find_agencies(text: str) -> list[AgencyMention]:
    """Registry bodies named in ``text``, in order, with their canonical names."""
    text = normalize(text)
    found = []
    for ent in entities(text):
        name, end = ent.ent_id, ent.end
        if ent.label == _LABEL:
            name, end = _with_province(name, text, end)
        found.append(AgencyMention(name, text[ent.start:end], ent.start, end, True))
    return found


# Words that name a kind of body; matched with their marks ("ban" is a body, "bàn" a table).
_BODY_WORDS = re.compile(r"\b(sở|ban|ủy|cơ quan|đơn vị|hội|trung tâm|phòng|cục|bộ|viện|trường|tổ chức)\b")
_PAREN = re.compile(r"\([^()]*\)")
_CONNECTORS = {"va", "voi", "cac", "cung", "tinh", "lien", "quan", "co", "cua", "tren", "dia", "ban", "khac"}


# A signer's title in capitals ("PHÓ CHỦ TỊCH") or a page label ("Trang 1") that a text layer ran
# into a list is never a body.
_SIGNATURE_OR_PAGE = re.compile(r"^((tm|kt|q|tl|tuq) )?(pho )?(chu tich|giam doc|truong ban)( thuong truc)?"
                                r"( trang \d+)?$|^trang \d+( tren \d+)?$")


def _leftover(chunk: str, start: int) -> AgencyMention | None:
    """A piece of a list the registry did not match: a body by type prefix, unresolved, or noise."""
    words = tokenize(chunk).words
    keys = [norm_token(w) for w in words]
    if not keys or all(k in _CONNECTORS for k in keys) or not any(len(k) > 1 for k in keys):
        return None
    key = " ".join(keys)
    if _SIGNATURE_OR_PAGE.match(key) and (key.startswith("trang") or not any(w.islower() for w in words[:3])):
        return None
    printed = " ".join(chunk.split()).strip(" .;:,-")
    printed = re.sub(r"^(và|với|cùng)\s+", "", printed, flags=re.IGNORECASE)
    by_prefix = any(" ".join(keys).startswith(p + " ") for p in _prefix_keys())
    if printed[:1].islower() and not by_prefix and not _BODY_WORDS.search(printed.lower()):
        return None  # "và nhân dân", "trên địa bàn": words of the sentence, not a body
    return AgencyMention(_capitalised(printed), printed, start, start + len(chunk), by_prefix)


def parse_agency_list(text: str) -> list[AgencyMention]:
    """The bodies of a lead/coordinator cell or clause, in order, each once.

    "Các cơ quan, đơn vị liên quan: A; B" lists A and B (the collective is only a label);
    parenthesised remarks are dropped; "xã. phường" (a comma read as a stop) is mended.
    """
    text = _PAREN.sub(lambda m: " " * len(m.group(0)), normalize(text))  # offsets stay valid
    text = re.sub(r"\.\s+(?=[a-zđà-ỹ])", ", ", text)
    head, sep, tail = text.partition(":")
    if sep and tail.strip() and all(m.name.startswith("Các") for m in find_agencies(head)):
        text = tail
    mentions: list[AgencyMention] = []
    pos = 0
    for m in find_agencies(text):
        if m.start < pos:
            continue
        mentions.extend(_leftovers(text[pos:m.start], pos))
        m = _longer_fuzzy(text, m)
        mentions.append(AgencyMention(_capitalised(m.name), m.printed, m.start, m.end, True))
        pos = m.end
    mentions.extend(_leftovers(text[pos:], pos))
    seen: set[str] = set()
    unique = []
    for m in mentions:
        if m.name.casefold() not in seen:
            seen.add(m.name.casefold())
            unique.append(m)
    return unique


def _leftovers(gap: str, offset: int) -> list[AgencyMention]:
    """Bodies in text the exact matcher left: OCR-damaged registry names, then list items."""
    out: list[AgencyMention] = []
    pos = 0
    for start, end, entry in _fuzzy_spans(gap):
        out.extend(_unmatched(gap[pos:start], offset + pos))
        name = entry.canonical
        if entry.kind == "body":
            name, end = _with_province(name, gap, end)
        out.append(AgencyMention(_capitalised(name), gap[start:end], offset + start, offset + end, True))
        pos = end
    out.extend(_unmatched(gap[pos:], offset + pos))
    return out


def _longer_fuzzy(text: str, mention: AgencyMention) -> AgencyMention:
    """An exact match cut short by OCR damage ("Ủy ban nhân dân clp xa") → the longer fuzzy one."""
    spans = _fuzzy_spans(text[mention.start:], first_only=True)
    if not spans or mention.start + spans[0][1] <= mention.end:
        return mention
    _, end, entry = spans[0]
    end += mention.start
    name = entry.canonical
    if entry.kind == "body":
        name, end = _with_province(name, text, end)
    return AgencyMention(name, text[mention.start:end], mention.start, end, True)


def _pieces(gap: str) -> list[str]:
    """List items: split on ";" and bullets, and on "," unless the item is a typed name.

    "Trung tâm Văn hóa, Thể thao và Truyền thông" keeps its comma.
    """
    out = []
    for part in re.split(r";|\s-\s|^-|\n", gap):
        keys = " ".join(norm_token(w) for w in tokenize(part).words)
        if any(keys.startswith(p + " ") for p in _prefix_keys()):
            out.append(part)
        else:
            out.extend(part.split(","))
    return out


def _unmatched(gap: str, offset: int) -> list[AgencyMention]:
    out = []
    pos = 0
    for piece in _pieces(gap):
        at = gap.find(piece, pos)
        pos = at + len(piece)
        m = _leftover(piece, offset + at)
        if m:
            out.append(m)
    return out


# OCR confusions folded before comparing tokens (S6 → so, Tw → tu is one edit anyway).
_OCR_FOLD = str.maketrans({"6": "o", "0": "o", "1": "l", "5": "s"})


def _distance(a: str, b: str) -> int:
    if a == b:
        return 0
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


@lru_cache(maxsize=1)
def _alias_buckets() -> dict[str, tuple[tuple[tuple[str, ...], Entry], ...]]:
    """Aliases of three words or more, grouped by their first word."""
    buckets: dict[str, dict[tuple[str, ...], Entry]] = {}
    for entry in registry():
        if entry.kind == "prefix":
            continue
        for alias in {entry.canonical, *entry.aliases}:
            parts = tuple(w.translate(_OCR_FOLD) for w in _key(alias).split())
            if len(parts) >= 3:  # two-word names are too easily one edit from ordinary words
                buckets.setdefault(parts[0], {})[parts] = entry
    return {k: tuple(v.items()) for k, v in buckets.items()}


@lru_cache(maxsize=4096)
def _candidates(first: str) -> list[tuple[tuple[str, ...], Entry]]:
    out = list(_alias_buckets().get(first, ()))
    for key, items in _alias_buckets().items():
        if key != first and abs(len(key) - len(first)) <= 1 and _distance(key, first) <= 1:
            out.extend(item for item in items if len(item[0]) >= 4)  # a damaged first word: long names only
    return out


@lru_cache(maxsize=8192)
def _fuzzy_at(window: tuple[str, ...]) -> tuple[int, Entry] | None:
    """The registry name best matching the start of ``window`` within a few edits (OCR slips)."""
    best: tuple[int, int, Entry] | None = None
    for parts, entry in _candidates(window[0]):
        n = len(parts)
        if len(window) < n or (best and n < best[0]):
            continue
        edits = 0
        for got, want in zip(window, parts, strict=False):
            if abs(len(got) - len(want)) > 2:
                edits = 99
                break
            d = _distance(got, want)
            if d > (2 if len(want) >= 6 else 1):
                edits = 99
                break
            edits += d
        if edits <= max(1, n // 2) and (best is None or (n, -edits) > (best[0], -best[1])):
            best = (n, edits, entry)
    return (best[0], best[2]) if best else None


_MAX_ALIAS_WORDS = 12


def _fuzzy_spans(text: str, first_only: bool = False) -> list[tuple[int, int, Entry]]:
    toks = tokenize(text)
    words = [norm_token(w).translate(_OCR_FOLD) for w in toks.words]
    spans: list[tuple[int, int, Entry]] = []
    i = 0
    while i < (1 if first_only else len(words)):
        hit = _fuzzy_at(tuple(words[i:i + _MAX_ALIAS_WORDS])) if words[i] != ";" else None
        if hit:
            n, entry = hit
            spans.append((toks.starts[i], toks.ends[i + n - 1], entry))
            i += n
        else:
            i += 1
    return spans


def canonical_name(text: str) -> str | None:
    """The canonical name when ``text`` is exactly one registry body (plus province), else None."""
    text = normalize(text).strip(" .;:,")
    mentions = find_agencies(text)
    if len(mentions) == 1 and mentions[0].start == 0 and not text[mentions[0].end:].strip(" .;:,"):
        return _capitalised(mentions[0].name)
    return None


def code_agency(code: str) -> str | None:
    """The body an issuer code in a document number names ("UBND" → "Ủy ban nhân dân")."""
    for entry in registry():
        if entry.kind != "prefix" and any(_key(a) == code.lower() for a in entry.aliases):
            return entry.canonical
    return None
