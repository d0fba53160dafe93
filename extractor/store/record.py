"""A plan record as reviewable fields: JSON paths ↔ values, and where each value came from.

The record is handled as JSON (``Plan.model_dump(mode="json")``): the SCHEMA.md shape with a
``provenance`` map on each object, keyed by field name. A field is addressed by its path,
``document.number`` or ``tasks[3.1].lead``; lists of strings (lead, duties ...) are one field.

Items of tasks, targets and responsibilities are addressed by a stable key, not by position
(issue 5): a re-run that finds one more task must not slide a reviewed ``lead`` onto its
neighbour. The key is the task's printed number, else a fingerprint of its title (marks
stripped, so a better restoration keeps the key); targets use year + indicator, responsibilities
the agency. Other lists (budget periods, reporting) stay positional: ``budget.by_period.0.period``.
"""

from __future__ import annotations

import math
import re
from typing import Any

SECTIONS = ("document", "targets", "budget", "tasks", "responsibilities", "reporting")
META_KEYS = frozenset({"provenance", "issues"})
KEYED = frozenset({"tasks", "targets", "responsibilities"})
LIST_FIELDS = frozenset({"lead", "coordinators", "duties", "legal_basis"})
NUMBER_FIELDS = frozenset({"year", "value", "total_million_vnd", "million_vnd"})
BOOL_FIELDS = frozenset({"open_ended"})
# Objects that may be null in the contract: a reviewer still needs their fields to fill in.
NULLABLE_OBJECTS: dict[str, tuple[str, ...]] = {
    "document.signer": ("name", "title"),
    "budget": ("total_million_vnd",),
    "tasks.*.deadline": ("text", "start", "end", "recurring"),
}
LABELS = {
    "doc_type": "Loại văn bản", "number": "Số ký hiệu", "issuer": "Cơ quan ban hành",
    "province": "Tỉnh/thành phố", "place": "Địa danh", "issued_date": "Ngày ban hành",
    "title": "Trích yếu", "legal_basis": "Căn cứ", "signer": "Người ký", "name": "Họ tên",
    "indicator": "Chỉ tiêu", "year": "Năm", "value": "Giá trị", "unit": "Đơn vị",
    "total_million_vnd": "Tổng kinh phí (triệu đồng)", "by_period": "Theo giai đoạn",
    "period": "Giai đoạn", "million_vnd": "Kinh phí (triệu đồng)", "group": "Nhóm",
    "lead": "Cơ quan chủ trì", "coordinators": "Cơ quan phối hợp", "deadline": "Thời hạn",
    "text": "Nội dung", "start": "Bắt đầu", "end": "Kết thúc", "recurring": "Định kỳ",
    "open_ended": "Không thời hạn kết thúc", "agency": "Cơ quan", "duties": "Nhiệm vụ",
    "who": "Đơn vị báo cáo", "to": "Nơi nhận báo cáo", "when": "Thời hạn báo cáo",
    "month_day": "Ngày (tháng-ngày)",
}
SECTION_LABELS = {
    "document": "Thông tin văn bản", "targets": "Mục tiêu", "budget": "Kinh phí",
    "tasks": "Nhiệm vụ", "responsibilities": "Tổ chức thực hiện", "reporting": "Chế độ báo cáo",
}


_PART = re.compile(r"\[[^\]]*\]|[^.\[]+")


def parts(path: str) -> list[str]:
    """The steps of a path: names, list positions (digits) and item keys (``[3.1]``)."""
    return _PART.findall(path)


def is_key(part: str) -> bool:
    """Whether a path step is an item key (``[3.1]``)."""
    return part.startswith("[")


def fingerprint(text: str | None, words: int = 8) -> str:
    """Unmarked, case-folded first words of ``text`` joined by ``-`` (a restoration-proof key)."""
    from extractor.vietnamese import strip_diacritics

    found = re.findall(r"[0-9a-z]+", strip_diacritics(text or "").casefold().replace("đ", "d"))
    return "-".join(found[:words])[:60]


