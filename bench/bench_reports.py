"""The beneficiary table at 1, 5 and 10 million contacts on PostgreSQL: rollups, raw rows, and hand-written SQL.

Data (generated once per size with ``INSERT … SELECT generate_series`` and
cached in the database ``mch_bench_reports_<size>``): 50 centres, one person
per 5 contacts, contacts spread over 2019-2024 (six years; 60% linked to a
person, at the person's centre, with the person's gender), one activity per
50 contacts with head counts, about one registered attendance per 10
contacts. The rollups are built once per data set (``rollups.rebuild``).

Sides, interleaved in rounds (each round runs every side once, in a rotating
order), for the 8-quarter table (2023-2024 by quarter, all centres) and the
24-quarter table (2019-2024):

- ``beneficiary_table`` reading the rollups (the page as served);
- ``beneficiary_table(rollups=False)``: everything from the raw rows;
- hand-written SQL, four versions, the fastest being the baseline: ``pairs``
  (the old algorithm: de-duplicated (period, person) pairs), ``bitmask``
  (one bit per period folded per person with ``bit_or``, then summed by
  gender), ``bitmask_one_scan`` (the same, reading contacts once for cells
  and persons through a shared CTE) and ``bitmask_statements`` (the same
  work as four separate statements).

Run: ``.venv/bin/python -m bench.bench_reports`` (1M, the quick size, as ``make bench`` does) or
``.venv/bin/python -m bench.bench_reports --sizes 1m,5m,10m --rounds 5``. Each size runs in its own process.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from bench import OUT, setup_django, write_section

SIZES = {"50k": 50_000, "1m": 1_000_000, "5m": 5_000_000, "10m": 10_000_000}
START, END = date(2019, 1, 1), date(2024, 12, 31)
TABLES = {"8 quarters": (date(2023, 1, 1), END), "24 quarters": (START, END)}
GENDER_SQL = ("CASE WHEN {x} < 46 THEN 'woman' WHEN {x} < 96 THEN 'man' WHEN {x} < 97 THEN 'other' "
              "ELSE 'undisclosed' END")


def database_url(size: str) -> str:
    import psycopg

    name = f"mch_bench_reports_{size}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f"CREATE DATABASE {name}")
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def _insert(model, expressions: dict[str, str], source: str) -> str:
    """INSERT INTO model's table (every column) SELECT the given expressions, a neutral default for the rest."""
    from django.db import models

    columns, values = [], []
    for field in model._meta.concrete_fields:
        columns.append(field.column)
        if field.column in expressions:
            values.append(expressions[field.column])
        elif field.null:
            values.append("NULL")
        elif isinstance(field, models.BooleanField):
            values.append("false")
        elif isinstance(field, models.DateTimeField):
            values.append("'2019-01-01 00:00:00+00'")
        elif isinstance(field, (models.IntegerField,)):
            values.append("0")
        else:
            values.append("''")
    return f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} {source}"


