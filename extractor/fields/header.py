"""Header block, basis and signature → ``DocumentHeader``.

Header block (Nghị định 30/2020): issuing body and quốc hiệu/tiêu ngữ side by side, then
số ký hiệu and địa danh/ngày side by side, then the document type and trích yếu. Text layers
often put the two columns on one line, so the quốc hiệu is cut out of each line first.
"""

from __future__ import annotations

import re

from extractor import agencies, dates, references
from extractor.fields.layout import Layout
from extractor.fields.source import SrcLine, clean, join, provenance
from extractor.vietnamese import strip_diacritics
from schemas.plan import DocumentHeader, Provenance, Signer

_DOC_TYPES = ("Kế hoạch", "Phụ lục", "Quyết định", "Công văn", "Báo cáo", "Thông báo", "Chương trình",
              "Hướng dẫn", "Đề án", "Tờ trình", "Nghị quyết", "Chỉ thị", "Kết luận")
_TYPE_KEYS = tuple((strip_diacritics(t).upper(), t) for t in _DOC_TYPES)
_MOTTO = re.compile(r"C[O0]NG H[O0]A|D[O0]C L[A4]P|DOC LAP")
_BASIS = re.compile(r"^(CAN CU|THUC HIEN|THEO DE NGHI|XET DE NGHI|THEO CHI DAO)")
# "Số: 166 /KH-UBND", OCR'd as "S6:" / "Sé:"; the digits may be blank ("Số: /KH-UBND").
# A scan's specks (". ,") may sit in the blank left for the number.
# Decisions carry the year: "Số: 12/2025/QĐ-UBND".
_NUMBER = re.compile(r"(?<![^\W\d_])[Ss][oOôÔốỐ0eéÉ6]\s*[:;]?[\s.,'`’]*(\w*)[\s.,'`’]*/\s*"
                     r"(?:((?:19|20)\d\d)\s*/\s*)?"
                     r"([A-ZĐ][A-ZĐa-z0-9]*(?:\s?-\s?[A-ZĐ][A-ZĐa-z0-9&]*)*)")
_CODE_PREFIX = re.compile(r"^\s*[A-ZĐ0-9&]+(?:-[A-ZĐ0-9&]+)+\s+")
_PLACE_DATE = re.compile(r"([^,;:/\d]{2,40}),\s*NGAY\b.*\bTHANG\b.*\bNAM\b")
_TITLE_WORDS = re.compile(r"(PHO )?(CHU TICH|GIAM DOC|TRUONG BAN|TRUONG PHONG|CHANH VAN PHONG|BI THU)"
                          r"( THUONG TRUC)?")
_SIGN_PREFIX = re.compile(r"(TM|KT|Q|TL|TUQ)\.\s*$")


def _key(text: str) -> str:
    return strip_diacritics(text).upper()


def _header_lines(layout: Layout) -> list[SrcLine]:
    lines: list[SrcLine] = []
    for para in layout.preamble:
        if _BASIS.match(para.key):
            break
        lines.extend(para.lines)
    return lines[:25]


def _number(lines: list[SrcLine]) -> tuple[str | None, SrcLine | None, int]:
    for line in lines:
        if m := _NUMBER.search(line.text):
            code = references.canonical_code(m.group(3))
            year = f"{m.group(2)}/" if m.group(2) else ""
            return f"{m.group(1)}/{year}{code}", line, m.end()
    return None, None, 0


def _place_date(lines: list[SrcLine], number_line: SrcLine | None, number_end: int
                ) -> tuple[str | None, str | None, SrcLine | None]:
    for line in lines:
        text = line.text[number_end:] if line is number_line else line.text
        m = _PLACE_DATE.search(_key(text))
        if m:
            # a document code the number pattern missed ("KH-SVHTTDL Lai Châu") is not the place
            place = _CODE_PREFIX.sub("", text[m.start(1):m.end(1)]).strip(" .-")
            return place or None, dates.issued_date(text[m.end(1):]), line
    for line in lines:  # appendix: "(Kèm theo Kế hoạch số 242/KH-UBND ngày 19/9/2025 của ...)"
        if "KEM THEO" in _key(line.text):
            return None, dates.issued_date(line.text[line.text.lower().find("ngày"):]), line
    return None, None, None


