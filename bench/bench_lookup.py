"""Agency lookup over 5,000 agencies: median and p95 per kind of query.

Builds a throw-away test database (in-memory SQLite, or ``--database-url`` for
PostgreSQL), fills it with generated agencies whose Burmese names are written in
Zawgyi and converted, so every Zawgyi query has a known Unicode twin, then
times ``agencies.lookup.lookup_agencies`` end to end. Two sides, interleaved query
by query in a random order: the lookup as it runs (look-alikes scored among the names
sharing words with the query) and the previous code: the same index scoring every name
of the script with WRatio for look-alikes (``EveryNameIndex``), the register version
read from the cache alike. Wall and CPU time for both, and how often each puts the
expected agency first.

Run: ``.venv/bin/python -m bench.bench_lookup [--agencies 5000] [--queries 200] [--database-url URL]``
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date

from bench import load_note, setup_django, write_section

ENGLISH = (
    "Shwe Golden Silver Royal Diamond Aung Myat Htoo Thiri Yadanar Pyi Kyaw Win Zaw Min Hla Nay Lin Sein Tun "
    "Sky Ocean Lucky Star Sun Moon Pearl Lotus Dragon Tiger Eagle Phoenix Asia Global United Future Bright Ever "
    "Happy Great Ayeyar Chindwin Mandalay Bagan Inle Thanlwin Myitta Zabu Thukha Nadi Moe Hein Phyo Thura Zeya"
).split()
SUFFIXES = [
    "Overseas Employment Agency Co., Ltd.", "Manpower Services Co., Ltd.", "Overseas Employment Agency",
    "International Recruitment Co., Ltd.", "Employment Services", "Co., Ltd.",
]
# Written in Zawgyi; the register holds their Unicode conversion.
ZAWGYI = (
    "ေရႊ ျမန္မာ ၾကယ္ ေငြ စိန္ ေအာင္ ျမတ္ ထူး ရတနာ ျပည္ ေက်ာ္ ဝင္း ေဇာ္ မင္း လွ ေန ပန္း နဂါး က်ား ၾကာ ကမၻာ "
    "အာရွ ေတာ္ဝင္ သစၥာ မဂၤလာ ေမတၱာ ခ်စ္ ေတာင္ ျမစ္ ပင္လယ္ ကံေကာင္း ညီေနာင္ ေရာင္ျခည္ ၿငိမ္း"
).split()
ZAWGYI_SUFFIX = ["ျပည္ပအလုပ္အကိုင္ရွာေဖြေရးေအဂ်င္စီ ကုမၸဏီလီမိတက္", "ကုမၸဏီလီမိတက္", "ျပည္ပအလုပ္အကိုင္ရွာေဖြေရးေအဂ်င္စီ"]
MYANMAR_DIGITS = str.maketrans("0123456789", "၀၁၂၃၄၅၆၇၈၉")


def generate(count: int, rng: random.Random) -> list[dict]:
    from helpdesk.text import zawgyi_to_unicode

    rows, names_en, names_my = [], set(), set()
    while len(rows) < count:
        words_en = rng.sample(ENGLISH, rng.choice([2, 2, 3]))
        words_zg = rng.sample(ZAWGYI, rng.choice([2, 2, 3]))
        core_en, core_zg = " ".join(words_en), "".join(words_zg)
        # Unique as sets of words, so "words reordered" has one right answer.
        if frozenset(words_en) in names_en or core_zg in names_my:
            continue
        names_en.add(frozenset(words_en))
        names_my.add(core_zg)
        n = len(rows) + 1
        rows.append({
            "licence_number": f"{n}/{2012 + n % 13}",
            "name_en": f"{core_en} {rng.choice(SUFFIXES)}",
            "name_my": zawgyi_to_unicode(f"{core_zg} {rng.choice(ZAWGYI_SUFFIX)}"),
            "core_en": words_en, "core_zg": core_zg,
            "status": rng.choice(["licensed"] * 8 + ["suspended", "revoked"]),
            "expiry_date": date(rng.choice([2024, 2027, 2028, 2029]), rng.randint(1, 12), rng.randint(1, 28)),
        })
    return rows


def load_register(count: int, rng: random.Random) -> tuple[list[dict], float]:
    """Replace the register with ``count`` generated agencies; return them and the index build time (ms)."""
    from agencies.lookup import agency_index, invalidate_index
    from agencies.models import Agency

    Agency.history.all().delete()
    Agency.objects.all().delete()
    rows = generate(count, rng)
    fields = {"licence_number", "name_en", "name_my", "status", "expiry_date"}
    Agency.objects.bulk_create([Agency(**{k: v for k, v in r.items() if k in fields}) for r in rows], batch_size=1000)
    invalidate_index()
    started = time.perf_counter()
    agency_index()
    return rows, (time.perf_counter() - started) * 1000


def misspell(text: str, rng: random.Random) -> str:
    chars = list(text)
    i = rng.randrange(1, len(chars) - 1)
    if rng.random() < 0.5:
        del chars[i]
    else:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def queries(rows: list[dict], per_kind: int, rng: random.Random) -> dict[str, list[tuple[str, str]]]:
    """Return {kind: [(query, expected licence number)]}."""
    from helpdesk.text import zawgyi_to_unicode

    sample = [rng.choice(rows) for _ in range(per_kind)]
    return {
        "English name": [(" ".join(r["core_en"]), r["licence_number"]) for r in sample],
        "English, misspelt": [(misspell(" ".join(r["core_en"]), rng), r["licence_number"]) for r in sample],
        "English, words reordered": [(" ".join(reversed(r["core_en"])), r["licence_number"]) for r in sample],
        "English, full name with Co., Ltd.": [(r["name_en"], r["licence_number"]) for r in sample],
        "Burmese, Unicode": [(zawgyi_to_unicode(r["core_zg"]), r["licence_number"]) for r in sample],
        "Burmese, Zawgyi": [(r["core_zg"], r["licence_number"]) for r in sample],
        "Licence number (123)": [(r["licence_number"].split("/")[0], r["licence_number"]) for r in sample],
        "Licence number (No. ၁၂၃/၂၀၁၉)": [(f"No. {r['licence_number']}".translate(MYANMAR_DIGITS), r["licence_number"]) for r in sample],
    }


def import_figures(rows: list[dict]) -> list[str]:
    """Time ``agency_import`` of the same agencies as a CSV: first load, unchanged re-import, 10% changed."""
    import csv
    import io

    from agencies.models import Agency
    from agencies.services import agency_import

    def as_csv(items) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["licence_number", "name_en", "name_my", "status", "expiry_date"])
        for r in items:
            writer.writerow([r["licence_number"], r["name_en"], r["name_my"], r["status"], r["expiry_date"].isoformat()])
        return out.getvalue().encode()

    Agency.history.all().delete()
    Agency.objects.all().delete()
    content = as_csv(rows)
    changed = as_csv([{**r, "status": "suspended" if i % 10 == 0 else r["status"]} for i, r in enumerate(rows)])
    figures = []
    for label, data in [("first import (all new)", content), ("same file again (no change)", content),
                        ("newer list, 10% of statuses changed", changed)]:
        started = time.perf_counter()
        report = agency_import(content=data, filename="bench.csv", user=None)
        seconds = time.perf_counter() - started
        figures.append(f"| {label} | {seconds:.2f} | {len(report.created)} | {len(report.updated)} | {report.unchanged} |")
    return [
        f"Import of a {len(rows):,}-row CSV (`agency_import`, history rows included):",
        "",
        "| run | seconds | new | updated | unchanged |",
        "|---|---:|---:|---:|---:|",
        *figures,
    ]


def every_name_side():
    """Return the previous lookup: WRatio over every name of the script (5,000) for the look-alikes."""
    from agencies.lookup import MAX_QUERY_LENGTH, AgencyIndex
    from agencies.models import Agency
    from agencies.register import register_version
    from helpdesk.text import normalize_text

    class EveryNameIndex(AgencyIndex):
        def _alike(self, name_part, tokens, having):
            return self.match_names(name_part)

    index = EveryNameIndex(Agency.objects.order_by().iterator(chunk_size=2000), version=register_version())

    def lookup(query: str):
        register_version()  # as lookup_agencies: the cached version, read each call
        text = normalize_text((query or "")[:MAX_QUERY_LENGTH])
        return index.lookup(text, 5) if text else []

    return lookup


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=200, help="queries per kind")
    parser.add_argument("--database-url", help="default: in-memory SQLite")
    parser.add_argument("--no-write", action="store_true", help="print only, leave BENCHMARKS.md alone")
    args = parser.parse_args(argv)

    setup_django(args.database_url)
    from django.db import connection

    from agencies.lookup import lookup_agencies

    rng = random.Random(20261125)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        rows, build_ms = load_register(args.agencies, rng)

        sides = {"now": lookup_agencies, "before": every_name_side()}
        by_kind = queries(rows, args.queries, rng)
        times = {(kind, side): [] for kind in by_kind for side in sides}
        cpu = {(kind, side): [] for kind in by_kind for side in sides}  # the thread's CPU time: a call's cost with a core
        right = {(kind, side): [0, 0] for kind in by_kind for side in sides}
        loads = []
        for i in range(args.queries):  # a round: every kind's i-th query on both sides, in a random order
            order = [(kind, side) for kind in by_kind for side in sides]
            rng.shuffle(order)
            for kind, side in order:
                query, expected = by_kind[kind][i]
                started, started_cpu = time.perf_counter(), time.thread_time()
                matches = sides[side](query)
                times[(kind, side)].append((time.perf_counter() - started) * 1000)
                cpu[(kind, side)].append((time.thread_time() - started_cpu) * 1000)
                numbers = [m.agency.licence_number for m in matches]
                right[(kind, side)][0] += bool(numbers) and numbers[0] == expected
                right[(kind, side)][1] += expected in numbers
            loads.append(os.getloadavg()[0])

        def p95(values):
            return statistics.quantiles(values, n=20)[-1]

        def cell(values):
            return f"{statistics.median(values):.2f} / {p95(values):.2f}"

        lines = [
            f"Lookup over {args.agencies:,} agencies ({connection.vendor}), {args.queries} queries per kind; time per "
            "`lookup_agencies()` call. Two sides, each query on both, interleaved in a random order query by query: "
            "**now** scores look-alikes among the names sharing words with the query; **before** scores every name "
            "of the script with WRatio (the code until this change; both read the register version from the cache). "
            f"Index build: {build_ms:.0f} ms (once, and after each change to the register).",
            "",
            "| query | now: median / p95 ms | goal p95 < 10 ms | now: CPU median / p95 ms | before: median / p95 ms "
            "| before: CPU median / p95 ms | expected agency first, now / before | in top 5, now / before |",
            "|---|---:|---|---:|---:|---:|---:|---:|",
        ]
        for kind in by_kind:
            now, before = times[(kind, "now")], times[(kind, "before")]
            lines.append(
                f"| {kind} | {cell(now)} | {'yes' if p95(now) < 10 else '**no**'} | {cell(cpu[(kind, 'now')])} | "
                f"{cell(before)} | {cell(cpu[(kind, 'before')])} | "
                f"{right[(kind, 'now')][0] / args.queries:.0%} / {right[(kind, 'before')][0] / args.queries:.0%} | "
                f"{right[(kind, 'now')][1] / args.queries:.0%} / {right[(kind, 'before')][1] / args.queries:.0%} |"
            )

        def every(table, side):
            return [t for (_kind, s), v in table.items() if s == side for t in v]

        lines.append(
            f"| **all** | **{cell(every(times, 'now'))}** | | {cell(every(cpu, 'now'))} | "
            f"{cell(every(times, 'before'))} | {cell(every(cpu, 'before'))} | | |"
        )
        lines += [
            "", "Goal (issue 15): p95 under 10 ms for every kind of query. Wall-clock time includes waiting for a core "
            "on this shared machine; the CPU columns are the calling thread's own CPU time per call (`time.thread_time`), "
            "what a call costs when it has a core. " + load_note(loads),
        ]
        lines += ["", *import_figures(rows)]
        vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
        markdown = f"## Agency lookup, {vendor} (`bench/bench_lookup.py`)\n\n" + "\n".join(lines)
        print(markdown)
        if not args.no_write:
            write_section("lookup" if vendor == "SQLite" else "lookup-postgresql", markdown)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main(sys.argv[1:])
