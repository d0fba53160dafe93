"""Lines → the parts of a Vietnamese administrative document (Nghị định 30/2020 layout).

Paragraphs are built from source lines (a wrapped line continues its paragraph; a numbering
mark or bullet starts a new one; after a blank line only a lower-case start continues), then
grouped into roman-numbered sections. Everything before the first section is the preamble
(header block and "Căn cứ"/"Thực hiện" basis); from "Nơi nhận" on is the closing
(recipients and signature).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.fields.source import SrcLine, clean, join
from extractor.vietnamese import strip_diacritics

_ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("roman", re.compile(rf"^({_ROMAN})(?:\.\s*|\s+(?=[A-ZĐÀ-Ỹ]))(.*)$")),
    ("sub", re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?(?:\s+|(?=[A-ZĐÀ-Ỹ]))(.*)$")),
    ("num", re.compile(r"^(\d{1,2})\s*[.)](?!\d)\s*(.*)$")),
    ("letter", re.compile(r"^([a-zđ])\)\s*(.*)$")),
    ("bullet", re.compile(r"^([-–—•])\s*(.*)$")),
    ("plus", re.compile(r"^(\+)\s*(.*)$")),
)
_FORCED_START = re.compile(r"^(Can cu|Thuc hien|Xet de nghi|Theo de nghi|Tren day la|Noi nhan|"
                           r"(TM|KT|TL|TUQ|Q)\.\s)", re.IGNORECASE)
_CLOSING_START = ("tren day la", "yeu cau cac", "trong qua trinh", "de nghi cac", "giao ")
# A labelled field line of a task ("Cơ quan chủ trì: ...", "Thời gian thực hiện: ...") is a part of
# its own even where nothing else marks the line (one-line-per-row text layers).
_LABEL_START = re.compile(r"^(?:(?:co quan|don vi) )?(?:chu tri|phoi hop)(?: thuc hien)?\s*:|"
                          r"^(?:thoi gian|thoi han|tien do)(?: thuc hien| hoan thanh)?\s*:", re.IGNORECASE)
# A signer's title printed as a line of its own opens the signature block even without TM./KT.
_SIGNER_TITLE = re.compile(r"^((TM|KT|Q|TL|TUQ)\. ?)?(PHO )?(CHU TICH|GIAM DOC|TRUONG BAN|CHANH VAN PHONG)"
                           r"( THUONG TRUC)?$")


@dataclass
class Para:
    """A paragraph: its lines, its numbering mark and the text after the mark."""

    lines: list[SrcLine]
    kind: str  # roman | sub | num | letter | bullet | plus | plain
    marker: str
    first: str  # text of the first line after the mark

    @property
    def text(self) -> str:
        """The paragraph's text without its mark."""
        rest = join(self.lines[1:])
        return f"{self.first} {rest}".strip() if rest else self.first

    @property
    def key(self) -> str:
        """Unmarked upper-case text, for keyword tests tolerant of restoration slips."""
        return strip_diacritics(self.text).upper()


@dataclass
class Section:
    """A roman-numbered part: its heading paragraph and body paragraphs."""

    heading: Para
    paras: list[Para] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The heading text."""
        return self.heading.text

    @property
    def key(self) -> str:
        """The heading's unmarked upper-case form."""
        return self.heading.key


@dataclass
class Layout:
    """The document in parts."""

    preamble: list[Para]
    sections: list[Section]
    closing: list[SrcLine]


# OCR reads roman numerals as 1/l/U ("111. NHIỆM VỤ", "U. TỔ CHỨC"), and some plans letter their
# parts (A., B.); a mark like that is trusted only before a capitals heading.
_OCR_ROMAN = re.compile(r"^([1lI|]{2,4}|[A-ZĐ])\.\s*(.*)$")


def mark_of(text: str) -> tuple[str, str, str]:
    """(kind, marker, rest) of a line's numbering mark; ("plain", "", text) without one."""
    if (m := _OCR_ROMAN.match(text)) and _is_caps_heading(m.group(2)):
        return "roman", m.group(1).replace("1", "I").replace("l", "I").replace("|", "I"), m.group(2)
    for kind, pattern in _MARKERS:
        m = pattern.match(text)
        if m and m.group(1):
            return kind, m.group(1), m.group(2).strip()
    return "plain", "", text


def _starts_paragraph(line: SrcLine, kind: str, prev: SrcLine | None) -> bool:
    if kind != "plain" or (line.text[:1].isupper() and _FORCED_START.match(strip_diacritics(line.text[:14]))):
        return True  # basis, closing sentence, recipients, signature: parts even without a blank line
    if line.text[:1].isupper() and (_LABEL_START.match(strip_diacritics(line.text[:40]))
                                    or _SIGNER_TITLE.match(strip_diacritics(line.text))):
        return True
    if not line.blank_before or line.text[:1].islower():
        return False
    # a page break inside a sentence ("... đến năm" / blank / "2030”; Kế hoạch ...")
    return not (prev and line.text[:1] in "0123456789“\"(" and not re.search(r"[.;:!?…”\")]$", prev.text))


