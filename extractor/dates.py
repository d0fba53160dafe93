"""Vietnamese time expressions → the contract's normal form (SCHEMA.md "Deadline normal form").

Patterns run on the unmarked lower-case form, so restoration slips in marks ("nam" for "năm")
do not lose a deadline. ``start``/``end`` are ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from extractor.vietnamese import normalize, strip_diacritics

Recurrence = Literal["yearly", "quarterly", "monthly"]
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = r"((?:19|20)\d{2})"
_RANGE = re.compile(_YEAR + r"\s*(?:-|–|den(?: nam)?)\s*" + _YEAR)
_QUARTER = re.compile(r"quy\s+(iv|iii|ii|i|[1-4])\s*(?:/|nam)\s*" + _YEAR)
_FULL_DATE = re.compile(r"ngay\s+(\d{1,2})\s*(?:/|thang)\s*(\d{1,2})\s*(?:/|nam)\s*" + _YEAR)
_NUM_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/" + _YEAR)
_MONTH = re.compile(r"thang\s+(\d{1,2})\s*(?:/|nam)\s*" + _YEAR)
_DAY_MONTH = re.compile(r"ngay\s+(\d{1,2})\s*(?:/|thang)\s*(\d{1,2})(?!\s*(?:/|nam)\s*\d)")
_YEARLY = re.compile(r"\b(hang|moi) nam\b")
_QUARTERLY = re.compile(r"\b(hang|moi) quy\b")
_MONTHLY = re.compile(r"\b(hang|moi) thang\b")
_OPEN = re.compile(r"cac nam tiep theo|nhung nam tiep theo|tro di")
_ANY_YEAR = re.compile(r"\b" + _YEAR + r"\b")


@dataclass(frozen=True)
class TimeExpr:
    """A parsed time expression."""

    text: str
    start: str | None
    end: str | None
    recurring: Recurrence | None = None
    open_ended: bool = False
    month_day: str | None = None


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", strip_diacritics(normalize(text)).lower())


def _ym(year: str, month: str | int) -> str:
    return f"{year}-{int(month):02d}"


def _ymd(year: str, month: str, day: str) -> str | None:
    m, d = int(month), int(day)
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{year}-{m:02d}-{d:02d}"


def recurrence(text: str) -> Recurrence | None:
    """'yearly' | 'quarterly' | 'monthly' when the text says hằng năm/quý/tháng."""
    key = _key(text)
    if _YEARLY.search(key):
        return "yearly"
    if _QUARTERLY.search(key):
        return "quarterly"
    if _MONTHLY.search(key):
        return "monthly"
    return None


def month_day(text: str) -> str | None:
    """MM-DD of a day-and-month due date ("trước ngày 10/12 hằng năm" → "12-10")."""
    key = _key(text)
    m = _DAY_MONTH.search(key) or _FULL_DATE.search(key)
    if not m:
        return None
    day, month = int(m.group(1)), int(m.group(2))
    return f"{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def _span(key: str) -> tuple[str | None, str | None]:
    if m := _FULL_DATE.search(key) or _NUM_DATE.search(key):
        date = _ymd(m.group(3), m.group(2), m.group(1))
        return date, date
    if m := _QUARTER.search(key):
        q = _ROMAN[m.group(1)]
        return _ym(m.group(2), 3 * q - 2), _ym(m.group(2), 3 * q)
    if m := _RANGE.search(key):
        return m.group(1), m.group(2)
    if m := _MONTH.search(key):
        month = _ym(m.group(2), m.group(1))
        return month, month
    years = _ANY_YEAR.findall(key)
    if years:
        return years[0], years[-1]
    return None, None


def parse(text: str) -> TimeExpr | None:
    """Normal form of a time expression, or None when it names no time at all."""
    text = " ".join(normalize(text).split()).strip(" .;,")
    key = _key(text)
    start, end = _span(key)
    recurring = recurrence(text)
    open_ended = bool(_OPEN.search(key))
    if open_ended and not _RANGE.search(key):
        end = None
    md = month_day(text)
    if start is None and not recurring and not md and "thuong xuyen" not in key:
        return None
    return TimeExpr(text, start, end, recurring, open_ended, md)


def issued_date(text: str) -> str | None:
    """ISO date of "ngày 05 tháng 08 năm 2025" / "ngày 19/9/2025"; "YYYY-MM" when the day is blank."""
    key = _key(text)
    if m := _FULL_DATE.search(key) or _NUM_DATE.search(key):
        return _ymd(m.group(3), m.group(2), m.group(1))
    if m := re.search(r"thang\s+(\d{1,2})\s*(?:/|nam)\s*" + _YEAR, key):
        return _ym(m.group(2), m.group(1)) if 1 <= int(m.group(1)) <= 12 else None
    if m := re.search(r"nam\s+" + _YEAR, key):
        return m.group(1)
    return None
