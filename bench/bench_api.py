"""The API's beneficiary-table endpoint at 1 million contacts (PostgreSQL), against calling the page's function directly.

Builds (once) the database ``mch_bench_api``: 6 centres, 200,000 people, 1,000,000 contacts over 2019-2024 and
20,000 activities with head counts, written with ``INSERT ... SELECT generate_series`` (not through services: only
the table's inputs matter here). Then, in interleaved rounds, times

* ``GET /api/v1/beneficiary-table`` (six years by quarter, every centre of the token) through Django's test client:
  token lookup, access-log row, the report function, JSON and schema validation of the answer; and
* the strongest baseline: ``helpdesk.reports.table.beneficiary_table`` called with the same filter (what the
  endpoint must call anyway), no HTTP, no JSON.

The report rollups are rebuilt first, as ``manage.py rebuild_rollups`` does in production; a third side reads
every quarter from the raw rows (``rollups=False``), to show what the rollups save.

Run: ``.venv/bin/python -m bench.bench_api [--contacts 1000000] [--rounds 7]``
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

from bench import database, setup_django, write_section

CENTRES = ["NDG", "TCL", "MWD", "KTG", "OKT", "HTY"]


def build(contacts: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from helpdesk.models import Centre

    call_command("migrate", "--noinput", "-v", "0")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM helpdesk_contact")
        if cur.fetchone()[0] == contacts:
            return
        cur.execute("TRUNCATE helpdesk_contact, helpdesk_activity, helpdesk_person, helpdesk_centre RESTART IDENTITY CASCADE")
    for i, code in enumerate(CENTRES):
        Centre.objects.create(code=code, name=f"Centre {code}", partner_organisation=f"Partner {i % 3}", township="T", state_region="R")
    people = contacts // 5
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO helpdesk_person (centre_id, card_number, name, gender, phone, origin_township, origin_region,"
            " migration_status, destination_country, consent_record, consent_share, created_at, nrc, nrc_key, passport_number, passport_key)"
            " SELECT 1 + g %% 6, 'C' || g, 'Person ' || g, (ARRAY['woman','man','other','undisclosed'])[1 + (g %% 97 %% 4)],"
            " '+9597' || lpad(g::text, 8, '0'), '', '', 'current', 'TH', true, false, now(), '', '', '', '' FROM generate_series(1, %s) g",
            [people],
        )
        # 1 in 10 contacts anonymous; dates spread over six years; services and channels cycle.
        cur.execute(
            "INSERT INTO helpdesk_contact (centre_id, person_id, date, service, channel, gender, notes, created_at)"
            " SELECT 1 + g %% 6, CASE WHEN g %% 10 = 0 THEN NULL ELSE 1 + g %% %s END, DATE '2019-01-01' + (g %% 2191),"
            " (ARRAY['drop_in','helpline','complaint'])[1 + g %% 3], (ARRAY['walk_in','outreach','phone','viber','telegram','messenger','sms'])[1 + g %% 7],"
            " (ARRAY['woman','man','other','undisclosed'])[1 + (g %% 89 %% 4)], '', now() FROM generate_series(1, %s) g",
            [people, contacts],
        )
        cur.execute(
            "INSERT INTO helpdesk_activity (centre_id, kind, format, title, date, location, women_count, men_count, other_count,"
            " undisclosed_count, notes) SELECT 1 + g %% 6, (ARRAY['training','mobilisation'])[1 + g %% 2], 'training_session',"
            " 'Activity ' || g, DATE '2019-01-01' + (g %% 2191), '', g %% 20, g %% 17, g %% 3, 0, '' FROM generate_series(1, %s) g",
            [contacts // 50],
        )
        cur.execute("ANALYZE")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    url, engine = database("api", postgres=True)
    os.environ["API_RATE_LIMIT"] = "0"
    setup_django(url)
    from datetime import date

    from django.conf import settings
    from django.test import Client

    from api.selectors import token_report_filter
    from api.services import api_token_create
    from helpdesk.models import AccessLog, Centre
    from helpdesk.reports import rollups
    from helpdesk.reports.table import beneficiary_table

    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    build(args.contacts)
    built = time.perf_counter() - started
    # Production runs rebuild_rollups after migrating and nightly (docs/reports.md): closed quarters come from them.
    started = time.perf_counter()
    rollups.rebuild()
    rebuilt = time.perf_counter() - started
    token, secret = api_token_create(organisation="bench", centres=Centre.objects.all())
    query = {"start": "2019-01-01", "end": "2024-12-31", "by": "quarter"}
    report = token_report_filter(token, start=date(2019, 1, 1), end=date(2024, 12, 31), by="quarter", centres=[])
    client = Client()

    def api_call():
        response = client.get("/api/v1/beneficiary-table", query, HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 200, response.content
        return response.json()["grand_total"]["total"]["total"]

    def direct():
        return beneficiary_table(report).grand_total.total.total

    def raw():
        return beneficiary_table(report, rollups=False).grand_total.total.total

    assert api_call() == direct() == raw(), "the endpoint, the function and the raw rows disagree"
    sides = {"API endpoint": (api_call, []), "beneficiary_table() direct": (direct, []),
             "beneficiary_table(rollups=False): every quarter from the raw rows": (raw, [])}
    loads = []
    for i in range(args.rounds):
        order = list(sides.items()) if i % 2 == 0 else list(reversed(sides.items()))
        for _name, (func, samples) in order:
            t = time.perf_counter()
            func()
            samples.append(time.perf_counter() - t)
        loads.append(os.getloadavg()[0])
    rows = []
    for name, (_func, samples) in sides.items():
        p95 = sorted(samples)[max(0, round(0.95 * len(samples)) - 1)]
        rows.append(f"| {name} | {statistics.median(samples) * 1000:.0f} ms | {p95 * 1000:.0f} ms |")
    api_median = statistics.median(sides["API endpoint"][1])
    direct_median = statistics.median(sides["beneficiary_table() direct"][1])
    logged = AccessLog.objects.filter(api_token=token.label).count()
    raw_median = statistics.median(sides["beneficiary_table(rollups=False): every quarter from the raw rows"][1])
    every = set(Centre.objects.values_list("pk", flat=True))
    whole = report.centre_ids is None or len(report.centre_ids) == 1 or every <= set(report.centre_ids)
    unique_note = (
        f"The rollups make the direct call {raw_median / direct_median:.1f}x faster than reading the raw rows. "
        + ("Unique registered persons come from the rollups too (a token over every centre is the national report, or one centre)." if whole else
           f"They give the counts; unique registered persons come from the rollups only for all centres or one centre, and the "
           f"token's {len(report.centre_ids)} centres are a list of ids, so that part still reads every contact of the range "
           "(the bitmask query in `helpdesk/reports/table.py`): most of the time left.")
    )
    markdown = f"""## API: beneficiary table at {args.contacts:,} contacts (`bench/bench_api.py`, {engine})

