"""Periodic reporting duties with a due date ("... báo cáo ... trước ngày 10/12 hằng năm")."""

from __future__ import annotations

import re

from extractor import agencies, dates, nlp
from extractor.fields.layout import Layout, Para
from extractor.fields.responsibilities import item_agency, responsibility_items
from extractor.fields.source import provenance
from extractor.vietnamese import strip_diacritics
from schemas.plan import Reporting

# the words that make a date in a DEADLINE span a due date ("trước ngày 10/12")
_DUE = re.compile(r"(trước|chậm nhất|trong)\s+$", re.IGNORECASE)
# "Định kỳ hằng năm, các cơ quan, đơn vị lập báo cáo ..." names who reports
_SUBJECT = re.compile(r"^(?:Định kỳ|Hằng năm|Hàng năm|Hằng quý|Hằng tháng)[^,]{0,20},\s*((?:\w+,? ){1,6}?)"
                      r"(?:lập báo cáo|báo cáo|gửi)", re.IGNORECASE)


# "báo cáo", tolerant of the vowel slips restoration makes ("báo céo", "béo có")
_REPORT = re.compile(r"\bb[aeo]o c[aeo]o?\b")


def _due_dates(sentence: str) -> list[tuple[str, str]]:
    """(due date as printed, MM-DD) of each day-and-month DEADLINE span after "trước"/"chậm nhất"/"trong".

    A "hằng năm" span right after the date belongs to it ("trước ngày 10/12 hằng năm").
    """
    spans = nlp.deadline_spans(sentence)
    out = []
    for k, span in enumerate(spans):
        md = dates.month_day(sentence[span.start:span.end])
        lead_in = _DUE.search(sentence[:span.start])
        if md is None or lead_in is None:
            continue
        end = span.end
        following = spans[k + 1] if k + 1 < len(spans) else None
        if (following and not sentence[span.end:following.start].strip()
                and dates.recurrence(sentence[following.start:following.end])):
            end = following.end
        out.append((sentence[lead_in.start():end], md))
    return out


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹa-zđ])", text) if s.strip()]


def _reportings(sentence: str, para: Para, owner: str | None) -> list[Reporting]:
    """Each due date a reporting sentence names ("6 tháng trước ngày 15/6 và hằng năm trước ngày 15/12")."""
    if not _REPORT.search(strip_diacritics(sentence).lower()):
        return []
    who_m = _SUBJECT.match(sentence)
    who = who_m.group(1).strip(" ,") if who_m else owner
    to = None
    if "gửi" in sentence:
        found = agencies.find_agencies(sentence.split("gửi", 1)[1])
        to = found[0].name if found else None
    out = []
    for when, md in _due_dates(sentence):
        item = Reporting(who=who[:1].upper() + who[1:] if who else None, to=to, when=when,
                         month_day=md, recurring=dates.recurrence(when) or dates.recurrence(sentence))
        if p := provenance(para.lines):
            item.provenance["when"] = p
        out.append(item)
    return out


def extract_reporting(layout: Layout) -> list[Reporting]:
    """Reporting duties, each due date once."""
    owners: dict[int, str] = {}
    for head, body in responsibility_items(layout):
        agency = item_agency(head)
        for para in [head, *body]:
            if agency:
                owners[id(para)] = agency
    out: list[Reporting] = []
    seen: set[str] = set()
    for section in layout.sections:
        for para in section.paras:
            for sentence in _sentences(para.text):
                for item in _reportings(sentence, para, owners.get(id(para))):
                    if item.month_day not in seen:
                        seen.add(item.month_day or "")
                        out.append(item)
    return out
