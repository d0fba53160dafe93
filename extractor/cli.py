"""The ``kehoach`` command line: the only place that maps errors to exit codes."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from extractor.errors import ExitCode, KehoachError, PartialResultError
from extractor.fsutil import atomic_write_text
from extractor.options import Options

log = logging.getLogger("kehoach")


def _err(line: str) -> None:
    click.echo(line, err=True)


def _run_batch(files: Iterable[Path], work: Callable[[Path], Any]) -> int:
    """Run ``work`` on each file; one bad file never stops the batch."""
    worst = ExitCode.OK
    failed = 0
    for path in files:
        try:
            work(path)
        except KehoachError as exc:
            if exc.path is None:
                exc.path = str(path)
            _err(f"kehoach: {exc.one_line()}")
            failed += 1
            worst = max(worst, exc.exit_code)
        except Exception as exc:  # a bug must not lose the rest of the batch
            log.exception("unexpected failure on %s", path)
            _err(f"kehoach: {path}: [E999] internal error ({exc.__class__.__name__}: {exc}); "
                 "please report it with this file")
            failed += 1
            worst = max(worst, ExitCode.INTERNAL)
    return int(worst)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="kehoach")
def main(verbose: int) -> None:
    """Turn Vietnamese government plans (Kế hoạch) into structured records."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def _ocr_options(fn: Callable) -> Callable:
    fn = click.option("--force-ocr", is_flag=True, help="OCR every page, even with a good text layer.")(fn)
    fn = click.option("--no-ocr", is_flag=True, help="Never OCR; use text layers only.")(fn)
    fn = click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                      help="Pages OCR'd in parallel (default: all cores).")(fn)
    fn = click.option("--password", default=None, help="Password of encrypted PDFs.")(fn)
    fn = click.option("--lang", default="Vietnamese", show_default=True,
                      help="Tesseract language(s): Vietnamese (measured best), vie, vie+eng.")(fn)
    fn = click.option("--page-timeout", type=click.FloatRange(min=1), default=120.0, show_default=True,
                      help="Seconds tesseract may spend on one page before the page is marked failed.")(fn)
    fn = click.option("--no-restore", is_flag=True, help="Skip diacritic restoration.")(fn)
    return fn


def _make_options(force_ocr: bool, no_ocr: bool, jobs: int | None, password: str | None,
                  lang: str, no_restore: bool, page_timeout: float = 120.0) -> Options:
    if force_ocr and no_ocr:
        raise click.UsageError("--force-ocr and --no-ocr exclude each other")
    kwargs: dict[str, Any] = dict(force_ocr=force_ocr, no_ocr=no_ocr, password=password, lang=lang,
                                  restore=not no_restore, page_timeout=page_timeout,
                                  progress=sys.stderr.isatty())
    if jobs:
        kwargs["jobs"] = jobs
    return Options(**kwargs)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write FILE.txt per input into this folder instead of stdout.")
@_ocr_options
def ocr(files: tuple[Path, ...], out_dir: Path | None, **flags: Any) -> None:
    """Print the text of FILES (PDF, image, .txt), pages separated by form feeds."""
    from extractor.pipeline import read_document

    options = _make_options(**flags)

    def work(path: Path) -> None:
        doc = read_document(path, options)
        for issue in doc.all_issues():
            if issue.severity != "info":
                page = f" (page {issue.page})" if issue.page else ""
                _err(f"kehoach: {path}{page}: [{issue.kind}] {issue.message}")
        if out_dir:
            atomic_write_text(out_dir / f"{path.name}.txt", doc.text)
        else:
            sys.stdout.write(doc.text)
            sys.stdout.write("\n")
            sys.stdout.flush()
        if doc.status.value != "success" and any(i.severity == "error" for i in doc.all_issues()):
            raise PartialResultError(str(path))

    sys.exit(_run_batch(files, work))


@main.command()
@click.argument("file", default="-", type=click.File("r", encoding="utf-8", errors="replace"))
@click.option("--tokens", is_flag=True, help="Emit per-token JSON lines (original, restored, confidence).")
def restore(file: Any, tokens: bool) -> None:
    """Restore diacritics / correct OCR garbage in FILE (or stdin), line for line."""
    from extractor import restore as restorer

    text = file.read()
    if tokens:
        for tok in restorer.restore_tokens(text):
            click.echo(json.dumps(tok.model_dump(), ensure_ascii=False))
        return
    sys.stdout.write(restorer.restore_text(text))
    sys.stdout.flush()


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--batch", "batch_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Extract every file of this folder, page by page over the worker pool "
                   "(Celery workers when KEHOACH_BROKER_URL is set); needs --out.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the record of the (single) FILE here.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write one FILE.json record per input into this folder.")