6 centres, {args.contacts // 5:,} people, {args.contacts:,} contacts over 2019-2024 (1 in 10 anonymous), {args.contacts // 50:,}
activities with head counts, generated with `INSERT ... SELECT generate_series` ({built:.0f} s including migrate; a second run reuses the data), then the
report rollups rebuilt as `manage.py rebuild_rollups` does ({rebuilt:.0f} s; 2019-2024 are closed quarters). Six years by quarter (24 periods), every centre of the token. {args.rounds} interleaved rounds (order alternating);
one warm-up call of each side first. All sides give the same grand total.

| side | median | p95 |
|---|---|---|
{chr(10).join(rows)}

API overhead over the direct call: {(api_median - direct_median) * 1000:+.0f} ms at the median ({api_median / direct_median:.2f}x):
token lookup, the access-log row, the token's centres ({logged} rows written), pydantic validation and JSON. The time is the table's
own queries; at this load a difference of a second or two between the sides is within the noise (rounds of the
same side differ by more). Load average (1 min) after each round: {", ".join(f"{x:.1f}" for x in loads)} on a 2-core machine shared
with other engineers' tests: absolute figures are noisy and slower than on an idle machine; the ratio is the useful figure.
With few rounds p95 is the slowest round.

{unique_note}

Earlier: 16.9 s (API endpoint, median) on 2026-11-30 at load 12.8-18, before this benchmark built the rollups (every quarter
from the raw rows, on the code of that time).
"""
    write_section("api", markdown)
    print(markdown)


if __name__ == "__main__":
    main()
