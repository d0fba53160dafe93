"""Draft blocks → .docx in the official format of Nghị định 30/2020/NĐ-CP, Phụ lục I.

The numbers below are the decree's (A4; margins top/bottom 20-25 mm, left 30-35 mm, right
15-20 mm; Times New Roman; sizes per element; page numbers centred in the top margin from
page 2). Tests reopen the file and assert each of them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from extractor.draft.markup import Block, header_field

FONT = "Times New Roman"
PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(20), Mm(20), Mm(30), Mm(15)
BODY_PT = 14  # body 13-14
HEADER_PT = 13  # issuing body and quốc hiệu 12-13
SLOGAN_PT = 14  # tiêu ngữ 13-14
FIRST_LINE = Cm(1.27)  # first-line indent 1-1.27 cm
COMMENT_AUTHOR = "kehoach"
CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT


def _run(
    par: Paragraph,
    text: str,
    size: int = BODY_PT,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
) -> None:
    run = par.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline


def _para(
    container,
    text: str = "",
    size: int = BODY_PT,
    align=JUSTIFY,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    indent: bool = False,
    before: int = 6,
) -> Paragraph:
    par = container.add_paragraph()
    fmt = par.paragraph_format
    fmt.alignment = align
    fmt.space_before, fmt.space_after = Pt(before), Pt(0)
    fmt.line_spacing = 1.15
    if indent:
        fmt.first_line_indent = FIRST_LINE
    if text:
        _run(par, text, size, bold=bold, italic=italic, underline=underline)
    return par


def _cell_para(cell: _Cell, text: str, size: int, align=CENTER, **style) -> Paragraph:
    """Write into a cell, reusing its empty first paragraph."""
    par = cell.paragraphs[0] if len(cell.paragraphs) == 1 and not cell.paragraphs[0].text else None
    if par is None:
        par = cell.add_paragraph()
    par.paragraph_format.alignment = align
    par.paragraph_format.space_before = par.paragraph_format.space_after = Pt(0)
    if text:
        _run(par, text, size, **style)
    return par


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _borderless(doc, rows: int, widths: Sequence[Cm]) -> Table:
    table = doc.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    _widths(table, widths)
    return table


def _widths(table: Table, widths: Sequence[Cm]) -> None:
    """Column widths on the grid and on every cell: LibreOffice reads the grid, Word the cells."""
    for column, width in zip(table.columns, widths, strict=False):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


def _page_field(par: Paragraph) -> None:
    """A PAGE field (fldChar begin/instr/end) so Word and LibreOffice number the pages."""
    run = par.add_run()
    run.font.name, run.font.size = FONT, Pt(BODY_PT)
    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif instr == " PAGE ":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
        else:
            el = OxmlElement("w:t")
            el.text = instr
        run._r.append(el)


def _setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = True  # no number on page 1
    section.first_page_header.is_linked_to_previous = False  # an explicit, empty first-page header
    header_par = section.header.paragraphs[0]
    header_par.alignment = CENTER
    _page_field(header_par)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _header(doc, block: Block) -> None:
    table = _borderless(doc, 2, (Cm(6.0), Cm(10.5)))
    left, right = table.cell(0, 0), table.cell(0, 1)
    for line in header_field(block, "superior"):
        _cell_para(left, line.upper(), HEADER_PT)
    for line in header_field(block, "issuer"):
        _cell_para(left, line.upper(), HEADER_PT, bold=True)
    for line in header_field(block, "motto"):
        _cell_para(right, line.upper(), HEADER_PT, bold=True)
    for line in header_field(block, "slogan"):
        _cell_para(right, line, SLOGAN_PT, bold=True, underline=True)
    for line in header_field(block, "number"):
        _cell_para(table.cell(1, 0), line, HEADER_PT).paragraph_format.space_before = Pt(6)
    for line in header_field(block, "date"):
        _cell_para(table.cell(1, 1), line, BODY_PT, italic=True).paragraph_format.space_before = Pt(6)


def _title(doc, block: Block) -> None:
    kind, *rest = block.lines
    _para(doc, kind.upper(), BODY_PT, CENTER, bold=True, before=18)
    for line in rest:
        _para(doc, line, BODY_PT, CENTER, bold=True, before=0)
    _para(doc, "", before=6)


def _closing(doc, recipients: Block | None, signature: Block | None) -> None:
    table = _borderless(doc, 1, (Cm(7.5), Cm(9.0)))
    left, right = table.cell(0, 0), table.cell(0, 1)
    if recipients is not None:
        _cell_para(left, "Nơi nhận:", 12, LEFT, bold=True, italic=True).paragraph_format.space_before = Pt(12)
        for item in recipients.lines:
            _cell_para(left, f"- {item}", 11, LEFT)
    if signature is not None:
        heads, name = _signature_parts(signature)
        for k, line in enumerate(heads):
            par = _cell_para(right, line.upper(), BODY_PT, bold=True)
            if k == 0:
                par.paragraph_format.space_before = Pt(12)
        for _ in range(4):  # room for signature and seal
            _cell_para(right, "", BODY_PT).add_run(" ")
        if name:
            _cell_para(right, name, BODY_PT, bold=True)


def _signature_parts(block: Block) -> tuple[list[str], str]:
    """Titles above the blank line, the signer's name below it (absent while unsigned)."""
    if "" in block.lines:
        cut = block.lines.index("")
        return [x for x in block.lines[:cut] if x], " ".join(x for x in block.lines[cut:] if x)
    return [x for x in block.lines if x], ""


def _grid_table(doc, block: Block) -> None:
    widths = (Cm(1.0), Cm(6.0), Cm(3.5), Cm(3.5), Cm(2.5))
    table = doc.add_table(rows=len(block.rows), cols=len(block.rows[0]))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, widths)
    for r, cells in enumerate(block.rows):
        for c, text in enumerate(cells):
            cell = table.cell(r, c)
            align = CENTER if r == 0 or c in (0, 4) else LEFT
            par = _cell_para(cell, text, 13, align, bold=(r == 0))
            notes = block.notes.get(r)
            if notes and c == 2 and par.runs:
                doc.add_comment(par.runs, text=" ".join(notes), author=COMMENT_AUTHOR, initials="KH")


def _body(doc, block: Block) -> None:
    if block.kind == "heading":
        _para(doc, block.text, BODY_PT, JUSTIFY, bold=True, italic=block.level == 3, indent=True)
    else:
        _para(doc, block.text, BODY_PT, JUSTIFY, indent=True)


def write_docx(blocks: Sequence[Block]) -> bytes:
    """The .docx bytes of a draft."""
    doc = Document()
    _setup(doc)
    pending: dict[str, Block] = {}
    for i, block in enumerate(blocks):
        nxt = blocks[i + 1].kind if i + 1 < len(blocks) else ""
        if block.kind in ("recipients", "signature"):
            pending[block.kind] = block
            if nxt not in ("recipients", "signature") or len(pending) == 2:
                _closing(doc, pending.get("recipients"), pending.get("signature"))
                pending = {}
        elif block.kind == "header":
            _header(doc, block)
        elif block.kind == "title":
            _title(doc, block)
        elif block.kind == "pagebreak":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif block.kind == "appendix":
            lines = block.lines
            for j, line in enumerate(lines):
                _para(doc, line, BODY_PT, CENTER, bold=j < 2, italic=j >= 2, before=0)
            _para(doc, "", before=0)
        elif block.kind == "table":
            _grid_table(doc, block)
        else:
            _body(doc, block)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
