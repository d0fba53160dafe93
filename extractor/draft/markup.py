"""Draft markup: what every template renders to, and the blocks every writer reads.

One template output feeds the Markdown preview, the HTML preview and the .docx, so the
three never disagree. The markup is line-based (see templates/README.md):

* ``# text`` / ``## text`` / ``### text`` — section, sub-section and item headings;
* a paragraph is a run of non-blank lines; ``- text`` is a dash paragraph (decree style);
* ``::: kind`` … ``:::`` fences the parts with their own layout: ``header`` (``key: value``
  lines), ``title``, ``recipients``, ``signature``, ``appendix``, ``table`` (``| a | b |`` rows,
  ``> note`` on the previous row) and ``pagebreak``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.errors import DraftError

DIVS = ("header", "title", "recipients", "signature", "appendix", "table", "pagebreak")


@dataclass
class Block:
    """One laid-out part of the draft."""

    kind: str  # heading | para | header | title | recipients | signature | appendix | table | pagebreak
    text: str = ""
    level: int = 0
    dash: bool = False
    lines: list[str] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    notes: dict[int, list[str]] = field(default_factory=dict)


def _div(kind: str, lines: list[str]) -> Block:
    block = Block(kind)
    if kind == "header":
        for line in lines:
            key, _, value = line.partition(":")
            block.fields.append((key.strip(), value.strip()))
    elif kind == "table":
        for line in lines:
            if line.startswith(">"):
                block.notes.setdefault(len(block.rows) - 1, []).append(line[1:].strip())
            elif line.strip().startswith("|"):
                block.rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    elif kind == "recipients":
        block.lines = [ln[2:].strip() if ln.startswith("- ") else ln.strip() for ln in lines if ln.strip()]
    else:
        block.lines = [ln.strip() for ln in lines]
        while block.lines and not block.lines[-1]:
            block.lines.pop()
    return block


def _text_block(lines: list[str]) -> Block:
    text = " ".join(ln.strip() for ln in lines)
    for level in (3, 2, 1):
        mark = "#" * level + " "
        if text.startswith(mark):
            return Block("heading", text[len(mark) :].strip(), level=level)
    if text.startswith("- "):
        return Block("para", text, dash=True)
    return Block("para", text)


def parse(source: str) -> list[Block]:
    """Blocks of a rendered template; an unknown or unclosed ``:::`` fence is an error."""
    blocks: list[Block] = []
    pending: list[str] = []
    lines = source.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(":::"):
            if pending:
                blocks.append(_text_block(pending))
                pending = []
            kind = line[3:].strip()
            if kind not in DIVS:
                raise DraftError(
                    f"Khối ':::{kind}' không hợp lệ (dòng {i + 1}); dùng một trong: {', '.join(DIVS)}."
                )
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == ":::"), None)
            if end is None:
                raise DraftError(f"Khối ':::{kind}' mở ở dòng {i + 1} không được đóng bằng ':::'.")
            blocks.append(_div(kind, lines[i + 1 : end]))
            i = end + 1
            continue
        if line.strip():
            pending.append(line)
        elif pending:
            blocks.append(_text_block(pending))
            pending = []
        i += 1
    if pending:
        blocks.append(_text_block(pending))
    return blocks


def header_field(block: Block, key: str) -> list[str]:
    """All values of ``key`` in a header block, in order."""
    return [v for k, v in block.fields if k == key]
