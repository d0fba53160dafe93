"""Issue 7: the harmonised draft context (majority across provinces, supporters, overrides)."""

from __future__ import annotations

import json

import pytest
from draft_helpers import GD, VH, XA, three_provinces

from extractor.draft import draft_context
from extractor.draft.context import apply_overrides, build_context
from extractor.draft.harmonise import vote
from extractor.draft.reference import align_by_title, align_with_compare, load_programme
from extractor.errors import ContextFileError
from schemas.plan import Task


@pytest.fixture(scope="module")
def context():
    return build_context(load_programme("1687"), "Cao Bằng", three_provinces(), year=2026)


def _task(ctx, ref_id):
    return next(t for t in ctx["tasks"] if t["ref_id"] == ref_id)


def test_lead_is_the_most_common_across_provinces_with_its_supporters(context):
    task = _task(context, "2")
    assert task["lead"] == [VH, XA]
    assert task["support"]["lead"] == ["Lạng Sơn", "Hà Giang"]  # Sơn La chose Sở GDĐT and is outvoted
    assert task["voters"]["lead"] == 3


def test_one_province_votes_once_even_with_several_rows(context):
    # Lạng Sơn splits task 2 over two table rows; both rows count as one vote
    assert _task(context, "2")["support"]["deadline"] == ["Hà Giang", "Sơn La"]
    assert _task(context, "2")["deadline"] == "Giai đoạn 2026-2030"


def test_tie_goes_to_the_first_seen_value():
    choice = vote([("A", "x"), ("B", "y")])
    assert choice.value == "x" and choice.supporters == ("A",)


def test_task_without_provincial_data_falls_back_to_the_programme(context):
    task = _task(context, "1")
    assert task["lead"] == [VH] and task["support"]["lead"] == []
    assert task["deadline"] == "Giai đoạn 2026-2030"


def test_other_province_names_are_substituted(context):
    agencies = [r["agency"] for r in context["responsibilities"]]
    assert "Công an tỉnh Cao Bằng" in agencies
    assert "Báo và Phát thanh, Truyền hình Cao Bằng" in agencies
    coords = _task(context, "2")["coordinators"] + [c for t in context["tasks"] for c in t["coordinators"]]
    assert not any("Lạng Sơn" in c or "Sơn La" in c for c in coords)
    assert context["issuer"]["name"] == "Ủy ban nhân dân tỉnh Cao Bằng"
    assert context["issuer"]["header"] == ["ỦY BAN NHÂN DÂN", "TỈNH CAO BẰNG"]


def test_targets_take_the_provinces_value_over_the_reference(context):
    first = context["targets"][0]
    assert (first["year"], first["value"], first["supporters"]) == (2026, 20.0, ["Lạng Sơn", "Hà Giang"])


@pytest.mark.parametrize("aligner", [align_by_title, align_with_compare])
def test_aligners_use_group_headings(aligner):
    prog = load_programme("1687")
    assert aligner(prog, three_provinces()[:1]) == [["2", "2", "5"]]


def test_fallback_reference_without_compare(monkeypatch):
    import extractor.draft.reference as ref

    monkeypatch.setattr(ref, "_compare_reference", lambda key: None)
    prog = ref.load_programme("1687")
    assert prog.fallback and len(prog.tasks) == 8 and len(prog.targets) == 12
    ctx = build_context(prog, "Cao Bằng", three_provinces(), aligner=align_by_title, year=2026)
    assert _task(ctx, "2")["support"]["lead"] == ["Lạng Sơn", "Hà Giang"]


def test_override_file_json_and_yaml(tmp_path):
    over = {"doc": {"number": "15"}, "tasks": {"2": {"lead": [GD]}}, "signer": {"name": "Nguyễn Văn A"}}
    path = tmp_path / "ctx.json"
    path.write_text(json.dumps(over, ensure_ascii=False), encoding="utf-8")
    ctx = draft_context("1687", "Cao Bằng", three_provinces(), path, year=2026)
    assert ctx["doc"]["number"] == "15" and ctx["doc"]["place"] == "Cao Bằng"  # deep merge keeps siblings
    assert _task(ctx, "2")["lead"] == [GD] and _task(ctx, "2")["support"]["lead"]
    assert ctx["signer"]["name"] == "Nguyễn Văn A"
    yaml = pytest.importorskip("yaml")
    ypath = tmp_path / "ctx.yaml"
    ypath.write_text(
        yaml.safe_dump({"budget": {"total_million_vnd": 1200}}, allow_unicode=True), encoding="utf-8"
    )
    assert draft_context("1687", "Cao Bằng", [], ypath)["budget"]["total_million_vnd"] == 1200


def test_override_of_unknown_task_is_an_error(context):
    with pytest.raises(ContextFileError, match="nhiệm vụ số 99"):
        apply_overrides(context, {"tasks": {"99": {"lead": []}}})


def test_target_override_regroups(context):
    ctx = apply_overrides(context, {"targets": [{"indicator": "A", "year": 2030, "value": 5, "unit": "%"}]})
    assert ctx["target_groups"] == [{"indicator": "A", "unit": "%", "points": [{"year": 2030, "value": 5}]}]


def test_implements_selects_records_of_the_programme():
    from extractor.draft import implements
    from schemas.plan import DocumentHeader, Plan

    prog = load_programme("1687")
    lang_son, _, _ = three_provinces()
    assert implements(lang_son, prog)  # cites 1687/QĐ-TTg
    appendix = lang_son.model_copy(update={"document": DocumentHeader(doc_type="Phụ lục")})
    assert implements(appendix, prog)  # no basis, but its tasks are the programme's
    other = Plan(
        source="x.pdf",
        document=DocumentHeader(title="Kế hoạch phòng, chống thiên tai"),
        tasks=[Task(number="1", title="Gia cố đê điều trước mùa mưa bão")],
    )
    assert not implements(other, prog)
