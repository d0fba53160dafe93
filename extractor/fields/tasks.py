"""Numbered tasks of the "Nhiệm vụ, giải pháp" section (layouts of seeds 001-004).

A task is a numbered item (1., 2. ... or 3.1. when an item is split into sub-items); its
title is the heading sentence. Lead, coordinators and deadline are read only from labelled
lines inside the item ("Cơ quan chủ trì:", "Cơ quan phối hợp:", "Thời gian thực hiện:"), so
a plan that assigns agencies elsewhere (a separate Tổ chức thực hiện) gets empty lists.
"""

from __future__ import annotations

import re

from extractor import dates, nlp
from extractor.fields import messages
from extractor.fields.assign import agency_list
from extractor.fields.layout import Layout, Para, children, find_section, first_sentence
from extractor.fields.source import provenance
from extractor.vietnamese import normalize, strip_diacritics
from schemas.document import Issue
from schemas.plan import Deadline, Task

# Labels are matched loosely ("Co quan cht tri", "phdi hop"): OCR damages them as much as any word.
_AT = r"(?:^|(?<=[;,.\-])\s*|(?<=[;,.\-]\s))"
_LABELS = (
    ("lead", re.compile(_AT + r"(?:C\w{0,2} QU\w{1,2} |D\w{1,2} V\w |C\w{1,2}P )?CH\w? TR\w"
                        r"(?: TH\w{1,3} H\w{1,3})?\s*:")),
    ("coordinators", re.compile(_AT + r"(?:C\w{0,2} QU\w{1,2} |D\w{1,2} V\w |C\w{1,2} )?PH\w{1,3} H\w{1,2}P"
                                r"(?: TH\w{1,3} H\w{1,3})?\s*:")),
    ("deadline", re.compile(_AT + r"(?:TH\w{1,3} (?:GIAN|HAN)|TI\w{1,2}N D\w)"
                            r"(?: TH\w{1,3} H\w{1,3}| HO\w{1,2}N TH\w{1,3})?\s*:")),
)


def task_section_paras(layout: Layout) -> list[Para]:
    """Paragraphs of the tasks section (Nhiệm vụ / giải pháp)."""
    section = (find_section(layout, "NHIEM VU", exclude=("TO CHUC THUC HIEN",))
               or find_section(layout, "GIAI PHAP", exclude=("TO CHUC THUC HIEN",))
               or find_section(layout, "NOI DUNG", exclude=("TO CHUC THUC HIEN", "MUC DICH"))
               or find_section(layout, "HOAT DONG", exclude=("TO CHUC THUC HIEN", "MUC DICH")))
    return section.paras if section else []


def _labelled(paras: list[Para]) -> dict[str, tuple[str, Para]]:
    """Labelled parts of a task body; several labels may share one line ("Chủ trì: A; phối hợp: B")."""
    found: dict[str, tuple[str, Para]] = {}
    for para in paras:
        key = strip_diacritics(para.text).upper()  # same length as the text: marks only are dropped
        hits = sorted((m.start(), m.end(), name) for name, pattern in _LABELS
                      for m in pattern.finditer(key))
        for i, (_, end, name) in enumerate(hits):
            stop = hits[i + 1][0] if i + 1 < len(hits) else len(para.text)
            if name not in found:
                found[name] = (para.text[end:stop].strip(" ;,.-"), para)
    return found


def deadline_of(text: str, para: Para | None) -> Deadline | None:
    """A Deadline from a printed time expression (None when it names no time).

    The pipeline's DEADLINE spans say where the time expressions are; the normal form is parsed
    from the stretch they cover ("Năm 2025, năm 2026 và các năm tiếp theo"), and the text kept is
    the printed clause.
    """
    clause = " ".join(normalize(re.split(r"\.\s+(?=[A-ZĐÀ-Ỹ\d])", text)[0]).split()).strip(" .;,")
    spans = nlp.deadline_spans(clause)
    expr = dates.parse(clause[spans[0].start:spans[-1].end]) if spans else None
    if expr is None:
        return None
    prov = provenance(para.lines) if para else None
    return Deadline(text=clause.rstrip("."), start=expr.start, end=expr.end, recurring=expr.recurring,
                    open_ended=expr.open_ended, provenance={"text": prov} if prov else {})


def _label_start(text: str) -> int:
    """Where the first field label of ``text`` starts (len(text) without one)."""
    key = strip_diacritics(text).upper()
    return min((m.start() for _, pattern in _LABELS if (m := pattern.search(key))), default=len(text))


def _task(number: str, head: Para, body: list[Para], issues: list[Issue]) -> Task:
    # fields may follow the heading sentence on its own line ("1. Rà soát ... Cơ quan chủ trì: ...")
    labels = _labelled([head, *body])
    task = Task(number=number, title=first_sentence(head.text[:_label_start(head.text)]))
    if p := provenance(head.lines):
        task.provenance["title"] = p
    for field in ("lead", "coordinators"):
        if field in labels:
            text, para = labels[field]
            setattr(task, field, agency_list(text, issues, para.lines[0].page))
            if p := provenance(para.lines):
                task.provenance[field] = p
    if "deadline" in labels:
        text, para = labels["deadline"]
        task.deadline = deadline_of(text, para)
        if task.deadline is None:
            issues.append(Issue(stage="fields", kind="unparsed_deadline", page=para.lines[0].page,
                                message=messages.unparsed_deadline(number, text[:80])))
    return task


def extract_tasks(layout: Layout, issues: list[Issue]) -> list[Task]:
    """Tasks of the numbered layout, in document order."""
    paras = task_section_paras(layout)
    items = children(paras, ("num",))
    if not items:  # a plan listing its tasks as lettered items or bullets, numbered by position
        items = children(paras, ("letter",)) or children(paras, ("bullet",))
    tasks: list[Task] = []
    for head, body in items:
        subs = children(body, ("sub",))
        own = body[:next((i for i, p in enumerate(body) if p.kind == "sub"), len(body))]
        if not subs or _labelled(own):
            number = head.marker if head.kind in ("num", "letter") else str(len(tasks) + 1)
            tasks.append(_task(number, head, own, issues))
        for sub, sub_body in subs:
            tasks.append(_task(sub.marker, sub, sub_body, issues))
    return tasks
