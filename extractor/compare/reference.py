"""Reference task sets of national programmes (``extractor/data/programmes/<id>.json``).

One JSON file per programme, rebuilt by ``scripts/build_programme_<id>.py`` from the text it
cites; adding a programme is adding a file. Loaded lazily and once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from extractor.errors import InvalidProgramme, UnknownProgramme


@dataclass(frozen=True)
class RefTask:
    """One task group of the programme."""

    id: str
    title: str
    description: str
    variants: tuple[str, ...]
    keywords: tuple[str, ...]

    @property
    def text(self) -> str:
        """All the wording the aligner compares against."""
        return " ".join([self.title, self.description, *self.variants, *self.keywords])


@dataclass(frozen=True)
class RefTarget:
    """One national target: indicator, year, value."""

    indicator: str
    year: int
    value: float
    unit: str | None


@dataclass(frozen=True)
class Reference:
    """A programme's reference task set and targets."""

    programme: str
    decision: str
    title: str
    tasks: tuple[RefTask, ...]
    targets: tuple[RefTarget, ...]
    lexicon: frozenset[str]
    indicator_texts: tuple[tuple[str, str], ...] = ()  # indicator name → the sentence stating it
    source: dict = field(default_factory=dict, compare=False)  # provenance only, not identity

    def task(self, ref_id: str) -> RefTask:
        """The task with id ``ref_id``."""
        return next(t for t in self.tasks if t.id == ref_id)

    @property
    def indicators(self) -> list[str]:
        """National indicator names in file order."""
        return list(dict.fromkeys(t.indicator for t in self.targets))



def known_programmes() -> list[str]:
    """Ids of the programmes that have a reference file."""
    folder = resources.files("extractor").joinpath("data", "programmes")
    return sorted(Path(p.name).stem for p in folder.iterdir() if p.name.endswith(".json"))


def from_dict(data: dict) -> Reference:
    """A Reference from the parsed JSON of a programme file."""
    name = str(data.get("programme", "?"))
    try:
        ids = [str(t["id"]) for t in data["tasks"]]
        if not ids or any(not t.get("title") for t in data["tasks"]):
            raise ValueError("no tasks, or a task without a title")
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidProgramme(name, str(exc)) from exc
    if len(set(ids)) != len(ids):
        raise InvalidProgramme(name, "task ids repeat")
    tasks = tuple(RefTask(str(t["id"]), t["title"], t.get("description", ""), tuple(t.get("variants", [])),
                          tuple(t.get("keywords", []))) for t in data["tasks"])
    targets = tuple(RefTarget(t["indicator"], int(t["year"]), float(t["value"]), t.get("unit"))
                    for t in data.get("targets", []))
    texts = tuple((i["name"], i.get("text", "")) for i in data.get("indicators", []))
    return Reference(str(data["programme"]), data.get("decision", ""), data.get("title", ""), tasks,
                     targets, frozenset(data.get("lexicon", [])), texts, data.get("source", {}))


@lru_cache(maxsize=8)
def load(programme: str = "1687") -> Reference:
    """The reference of ``programme`` (a bundled id such as "1687", or a path to a JSON file)."""
    path = Path(programme)
    if path.suffix == ".json" and path.is_file():
        return from_dict(json.loads(path.read_text(encoding="utf-8")))
    if programme not in known_programmes():
        raise UnknownProgramme(programme, known_programmes())
    text = resources.files("extractor").joinpath("data", "programmes", f"{programme}.json")
    return from_dict(json.loads(text.read_text(encoding="utf-8")))
