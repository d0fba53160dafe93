"""The plan record: the JSON contract of ``shared/SCHEMA.md`` as strict pydantic models.

Contract fields are plain values so the JSON reads exactly like the contract; where each
value came from sits beside it in a ``provenance`` map keyed by field name (after
docling-core's ``ProvenanceItem``), so a reviewer can open the source line of any value.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.document import BBox, Issue, Status

PLAN_SCHEMA_VERSION = "1.0"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Provenance(_Strict):
    """Where one extracted value was read: page, line span, offsets, box, raw reading."""

    page: int = Field(ge=1, description="1-based page number")
    line_start: int = Field(ge=1, description="1-based index of the first source line on that page")
    line_end: int = Field(ge=1, description="1-based index of the last source line (inclusive)")
    char_start: int = Field(ge=0, description="Offset of the span's start in the page text")
    char_end: int = Field(ge=0, description="Offset just past the span's end in the page text")
    bbox: BBox | None = Field(default=None,
                              description="Union of the span's word/line boxes (PDF/OCR sources)")
    original: str = Field(description="The source text of the span as read, before restoration")
    confidence: float = Field(ge=0.0, le=1.0, description="How sure the extractor is of the value 0..1")


Prov = dict[str, Provenance]


def _prov_field() -> Any:
    return Field(default_factory=dict, description="Provenance of each field, keyed by field name")


class Signer(_Strict):
    """Who signed the document (chữ ký)."""

    name: str | None = Field(default=None, description="Signer's full name; null when not legible")
    title: str | None = Field(default=None, description="Signer's position, e.g. 'Phó Chủ tịch'")
    provenance: Prov = _prov_field()


class DocumentHeader(_Strict):
    """Identity of the document: the header block, basis and signature."""

    doc_type: str | None = Field(default=None, description="Kế hoạch | Phụ lục | Quyết định | Công văn ...")
    number: str | None = Field(default=None,
                               description="Số ký hiệu as printed, e.g. '166/KH-UBND' or '/KH-UBND'")
    issuer: str | None = Field(default=None, description="Issuing body, canonical name with its province")
    province: str | None = Field(default=None, description="Province the issuer belongs to")
    place: str | None = Field(default=None, description="Địa danh printed before ', ngày ...'")
    issued_date: str | None = Field(default=None,
                                    description="ISO date YYYY-MM-DD, or YYYY-MM when the day is blank")
    title: str | None = Field(default=None, description="Trích yếu: what the document is about")
    legal_basis: list[str] = Field(default_factory=list,
                                   description="Numbers of the documents it is based on, in order")
    signer: Signer | None = Field(default=None, description="Signature block; null when absent")
    provenance: Prov = _prov_field()


class Target(_Strict):
    """One quantified target (Mục tiêu cụ thể) for one year."""

    indicator: str = Field(description="What is measured")
    year: int = Field(description="Year the value is to be reached")
    value: float = Field(description="Target value")
    unit: str | None = Field(default=None, description="Unit, e.g. '%'")
    provenance: Prov = _prov_field()


class BudgetPeriod(_Strict):
    """Budget for one year or period."""

    period: str = Field(description="'2026' or '2027-2030'")
    million_vnd: float = Field(description="Amount in million VND")
    provenance: Prov = _prov_field()


class Budget(_Strict):
    """The plan's stated funding (Kinh phí)."""

    total_million_vnd: float | None = Field(default=None, description="Total in million VND")
    by_period: list[BudgetPeriod] = Field(default_factory=list, description="Split by year/period")
    provenance: Prov = _prov_field()


class Deadline(_Strict):
    """A time expression and its normal form."""

    text: str = Field(description="The expression as printed")
    start: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    end: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD; null when open-ended")
    recurring: Literal["yearly", "quarterly", "monthly"] | None = Field(
        None, description="'yearly' for 'hằng năm' ...")
    open_ended: bool = Field(default=False, description="'... và các năm tiếp theo'")
    provenance: Prov = _prov_field()


class Task(_Strict):
    """One task (Nhiệm vụ, giải pháp or a row of the appendix task table)."""

    number: str = Field(description="As printed: '1', '3.1', '2.a'")
    group: str | None = Field(default=None, description="Roman-numeral group heading text (appendix tables)")
    title: str = Field(description="The task's heading sentence")
    lead: list[str] = Field(default_factory=list, description="Cơ quan chủ trì, canonical names in order")
    coordinators: list[str] = Field(default_factory=list, description="Cơ quan phối hợp, canonical names")
    deadline: Deadline | None = Field(default=None, description="Thời gian thực hiện; null when not stated")
    provenance: Prov = _prov_field()


class Responsibility(_Strict):
    """One agency's section of Tổ chức thực hiện."""

    agency: str = Field(description="Canonical agency name(s) as the section heading names them")
    duties: list[str] = Field(default_factory=list, description="First sentence of each duty")
    provenance: Prov = _prov_field()


class Reporting(_Strict):
    """A periodic reporting obligation with a date."""

    who: str | None = Field(default=None, description="Who reports")
    to: str | None = Field(default=None, description="To whom")
    when: str = Field(description="The time expression as printed")
    month_day: str | None = Field(default=None, description="MM-DD of the due date")
    recurring: Literal["yearly", "quarterly", "monthly"] | None = Field(default=None,
                                                                        description="Recurrence")
    provenance: Prov = _prov_field()


class Plan(_Strict):
    """One plan record: the contract of SCHEMA.md plus provenance, issues and status."""

    schema_version: str = Field(default=PLAN_SCHEMA_VERSION, description="Version of this record's schema")
    source: str = Field(description="File name of the source document")
    sha256: str | None = Field(default=None, description="Content hash of the source file")
    status: Status = Field(default=Status.FAILURE,
                           description="success | partial | failure; never success with issues")
    document: DocumentHeader = Field(default_factory=lambda: DocumentHeader())
    targets: list[Target] = Field(default_factory=list)
    budget: Budget | None = None
    tasks: list[Task] = Field(default_factory=list)
    responsibilities: list[Responsibility] = Field(default_factory=list)
    reporting: list[Reporting] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list,
                                description="Problems found, reviewers read these first")


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema of a plan record (committed as ``schemas/plan.schema.json``)."""
    schema = Plan.model_json_schema(by_alias=True)
    schema["$id"] = f"https://kehoach.local/schemas/plan-{PLAN_SCHEMA_VERSION}.json"
    schema["title"] = "Plan"
    return schema
