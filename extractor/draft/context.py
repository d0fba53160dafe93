"""The harmonised context a Kế hoạch draft is rendered from (issue 7).

National programme (reference tasks and targets) + existing provincial records → for each
programme task the lead, coordinators and deadline most provinces chose, with the
supporting provinces kept for the drafter's appendix notes; other provinces' names replaced
by the drafting province's; then a YAML/JSON file may override any value.

Every value the templates read is a plain dict/list/str so the sandbox has nothing else to
reach; the required keys are listed at the top of each template.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from extractor.draft.harmonise import (
    province_of,
    qualify,
    reporting_choice,
    responsibility_choices,
    target_choices,
    task_choices,
)
from extractor.draft.reference import Aligner, Programme, align_by_title, align_with_compare
from extractor.errors import ContextFileError, DraftError
from extractor.options import Options
from schemas.plan import Plan

RECORD_SUFFIXES = (".json",)


def load_records(inputs: Iterable[Path | Plan], options: Options | None = None) -> list[Plan]:
    """Plan records from record JSON files, source documents (run through the extractor) or records."""
    records = []
    for item in inputs:
        if isinstance(item, Plan):
            records.append(item)
            continue
        path = Path(item)
        if path.suffix.lower() in RECORD_SUFFIXES:
            try:
                records.append(Plan.model_validate_json(path.read_text(encoding="utf-8")))
            except ValueError as exc:
                raise DraftError(
                    f"Tệp {path.name} không phải bản ghi kế hoạch hợp lệ: {exc}", path=str(path)
                ) from exc
        else:
            from extractor.pipeline import extract

            records.append(extract(path, options or Options()))
    return records


def implements(record: Plan, programme: Programme) -> bool:
    """Whether ``record`` implements ``programme`` (for ``--db``: which stored records to use).

    A plan cites the decision in its basis or quotes the programme in its title; an appendix
    printed as its own record ("Phụ lục", seed 000) does neither, so its tasks decide: at least
    half of them must match a programme task by title.
    """
    if programme.decision in record.document.legal_basis:
        return True
    if record.document.title and programme.name.lower()[:40] in record.document.title.lower():
        return True
    ids = align_by_title(programme, [record])[0]
    return bool(ids) and sum(i is not None for i in ids) * 2 >= len(ids)


def _issuer(province: str) -> dict[str, Any]:
    return {
        "name": f"Ủy ban nhân dân tỉnh {province}",
        "short": "Ủy ban nhân dân tỉnh",
        "superior": None,
        "header": ["ỦY BAN NHÂN DÂN", f"TỈNH {province.upper()}"],
        "symbol": "UBND",
    }


def _target_groups(targets: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for t in targets:
        g = groups.setdefault(
            t["indicator"], {"indicator": t["indicator"], "unit": t.get("unit"), "points": []}
        )
        g["points"].append({"year": t["year"], "value": t["value"]})
    return list(groups.values())


def _recipients(programme: Programme) -> list[str]:
    return [
        f"{programme.ministry} (b/c)" if programme.ministry else "Bộ, ngành Trung ương (b/c)",
        "Thường trực Tỉnh ủy",
        "Thường trực Hội đồng nhân dân tỉnh",
        "Chủ tịch, các Phó Chủ tịch Ủy ban nhân dân tỉnh",
        "Các sở, ban, ngành tỉnh",
        "Ủy ban nhân dân các xã, phường",
        "Lưu: VT",
    ]


def _default_responsibilities(lead: str, province: str) -> list[dict[str, Any]]:
    return [
        {
            "agency": lead,
            "supporters": [],
            "duties": [
                "Chủ trì, phối hợp với các cơ quan, đơn vị liên quan tổ chức triển khai thực hiện Kế hoạch; "
                "theo dõi, đôn đốc, kiểm tra, tổng hợp kết quả, báo cáo Ủy ban nhân dân tỉnh"
            ],
        },
        {
            "agency": "Sở Tài chính",
            "supporters": [],
            "duties": [
                "Chủ trì, phối hợp với các cơ quan, đơn vị liên quan tham mưu bố trí kinh phí thực hiện "
                "Kế hoạch theo phân cấp ngân sách nhà nước hiện hành"
            ],
        },
        {
            "agency": "Ủy ban nhân dân các xã, phường",
            "supporters": [],
            "duties": [
                f"Tổ chức triển khai thực hiện Kế hoạch trên địa bàn; định kỳ báo cáo kết quả gửi {lead}"
            ],
        },
    ]


def build_context(
    programme: Programme,
    province: str,
    records: Sequence[Plan],
    *,
    aligner: Aligner = align_with_compare,
    year: int | None = None,
) -> dict[str, Any]:
    """The draft context before overrides: every key the built-in templates require."""
    lead = programme.provincial_lead
    year = year or _dt.date.today().year
    tasks = task_choices(programme, records, aligner, province)
    for task in tasks:
        task["coordinators"] = [qualify(a, province) for a in task["coordinators"]]
        task["lead"] = [qualify(a, province) for a in task["lead"]]
    targets = target_choices(programme, records)
    reporting = reporting_choice(records, province) or {
        "who": "Các cơ quan, đơn vị",
        "to": lead,
        "when": "trước ngày 10/12 hằng năm",
        "supporters": [],
    }
    title = f"Triển khai thực hiện Chương trình “{programme.name}” trên địa bàn tỉnh {province}"
    return {
        "province": province,
        "issuer": _issuer(province),
        "doc": {
            "kind": "KẾ HOẠCH",
            "number": "",
            "place": province,
            "day": "",
            "month": "",
            "year": year,
            "title": title,
        },
        "programme": {
            "id": programme.id,
            "decision": programme.decision,
            "decision_date": programme.decision_date,
            "decision_issuer": programme.decision_issuer,
            "name": programme.name,
            "ministry": programme.ministry,
            "period": programme.period,
            "reference_is_fallback": programme.fallback,
        },
        "basis": [
            f"Quyết định số {programme.decision} ngày {programme.decision_date} của "
            f"{programme.decision_issuer} phê duyệt Chương trình “{programme.name}”"
        ],
        "purposes": [],
        "requirements": [],
        "general_objectives": [],
        "targets": targets,
        "target_groups": _target_groups(targets),
        "lead_agency": lead,
        "tasks": tasks,
        "budget": {"total_million_vnd": None, "by_period": [], "sources": []},
        "responsibilities": (
            responsibility_choices(records, province, lead) or _default_responsibilities(lead, province)
        ),
        "reporting": [reporting],
        "signer": {
            "authority": "TM. ỦY BAN NHÂN DÂN",
            "deputy": "KT. CHỦ TỊCH",
            "title": "PHÓ CHỦ TỊCH",
            "name": "",
        },
        "recipients": _recipients(programme),
        "appendix": {"enabled": True, "title": "PHÂN CÔNG NHIỆM VỤ CHI TIẾT THỰC HIỆN KẾ HOẠCH"},
        "sources": [
            {"province": province_of(r), "source": r.source, "number": r.document.number} for r in records
        ],
    }


def load_context_file(path: Path) -> dict[str, Any]:
    """Overrides from a .json, .yaml or .yml file (a mapping at the top level)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() in (".yaml", ".yml"):
            try:
                import yaml
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise ContextFileError(
                    "Cần cài PyYAML để đọc tệp ngữ cảnh .yaml (pip install pyyaml), hoặc dùng tệp .json.",
                    path=str(path),
                ) from exc
            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except (OSError, ValueError) as exc:
        raise ContextFileError(f"Không đọc được tệp ngữ cảnh: {exc}", path=str(path)) from exc
    if not isinstance(data, dict):
        raise ContextFileError("Tệp ngữ cảnh phải là một ánh xạ (key: value) ở cấp cao nhất.", path=str(path))
    return data