def _raw_key(section: str, item: Any) -> str:
    item = item if isinstance(item, dict) else {}
    if section == "tasks":
        number = re.sub(r"[\[\]\s]+", "", str(item.get("number") or ""))[:40]
        return number or "~" + fingerprint(item.get("title"))
    if section == "targets":
        return f"{item.get('year') or ''}~{fingerprint(item.get('indicator'))}"
    return fingerprint(item.get("agency"))


def item_keys(section: str, items: list[Any]) -> list[str]:
    """The stable key of each item of a keyed section, unique within the list (``#2`` on repeats)."""
    seen: dict[str, int] = {}
    out = []
    for item in items:
        key = _raw_key(section, item) or "~"
        seen[key] = seen.get(key, 0) + 1
        out.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return out


def _pattern(path: str) -> str:
    return ".".join("*" if part.isdigit() or is_key(part) else part for part in parts(path))


def flatten(record: dict[str, Any]) -> dict[str, Any]:
    """Every editable leaf of ``record`` by JSON path, in document order."""
    out: dict[str, Any] = {}
    for section in SECTIONS:
        _walk(record.get(section), section, out)
    return out


def _walk(value: Any, path: str, out: dict[str, Any]) -> None:
    template = NULLABLE_OBJECTS.get(_pattern(path))
    if value is None and template:
        for key in template:
            out[f"{path}.{key}"] = None
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in META_KEYS:
                _walk(item, f"{path}.{key}", out)
    elif isinstance(value, list) and path in KEYED:
        for key, item in zip(item_keys(path, value), value, strict=True):
            _walk(item, f"{path}[{key}]", out)
    elif isinstance(value, list) and path.rsplit(".", 1)[-1] not in LIST_FIELDS:
        for index, item in enumerate(value):
            _walk(item, f"{path}.{index}", out)
    else:
        out[path] = value


class _Keyed(dict):  # type: ignore[type-arg]
    """Items of a keyed list while the record is rebuilt (first-seen order)."""


def _container(nxt: str) -> Any:
    return [] if nxt.isdigit() else _Keyed() if is_key(nxt) else {}


def unflatten(fields: dict[str, Any]) -> dict[str, Any]:
    """The contract-shaped record from ``{path: value}``; all-null optional objects become null.

    Keyed items come out in the order their first field comes in ``fields``.
    """
    root: dict[str, Any] = {}
    for path, value in fields.items():
        steps = parts(path)
        if not steps or steps[0] not in SECTIONS:
            continue
        node: Any = root
        for part, nxt in zip(steps, steps[1:], strict=False):
            if isinstance(node, list):
                key = int(part)
                while len(node) <= key:
                    node.append(None)
                if node[key] is None:
                    node[key] = _container(nxt)
                node = node[key]
            else:
                node = node.setdefault(part, _container(nxt))
        last = steps[-1]
        if isinstance(node, list):
            while len(node) <= int(last):
                node.append(None)
            node[int(last)] = value
        else:
            node[last] = value
    root = _lists(root)
    _null_empty_objects(root, "")
    for section, empty in (("document", {}), ("targets", []), ("budget", None), ("tasks", []),
                           ("responsibilities", []), ("reporting", [])):
        root.setdefault(section, empty)
    if isinstance(root.get("budget"), dict):
        root["budget"].setdefault("by_period", [])
    return {key: root[key] for key in SECTIONS}


def _lists(node: Any) -> Any:
    if isinstance(node, _Keyed):
        return [_lists(item) for item in node.values()]
    if isinstance(node, dict):
        return {key: _lists(item) for key, item in node.items()}
    if isinstance(node, list):
        return [_lists(item) for item in node]
    return node


def document_order(paths: list[str], record: dict[str, Any] | None) -> list[str]:
    """``paths`` in the order of ``record`` (the newest run); paths it lacks keep theirs, after.

    Fields are created in the order runs first found them, so a task a later run inserts
    would otherwise come last.
    """
    rank = {path: i for i, path in enumerate(flatten(record or {}))}
    return sorted(paths, key=lambda p: (p not in rank, rank.get(p, 0)))


