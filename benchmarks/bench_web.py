"""Review app numbers (issue 5): review page render time of a 20-page plan, and 20 concurrent
reviewers saving fields on loopback with no lost or duplicated revision. Bounded in time and count.

    .venv/bin/python benchmarks/bench_web.py [--reviewers 20] [--saves 25] [--seconds 60]
                                             [--renders 30] [--database-url URL]

Prints one JSON object; exits 1 when a check fails (render over budget, lost/duplicate revision).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from web_fixtures.helpers import big_record, make_pdf  # noqa: E402

PASSWORD = "mat-khau-bench-1"
FIELD_RE = re.compile(r'name="path" value="([^"]+)">\s*<input type="hidden" name="version" value="(\d+)">')
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
BUDGET_MS = 300.0


def setup(data: Path, url: str | None, reviewers: int) -> int:
    from extractor import jobs
    from extractor.settings import Settings
    from extractor.store import open_store, repo
    from extractor.store.users import create_user

    settings = Settings(data_dir=data, database_url=url, workers=0)
    store = open_store(settings)
    for i in range(reviewers):
        create_user(store, f"reviewer{i}", PASSWORD, "reviewer")
    pdf = make_pdf(data.parent / "plan-20-pages.pdf", pages=20)
    doc, _ = repo.add_document_file(store, settings.originals_dir, pdf, 1 << 30)
    jobs.enqueue(store, doc.id)
    job = jobs.claim(store, "bench")
    assert job is not None and jobs.finish(store, job, big_record(20))
    n_fields = len(repo.fields_of(store, doc.id))
    store.dispose()
    return doc.id if n_fields else -1


def start_server(data: Path, url: str | None) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "KEHOACH_WORKERS": "0", "PYTHONPATH": str(ROOT)}
    if url:
        env["KEHOACH_DATABASE_URL"] = url
    code = ("import logging, sys; from extractor.web import serve; "
            "serve('127.0.0.1', int(sys.argv[1]), sys.argv[2])")
    proc = subprocess.Popen([sys.executable, "-c", code, str(port), str(data)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(base + "/login", timeout=1)
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def login(base: str, name: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    token = CSRF_RE.search(c.get("/login").text).group(1)
    r = c.post("/login", data={"username": name, "password": PASSWORD, "csrf": token})
    assert r.status_code == 303, r.text
    return c


def measure_render(client: httpx.Client, doc_id: int, n: int) -> dict:
    server, wall = [], []
    client.get(f"/documents/{doc_id}")  # warm caches (page sizes)
    for _ in range(n):
        t0 = time.perf_counter()
        r = client.get(f"/documents/{doc_id}")
        wall.append((time.perf_counter() - t0) * 1000)
        server.append(float(r.headers["server-timing"].split("dur=")[1]))
    return {"renders": n, "fields": len(FIELD_RE.findall(r.text)), "bytes": len(r.content),
            "server_ms_median": round(statistics.median(server), 1),
            "server_ms_p95": round(sorted(server)[int(0.95 * (n - 1))], 1),
            "server_ms_max": round(max(server), 1), "wall_ms_median": round(statistics.median(wall), 1)}


def reviewer(base: str, i: int, doc_id: int, paths: list[str], saves: int, stop_at: float,
             out: dict, lock: threading.Lock) -> None:
    c = login(base, f"reviewer{i}")
    page = c.get(f"/documents/{doc_id}").text
    token = CSRF_RE.search(page).group(1)
    seen = dict(FIELD_RE.findall(page))
    rng = random.Random(i)
    ok, conflicts, errors, saved = 0, 0, 0, []
    for k in range(saves):
        if time.monotonic() > stop_at:
            break
        path = rng.choice(paths)
        value = f"r{i}-{k} Sở {rng.randint(1, 99)}"
        r = c.post(f"/documents/{doc_id}/fields",
                   data={"csrf": token, "path": path, "value": value, "version": seen[path],
                         "reason": "bench"})
        if r.status_code == 303:
            ok += 1
            seen[path] = str(int(seen[path]) + 1)
            saved.append((f"reviewer{i}", path, value))
        elif r.status_code == 409:
            conflicts += 1
            seen.update(FIELD_RE.findall(r.text))  # the conflict page carries the newer versions
        else:
            errors += 1
    with lock:
        out["ok"] += ok
        out["conflicts"] += conflicts
        out["errors"] += errors
        out["saved"].extend(saved)


def verify(data: Path, url: str | None, doc_id: int, saved: list[tuple[str, str, str]]) -> dict:
    from sqlalchemy import func, select

    from extractor.settings import Settings
    from extractor.store import open_store
    from extractor.store.models import FieldValue, Revision

    store = open_store(Settings(data_dir=data, database_url=url, workers=0))
    with store.read() as s:
        revs = s.execute(select(Revision.username, FieldValue.path, Revision.new_value)
                         .join(FieldValue, FieldValue.id == Revision.field_id)
                         .where(Revision.document_id == doc_id, Revision.kind == "review")).all()
        dup = s.execute(select(Revision.field_id, Revision.version)
                        .group_by(Revision.field_id, Revision.version).having(func.count() > 1)).all()
        versions = s.execute(select(FieldValue.version, func.count(Revision.id))
                             .join(Revision, Revision.field_id == FieldValue.id)
                             .where(FieldValue.document_id == doc_id).group_by(FieldValue.id)).all()
    store.dispose()

    def norm(v: object) -> str:
        return "\n".join(v) if isinstance(v, list) else str(v)

    in_db = sorted((u, p, norm(v)) for u, p, v in revs)
    want = sorted(saved)
    return {"review_revisions": len(revs), "lost": len(set(want) - set(in_db)),
            "unexpected": len(set(in_db) - set(want)), "duplicated": len(in_db) - len(set(in_db)) + len(dup),
            "version_mismatch": sum(1 for v, n in versions if v != n)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reviewers", type=int, default=20)
    ap.add_argument("--saves", type=int, default=25, help="saves per reviewer (upper bound)")
    ap.add_argument("--seconds", type=float, default=60.0, help="time bound of the load phase")
    ap.add_argument("--renders", type=int, default=30)
    ap.add_argument("--hot-fields", type=int, default=40, help="fields the reviewers compete for")
    ap.add_argument("--database-url", default=os.environ.get("KEHOACH_BENCH_DATABASE_URL"))
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="kehoach-bench-") as tmp:
        data = Path(tmp) / "data"
        doc_id = setup(data, args.database_url, args.reviewers)
        proc, base = start_server(data, args.database_url)
        try:
            first = login(base, "reviewer0")
            render = measure_render(first, doc_id, args.renders)
            paths = [p for p, _ in FIELD_RE.findall(first.get(f"/documents/{doc_id}").text)
                     if p.startswith("tasks.") and p.endswith((".title", ".lead"))][: args.hot_fields]
            out: dict = {"ok": 0, "conflicts": 0, "errors": 0, "saved": []}
            lock = threading.Lock()
            t0 = time.monotonic()
            threads = [threading.Thread(target=reviewer, args=(base, i, doc_id, paths, args.saves,
                                                               t0 + args.seconds, out, lock))
                       for i in range(args.reviewers)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(args.seconds + 120)
            elapsed = time.monotonic() - t0
        finally:
            proc.terminate()
            proc.wait(10)
        check = verify(data, args.database_url, doc_id, out["saved"])
    attempts = out["ok"] + out["conflicts"] + out["errors"]
    result = {
        "database": "postgresql" if args.database_url else "sqlite",
        "review_page": render,
        "load": {"reviewers": args.reviewers, "hot_fields": len(paths), "attempts": attempts,
                 "saved": out["ok"], "conflicts": out["conflicts"], "errors": out["errors"],
                 "seconds": round(elapsed, 1), "saves_per_s": round(attempts / elapsed, 1)},
        "check": check,
    }
    passed = (render["server_ms_p95"] <= BUDGET_MS and out["errors"] == 0 and check["lost"] == 0
              and check["unexpected"] == 0 and check["duplicated"] == 0 and check["version_mismatch"] == 0
              and check["review_revisions"] == out["ok"])
    result["pass"] = passed
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