def _loose_number(line: SrcLine, expected: set[str], prev: SrcLine | None) -> tuple[str, str, str] | None:
    """'2 Đẩy mạnh ...': a dropped dot after the next expected item number (OCR)."""
    m = re.match(r"^(\d{1,2})\s+([A-ZĐÀ-Ỹ].*)$", line.text)
    ends_sentence = prev is None or prev.text.rstrip().endswith((".", ":", ";"))
    if m and m.group(1) in expected - {"1"} and (line.blank_before or ends_sentence):
        return "num", m.group(1), m.group(2)
    return None


def _is_caps_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    words = text.split()
    upper = sum(c.isupper() for c in letters)
    return 1 <= len(words) <= 15 and len(letters) >= 4 and upper >= 0.9 * len(letters)


def _mark_of_line(line: SrcLine) -> tuple[str, str, str]:
    """A line's numbering mark, read from the source layer where restoration reworded it.

    Restoring unmarked text can turn a letter mark into a word ("a) Noi dung" → "xã) Nội
    dung"); the mark is the source's, the rest the restored reading.
    """
    kind, marker, rest = mark_of(line.text)
    if kind == "plain" and line.original != line.text:
        okind, omarker, _ = mark_of(clean(line.original))
        head, paren, tail = line.text.partition(")")
        if okind == "letter" and paren and len(head) <= 3 and " " not in head:
            return okind, omarker, tail.strip()
    return kind, marker, rest


def paragraphs(lines: list[SrcLine]) -> list[Para]:
    """Group lines into paragraphs."""
    paras: list[Para] = []
    expected = {"1"}
    for line in lines:
        kind, marker, rest = _mark_of_line(line)
        prev = paras[-1].lines[-1] if paras else None
        if kind == "plain" and (loose := _loose_number(line, expected, prev)):
            kind, marker, rest = loose
        if kind == "num" and _is_caps_heading(rest):
            kind = "roman"  # "111. NHIỆM VỤ" (OCR'd III) or plans numbering parts 1., 2. in capitals
        if kind == "num" and marker not in expected and not line.blank_before:
            kind, marker, rest = "plain", "", line.text  # a wrapped "5. ..." inside a sentence
        after_caps_heading = bool(paras) and paras[-1].kind == "roman" and _is_caps_heading(
            paras[-1].first) and not _is_caps_heading(line.text)  # "III. KINH PHÍ" / "Tổng kinh phí ..."
        if paras and not after_caps_heading and not _starts_paragraph(line, kind, paras[-1].lines[-1]):
            paras[-1].lines.append(line)
            continue
        paras.append(Para([line], kind, marker, rest if kind != "plain" else line.text))
        if kind == "num":
            expected = {str(int(marker) + 1), "1"}
        elif kind == "roman":
            expected = {"1"}
    return paras


def _is_recipients(para: Para) -> bool:
    return bool(re.match(r"^N[OƠ]I NH[AẬ]N\b", para.key.replace("Ơ", "O")))


def _is_closing_sentence(para: Para) -> bool:
    text = strip_diacritics(para.text).lower()
    return para.kind == "plain" and (para.text.rstrip().endswith("/.") or text.startswith(_CLOSING_START))


def split_layout(lines: list[SrcLine]) -> Layout:
    """Preamble, roman sections and closing of a document."""
    paras = paragraphs(lines)
    closing: list[SrcLine] = []
    for i, para in enumerate(paras):
        # a bare "CHỦ TỊCH" heads the signature only after the body began (not in a header block)
        body_seen = any(p.kind == "roman" for p in paras[:i])
        if _is_recipients(para) or _is_signature_start(para, body_seen):
            closing = [ln for p in paras[i:] for ln in p.lines]
            paras = paras[:i]
            break
    if paras and _is_closing_sentence(paras[-1]):
        paras = paras[:-1]
    preamble: list[Para] = []
    sections: list[Section] = []
    for para in paras:
        if para.kind == "roman":
            sections.append(Section(para))
        elif sections:
            sections[-1].paras.append(para)
        else:
            preamble.append(para)
    return Layout(preamble, sections, closing)


def _is_signature_start(para: Para, body_seen: bool = True) -> bool:
    if para.kind != "plain":
        return False
    bare_title = body_seen and _SIGNER_TITLE.match(strip_diacritics(para.lines[0].text))
    return bool(re.match(r"^(TM|KT|Q|TL|TUQ)\.\s", para.text) or bare_title)


def find_section(layout: Layout, *keywords: str, exclude: tuple[str, ...] = ()) -> Section | None:
    """The first section whose heading holds all ``keywords`` (unmarked upper case)."""
    for section in layout.sections:
        if all(k in section.key for k in keywords) and not any(x in section.key for x in exclude):
            return section
    return None


def children(paras: list[Para], kinds: tuple[str, ...]) -> list[tuple[Para, list[Para]]]:
    """Split ``paras`` into items of the given kinds, each with the paragraphs under it."""
    items: list[tuple[Para, list[Para]]] = []
    for para in paras:
        if para.kind in kinds:
            items.append((para, []))
        elif items:
            items[-1][1].append(para)
    return items


def first_sentence(text: str) -> str:
    """A heading sentence: up to the first colon or full stop that ends a sentence."""
    text = text.strip()
    m = re.search(r":|\.(?=\s+[A-ZĐÀ-Ỹ“\"(])|\./\.", text)
    head = text[:m.start()] if m else text
    return head.strip().rstrip(".;,: ").strip()
