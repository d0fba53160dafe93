"""Stand-in extractors for the store/web tests (swapped in by ``Settings.extractor``)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from web_fixtures.helpers import big_record, small_record


def extract_small(path: Path) -> dict:
    """The small record, whatever the file."""
    return small_record()


def extract_inserted(path: Path) -> dict:
    """The small record as a better re-run reads it: a task 1.1 found between tasks 1 and 2 (issue 5)."""
    record = small_record()
    record["tasks"].insert(1, {"number": "1.1", "group": None, "title": "Bồi dưỡng nghiệp vụ thư viện",
                               "lead": ["Sở Nội vụ"], "coordinators": [], "deadline": None, "provenance": {}})
    return record


def extract_big(path: Path) -> dict:
    """A 20-page-plan-sized record."""
    return big_record()


def extract_slow(path: Path) -> dict:
    """Announce itself in $KEHOACH_TEST_MARKER, then take $KEHOACH_TEST_SLEEP seconds."""
    marker = os.environ.get("KEHOACH_TEST_MARKER")
    if marker:
        with open(marker, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
    time.sleep(float(os.environ.get("KEHOACH_TEST_SLEEP", "0")))
    return small_record()
