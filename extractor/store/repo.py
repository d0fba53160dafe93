"""Repository functions: documents, field values and their revisions, approval.

Each function is one transaction. Saving a field is an optimistic ``UPDATE ... WHERE
version = :seen``: the loser of a race gets :class:`FieldConflictError` with the winner's
value, and the revision row is written in the same transaction as the value it records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased

from extractor.errors import FieldConflictError, LockedError, NotFoundError
from extractor.store import record as rec
from extractor.store.db import Store, rowcount
from extractor.store.models import Document, Extraction, FieldValue, Revision, User, utcnow
from extractor.store.originals import read_chunks, save_original

MACHINE = "máy"  # the author of machine revisions


@dataclass(frozen=True)
class Actor:
    """Who does something: a user (id, name) or the machine."""

    id: int | None
    name: str


MACHINE_ACTOR = Actor(None, MACHINE)


def add_document(store: Store, originals_dir: Path, chunks: Iterable[bytes], filename: str,
                 max_bytes: int, user_id: int | None = None,
                 allow_text: bool = False) -> tuple[Document, bool]:
    """Store an original once; (document, created). Re-uploading finds the existing one."""
    sha, mime, size = save_original(originals_dir, chunks, max_bytes, allow_text)
    safe_name = Path(filename or "").name[:255] or f"{sha[:12]}"
    with store.write() as s:
        doc = s.scalar(select(Document).where(Document.sha256 == sha))
        if doc is not None:
            return doc, False
        doc = Document(sha256=sha, filename=safe_name, mime=mime, size=size, status="new",
                       uploaded_by=user_id, issue_count=0)
        s.add(doc)
        s.flush()
        return doc, True


def add_document_file(store: Store, originals_dir: Path, path: Path, max_bytes: int,
                      user_id: int | None = None, allow_text: bool = False) -> tuple[Document, bool]:
    """:func:`add_document` for a local file (watch folder, CLI, tests)."""
    return add_document(store, originals_dir, read_chunks(path), path.name, max_bytes, user_id, allow_text)


def get_document(store: Store, document_id: int) -> Document:
    """The document or :class:`NotFoundError`."""
    with store.read() as s:
        doc = s.get(Document, document_id)
    if doc is None:
        raise NotFoundError(f"không có văn bản số {document_id}")
    return doc


def list_documents(store: Store, province: str = "", number: str = "", date: str = "",
                   status: str = "", limit: int = 200) -> list[Document]:
    """Documents newest first, filtered by province, number, date prefix and status.

    Province and number match with or without diacritics and in any case; SQLite's ``lower``
    is ASCII-only, so that part is matched here rather than in SQL.
    """
    from extractor.vietnamese import strip_diacritics

    def key(text: str | None) -> str:
        return strip_diacritics(text or "").casefold()

    query = select(Document).order_by(Document.id.desc())
    if date:
        query = query.where(Document.issued_date.startswith(date, autoescape=True))
    if status:
        query = query.where(Document.status == status)
    want_province, want_number = key(province.strip()), key(number.strip())
    with store.read() as s:
        docs = s.scalars(query)
        return [d for d in docs
                if want_province in key(d.province)
                and (want_number in key(d.number) or want_number in key(d.filename))][:limit]


def apply_extraction(s: Any, doc: Document, record: dict[str, Any], job_id: int | None,
                     locked: bool = False) -> Extraction:
    """Keep the run whole and merge it into the fields (inside the caller's transaction).

    A field no reviewer touched takes the machine value; a reviewed field (every field of an
    approved record, ``locked``) keeps its value and carries the differing machine value as a
    suggestion.
    """
    run = Extraction(document_id=doc.id, job_id=job_id, record=record)
    s.add(run)
    new = rec.flatten(record)
    existing = {f.path: f for f in s.scalars(select(FieldValue).where(FieldValue.document_id == doc.id))}
    now = utcnow()
    for path, value in new.items():
        prov = rec.provenance(record, path) or {}
        conf = prov.get("confidence")
        field = existing.pop(path, None)
        if field is None:
            first = None if locked else value
            field = FieldValue(document_id=doc.id, path=path, value=first, machine_value=value,
                               confidence=conf, version=1, reviewed=locked, removed=False,
                               has_suggestion=locked and value is not None,
                               suggestion=value if locked else None, updated_at=now)
            s.add(field)
            s.flush()
            _revision(s, field, 1, MACHINE_ACTOR, None, first, "trích xuất tự động", "machine")
            continue
        field.machine_value, field.confidence = value, conf
        if field.reviewed or locked:
            field.has_suggestion = value != field.value
            field.suggestion = value if field.has_suggestion else None
        elif value != field.value or field.removed:
            _bump(s, field, value, MACHINE_ACTOR, "trích xuất lại", "machine")
            field.removed = False
    for field in existing.values():  # the new run no longer finds these
        if not (field.reviewed or locked or field.removed):
            _bump(s, field, None, MACHINE_ACTOR, "trích xuất lại: không còn thấy", "machine")
            field.removed = True
    _refresh_summary(s, doc, len(record.get("issues") or []))
    return run


def _bump(s: Any, field: FieldValue, value: Any, actor: Actor, reason: str, kind: str) -> None:
    old = field.value
    field.value, field.version, field.updated_at = value, field.version + 1, utcnow()
    s.flush()
    _revision(s, field, field.version, actor, old, value, reason, kind)


def _revision(s: Any, field: FieldValue, version: int, actor: Actor, old: Any, new: Any,
              reason: str, kind: str) -> None:
    s.add(Revision(field_id=field.id, document_id=field.document_id, version=version, kind=kind,
                   user_id=actor.id, username=actor.name, old_value=old, new_value=new,
                   reason=reason, at=utcnow()))


def _refresh_summary(s: Any, doc: Document, issue_count: int | None = None) -> None:
    values = {f.path: f.value for f in s.scalars(
        select(FieldValue).where(FieldValue.document_id == doc.id, FieldValue.path.startswith("document.")))}
    doc.province = (values.get("document.province") or None)
    doc.number = (values.get("document.number") or None)
    issued = values.get("document.issued_date")
    doc.issued_date = issued[:10] if isinstance(issued, str) else None
    doc.title = values.get("document.title")
    if issue_count is not None:
        doc.issue_count = issue_count


def save_field(store: Store, document_id: int, path: str, value: Any, seen_version: int,
               actor: Actor, reason: str = "") -> FieldValue:
    """A reviewer's value for one field, if nobody saved it since ``seen_version``."""
    with store.write() as s:
        doc = s.scalar(select(Document).where(Document.id == document_id).with_for_update())
        if doc is None:
            raise NotFoundError(f"không có văn bản số {document_id}")
        if doc.status == "approved":
            raise LockedError("văn bản đã được duyệt; không thể sửa")
        field = s.scalar(select(FieldValue).where(FieldValue.document_id == document_id,
                                                  FieldValue.path == path))
        if field is None:
            raise NotFoundError(f"không có trường {path}")
        _update(s, field, value, seen_version, actor, reason)
        if path.startswith("document."):
            _refresh_summary(s, doc)
        s.refresh(field)
        return field


def _update(s: Any, field: FieldValue, value: Any, seen_version: int, actor: Actor, reason: str) -> None:
    """``UPDATE ... WHERE version = :seen`` and its revision, or :class:`FieldConflictError`."""
    old = field.value
    done = rowcount(s.execute(
        update(FieldValue)
        .where(FieldValue.id == field.id, FieldValue.version == seen_version)
        .values(value=value, version=seen_version + 1, reviewed=True, removed=False,
                has_suggestion=False, suggestion=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ))
    if done != 1:
        raise _conflict(s, field)
    s.add(Revision(field_id=field.id, document_id=field.document_id, version=seen_version + 1,
                   kind="review", user_id=actor.id, username=actor.name, old_value=old,
                   new_value=value, reason=reason, at=utcnow()))
    s.flush()
    s.expire_all()  # the UPDATE bypassed the identity map


ALIGNMENT_NONE = "none"  # an alignment override meaning "implements no programme task"


def alignment_path(task_key: str) -> str:
    """The field of a reviewer's alignment override of the task with this key (issue 6)."""
    return f"alignment[{task_key}]"


def save_alignment(store: Store, document_id: int, task_key: str, ref_id: str | None, seen_version: int,
                   actor: Actor, reason: str = "") -> FieldValue:
    """Override a task's alignment: a programme task id, :data:`ALIGNMENT_NONE`, or None (automatic).

    Stored as the field ``alignment[<task key>]`` with revisions and the same optimistic
    locking as record fields (``seen_version`` 0: no override yet). The alignment is a reading
    of the record, not part of it, so an approved record may still be re-aligned.
    """
    from sqlalchemy.exc import IntegrityError

    path = alignment_path(task_key)
    try:
        with store.write() as s:
            if s.get(Document, document_id) is None:
                raise NotFoundError(f"không có văn bản số {document_id}")
            field = s.scalar(select(FieldValue).where(FieldValue.document_id == document_id,
                                                      FieldValue.path == path))
            if field is None and seen_version == 0:
                field = FieldValue(document_id=document_id, path=path, value=ref_id, machine_value=None,
                                   version=1, reviewed=True, removed=False, has_suggestion=False,
                                   updated_at=utcnow())
                s.add(field)
                s.flush()
                _revision(s, field, 1, actor, None, ref_id, reason, "review")
                return field
            if field is None:
                raise NotFoundError(f"không có trường {path}")
            _update(s, field, ref_id, seen_version, actor, reason)
            s.refresh(field)
            return field
    except IntegrityError:  # another reviewer created the override at the same moment
        with store.read() as s:
            raced = s.scalar(select(FieldValue).where(FieldValue.document_id == document_id,
                                                      FieldValue.path == path))
            assert raced is not None
            raise _conflict(s, raced) from None


def alignment_fields(store: Store) -> dict[int, dict[str, FieldValue]]:
    """Every alignment override field, by document id and task key."""
    out: dict[int, dict[str, FieldValue]] = {}
    with store.read() as s:
        for field in s.scalars(select(FieldValue).where(FieldValue.path.startswith("alignment["))):
            out.setdefault(field.document_id, {})[field.path[len("alignment["):-1]] = field
    return out


def _conflict(s: Any, field: FieldValue) -> FieldConflictError:
    s.expire(field)
    s.refresh(field)
    last = s.scalar(select(Revision).where(Revision.field_id == field.id)
                    .order_by(Revision.version.desc()).limit(1))
    return FieldConflictError(field.path, field.value, field.version,
                              last.username if last else MACHINE, last.at if last else None)


def set_status(store: Store, document_id: int, status: str, actor: Actor | None = None) -> Document:
    """Move a document to ``status``; ``approved`` records who and when (and locks it)."""
    with store.write() as s:
        doc = s.scalar(select(Document).where(Document.id == document_id).with_for_update())
        if doc is None:
            raise NotFoundError(f"không có văn bản số {document_id}")
        doc.status = status
        if status == "approved" and actor is not None:
            doc.approved_by, doc.approved_at = actor.id, utcnow()
        return doc


def fields_of(store: Store, document_id: int) -> list[FieldValue]:
    """The document's current fields in id order (document order of the first run)."""
    with store.read() as s:
        return list(s.scalars(select(FieldValue).where(FieldValue.document_id == document_id)
                              .order_by(FieldValue.id)))


def field_rows(store: Store, document_id: int) -> list[Any]:
    """The document's live fields as light rows (attribute access), for rendering."""
    table = FieldValue.__table__
    with store.read() as s:
        return list(s.execute(select(table).where(table.c.document_id == document_id,
                                                  table.c.removed.is_(False)).order_by(table.c.id)).all())


def changed_history(store: Store, document_id: int) -> list[Any]:
    """Revisions of the fields changed since extraction (version > 1), as light rows."""
    rev, fld = Revision.__table__, FieldValue.__table__
    query = (select(rev).join(fld, fld.c.id == rev.c.field_id)
             .where(rev.c.document_id == document_id, fld.c.version > 1)
             .order_by(rev.c.field_id, rev.c.version))
    with store.read() as s:
        return list(s.execute(query).all())


def revisions_of(store: Store, document_id: int, path: str | None = None) -> list[Revision]:
    """Revisions of a document (or of one field), oldest first."""
    query = select(Revision).where(Revision.document_id == document_id)
    if path is not None:
        query = query.join(FieldValue, FieldValue.id == Revision.field_id).where(FieldValue.path == path)
    with store.read() as s:
        return list(s.scalars(query.order_by(Revision.field_id, Revision.version)))


def latest_extraction(store: Store, document_id: int) -> Extraction | None:
    """The newest machine run on a document."""
    with store.read() as s:
        return s.scalar(select(Extraction).where(Extraction.document_id == document_id)
                        .order_by(Extraction.id.desc()).limit(1))


def current_record(store: Store, document_id: int) -> dict[str, Any]:
    """The record as reviewed now, in the SCHEMA.md contract shape."""
    doc = get_document(store, document_id)
    values = {f.path: f.value for f in fields_of(store, document_id) if not f.removed}
    run = latest_extraction(store, document_id)
    ordered = rec.document_order(list(values), run.record if run else None)
    return {"source": doc.filename, **rec.unflatten({path: values[path] for path in ordered})}


def corrections(store: Store) -> Iterable[dict[str, str]]:
    """Reviewer corrections of text fields as ``{"original", "corrected"}`` line pairs.

    ``original`` is the source reading before restoration (provenance), cut to the tokens the
    machine value came from; the restoration model's learning command reads these pairs.
    Corrections that change the wording, not just its marks, are left out: nothing to align.
    """
    newer = aliased(Extraction)
    with store.read() as s:
        rows = s.execute(select(FieldValue, Extraction.record)
                         .join(Extraction, Extraction.document_id == FieldValue.document_id)
                         .where(FieldValue.reviewed.is_(True))
                         .where(Extraction.id == select(func.max(newer.id))
                                .where(newer.document_id == FieldValue.document_id)
                                .correlate(FieldValue).scalar_subquery())
                         .order_by(FieldValue.document_id, FieldValue.id)).all()
    for field, record in rows:
        machine, value = field.machine_value, field.value
        if rec.kind(field.path) != "text" or not isinstance(value, str) or not isinstance(machine, str):
            continue
        if value == machine:
            continue
        source = (rec.provenance(record, field.path) or {}).get("original")
        original = _source_window(source if isinstance(source, str) else machine, machine, value)
        if original is not None:
            yield {"original": original, "corrected": value}


def _source_window(source: str, machine: str, corrected: str) -> str | None:
    """The tokens of ``source`` that were read as ``machine``, aligned one-to-one with ``corrected``.

    A provenance span may carry its label (``Số: 166/KH-UBND`` for the number); the learner
    aligns token by token, so only a window that restores to the machine value and has as
    many tokens as the correction is a usable pair.
    """
    from extractor.vietnamese import strip_diacritics

    tokens, want = source.split(), strip_diacritics(" ".join(machine.split())).lower()
    size = len(corrected.split())
    for start in range(len(tokens) - size + 1):
        window = " ".join(tokens[start:start + size])
        if strip_diacritics(window).lower() == want:
            return window
    return None


def user_by_name(store: Store, username: str) -> User | None:
    """The user with this name."""
    with store.read() as s:
        return s.scalar(select(User).where(User.username == username))


def store_extraction(store: Store, originals_dir: Path, path: Path, record: dict[str, Any],
                     max_bytes: int) -> tuple[Document, bool]:
    """Keep ``path``'s original and merge a record extracted outside the job queue (CLI ``--db``).

    Reviewed values win exactly as for a queued job; (document, created).
    """
    doc, created = add_document_file(store, originals_dir, path, max_bytes, allow_text=True)
    with store.write() as s:
        row = s.scalar(select(Document).where(Document.id == doc.id).with_for_update())
        assert row is not None
        apply_extraction(s, row, record, None, locked=row.status == "approved")
        if row.status != "approved":
            row.status = "review"
    return doc, created
