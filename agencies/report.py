"""The import report as text lines, shared by the command and the admin upload page."""
from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import Agency, LicenceStatus
from agencies.services import ImportReport


def _field_label(name: str) -> str:
    return str(Agency._meta.get_field(name).verbose_name)


def _value_label(name: str, value: str) -> str:
    if name == "status" and value in LicenceStatus.values:
        return str(LicenceStatus(value).label)
    return value or "—"


def report_lines(report: ImportReport, *, missing_limit: int = 50) -> Iterator[str]:
    if report.dry_run:
        yield _("Dry run: nothing was saved. This is what the import would do.")
    yield _("%(rows)s rows read from %(source)s: %(created)s new, %(updated)s updated, %(unchanged)s unchanged, %(errors)s with errors.") % {
        "rows": report.rows, "source": report.source, "created": len(report.created),
        "updated": len(report.updated), "unchanged": report.unchanged, "errors": len(report.errors),
    }
    for change in report.created:
        yield _("Row %(row)s: new %(agency)s") % {"row": change.row, "agency": change.name}
    for change in report.updated:
        fields = "; ".join(
            f"{_field_label(name)}: {_value_label(name, old)} → {_value_label(name, new)}"
            for name, (old, new) in change.changes.items()
        )
        yield _("Row %(row)s: %(agency)s changed (%(fields)s)") % {"row": change.row, "agency": change.name, "fields": fields}
    for error in report.errors:
        yield _("Row %(row)s: ERROR %(message)s") % {"row": error.row, "message": error.message}
    if report.missing:
        yield ngettext(
            "%(count)s registered agency is not in this file (kept, not deleted; check it):",
            "%(count)s registered agencies are not in this file (kept, not deleted; check them):",
            len(report.missing),
        ) % {"count": len(report.missing)}
        for agency in report.missing[:missing_limit]:
            yield f"  {agency} — {agency.effective_status_label}"
        if len(report.missing) > missing_limit:
            yield _("  … and %(count)s more") % {"count": len(report.missing) - missing_limit}
