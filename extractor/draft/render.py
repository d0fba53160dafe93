"""Context → template (sandboxed) → draft blocks → Markdown, HTML or .docx.

All three formats come from the same rendered template, so a preview shows exactly what
the .docx will say.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from extractor.draft import sandbox
from extractor.draft.docx_writer import write_docx
from extractor.draft.markup import Block, header_field, parse

DEFAULT_TEMPLATE = "kehoach/plan.j2"


def render_blocks(
    context: Mapping[str, Any], template: str | None = None, template_source: str | None = None
) -> list[Block]:
    """Blocks of the draft; ``template_source`` is a drafter-authored template (sandboxed like all)."""
    if template_source is not None:
        text = sandbox.render_user(template_source, context)
    else:
        text = sandbox.render(template or DEFAULT_TEMPLATE, context)
    return parse(text)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(blocks: Sequence[Block]) -> str:
    """A Markdown preview (GitHub flavour: tables, footnote-style notes)."""
    out: list[str] = []
    notes: list[str] = []
    for b in blocks:
        if b.kind == "header":
            left = [*header_field(b, "superior"), *(f"**{x}**" for x in header_field(b, "issuer"))]
            right = [
                *(f"**{x}**" for x in header_field(b, "motto")),
                *(f"**{x}**" for x in header_field(b, "slogan")),
            ]
            out += [
                f"| {'<br>'.join(left)} | {'<br>'.join(right)} |",
                "|:---:|:---:|",
                f"| {' '.join(header_field(b, 'number'))} | *{' '.join(header_field(b, 'date'))}* |",
                "",
            ]
        elif b.kind in ("title", "appendix"):
            out += [
                f'<p align="center"><b>{html.escape(x)}</b></p>'
                if i < 2 or b.kind == "title"
                else f'<p align="center"><i>{html.escape(x)}</i></p>'
                for i, x in enumerate(b.lines)
            ]
            out.append("")
        elif b.kind == "heading":
            out += [f"{'#' * (b.level + 1)} {b.text}", ""]
        elif b.kind == "para":
            out += [b.text if not b.dash else "\\" + b.text, ""]
        elif b.kind == "recipients":
            out += ["***Nơi nhận:***", "", *(f"- {x}" for x in b.lines), ""]
        elif b.kind == "signature":
            out += [
                '<p align="right">' + "<br>".join(f"<b>{html.escape(x)}</b>" for x in b.lines if x) + "</p>",
                "",
            ]
        elif b.kind == "pagebreak":
            out += ["---", ""]
        elif b.kind == "table":
            head, *rows = b.rows
            out += ["| " + " | ".join(map(_md_escape, head)) + " |", "|" + "---|" * len(head)]
            for r, row in enumerate(rows, start=1):
                mark = ""
                if r in b.notes:
                    notes.append(" ".join(b.notes[r]))
                    mark = f"[^{len(notes)}]"
                out.append("| " + " | ".join(map(_md_escape, row)) + f"{mark} |")
            out.append("")
    out += [f"[^{i}]: {n}" for i, n in enumerate(notes, start=1)]
    return "\n".join(out).rstrip() + "\n"


DRAFT_CSS = """body{font-family:"Times New Roman",serif;font-size:14pt;max-width:165mm;
margin:20mm auto 20mm 30mm}
p{margin:6pt 0;text-align:justify;text-indent:1.27cm}.c{text-align:center;text-indent:0}
table.h{width:100%;border:0;font-size:13pt;text-align:center}table.h td{vertical-align:top}
.slogan{font-size:14pt;font-weight:bold;text-decoration:underline}
table.g{border-collapse:collapse;font-size:13pt}table.g td,table.g th{border:1px solid #000;padding:2pt}
.noi-nhan{font-size:12pt;font-weight:bold;font-style:italic}.rcpt{font-size:11pt;list-style:none;padding:0}
.note{font-size:11pt;color:#555}.sig{text-align:center;font-weight:bold}"""


def _html_block(b: Block, e) -> list[str]:
    if b.kind == "header":
        left = [
            *(e(x) for x in header_field(b, "superior")),
            *(f"<b>{e(x)}</b>" for x in header_field(b, "issuer")),
        ]
        right = [
            *(f"<b>{e(x)}</b>" for x in header_field(b, "motto")),
            *(f"<span class=slogan>{e(x)}</span>" for x in header_field(b, "slogan")),
        ]
        return [
            "<table class=h><tr><td>" + "<br>".join(left) + "</td><td>" + "<br>".join(right) + "</td></tr>",
            f"<tr><td>{e(' '.join(header_field(b, 'number')))}</td>"
            f"<td><i>{e(' '.join(header_field(b, 'date')))}</i></td></tr></table>",
        ]
    if b.kind in ("title", "appendix"):
        return [
            f"<p class=c><b>{e(x)}</b></p>" if i < 2 or b.kind == "title" else f"<p class=c><i>{e(x)}</i></p>"
            for i, x in enumerate(b.lines)
        ]
    if b.kind == "heading":
        return [f"<h{b.level + 1} style='font-size:14pt'>{e(b.text)}</h{b.level + 1}>"]
    if b.kind == "para":
        return [f"<p>{e(b.text)}</p>"]
    if b.kind == "recipients":
        return [
            "<div style='float:left;width:45%'><p class=noi-nhan style='text-indent:0'>Nơi nhận:</p>"
            "<ul class=rcpt>" + "".join(f"<li>- {e(x)}</li>" for x in b.lines) + "</ul></div>"
        ]
    if b.kind == "signature":
        return [
            "<div class=sig style='float:right;width:50%'>"
            + "<br>".join(e(x) for x in b.lines if x)
            + "</div><div style='clear:both'></div>"
        ]
    if b.kind == "pagebreak":
        return ["<hr style='page-break-after:always'>"]
    if b.kind == "table":
        head, *rows = b.rows
        out = ["<table class=g><tr>" + "".join(f"<th>{e(x)}</th>" for x in head) + "</tr>"]
        for r, row in enumerate(rows, start=1):
            out.append("<tr>" + "".join(f"<td>{e(x)}</td>" for x in row) + "</tr>")
            if r in b.notes:
                out.append(
                    f"<tr class=note><td></td><td colspan={len(head) - 1}>{e(' '.join(b.notes[r]))}</td></tr>"
                )
        return [*out, "</table>"]
    return []


def to_html(blocks: Sequence[Block], title: str = "Dự thảo kế hoạch", *, fragment: bool = False) -> str:
    """A self-contained HTML page, or with ``fragment`` a ``<div class=kehoach-draft>`` to embed."""
    body = [line for b in blocks for line in _html_block(b, html.escape)]
    if fragment:
        return "<div class=kehoach-draft>\n" + "\n".join(body) + "\n</div>\n"
    return (
        "<!doctype html><html lang=vi><head><meta charset=utf-8>"
        f"<title>{html.escape(title)}</title><style>{DRAFT_CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def render_preview_html(
    context: Mapping[str, Any],
    template: str | None = None,
    template_source: str | None = None,
    *,
    fragment: bool = False,
) -> str:
    """HTML preview for the web drafts page (issue 7, item 5).

    ``template_source`` is a drafter's template text (sandboxed); ``fragment`` returns only the
    draft's markup for embedding in a page that brings its own CSS (``DRAFT_CSS``).
    """
    blocks = render_blocks(context, template, template_source)
    return to_html(blocks, context.get("doc", {}).get("title", ""), fragment=fragment)


def render_bytes(
    context: Mapping[str, Any], fmt: str, template: str | None = None, template_source: str | None = None
) -> bytes:
    """The draft in ``fmt`` ("docx", "md" or "html")."""
    blocks = render_blocks(context, template, template_source)
    if fmt == "docx":
        return write_docx(blocks)
    if fmt == "md":
        return to_markdown(blocks).encode("utf-8")
    if fmt == "html":
        return to_html(blocks, context.get("doc", {}).get("title", "")).encode("utf-8")
    raise ValueError(f"unknown draft format {fmt!r}")