def _doc_type(lines: list[SrcLine]) -> tuple[str | None, str, int]:
    for i, line in enumerate(lines):
        key = _key(line.text)
        for type_key, name in _TYPE_KEYS:
            if not key.startswith(type_key):
                continue
            head = line.text[:len(type_key)]
            rest = line.text[len(type_key):]
            if head.isupper() or re.match(r"^\s*\d*\s*:", rest):
                inline = re.sub(r"^\s*\d*\s*:\s*", "", rest).strip()
                return name, inline if any(c.isalpha() for c in inline) else "", i
    return None, "", -1


def _title(lines: list[SrcLine], type_index: int, inline: str) -> tuple[str | None, list[SrcLine]]:
    if type_index < 0:
        return None, []
    if inline:
        return _sentence_case(inline), [lines[type_index]]
    taken: list[SrcLine] = []
    for line in lines[type_index + 1:]:
        key = _key(line.text)
        if _BASIS.match(key) or key.startswith(("(KEM THEO", "SO:")) or (taken and line.blank_before
                                                                         and not line.text[:1].islower()):
            break
        taken.append(line)
    text = join(taken).strip("-_ ")
    return (_sentence_case(text) or None), taken


def _sentence_case(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.8 * len(letters):
        text = text.lower()
        return text[:1].upper() + text[1:]
    return text


def _issuer_text(lines: list[SrcLine], stop: SrcLine | None) -> tuple[str, list[SrcLine]]:
    parts, used = [], []
    for line in lines:
        if line is stop or _NUMBER.search(line.text):
            break
        m = _MOTTO.search(_key(line.text))
        text = line.text[:m.start()] if m else line.text
        if text.strip():
            parts.append(text.strip())
            used.append(line)
    return " ".join(parts), used


# Centrally-run cities are "thành phố", not "tỉnh" (Luật Tổ chức chính quyền địa phương).
_CITIES = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}


def _with_province(name: str, province: str | None) -> str:
    if not province or agencies.find_province(name):
        return name
    if name.endswith(("tỉnh", "thành phố")):
        return f"{name} {province}"
    return f"{name} {'thành phố' if province in _CITIES else 'tỉnh'} {province}"


def _issuer(header: str, lines: list[SrcLine], number: str | None, closing: list[SrcLine],
            province: str | None) -> str | None:
    mentions = [m for m in agencies.find_agencies(header) if m.resolved]
    if mentions:
        return _with_province(mentions[-1].name, province)
    for line in lines:
        if "KEM THEO" in _key(line.text) and " của " in line.text:
            found = agencies.find_agencies(line.text.split(" của ", 1)[1])
            if found:
                return _with_province(found[0].name, province)
    code = (number or "").rsplit("-", 1)[-1] if number and "-" in number else None
    body = agencies.code_agency(code) if code else None
    if body is None:
        for line in closing:
            if line.text.startswith("TM."):
                body = agencies.canonical_name(line.text[3:].split("  ")[0])
    return _with_province(body, province) if body else None


# Where an appendix after the signature begins: its own heading or its task table.
_APPENDIX = re.compile(r"^(PHU LUC|DANH MUC|BIEU\b|\(KEM THEO|S?TT NHIEM VU|KE HOACH$)")
_SIGN_NOTE = re.compile(r"^\(?(DA KY|KY|KY TEN|KY, DONG DAU|KY TEN, DONG DAU)\)?\.?$")


def _signature_block(closing: list[SrcLine]) -> list[SrcLine]:
    """The closing lines before any appendix that follows the signature."""
    for i, line in enumerate(closing[1:], start=1):
        if line.text[:1].isupper() and _APPENDIX.match(_key(line.text).strip(" *")):
            return closing[:i]
    return closing


def _same_column(line: SrcLine, anchor: SrcLine) -> bool:
    """Whether ``line`` sits under ``anchor`` (no boxes: assume so)."""
    if line.bbox is None or anchor.bbox is None:
        return True
    return line.bbox.x0 < anchor.bbox.x1 and anchor.bbox.x0 < line.bbox.x1


def _name_line(block: list[SrcLine], title_line: SrcLine | None) -> SrcLine | None:
    """The line printing the signer's name.

    The first under the title, past "(Đã ký)" notes and the recipients column beside it;
    without a title, the block's last line.
    """
    if title_line is None:
        return block[-1] if block else None
    after = block[block.index(title_line) + 1:]
    for line in after:
        key = _key(line.text).strip(" .")
        if (line.text[:1] in "-+•" or _SIGN_NOTE.match(key) or _TITLE_WORDS.fullmatch(key)
                or not _same_column(line, title_line)):
            continue
        return line
    return None