def apply_overrides(context: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``overrides`` into ``context``; lists are replaced.

    ``tasks`` may also be a mapping from task number to the fields to change
    (``{"3": {"lead": [...]}}``), so one task is corrected without restating the others.
    """
    merged = dict(context)
    for key, value in overrides.items():
        current = merged.get(key)
        if key == "tasks" and isinstance(value, Mapping) and isinstance(current, list):
            merged[key] = _patch_tasks(current, value)
        elif isinstance(value, Mapping) and isinstance(current, Mapping):
            merged[key] = apply_overrides(current, value)
        else:
            merged[key] = value
    if "targets" in overrides and "target_groups" not in overrides:
        merged["target_groups"] = _target_groups(merged["targets"])
    return merged


def _patch_tasks(tasks: list[dict[str, Any]], patches: Mapping[str, Any]) -> list[dict[str, Any]]:
    by_number = {str(t["number"]): i for i, t in enumerate(tasks)}
    out = [dict(t) for t in tasks]
    for number, patch in patches.items():
        if str(number) not in by_number:
            raise ContextFileError(
                f"Tệp ngữ cảnh sửa nhiệm vụ số {number} nhưng dự thảo không có nhiệm vụ đó "
                f"(có: {', '.join(by_number)})."
            )
        i = by_number[str(number)]
        out[i] = apply_overrides(out[i], patch)
    return out
