"""Issue 5: reviewed values stay on their task when a re-run inserts a task before it."""

from __future__ import annotations

import copy

from sqlalchemy import insert, select
from web_fixtures.helpers import small_record

from extractor import jobs
from extractor.store import repo
from extractor.store.db import alembic_config
from extractor.store.models import FieldValue

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ALICE = repo.Actor(None, "alice")


def _run(store, doc_id: int, record: dict, rerun: bool) -> None:
    job = jobs.enqueue(store, doc_id, rerun=rerun)
    claimed = jobs.claim(store, "t")
    assert claimed is not None and claimed.id == job.id and jobs.finish(store, claimed, record)


def _inserted(record: dict, before: int, task: dict) -> dict:
    again = copy.deepcopy(record)
    again["tasks"].insert(before, task)
    return again


NEW_TASK = {"number": "1.1", "group": None, "title": "Bồi dưỡng nghiệp vụ thư viện", "lead": ["Sở Nội vụ"],
            "coordinators": [], "deadline": None, "provenance": {}}


def test_reviewed_lead_stays_on_its_task_when_a_task_is_inserted_issue5(store, settings):
    doc, _ = repo.add_document(store, settings.originals_dir, [PDF], "kh.pdf", 1 << 20)
    _run(store, doc.id, small_record(), False)
    repo.save_field(store, doc.id, "tasks[2].lead", ["Sở Văn hóa, Thể thao và Du lịch"], 1, ALICE, "đọc lại")
    _run(store, doc.id, _inserted(small_record(), 1, NEW_TASK), True)

    tasks = repo.current_record(store, doc.id)["tasks"]
    assert [t["number"] for t in tasks] == ["1", "1.1", "2"]
    assert tasks[2]["lead"] == ["Sở Văn hóa, Thể thao và Du lịch"]  # the reviewed value, on task 2
    assert tasks[2]["title"] == "Tuyên truyền, phổ biến mô hình thư viện cơ sở"
    assert tasks[1]["lead"] == ["Sở Nội vụ"] and tasks[1]["title"] == NEW_TASK["title"]  # machine values
    fields = {f.path: f for f in repo.fields_of(store, doc.id)}
    # The suggestion beside the reviewed value is task 2's own machine reading, not task 1.1's.
    assert fields["tasks[2].lead"].suggestion == ["Sở Thông tin và Truyền thông"]
    assert not fields["tasks[1.1].lead"].reviewed


def test_unnumbered_tasks_keyed_by_title_survive_insertion(store, settings):
    record = small_record()
    for task in record["tasks"]:
        task["number"] = None
    doc, _ = repo.add_document(store, settings.originals_dir, [PDF], "kh.pdf", 1 << 20)
    _run(store, doc.id, record, False)
    path = "tasks[~tuyen-truyen-pho-bien-mo-hinh-thu-vien].lead"
    repo.save_field(store, doc.id, path, ["Sở Tài chính"], 1, ALICE)
    again = _inserted(record, 0, {**NEW_TASK, "number": None})
    again["tasks"][2]["title"] = "Tuyen truyen, pho bien mo hinh thu vien co so"  # marks lost on re-read
    _run(store, doc.id, again, True)
    tasks = repo.current_record(store, doc.id)["tasks"]
    leads = [t["lead"] for t in tasks]
    assert leads == [["Sở Nội vụ"], ["Sở Văn hóa, Thể thao và Du lịch"], ["Sở Tài chính"]]


def test_migration_0002_rewrites_positional_paths(store, settings):
    from alembic import command

    doc, _ = repo.add_document(store, settings.originals_dir, [PDF], "kh.pdf", 1 << 20)
    with store.engine.connect() as conn:
        command.downgrade(alembic_config(conn), "0001")
        conn.commit()
    rows = [("tasks.0.number", "3.1", "3.1"), ("tasks.0.lead", ["Sở A"], ["Sở B"]),
            ("tasks.1.number", None, None), ("tasks.1.title", "Tuyên truyền", "Tuyên truyền"),
            ("responsibilities.0.agency", "Sở Tài chính", "Sở Tài chính"),
            ("targets.0.year", 2026, 2026), ("targets.0.indicator", "Tỷ lệ xã", "Tỷ lệ xã"),
            ("budget.by_period.0.period", "2026", "2026")]
    with store.write() as s:
        for path, value, machine in rows:
            s.execute(insert(FieldValue).values(document_id=doc.id, path=path, value=value,
                                                machine_value=machine, version=1, reviewed=False,
                                                removed=False, has_suggestion=False))
    with store.engine.connect() as conn:
        command.upgrade(alembic_config(conn), "head")
        conn.commit()
    with store.read() as s:
        paths = list(s.scalars(select(FieldValue.path).order_by(FieldValue.id)))
    assert paths == ["tasks[3.1].number", "tasks[3.1].lead", "tasks[~tuyen-truyen].number",
                     "tasks[~tuyen-truyen].title", "responsibilities[so-tai-chinh].agency",
                     "targets[2026~ty-le-xa].year", "targets[2026~ty-le-xa].indicator",
                     "budget.by_period.0.period"]
    assert repo.current_record(store, doc.id)["tasks"][0]["lead"] == ["Sở A"]