def _signer(closing: list[SrcLine]) -> Signer | None:
    title, title_line = None, None
    closing = _signature_block(closing)
    for line in closing:
        for m in _TITLE_WORDS.finditer(_key(line.text)):
            before = _key(line.text)[:m.start()]
            printed = line.text[m.start():m.end()]
            if printed.isupper() and not _SIGN_PREFIX.search(before.rstrip()):
                title = _sentence_case(printed).replace("tịch thường trực", "tịch Thường trực")
                title_line = line
    if title is not None:
        title = title.replace("chủ tịch", "Chủ tịch").replace("giám đốc", "Giám đốc")
    name_line = _name_line(closing, title_line)
    # a name the source layer itself printed damaged ("rang Thi Xuén") is not legible, whatever
    # restoration made of it
    name = (name_line.text if name_line and _looks_like_name(name_line.text)
            and _looks_like_name(strip_diacritics(clean(name_line.original))) else None)
    if title is None and name is None:
        return None
    prov: dict[str, Provenance] = {}
    if title_line and (p := provenance([title_line])):
        prov["title"] = p
    if name and name_line and (p := provenance([name_line])):
        prov["name"] = p
    return Signer(name=name, title=title, provenance=prov)


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 5 and all(w[:1].isupper() and w.isalpha() and not w.isupper() for w in words)


# A proposal ("Xét đề nghị của Sở ... tại Tờ trình số ...") is why the plan was drafted, not a
# document it is based on (Nghị định 30/2020 keeps "Căn cứ" and "Theo đề nghị" apart).
_PROPOSAL = re.compile(r"\b(XET|THEO|XEM XET|TREN CO SO) DE NGHI\b")


def _legal_basis(layout: Layout) -> tuple[list[str], list[SrcLine]]:
    numbers: list[str] = []
    used: list[SrcLine] = []
    for para in layout.preamble:
        if not _BASIS.match(para.key) or _PROPOSAL.match(para.key):
            continue
        proposal = _PROPOSAL.search(para.key)
        for ref in references.find_references(para.text[:proposal.start()] if proposal else para.text):
            if ref.number not in numbers:
                numbers.append(ref.number)
        used.extend(para.lines)
    return numbers, used


def _place_name(place: str | None, province: str | None) -> str | None:
    """The place as printed, or the province's own spelling when OCR damaged the same name."""
    if not place or not province:
        return place
    if agencies.find_province(place) == province:
        return province if _key(place).replace(" ", "") == _key(province).replace(" ", "") else place
    a, b = _key(place).lower(), _key(province).lower()
    close = len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 2
    return province if close else place


def extract_header(layout: Layout, all_lines: list[SrcLine]) -> DocumentHeader:
    """The document's identity fields, each with provenance."""
    lines = _header_lines(layout) or all_lines[:25]
    number, number_line, number_end = _number(lines)
    place, issued, date_line = _place_date(lines, number_line, number_end)
    doc_type, inline_title, type_index = _doc_type(lines)
    title, title_lines = _title(lines, type_index, inline_title)
    header_text, issuer_lines = _issuer_text(lines, number_line)
    province = (agencies.find_province(header_text) or (agencies.find_province(place) if place else None)
                or agencies.find_province(title or "")
                or agencies.find_province(" ".join(ln.text for ln in lines)))
    issuer = _issuer(header_text, lines, number, layout.closing, province)
    place = _place_name(place, province)
    basis, basis_lines = _legal_basis(layout)
    prov: dict[str, Provenance] = {}
    for name, used in (("number", [number_line]), ("place", [date_line]), ("issued_date", [date_line]),
                       ("title", title_lines), ("issuer", issuer_lines), ("legal_basis", basis_lines),
                       ("doc_type", [lines[type_index]] if type_index >= 0 else [])):
        found = [ln for ln in used if ln is not None]
        if found and (p := provenance(found)):
            prov[name] = p
    return DocumentHeader(doc_type=doc_type, number=number, issuer=issuer, province=province, place=place,
                          issued_date=issued, title=title, legal_basis=basis,
                          signer=_signer(layout.closing), provenance=prov)