def generate(contacts: int) -> float:
    """Fill the tables in SQL (no Python loop); return seconds taken."""
    from django.db import connection, transaction

    from helpdesk.models import Activity, Centre, Contact, Person

    started = time.perf_counter()
    people = max(contacts // 5, 50)
    activities = max(contacts // 50, 50)
    days = (END - START).days + 1
    attendance = Activity.attendees.through
    tables = [m._meta.db_table for m in (attendance, Activity, Contact, Person, Centre)]
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"TRUNCATE {table} CASCADE")
        # load first, index after (one sorted build per index instead of 10 million insertions), no FK triggers
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)", [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SELECT setseed(0.2019)")
        cursor.execute(_insert(Centre, {
            "id": "i", "code": "'B' || i", "name": "'Bench centre ' || i", "partner_organisation": "'Partner ' || (i % 6)",
            "township": "'Township'", "state_region": "'Region'", "kind": "'migrant_centre'", "active": "true",
        }, "FROM generate_series(1, 50) i"))
        # a person's centre and gender follow from the id, so contacts need no join to copy them
        cursor.execute(_insert(Person, {
            "id": "i", "centre_id": "1 + (i - 1) % 50", "gender": GENDER_SQL.format(x="(i::bigint * 7919) % 100"),
        }, f"FROM generate_series(1, {people}) i"))
        cursor.execute(_insert(Contact, {
            "id": "i", "person_id": "CASE WHEN r1 < 0.6 THEN p END",
            "centre_id": "CASE WHEN r1 < 0.6 THEN 1 + (p - 1) % 50 ELSE 1 + (i % 50) END",
            "date": f"DATE '{START}' + (r2 * {days})::int % {days}",
            "service": "(ARRAY['drop_in', 'helpline', 'complaint'])[1 + (r3 * 3)::int % 3]",
            "channel": "(ARRAY['walk_in', 'outreach', 'phone', 'viber', 'telegram', 'messenger', 'sms'])[1 + (r3 * 700)::int % 7]",
            "gender": f"CASE WHEN r1 < 0.6 THEN {GENDER_SQL.format(x='(p::bigint * 7919) % 100')} ELSE {GENDER_SQL.format(x='(i::bigint * 31) % 100')} END",
        }, f"FROM (SELECT i, random() r1, random() r2, random() r3, 1 + (random() * {people - 1})::int p "
           f"FROM generate_series(1, {contacts}) i) g"))
        cursor.execute(_insert(Activity, {
            "id": "i", "centre_id": "1 + (i - 1) % 50", "kind": "CASE WHEN random() < 0.5 THEN 'training' ELSE 'mobilisation' END",
            "format": "'outreach'", "title": "'Event ' || i", "date": f"DATE '{START}' + (random() * {days})::int % {days}",
            "women_count": "(random() * 40)::int", "men_count": "(random() * 40)::int", "other_count": "(random() * 2)::int",
            "undisclosed_count": "(random() * 3)::int",
        }, f"FROM generate_series(1, {activities}) i"))
        cursor.execute(
            f"INSERT INTO {attendance._meta.db_table} (activity_id, person_id) SELECT DISTINCT a, "
            f"1 + (a - 1) % 50 + 50 * (random() * ({people} / 50 - 1))::int FROM "
            f"(SELECT 1 + (random() * ({activities} - 1))::int a FROM generate_series(1, {contacts // 10})) g"
        )
        for model in (Centre, Person, Contact, Activity, attendance):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")  # tests run in a transaction
    return time.perf_counter() - started


# The period of a date: a binary search over the quarter boundaries in C (width_bucket), faster than
# EXTRACT (numeric arithmetic per row) and as fast as the function's CASE tree.
QUARTER = "(width_bucket({d}, %(bounds)s::date[]) - 1)"

