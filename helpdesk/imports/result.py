"""What an import of legacy rows did (or, checking only, would do)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields

from helpdesk.choices import ActivityFormat, ActivityKind, Gender

HEADCOUNT_FIELD = {
    Gender.WOMAN: "women_count", Gender.MAN: "men_count", Gender.OTHER: "other_count", Gender.UNDISCLOSED: "undisclosed_count",
}
# Not translated: the same rows must find the same activity whatever the importer's language.
DEFAULT_TITLE = {ActivityKind.TRAINING: "Training", ActivityKind.MOBILISATION: "Community mobilisation"}
DEFAULT_FORMAT = {ActivityKind.TRAINING: ActivityFormat.TRAINING_SESSION, ActivityKind.MOBILISATION: ActivityFormat.OUTREACH}
COUNTERS = ("imported", "contacts", "people_created", "activities_created", "attendances", "head_counts", "anonymous")


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    already_imported: int = 0
    contacts: int = 0
    people_created: int = 0
    activities_created: int = 0
    attendances: int = 0
    head_counts: int = 0
    anonymous: int = 0  # rows naming someone without consent=yes: counted, the name and phone not kept
    errors: list[tuple[int, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False

    def add(self, other: ImportResult) -> None:
        """Add a chunk's counts and errors (kept apart until the chunk is saved)."""
        for name in COUNTERS + ("already_imported",):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


def activity_title(row) -> str:
    """The activity a row belongs to is named by its title, else by its kind and date."""
    return row.activity or f"{DEFAULT_TITLE[row.service]} {row.date.isoformat()}"


assert {f.name for f in fields(ImportResult)} >= set(COUNTERS)
