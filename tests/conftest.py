"""Shared fixtures: where the seeds live, golden-file switch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
# Store and web fixtures (databases, settings, users) for every test module that asks for them.
pytest_plugins = ("web_fixtures.helpers", "web_fixtures.plans")
# ../shared/ sits beside checkouts used for development and CI, never beside a user's install.
SHARED = Path(os.environ.get("KEHOACH_SHARED", ROOT.parent / "shared"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite tests/golden/ files.")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "seeds").is_dir():
        pytest.skip("../shared/ is not beside this checkout")
    return SHARED


def seed_path(shared_dir: Path, seed_id: str) -> Path:
    """The seed text file whose name starts with ``seed_id`` (e.g. "004")."""
    return next((shared_dir / "seeds").glob(f"{seed_id}_*.txt"))
