"""Agency lists of tasks and responsibilities → canonical names, unresolved ones reported."""

from __future__ import annotations

from extractor import agencies
from extractor.fields import messages
from schemas.document import Issue


def agency_list(text: str, issues: list[Issue], page: int | None) -> list[str]:
    """Canonical names of the bodies a cell/clause lists; unknown bodies kept and reported."""
    names = []
    for mention in agencies.parse_agency_list(text):
        names.append(mention.name)
        if not mention.resolved:
            issues.append(Issue(stage="fields", kind="unresolved_agency", page=page,
                                message=messages.unknown_agency(mention.printed)))
    return names