@click.option("--db", "use_db", is_flag=True,
              help="Also keep originals and records in the store (SQLite under --data-dir by default, "
                   "PostgreSQL by KEHOACH_DATABASE_URL); reviewers' values are never overwritten.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="KEHOACH_DATA_DIR", help="Data folder of the store (with --db).")
@_ocr_options
def extract(files: tuple[Path, ...], batch_dir: Path | None, json_out: Path | None, out_dir: Path | None,
            use_db: bool, data_dir: Path | None, **flags: Any) -> None:
    """Extract the plan record (header, targets, budget, tasks ...) of FILES."""
    from extractor.pipeline import extract as run_extract
    from extractor.summary import print_summary

    if json_out and len(files) > 1:
        raise click.UsageError("--json takes one FILE; use --out DIR for several")
    if bool(files) == bool(batch_dir):
        raise click.UsageError("give FILES or --batch DIR")
    options = _make_options(**flags)
    if batch_dir:
        if not out_dir:
            raise click.UsageError("--batch needs --out DIR")
        sys.exit(_extract_batch(batch_dir, out_dir, use_db, data_dir, options))
    keep = _store_keeper(data_dir) if use_db else None

    def work(path: Path) -> None:
        plan = run_extract(path, options)
        text = plan.model_dump_json(indent=2, by_alias=True) + "\n"
        if json_out:
            atomic_write_text(json_out, text)
        elif out_dir:
            atomic_write_text(out_dir / f"{path.stem}.json", text)
        else:
            sys.stdout.write(text)
        if keep:
            keep(path, plan.model_dump(mode="json", by_alias=True))
        if json_out or out_dir:
            print_summary(plan)

    sys.exit(_run_batch(files, work))


def _extract_batch(folder: Path, out_dir: Path, use_db: bool, data_dir: Path | None,
                   options: Options) -> int:
    from extractor.runners.batch import run_batch
    from extractor.settings import load_settings

    store_dir = load_settings(data_dir).data_dir if use_db else None
    result = run_batch(folder, out_dir, store_dir, options)
    for name, message in sorted(result.failed.items()):
        _err(f"kehoach: {folder / name}: {message}")
    _err(f"kehoach: {len(result.outputs)} record(s) in {out_dir}, {len(result.failed)} failed; "
         f"{result.pages} page(s) in {result.seconds:.1f} s ({result.pages_per_minute:.1f} pages/min)")
    return int(ExitCode.PARTIAL if result.failed else ExitCode.OK)


def _store_keeper(data_dir: Path | None) -> Callable[[Path, dict[str, Any]], None]:
    from extractor.settings import load_settings
    from extractor.store import open_store
    from extractor.store.repo import store_extraction

    settings = load_settings(data_dir)
    store = open_store(settings)

    def keep(path: Path, record: dict[str, Any]) -> None:
        doc, created = store_extraction(store, settings.originals_dir, path, record,
                                        settings.max_upload_mb * 1024 * 1024)
        state = "new" if created else "updated"
        _err(f"kehoach: {path.name} stored as document {doc.id} ({state}) in {settings.data_dir}")

    return keep


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", "use_db", is_flag=True,
              help="Compare the plans in the store (reviewed values win) instead of FILES.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="KEHOACH_DATA_DIR", help="Data folder of the store (with --db).")
@click.option("--programme", default="1687", show_default=True,
              help="Programme id (a file under extractor/data/programmes/) or a programme JSON path.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for report.html, report.xlsx and one CSV per table.")
@_ocr_options
def compare(files: tuple[Path, ...], use_db: bool, data_dir: Path | None, programme: str, out_dir: Path,
            **flags: Any) -> None:
    """Compare plans (source documents or record JSON files, or --db) against a national programme."""
    if bool(files) == use_db:
        raise click.UsageError("give either FILES or --db")
    options = _make_options(**flags)

    def work(_: Path) -> None:
        if use_db:
            from extractor.compare.fromstore import compare_from_store

            compare_from_store(data_dir, out_dir, programme)
        else:
            from extractor.compare import compare as run_compare

            run_compare(list(files), out_dir, programme, options=options)
        _err(f"kehoach: report written to {out_dir}/report.html")

    sys.exit(_run_batch([out_dir], work))


@main.command()
@click.option("--programme", default="1687", show_default=True, help="Programme the plan implements.")
@click.option("--province", required=True, help='Province drafting the plan, e.g. "Cao Bằng".')
@click.option("--from", "inputs", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Existing provincial plans (documents or record JSON) to harmonise; repeatable.")
@click.option("--context", "context_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="YAML/JSON file overriding any context value.")
@click.option("--db", "use_db", is_flag=True, help="Harmonise the plans in the store instead of --from.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="KEHOACH_DATA_DIR", help="Data folder of the store (with --db).")
@click.option("--template", default=None, help="Built-in template name or a drafter's template file.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Output file; the format follows the suffix (.docx, .md, .html, .pdf).")
def draft(programme: str, province: str, inputs: tuple[Path, ...], context_file: Path | None,
          use_db: bool, data_dir: Path | None, template: str | None, out: Path) -> None:
    """Generate a harmonised implementation-plan draft in the official format."""
    if inputs and use_db:
        raise click.UsageError("give either --from FILES or --db")

    def work(_: Path) -> None:
        if use_db:
            from extractor.draft import draft_from_store

            written = draft_from_store(data_dir, programme, province, out, context_file, template)
        else:
            from extractor.draft import draft as run_draft

            written = run_draft(programme, province, list(inputs), out, context_file, template)
        _err(f"kehoach: draft written to {written}")

    sys.exit(_run_batch([out], work))


@main.command()
@click.argument("corrections", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--model-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Overlay folder (default: $KEHOACH_DATA_DIR/restore or ~/.local/share/kehoach/restore).")
def learn(corrections: Path, model_dir: Path | None) -> None:
    """Teach the restorer reviewers' corrections (TSV original<TAB>corrected, or JSONL)."""
    from extractor.restore import learn as run_learn
    from extractor.restore.learn import read_pairs

    learnt = run_learn(read_pairs(corrections), model_dir)
    _err(f"kehoach: learnt {learnt} corrected token(s) from {corrections}")


_DATA_DIR = click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                         envvar="KEHOACH_DATA_DIR",
                         help="Folder of the SQLite file and the document store (env KEHOACH_DATA_DIR).")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@_DATA_DIR
def serve(host: str, port: int, data_dir: Path | None) -> None:
    """Start the review web app (upload, review, correct, approve)."""
    from extractor.web.commands import serve as run_serve

    run_serve(host, port, data_dir)


@main.group()
def user() -> None:
    """Manage accounts of the web app."""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True,
              type=click.Choice(["clerk", "reviewer", "policy", "drafter", "admin"]),
              help="clerk uploads; reviewer edits, approves; policy compares; drafter drafts; admin users.")
@click.password_option(help="Password (asked twice when not given).")
@_DATA_DIR
def user_add(username: str, role: str, password: str, data_dir: Path | None) -> None:
    """Create the account USERNAME."""
    from extractor.web.commands import add_user

    try:
        user_id = add_user(username, password, role, data_dir)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    except KehoachError as exc:
        _err(f"kehoach: {exc.one_line()}")
        sys.exit(int(exc.exit_code))
    _err(f"kehoach: user {username!r} ({role}) created, id {user_id}")


@main.command()
@click.argument("inbox", type=click.Path(file_okay=False, path_type=Path))
@_DATA_DIR
def watch(inbox: Path, data_dir: Path | None) -> None:
    """Ingest every file that lands in the folder INBOX (processed files move to INBOX/done/)."""
    from extractor.web.commands import watch as run_watch

    run_watch(inbox, data_dir)


@main.command()
@click.option("--concurrency", "-c", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: all cores).")
@_DATA_DIR
def worker(concurrency: int | None, data_dir: Path | None) -> None:
    """Start a Celery worker for OCR and extraction tasks (needs KEHOACH_BROKER_URL=redis://...)."""
    from extractor.runners.celery_app import start_worker

    try:
        start_worker(concurrency or os.cpu_count() or 1, data_dir)
    except KehoachError as exc:
        _err(f"kehoach: {exc.one_line()}")
        sys.exit(int(exc.exit_code))


@main.command()
def schema() -> None:
    """Print the JSON Schema of the plan record."""
    from schemas.plan import plan_json_schema

    click.echo(json.dumps(plan_json_schema(), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
