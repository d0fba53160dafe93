"""A plan record as reviewable fields: JSON paths ↔ values, and where each value came from.

The record is handled as JSON (``Plan.model_dump(mode="json")``): the SCHEMA.md shape with a
``provenance`` map on each object, keyed by field name. A field is addressed by its JSON path,
``document.number`` or ``tasks.3.lead``; lists of strings (lead, duties ...) are one field.
"""

from __future__ import annotations

import math
from typing import Any

SECTIONS = ("document", "targets", "budget", "tasks", "responsibilities", "reporting")
META_KEYS = frozenset({"provenance", "issues"})
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


def _pattern(path: str) -> str:
    return ".".join("*" if part.isdigit() else part for part in path.split("."))


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
    elif isinstance(value, list) and path.rsplit(".", 1)[-1] not in LIST_FIELDS:
        for index, item in enumerate(value):
            _walk(item, f"{path}.{index}", out)
    else:
        out[path] = value


def unflatten(fields: dict[str, Any]) -> dict[str, Any]:
    """The contract-shaped record from ``{path: value}``; all-null optional objects become null."""
    root: dict[str, Any] = {}
    for path, value in fields.items():
        parts = path.split(".")
        node: Any = root
        for part, nxt in zip(parts, parts[1:], strict=False):
            key: Any = int(part) if part.isdigit() else part
            child: Any = [] if nxt.isdigit() else {}
            if isinstance(node, list):
                while len(node) <= key:
                    node.append(None)
                if node[key] is None:
                    node[key] = child
                node = node[key]
            else:
                node = node.setdefault(key, child)
        last: Any = int(parts[-1]) if parts[-1].isdigit() else parts[-1]
        if isinstance(node, list):
            while len(node) <= last:
                node.append(None)
        node[last] = value
    _null_empty_objects(root, "")
    for section, empty in (("document", {}), ("targets", []), ("budget", None), ("tasks", []),
                           ("responsibilities", []), ("reporting", [])):
        root.setdefault(section, empty)
    if isinstance(root.get("budget"), dict):
        root["budget"].setdefault("by_period", [])
    return {key: root[key] for key in SECTIONS}


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
    parts = path.split(".")
    node: Any = record
    for part in parts[:-1]:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    if not isinstance(node, dict):
        return None
    item = (node.get("provenance") or {}).get(parts[-1])
    if isinstance(item, list):  # tolerate a list of items: the first names the page
        item = item[0] if item else None
    return item if isinstance(item, dict) else None


def label(path: str) -> str:
    """A Vietnamese label for ``path``: ``tasks.3.lead`` → ``Nhiệm vụ 4 · Cơ quan chủ trì``."""
    parts = path.split(".")
    words = [SECTION_LABELS.get(parts[0], parts[0])]
    for part in parts[1:]:
        words.append(str(int(part) + 1) if part.isdigit() else LABELS.get(part, part))
    head = " ".join(words[:2]) if len(parts) > 1 and parts[1].isdigit() else words[0]
    rest = words[2:] if len(parts) > 1 and parts[1].isdigit() else words[1:]
    return " · ".join([head, *rest])


def short_label(path: str) -> str:
    """The label within its section/item box: ``tasks.3.lead`` → ``Cơ quan chủ trì``."""
    parts = label(path).split(" · ")
    return " · ".join(parts[1:]) or parts[0]


def kind(path: str) -> str:
    """How a field is edited: ``list`` (one item a line), ``number``, ``bool`` or ``text``."""
    last = path.rsplit(".", 1)[-1]
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