def _null_empty_objects(node: Any, path: str) -> Any:
    if isinstance(node, list):
        for index, item in enumerate(node):
            node[index] = _null_empty_objects(item, f"{path}.{index}".lstrip("."))
        node[:] = [item for item in node if item is not None]
    elif isinstance(node, dict):
        for key in list(node):
            node[key] = _null_empty_objects(node[key], f"{path}.{key}".lstrip("."))
        if _pattern(path) in NULLABLE_OBJECTS and all(
            v is None or v == [] for v in node.values()
        ):
            return None
    return node


def provenance(record: dict[str, Any], path: str) -> dict[str, Any] | None:
    """The provenance item of ``path`` (the owning object's ``provenance[field]``), if any."""
    steps = parts(path)
    node: Any = record
    name = ""
    for part in steps[:-1]:
        if isinstance(node, list) and is_key(part):
            keys = item_keys(name, node)
            if part[1:-1] not in keys:
                return None
            node = node[keys.index(part[1:-1])]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node, name = node[part], part
        else:
            return None
    if not isinstance(node, dict) or not steps:
        return None
    item = (node.get("provenance") or {}).get(steps[-1])
    if isinstance(item, list):  # tolerate a list of items: the first names the page
        item = item[0] if item else None
    return item if isinstance(item, dict) else None


def _key_word(section: str, key: str) -> str:
    """How an item key reads in a label: the task number, a target's year, else nothing."""
    key = key.split("#")[0]
    if section == "tasks" and not key.startswith("~"):
        return key
    if section == "targets":
        return key.split("~")[0]
    return ""


def label(path: str) -> str:
    """A Vietnamese label for ``path``: ``tasks[3.1].lead`` → ``Nhiệm vụ 3.1 · Cơ quan chủ trì``."""
    steps = parts(path) or [path]
    words = [SECTION_LABELS.get(steps[0], steps[0])]
    for part in steps[1:]:
        if is_key(part):
            words.append(_key_word(steps[0], part[1:-1]))
        else:
            words.append(str(int(part) + 1) if part.isdigit() else LABELS.get(part, part))
    item = len(steps) > 1 and (steps[1].isdigit() or is_key(steps[1]))
    head = " ".join(w for w in words[:2] if w) if item else words[0]
    rest = words[2:] if item else words[1:]
    return " · ".join([head, *rest])


def short_label(path: str) -> str:
    """The label within its section/item box: ``tasks.3.lead`` → ``Cơ quan chủ trì``."""
    parts = label(path).split(" · ")
    return " · ".join(parts[1:]) or parts[0]


def kind(path: str) -> str:
    """How a field is edited: ``list`` (one item a line), ``number``, ``bool`` or ``text``."""
    last = (parts(path) or [""])[-1]
    if last in LIST_FIELDS:
        return "list"
    if last in NUMBER_FIELDS:
        return "number"
    return "bool" if last in BOOL_FIELDS else "text"


class FieldValueError(ValueError):
    """A submitted value does not fit the field (a number that is not one)."""


def parse_value(path: str, raw: str) -> Any:
    """The JSON value of a submitted form text for ``path`` (whitespace collapsed, NFC)."""
    import unicodedata

    text = unicodedata.normalize("NFC", raw or "")
    field_kind = kind(path)
    if field_kind == "list":
        items = [" ".join(line.split()) for line in text.splitlines()]
        return [item for item in items if item]
    text = " ".join(text.split())
    if not text:
        return None
    if field_kind == "bool":
        return text.lower() in {"1", "true", "có", "co", "x", "yes"}
    if field_kind == "number":
        try:
            number = float(text.replace(" ", "").replace(",", "."))
        except ValueError:
            raise FieldValueError(f"“{text}” không phải là một số") from None
        if not math.isfinite(number):
            raise FieldValueError(f"“{text}” không phải là một số")
        if path.endswith(".year"):
            if not number.is_integer():
                raise FieldValueError(f"“{text}” không phải là một năm")
            return int(number)
        return int(number) if number.is_integer() and "million" in path else number
    return text


def show_value(path: str, value: Any) -> str:
    """The form text of a JSON value (lists one item a line)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float) and value.is_integer() and kind(path) == "number":
        return str(int(value)) if path.endswith(".year") else str(value)
    return str(value)
