"""Write legacy monitoring rows as contacts, activities and people.

Rows are applied in chunks, one transaction each, with bulk writes
(``helpdesk.imports.bulk``). Each row is all-or-nothing: a bad row is reported
and leaves nothing, the good ones are kept. A row already applied (same
fingerprint) is skipped, so importing a file twice, or again after a crash,
changes nothing that was already there and completes the rest.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, transaction
from django.utils.translation import gettext_lazy as _lazy

from helpdesk.imports import bulk, rowwise
from helpdesk.imports.reading import FileError, read_rows
from helpdesk.imports.result import ImportResult
from helpdesk.imports.rows import RowError, parse_row
from helpdesk.models import Centre, ImportedRow
from helpdesk.spreadsheets import table_encoding
from helpdesk.text import Encoding

TOO_MANY_ROWS = _lazy(
    "This file has %(rows)s rows; the upload page takes up to %(max)s. Split it, "
    "or run “python manage.py import_contacts FILE” on the server, which shows its progress."
)
CHUNK = 1000  # rows per transaction: a crash loses at most one chunk, and re-running resumes

__all__ = ["CHUNK", "TOO_MANY_ROWS", "ImportResult", "import_contacts"]


def _run_chunk(
    chunk, result: ImportResult, *, centres, seen: Counter, user, source: str, row_by_row: bool, encoding: Encoding | None,
) -> None:
    """Parse, skip rows already applied, then write the rest; counts go into ``result`` only once saved."""
    counts = ImportResult()
    todo = []
    for number, raw, problem in chunk:
        if problem:
            counts.errors.append((number, problem))
            continue
        try:
            row = parse_row(number, raw, centres, encoding=encoding)
        except RowError as exc:
            counts.errors.append((number, str(exc)))
            continue
        base = row.fingerprint(0)
        todo.append((row, row.fingerprint(seen[base])))  # the n-th identical row in the file is a distinct service
        seen[base] += 1
    done_before = set(ImportedRow.objects.filter(key__in=[key for _row, key in todo]).values_list("key", flat=True))
    counts.already_imported = sum(key in done_before for _row, key in todo)
    todo = [(row, key) for row, key in todo if key not in done_before]
    if not row_by_row:
        written = ImportResult()
        try:
            with transaction.atomic():
                bulk.apply_rows(todo, written, user=user, source=source)
        except DatabaseError:  # e.g. a concurrent import wrote some of these rows: retry one by one
            pass
        else:
            counts.add(written)
            result.add(counts)
            return
    rowwise.apply_rows(todo, counts, user=user, source=source)
    result.add(counts)


def import_contacts(
    *,
    content: bytes,
    filename: str,
    user: AbstractBaseUser | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int, ImportResult], None] | None = None,
    max_rows: int | None = None,
    row_by_row: bool = False,
) -> ImportResult:
    """Import a legacy CSV/XLSX of services given; report row errors, keep the valid rows.

    Raises helpdesk.imports.reading.FileError when the file as a whole is unreadable
    (or longer than ``max_rows``, the web page's limit: a request must not run for minutes).
    With ``dry_run`` everything is checked and counted, then rolled back.
    ``progress(done, total, result so far)`` is called after each saved chunk.
    ``row_by_row`` skips the bulk writes (the fallback path; the benchmark compares the two).
    """
    rows, ignored = read_rows(content, filename)
    if max_rows is not None and len(rows) > max_rows:
        raise FileError(TOO_MANY_ROWS % {"rows": f"{len(rows):,}", "max": f"{max_rows:,}"})
    result = ImportResult(rows=len(rows), ignored_columns=ignored, dry_run=dry_run)
    centres = {c.code.upper(): c for c in Centre.objects.all()}
    seen: Counter[str] = Counter()
    encoding = table_encoding(raw.values() for _number, raw, _problem in rows)
    options = {"centres": centres, "seen": seen, "user": user, "source": filename[:255], "row_by_row": row_by_row,
               "encoding": encoding}
    chunks = [rows[i:i + CHUNK] for i in range(0, len(rows), CHUNK)]
    def run_all():
        for done, chunk in enumerate(chunks, start=1):
            with transaction.atomic():  # one transaction a chunk: a crash keeps the chunks before it
                _run_chunk(chunk, result, **options)
            if progress:
                progress(min(done * CHUNK, len(rows)), len(rows), result)

    if dry_run:
        with transaction.atomic():
            run_all()
            transaction.set_rollback(True)
    else:
        run_all()
    result.errors.sort()
    return result
