import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from extractor.cli import main
from schemas.plan import PLAN_SCHEMA_VERSION, Plan, Task, plan_json_schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schemas" / "plan.schema.json"
CONTRACT = {
    "source", "document", "targets", "budget", "tasks", "responsibilities", "reporting",
}


def test_committed_schema_is_current():
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == plan_json_schema(), "run: kehoach schema > schemas/plan.schema.json"


def test_cli_schema_prints_the_committed_schema():
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def test_record_carries_contract_fields_and_version():
    data = json.loads(Plan(source="x.txt").model_dump_json(by_alias=True))
    assert CONTRACT <= set(data)
    assert data["schema_version"] == PLAN_SCHEMA_VERSION
    assert set(data["document"]) >= {"doc_type", "number", "issuer", "province", "place", "issued_date",
                                     "title", "legal_basis", "signer"}


def test_models_are_strict():
    with pytest.raises(ValidationError):
        Task(number="1", title="x", owner="nobody")
    with pytest.raises(ValidationError):
        Plan(source="x", status="done")
