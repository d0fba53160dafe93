"""Field paths of tasks, targets and responsibilities by stable item key, not position (issue 5).

``tasks.3.lead`` becomes ``tasks[3.1].lead``: the key comes from the machine reading of the
item's own fields (its number, else its title; a target's year and indicator; an agency), the
same keys :func:`extractor.store.record.item_keys` gives the next extraction run, so that run
merges into these fields instead of sliding values onto neighbouring tasks.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

POSITIONAL = re.compile(r"^(tasks|targets|responsibilities)\.(\d+)\.(.+)$")
KEYED = re.compile(r"^(tasks|targets|responsibilities)\[([^\]]*)\]\.(.+)$")
FIELDS = sa.table("field_values", sa.column("id", sa.Integer), sa.column("document_id", sa.Integer),
                  sa.column("path", sa.String), sa.column("value", sa.JSON),
                  sa.column("machine_value", sa.JSON))


def _rows(bind: Any) -> dict[int, list[Any]]:
    by_doc: dict[int, list[Any]] = defaultdict(list)
    query = sa.select(FIELDS.c.id, FIELDS.c.document_id, FIELDS.c.path, FIELDS.c.value,
                      FIELDS.c.machine_value).order_by(FIELDS.c.id)
    for row in bind.execute(query):
        by_doc[row.document_id].append(row)
    return by_doc


def _rename(bind: Any, renames: list[tuple[int, str]]) -> None:
    for field_id, path in renames:
        bind.execute(sa.update(FIELDS).where(FIELDS.c.id == field_id).values(path=path))


def upgrade() -> None:
    """Positional item paths → keyed ones, per document."""
    from extractor.store.record import item_keys

    bind = op.get_bind()
    for rows in _rows(bind).values():
        items: dict[tuple[str, int], dict[str, Any]] = defaultdict(dict)
        matched = []
        for row in rows:
            m = POSITIONAL.match(row.path)
            if m:
                section, index, rest = m.group(1), int(m.group(2)), m.group(3)
                reading = row.machine_value if row.machine_value is not None else row.value
                items[(section, index)][rest] = reading
                matched.append((row.id, section, index, rest))
        keys: dict[tuple[str, int], str] = {}
        for section in ("tasks", "targets", "responsibilities"):
            indices = sorted(i for s, i in items if s == section)
            for index, key in zip(indices, item_keys(section, [items[(section, i)] for i in indices]),
                                  strict=True):
                keys[(section, index)] = key
        _rename(bind, [(fid, f"{section}[{keys[(section, index)]}].{rest}")
                       for fid, section, index, rest in matched])


def downgrade() -> None:
    """Keyed item paths → positions, in the order the items' fields were created."""
    bind = op.get_bind()
    for rows in _rows(bind).values():
        positions: dict[tuple[str, str], int] = {}
        renames = []
        for row in rows:
            m = KEYED.match(row.path)
            if m:
                section, key, rest = m.groups()
                index = positions.setdefault((section, key), sum(s == section for s, _ in positions))
                renames.append((row.id, f"{section}.{index}.{rest}"))
        _rename(bind, renames)
