"""Issue messages of the field stage, in Vietnamese: the review web app shows them to officials.

``kind`` codes stay in English (operators quote them); the message says, in the reviewer's
language, what was found and what to check. Record paths ("tasks[2].lead") are rendered with
Vietnamese field names and 1-based item numbers ("Nhiệm vụ thứ 3 – cơ quan chủ trì").
"""

from __future__ import annotations

import re

_FIELDS = {
    "document": "Thông tin văn bản", "doc_type": "loại văn bản", "number": "số ký hiệu",
    "issuer": "cơ quan ban hành", "province": "tỉnh", "place": "địa danh", "issued_date": "ngày ban hành",
    "title": "trích yếu", "legal_basis": "căn cứ", "signer": "người ký", "name": "họ tên",
    "targets": "Chỉ tiêu", "indicator": "tên chỉ tiêu", "value": "giá trị", "year": "năm",
    "budget": "Kinh phí", "total_million_vnd": "tổng kinh phí", "by_period": "theo giai đoạn",
    "million_vnd": "số tiền", "tasks": "Nhiệm vụ", "lead": "cơ quan chủ trì",
    "coordinators": "cơ quan phối hợp", "deadline": "thời hạn", "text": "nội dung",
    "responsibilities": "Tổ chức thực hiện", "agency": "cơ quan", "duties": "nhiệm vụ được giao",
    "reporting": "Chế độ báo cáo", "when": "thời hạn báo cáo",
}
_PART = re.compile(r"^(\w+)(?:\[(\d+)\])?$")


def field_label(path: str) -> str:
    """'tasks[2].lead' → 'Nhiệm vụ thứ 3 – cơ quan chủ trì'; unknown parts are kept as printed."""
    parts: list[str] = []
    for piece in path.split("."):
        if piece == "text" and parts:
            continue  # "deadline.text" is the deadline as the reviewer sees it
        m = _PART.match(piece)
        if not m:
            parts.append(piece)
            continue
        name = _FIELDS.get(m.group(1), m.group(1))
        parts.append(f"{name} thứ {int(m.group(2)) + 1}" if m.group(2) is not None else name)
    return " – ".join(parts)


def empty_document() -> str:
    """A document with no readable text."""
    return "Văn bản không có chữ đọc được; không trích xuất được thông tin nào"


def not_a_plan() -> str:
    """Neither a document type nor tasks."""
    return ("Không tìm thấy loại văn bản (Kế hoạch, Quyết định…) và không có nhiệm vụ nào; "
            "tệp này có vẻ không phải là một kế hoạch hành chính")


def no_tasks() -> str:
    """No task list."""
    return "Không tìm thấy danh sách nhiệm vụ; đề nghị kiểm tra mục Nhiệm vụ, giải pháp hoặc phụ lục"


def number_not_digits(number: str) -> str:
    """A số ký hiệu whose number part is not digits."""
    return f"Số ký hiệu «{number}»: phần số không phải chữ số (có thể do nhận dạng sai); đề nghị kiểm tra"


def missing_field(path: str) -> str:
    """A header field not found."""
    return f"Không tìm thấy {field_label(path).split(' – ')[-1]} trong phần đầu văn bản"


def low_confidence(path: str, confidence: float) -> str:
    """A value read with low confidence."""
    return f"{field_label(path)}: độ tin cậy thấp ({confidence:.0%}); đề nghị đối chiếu với bản gốc"


def unknown_agency(printed: str) -> str:
    """A body not in the registry, kept as printed."""
    return f"Cơ quan «{printed}» không có trong danh mục; giữ nguyên như văn bản ghi"


def item_without_agency(text: str) -> str:
    """A Tổ chức thực hiện item naming no known body."""
    return f"Mục Tổ chức thực hiện không nêu cơ quan nào đã biết: «{text}»"


def unparsed_deadline(number: str, text: str) -> str:
    """A task deadline that names no time the parser understands."""
    return f"Nhiệm vụ {number}: không hiểu được thời hạn «{text}»"