# Hand-written versions of the table. Each returns rows (kind, key, gender, period, n) with period -1 for the
# unique persons over the whole range; kind: cell, anonymous (part of the cells without a person), unique.
COMMON = """
tallies AS (SELECT a.kind, {qa} AS q, SUM(women_count) w, SUM(men_count) m, SUM(other_count) o, SUM(undisclosed_count) u
            FROM helpdesk_activity a WHERE a.date BETWEEN %(start)s AND %(end)s GROUP BY 1, 2),
att AS (SELECT aa.person_id, a.kind, {qa} AS q FROM helpdesk_activity_attendees aa
        JOIN helpdesk_activity a ON a.id = aa.activity_id WHERE a.date BETWEEN %(start)s AND %(end)s)
"""
TALLY_ROWS = """
UNION ALL SELECT 'cell', kind, 'woman', q, w FROM tallies UNION ALL SELECT 'cell', kind, 'man', q, m FROM tallies
UNION ALL SELECT 'cell', kind, 'other', q, o FROM tallies UNION ALL SELECT 'cell', kind, 'undisclosed', q, u FROM tallies
UNION ALL SELECT 'anonymous', '', 'woman', q, SUM(w) FROM tallies GROUP BY q UNION ALL SELECT 'anonymous', '', 'man', q, SUM(m) FROM tallies GROUP BY q
UNION ALL SELECT 'anonymous', '', 'other', q, SUM(o) FROM tallies GROUP BY q
UNION ALL SELECT 'anonymous', '', 'undisclosed', q, SUM(u) FROM tallies GROUP BY q
UNION ALL SELECT 'cell', att.kind, p.gender, q, COUNT(*) FROM att JOIN helpdesk_person p ON p.id = att.person_id GROUP BY 2, 3, 4
"""
HAND_SQL = {
    "pairs": """
WITH {common},
pairs AS (SELECT {qc} AS q, person_id FROM helpdesk_contact c WHERE c.date BETWEEN %(start)s AND %(end)s AND person_id IS NOT NULL
          UNION SELECT q, person_id FROM att)
SELECT 'cell', service, gender, {qc}, COUNT(*) FROM helpdesk_contact c WHERE c.date BETWEEN %(start)s AND %(end)s GROUP BY 2, 3, 4
UNION ALL SELECT 'anonymous', '', gender, {qc}, COUNT(*) FROM helpdesk_contact c
          WHERE c.date BETWEEN %(start)s AND %(end)s AND person_id IS NULL GROUP BY 3, 4
{tally_rows}
UNION ALL SELECT 'unique', '', p.gender, q, COUNT(*) FROM pairs JOIN helpdesk_person p ON p.id = pairs.person_id GROUP BY 3, 4
UNION ALL SELECT 'unique', '', p.gender, -1, COUNT(DISTINCT pairs.person_id) FROM pairs
          JOIN helpdesk_person p ON p.id = pairs.person_id GROUP BY 3
""",
    "bitmask": """
WITH {common},
masks AS (SELECT person_id, bit_or(1::bigint << q) m FROM (
              SELECT person_id, {qc} AS q FROM helpdesk_contact c WHERE c.date BETWEEN %(start)s AND %(end)s AND person_id IS NOT NULL
              UNION ALL SELECT person_id, q FROM att) x GROUP BY person_id),
per_gender AS (SELECT p.gender, COUNT(*) n, {bit_sums} FROM masks JOIN helpdesk_person p ON p.id = masks.person_id GROUP BY 1)
SELECT 'cell', service, gender, {qc}, COUNT(*) FROM helpdesk_contact c WHERE c.date BETWEEN %(start)s AND %(end)s GROUP BY 2, 3, 4
UNION ALL SELECT 'anonymous', '', gender, {qc}, COUNT(*) FROM helpdesk_contact c
          WHERE c.date BETWEEN %(start)s AND %(end)s AND person_id IS NULL GROUP BY 3, 4
{tally_rows}
UNION ALL SELECT 'unique', '', gender, -1, n FROM per_gender
UNION ALL SELECT 'unique', '', gender, i, (ARRAY[{bit_names}])[i + 1] FROM per_gender, generate_series(0, {last}) i
""",
    "bitmask_one_scan": """
WITH {common},
c AS (SELECT service, gender, person_id, {qc} AS q FROM helpdesk_contact c WHERE c.date BETWEEN %(start)s AND %(end)s),
masks AS (SELECT person_id, bit_or(1::bigint << q) m FROM (
              SELECT person_id, q FROM c WHERE person_id IS NOT NULL UNION ALL SELECT person_id, q FROM att) x GROUP BY person_id),
per_gender AS (SELECT p.gender, COUNT(*) n, {bit_sums} FROM masks JOIN helpdesk_person p ON p.id = masks.person_id GROUP BY 1)
SELECT 'cell', service, gender, q, COUNT(*) FROM c GROUP BY 2, 3, 4
UNION ALL SELECT 'anonymous', '', gender, q, COUNT(*) FILTER (WHERE person_id IS NULL) FROM c GROUP BY 3, 4
{tally_rows}
UNION ALL SELECT 'unique', '', gender, -1, n FROM per_gender
UNION ALL SELECT 'unique', '', gender, i, (ARRAY[{bit_names}])[i + 1] FROM per_gender, generate_series(0, {last}) i
""",
    # the same work as separate statements, each planned (and parallelised) on its own
    "bitmask_statements": [
        "SELECT 'cell', service, gender, {qc}, COUNT(*) FROM helpdesk_contact c WHERE c.date BETWEEN %(start)s AND %(end)s "
        "GROUP BY 2, 3, 4",
        "SELECT 'anonymous', '', gender, {qc}, COUNT(*) FROM helpdesk_contact c WHERE c.date BETWEEN %(start)s AND %(end)s "
        "AND person_id IS NULL GROUP BY 3, 4",
        "WITH {common} SELECT 'x', '', '', 0, 0 WHERE false {tally_rows}",
        """WITH {common},
masks AS (SELECT person_id, bit_or(1::bigint << q) m FROM (
              SELECT person_id, {qc} AS q FROM helpdesk_contact c WHERE c.date BETWEEN %(start)s AND %(end)s AND person_id IS NOT NULL
              UNION ALL SELECT person_id, q FROM att) x GROUP BY person_id),
per_gender AS (SELECT p.gender, COUNT(*) n, {bit_sums} FROM masks JOIN helpdesk_person p ON p.id = masks.person_id GROUP BY 1)
SELECT 'unique', '', gender, -1, n FROM per_gender
UNION ALL SELECT 'unique', '', gender, i, (ARRAY[{bit_names}])[i + 1] FROM per_gender, generate_series(0, {last}) i""",
    ],
}


