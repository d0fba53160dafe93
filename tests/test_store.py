"""Store: migrations, originals, extraction runs, revisions, optimistic locking, jobs (issue 5)."""

from __future__ import annotations

import json
import stat
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from web_fixtures.helpers import small_record

from extractor import jobs
from extractor.errors import FieldConflictError, LockedError, UploadRejectedError
from extractor.store import record as rec
from extractor.store import repo
from extractor.store.models import Base, Extraction, FieldValue, Job, Revision

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ALICE = repo.Actor(None, "alice")
BOB = repo.Actor(None, "bob")


def _doc(store, settings, data: bytes = PDF, name: str = "ke-hoach.pdf"):
    return repo.add_document(store, settings.originals_dir, [data], name, 1 << 20)


def _extracted(store, settings, record: dict | None = None):
    doc, _ = _doc(store, settings)
    job = jobs.enqueue(store, doc.id)
    claimed = jobs.claim(store, "t")
    assert claimed is not None and claimed.id == job.id
    assert jobs.finish(store, claimed, record or small_record())
    return doc


def test_migrations_match_models(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_original_stored_once_read_only_by_hash(store, settings):
    doc, created = _doc(store, settings, name="../../etc/passwd")
    again, created_again = _doc(store, settings, name="khac.pdf")
    assert created and not created_again and again.id == doc.id
    path = settings.originals_dir / doc.sha256[:2] / doc.sha256[2:]
    assert path.read_bytes() == PDF
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert doc.filename == "passwd" and doc.mime == "application/pdf"
    assert [p.name for p in settings.originals_dir.rglob("*") if p.is_file()] == [doc.sha256[2:]]


@pytest.mark.parametrize("data, words", [(b"", "rỗng"), (b"MZ\x90\x00not a pdf", "PDF"),
                                         (b"%PDF-" + b"x" * (2 << 20), "giới hạn")])
def test_upload_rejected_leaves_nothing(store, settings, data, words):
    with pytest.raises(UploadRejectedError, match=words):
        _doc(store, settings, data)
    assert not [p for p in settings.originals_dir.rglob("*") if p.is_file()]


def test_extraction_kept_whole_and_fields_get_first_revision(store, settings):
    doc = _extracted(store, settings)
    run = repo.latest_extraction(store, doc.id)
    assert run.record["document"]["provenance"]["number"]["bbox"]["x0"] == 60
    fields = {f.path: f for f in repo.fields_of(store, doc.id)}
    assert fields["tasks[1].lead"].value == ["Sở Văn hóa, Thể thao và Du lịch"]
    assert fields["tasks[1].lead"].confidence == pytest.approx(0.62)
    assert fields["tasks[2].deadline.text"].value is None
    assert all(f.version == 1 for f in fields.values())
    revs = repo.revisions_of(store, doc.id)
    assert len(revs) == len(fields) and {r.kind for r in revs} == {"machine"}
    got = repo.get_document(store, doc.id)
    assert (got.status, got.province, got.number, got.issue_count) == ("review", "Sơn La", "166/KH-UBND", 1)


def test_current_record_is_the_contract_shape(store, settings):
    doc = _extracted(store, settings)
    out = repo.current_record(store, doc.id)
    want = small_record()
    assert out["tasks"][1]["deadline"] is None
    assert out["tasks"][0]["lead"] == want["tasks"][0]["lead"]
    assert "provenance" not in json.dumps(out) and out["source"] == "ke-hoach.pdf"


def test_review_revision_records_who_old_new_reason(store, settings):
    doc = _extracted(store, settings)
    field = repo.save_field(store, doc.id, "tasks[1].lead", ["Sở Tài chính"], 1, ALICE, "sai cơ quan")
    assert field.version == 2 and field.reviewed
    (rev,) = [r for r in repo.revisions_of(store, doc.id, "tasks[1].lead") if r.kind == "review"]
    assert (rev.username, rev.old_value, rev.new_value, rev.reason, rev.version) == (
        "alice", ["Sở Văn hóa, Thể thao và Du lịch"], ["Sở Tài chính"], "sai cơ quan", 2)
    assert rev.at is not None


def test_stale_save_conflicts_and_shows_the_other_value(store, settings):
    doc = _extracted(store, settings)
    repo.save_field(store, doc.id, "document.number", "167/KH-UBND", 1, ALICE)
    with pytest.raises(FieldConflictError) as err:
        repo.save_field(store, doc.id, "document.number", "168/KH-UBND", 1, BOB)
    assert (err.value.value, err.value.by, err.value.version) == ("167/KH-UBND", "alice", 2)
    assert "alice" in err.value.message
    fields = {f.path: f for f in repo.fields_of(store, doc.id)}
    assert fields["document.number"].value == "167/KH-UBND"
    assert repo.get_document(store, doc.id).number == "167/KH-UBND"


def test_concurrent_saves_one_wins_rest_conflict(store, settings):
    doc = _extracted(store, settings)
    outcome: list[str] = []

    def save(i: int) -> None:
        try:
            repo.save_field(store, doc.id, "document.title", f"Tiêu đề {i}", 1, repo.Actor(None, f"u{i}"))
            outcome.append("ok")
        except FieldConflictError:
            outcome.append("conflict")

    threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcome) == ["conflict"] * 7 + ["ok"]
    reviews = [r for r in repo.revisions_of(store, doc.id, "document.title") if r.kind == "review"]
    assert len(reviews) == 1