# Above 1M contacts only the two fastest versions at 1M run (the others took 1.5-2× as long there).
LARGE_VERSIONS = ["bitmask", "bitmask_statements"]


def hand_written_table(version: str, start: date, end: date) -> dict:
    """Run one hand-written version; return {(kind, key, gender, period): n} without zeros."""
    from django.db import connection

    from helpdesk.reports.rollups import quarter_of, quarter_start

    periods = quarter_of(end) - quarter_of(start) + 1
    qc, qa = QUARTER.format(d="c.date"), QUARTER.format(d="a.date")
    statements = HAND_SQL[version] if isinstance(HAND_SQL[version], list) else [HAND_SQL[version]]
    bounds = [quarter_start(q) for q in range(quarter_of(start), quarter_of(end) + 1)]
    table: dict = {}
    with connection.cursor() as cursor:
        for statement in statements:
            sql = statement.format(
                common=COMMON.format(qa=qa).strip(), tally_rows=TALLY_ROWS, qc=qc,
                bit_sums=", ".join(f"SUM((m >> {i}) & 1) b{i}" for i in range(periods)),
                bit_names=", ".join(f"b{i}" for i in range(periods)), last=periods - 1,
            )
            cursor.execute(sql, {"start": start, "end": end, "bounds": bounds})
            for kind, key, gender, period, n in cursor.fetchall():
                if n:
                    table[(kind, key, gender, int(period))] = table.get((kind, key, gender, int(period)), 0) + int(n)
    return table