def test_rerun_keeps_reviewed_value_and_offers_suggestion(store, settings):
    doc = _extracted(store, settings)
    repo.save_field(store, doc.id, "tasks[1].lead", ["Sở Tài chính"], 1, ALICE, "sửa")
    again = small_record()
    again["tasks"][0]["lead"] = ["Sở Nội vụ"]
    again["tasks"][0]["title"] = "Tiêu đề mới của máy"
    rerun = jobs.enqueue(store, doc.id, rerun=True)
    claimed = jobs.claim(store, "t")
    assert claimed.id == rerun.id and jobs.finish(store, claimed, again)
    fields = {f.path: f for f in repo.fields_of(store, doc.id)}
    lead = fields["tasks[1].lead"]
    assert (lead.value, lead.suggestion, lead.has_suggestion) == (["Sở Tài chính"], ["Sở Nội vụ"], True)
    assert fields["tasks[1].title"].value == "Tiêu đề mới của máy"
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Extraction)) == 2


def test_approve_locks_the_record(store, settings):
    doc = _extracted(store, settings)
    repo.set_status(store, doc.id, "approved", ALICE)
    with pytest.raises(LockedError):
        repo.save_field(store, doc.id, "document.number", "1/KH", 1, ALICE)


def test_enqueue_is_idempotent_and_claim_atomic(store, settings):
    doc, _ = _doc(store, settings)
    assert jobs.enqueue(store, doc.id).id == jobs.enqueue(store, doc.id).id
    got: list = []
    threads = [threading.Thread(target=lambda: got.append(jobs.claim(store, "w"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len([j for j in got if j is not None]) == 1


def test_fenced_worker_cannot_finish_after_requeue(store, settings):
    doc, _ = _doc(store, settings)
    jobs.enqueue(store, doc.id)
    first = jobs.claim(store, "old")
    assert jobs.requeue_stale(store, lease_s=-1) == 1  # "old" presumed dead
    second = jobs.claim(store, "new")
    assert second.attempts == 2
    assert not jobs.finish(store, first, small_record())
    assert jobs.finish(store, second, small_record())
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Extraction)) == 1
        assert s.scalar(select(Job.status)) == "done"


def test_worker_runs_job_with_configured_extractor(store, settings):
    doc, _ = _doc(store, settings)
    jobs.enqueue(store, doc.id)
    assert jobs.work(store, settings, threading.Event(), once=True) == 1
    assert repo.get_document(store, doc.id).status == "review"
    assert not list((settings.data_dir / "tmp").iterdir())


def test_failing_extractor_marks_job_failed(store, settings, monkeypatch):
    from extractor.errors import CorruptFileError

    def boom(path: Path) -> dict:
        raise CorruptFileError("tệp hỏng")

    doc, _ = _doc(store, settings)
    job = jobs.enqueue(store, doc.id)
    jobs.run_job(store, settings, jobs.claim(store, "w"), boom)
    (done,) = jobs.jobs_by_id(store, [job.id])
    assert done.status == "failed" and "E102" in done.message
    assert repo.get_document(store, doc.id).status == "failed"


def test_corrections_pairs_use_source_reading(store, settings):
    doc = _extracted(store, settings)
    title = small_record()["document"]["title"].replace("mô hình", "mô hinh")  # a mark fixed
    repo.save_field(store, doc.id, "document.title", title, 1, ALICE)
    repo.save_field(store, doc.id, "document.number", "167/KH-UBND", 1, ALICE)
    repo.save_field(store, doc.id, "document.issuer", "UBND tỉnh", 1, ALICE)  # new wording: no source
    repo.save_field(store, doc.id, "tasks[1].lead", ["Sở Tài chính"], 1, ALICE)  # a list: not a line
    pairs = list(repo.corrections(store))
    assert pairs == [{"original": "166/KH-UBND", "corrected": "167/KH-UBND"},  # label "So:" cut off
                     {"original": small_record()["document"]["provenance"]["title"]["original"],
                      "corrected": title}]


def test_revisions_unique_per_field_version(store, settings):
    _extracted(store, settings)
    with store.read() as s:
        dup = s.execute(select(Revision.field_id, Revision.version, func.count())
                        .group_by(Revision.field_id, Revision.version).having(func.count() > 1)).all()
        assert dup == []
        assert s.scalar(select(func.count()).select_from(FieldValue)) == len(rec.flatten(small_record()))