def flat_table(table) -> dict:
    """A by-quarter BeneficiaryTable in the hand-written shape, for comparison."""
    from helpdesk.reports.table import GENDERS

    flat = {}
    for i in range(len(table.periods)):
        for row in table.rows:
            for gender in GENDERS:
                if n := getattr(row.cells[i], gender):
                    flat[("cell", row.key, gender, i)] = n
        for gender in GENDERS:
            if n := getattr(table.unidentified.cells[i], gender):
                flat[("anonymous", "", gender, i)] = n
            if n := getattr(table.unique_persons.cells[i], gender):
                flat[("unique", "", gender, i)] = n
    for gender in GENDERS:
        if n := getattr(table.total_unique_persons, gender):
            flat[("unique", "", gender, -1)] = n
    return flat


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run_size(size: str, rounds: int, all_tables: bool = False) -> dict:
    """Measure one size; above 1M only the 8-quarter table (the goal) unless ``all_tables``."""
    setup_django(database_url(size))
    from django.core.management import call_command

    from helpdesk.models import Contact
    from helpdesk.reports import rollups
    from helpdesk.reports.rollup_models import RollupQuarter
    from helpdesk.reports.table import BY_QUARTER, ReportFilter, beneficiary_table

    call_command("migrate", verbosity=0)
    contacts = SIZES[size]
    generated = built = None
    if Contact.objects.count() != contacts:
        generated = generate(contacts)
        RollupQuarter.objects.all().delete()
    if not RollupQuarter.objects.exists():
        started = time.perf_counter()
        rollups.rebuild()
        built = time.perf_counter() - started
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    load_before = os.getloadavg()
    results = {}
    for name, (start, end) in list(TABLES.items())[:1 if contacts > SIZES["1m"] and not all_tables else None]:
        report = ReportFilter(start=start, end=end, by=BY_QUARTER)
        sides = {
            "beneficiary_table (rollups)": lambda report=report: flat_table(beneficiary_table(report)),
            "beneficiary_table (raw rows)": lambda report=report: flat_table(beneficiary_table(report, rollups=False)),
            **{f"hand-written SQL: {v}": (lambda v=v, start=start, end=end: hand_written_table(v, start, end))
               for v in (HAND_SQL if contacts <= SIZES["1m"] or all_tables else LARGE_VERSIONS)},
        }
        answers = {side: func() for side, func in sides.items()}  # warm-up round, and the numbers to compare
        reference = answers["beneficiary_table (raw rows)"]
        agree = {side: answer == reference for side, answer in answers.items()}
        samples: dict[str, list[float]] = {side: [] for side in sides}
        order = list(sides)
        for r in range(rounds):
            for side in order[r % len(order):] + order[:r % len(order)]:
                started = time.perf_counter()
                sides[side]()
                samples[side].append(time.perf_counter() - started)
        results[name] = {
            side: {"median": statistics.median(s), "p95": _p95(s), "agree": agree[side]} for side, s in samples.items()
        }
    return {
        "size": size, "contacts": contacts, "generated_s": generated, "rollups_built_s": built,
        "load_before": load_before, "load_after": os.getloadavg(), "rounds": rounds, "tables": results,
    }


def markdown(runs: list[dict]) -> str:
    lines = [
        "## Beneficiary table at 1M, 5M and 10M contacts (`bench/bench_reports.py`, PostgreSQL)",
        "",
        "Contacts over 2019-2024 (six years, 60% linked to a person; one person per 5 contacts), 50 centres, one activity "
        "with head counts per 50 contacts, about one registered attendance per 10 contacts; generated with "
        "`INSERT … SELECT generate_series` and cached per size. Each round runs every side once, in a rotating order "
        "(interleaved), after one warm-up round whose answers are compared: *same numbers* = identical to "
        "`beneficiary_table(rollups=False)` in every cell, anonymous count and unique-person figure. The baseline is the "
        "fastest of four hand-written versions (median), all bucketing dates with `width_bucket` (a binary search in C): "
        "`pairs` (the old algorithm: de-duplicated (period, person) pairs), `bitmask` (one bit per period folded per "
        "person with `bit_or`, summed by gender, one statement), `bitmask_one_scan` (contacts read once for cells and "
        "persons through a shared CTE) and `bitmask_statements` (the same work as four statements, each planned on its own); "
        "above 1M contacts only `bitmask` and `bitmask_statements`, the fastest at 1M, and only the 8-quarter table. The machine has 2 cores shared with other engineers' test runs: "
        "the load average (1 min) is given before and after each size; at a load above 2 every figure is slower than "
        "on a quiet machine.",
        "",
    ]
    for run in runs:
        lines += [
            f"**{run['contacts']:,} contacts** ({run['rounds']} rounds; load {run['load_before'][0]:.1f} before, "
            f"{run['load_after'][0]:.1f} after; data {'generated in ' + format(run['generated_s'], '.0f') + ' s' if run['generated_s'] else 'cached'}; "
            f"rollups {'built in ' + format(run['rollups_built_s'], '.0f') + ' s' if run['rollups_built_s'] else 'cached'})",
            "",
            "| table | side | median | p95 | × best hand-written (median / p95) | same numbers |",
            "|---|---|---|---|---|---|",
        ]
        for table, sides in run["tables"].items():
            hand = {side: s for side, s in sides.items() if side.startswith("hand-written")}
            best = min(hand.values(), key=lambda s: s["median"])
            for side, s in sides.items():
                lines.append(
                    f"| {table} | {side}{' (baseline)' if s is best else ''} | {s['median']:.3f} s | {s['p95']:.3f} s | "
                    f"{s['median'] / best['median']:.2f} / {s['p95'] / best['p95']:.2f} | {'yes' if s['agree'] else 'NO'} |"
                )
        lines.append("")
    lines += ["**Goals**", ""]
    for run in runs:
        t = run["tables"]["8 quarters"]
        hand = [s for side, s in t.items() if side.startswith("hand-written")]
        best = min(hand, key=lambda s: s["median"])
        rolled, raw = t["beneficiary_table (rollups)"], t["beneficiary_table (raw rows)"]
        lines.append(
            f"- {run['contacts']:,} contacts, 8-quarter table: with rollups {rolled['median']:.3f} s median, "
            f"{rolled['p95']:.3f} s p95 (goal under 1 s{': met' if rolled['p95'] < 1 else ': NOT met'}); from raw rows "
            f"{raw['median'] / best['median']:.2f}× the best hand-written SQL by median, {raw['p95'] / best['p95']:.2f}× by p95 "
            f"(goal at most 1.3×: {'met' if raw['median'] / best['median'] <= 1.3 else 'NOT met'} by median, "
            f"{'met' if raw['p95'] / best['p95'] <= 1.3 else 'not met'} by p95)."
        )
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1m", help="comma-separated: 1m (quick, make bench), 5m, 10m")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--size", help="run one size in this process (internal)")
    parser.add_argument("--all-tables", action="store_true",
                        help="above 1M contacts, time the 24-quarter table and every hand-written version too")
    parser.add_argument("--report", action="store_true", help="only rewrite BENCHMARKS.md from the sizes measured before")
    args = parser.parse_args(argv)
    if args.size:
        print(json.dumps(run_size(args.size, args.rounds, args.all_tables)))
        return
    if args.report:
        measured = [OUT / f"bench_reports_{size}.json" for size in args.sizes.split(",")]
        write_section("reports", markdown([json.loads(path.read_text()) for path in measured if path.exists()]))
        return
    runs = []
    for size in args.sizes.split(","):
        print(f"-- {size}", file=sys.stderr, flush=True)
        completed = subprocess.run(
            [sys.executable, "-m", "bench.bench_reports", "--size", size, "--rounds", str(args.rounds),
             *(["--all-tables"] if args.all_tables else [])],
            capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
        )
        if completed.returncode:
            print(completed.stderr, file=sys.stderr)
            raise SystemExit(completed.returncode)
        runs.append(json.loads(completed.stdout.strip().splitlines()[-1]))
        OUT.mkdir(exist_ok=True)
        (OUT / f"bench_reports_{size}.json").write_text(json.dumps(runs[-1]))
    text = markdown(runs)
    write_section("reports", text)
    print(text)


if __name__ == "__main__":
    main(sys.argv[1:])
