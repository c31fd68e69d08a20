"""Staff lists as the data grow: case list, contact list, person list at several sizes, interleaved.

One PostgreSQL database per size (``mch_bench_lists_<size>``, cached), filled with
``INSERT ... SELECT generate_series`` like the seed: 5,000 agencies, six migrant
centres, N cases (70% naming an agency, 1-2 of the eight grievances, abuse cases
sensitive, stages like the seed's endings, about 3% under 18), N contacts over
2019-2026 and N/5 people. Every round requests every page once at every size, sizes
in a new random order each round, so a burst of load on this shared machine falls on
all sizes alike; the figures are median and p95 over the rounds, with the load average.

The goal (issue 15): a page's p95 at the largest size at most 1.5x its p95 at the smallest.
The baseline column is the same request on the previous code's queries at the largest
size (OFFSET paging, full COUNT, counts by stage and alerts over every visible case),
timed in the same rounds as database time only, so it flatters the old code.

    .venv/bin/python -m bench.bench_lists                      # quick: 10,000 and 100,000
    .venv/bin/python -m bench.bench_lists --sizes 10000,300000,1000000 --rounds 30
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time

from bench import logged_in_client, search_url, setup_django, write_section

PG = "postgres://postgres@127.0.0.1:5432/"
SCHEMA_DB = "mch_bench_lists_schema"
AGENCIES = 5000
DEEP_ROWS = 24_950  # "page 500" of 50 rows


def _psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-qAtc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def _db_exists(name: str) -> bool:
    return _psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def _use(name: str) -> None:
    """Point Django's default connection at another database (the next query reconnects)."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def build_schema() -> None:
    """Migrate an empty database once, with centres, users, memberships and the 5,000 agencies (the sizes' template)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from helpdesk.demo.centres import CENTRES, MIGRANT_CENTRE_CODES
    from helpdesk.models import Centre, Membership

    if _db_exists(SCHEMA_DB) and _psql("SELECT count(*) FROM agencies_agency", SCHEMA_DB) == str(AGENCIES):
        return
    if not _db_exists(SCHEMA_DB):
        _psql(f"CREATE DATABASE {SCHEMA_DB}")
    _use(SCHEMA_DB)
    call_command("migrate", verbosity=0)
    for data in CENTRES:
        data = dict(data)
        Centre.objects.update_or_create(code=data.pop("code"), defaults=data)
    centres = list(Centre.objects.filter(code__in=MIGRANT_CENTRE_CODES).order_by("code"))
    User = get_user_model()
    for username, role, centre in [
        ("bench_staff", "staff", centres[0]), ("bench_manager", "manager", centres[0]), ("bench_admin", "admin", centres[0]),
        *[(f"bench_colleague_{c.code.lower()}", "staff", c) for c in centres],
    ]:
        user, _ = User.objects.get_or_create(username=username)
        Membership.objects.get_or_create(user=user, centre=centre, defaults={"role": role})
    _psql(f"""
        INSERT INTO agencies_agency (licence_number, name_en, name_my, address, phones, destination_countries, status,
                                     expiry_date, updated_at)
        SELECT g || '/' || (2012 + g % 13), 'Bench Agency ' || g || ' Overseas Employment Co., Ltd.',
               'ရွှေ ' || g || ' ကုမ္ပဏီလီမိတက်', '', '', 'TH', CASE WHEN g % 10 = 0 THEN 'suspended' ELSE 'licensed' END,
               DATE '2028-01-01', now()
        FROM generate_series(1, {AGENCIES}) g""", SCHEMA_DB)
    from django.db import connection

    connection.close()


def build_size(size: int) -> str:
    """Create (once) the database of ``size`` cases and contacts from the schema database; return its name."""
    name = f"mch_bench_lists_{size}"
    if _db_exists(name) and _psql("SELECT count(*) FROM complaints_complaint", name) == str(size):
        return name
    if _db_exists(name):
        _psql(f"DROP DATABASE {name}")
    _psql(f"CREATE DATABASE {name} TEMPLATE {SCHEMA_DB}")
    people = max(size // 5, 10)
    started = time.perf_counter()
    sql = f"""
    SELECT setseed(0.15);
    CREATE TEMP TABLE c AS SELECT row_number() OVER (ORDER BY code) - 1 AS i, id FROM helpdesk_centre
        WHERE kind = 'migrant_centre';
    CREATE TEMP TABLE u AS SELECT m.centre_id, min(m.user_id) FILTER (WHERE au.username LIKE 'bench_colleague_%') AS colleague,
        min(m.user_id) FILTER (WHERE au.username = 'bench_staff') AS staff
        FROM helpdesk_membership m JOIN auth_user au ON au.id = m.user_id GROUP BY m.centre_id;
    INSERT INTO helpdesk_person (id, card_number, name, gender, birth_year, phone, origin_township, origin_region,
        migration_status, destination_country, consent_record, consent_share, nrc, nrc_key, passport_number,
        passport_key, created_at, centre_id)
    SELECT g, 'B' || g, 'Person ' || g, (ARRAY['woman','man','woman','other'])[1 + g % 4], 1965 + g % 40,
        '+95979' || lpad(g::text, 7, '0'), '', '', 'current', 'TH', true, false, '', '', '', '',
        TIMESTAMPTZ '2019-01-01' + (g::float / {people}) * INTERVAL '2890 days', c.id
    FROM generate_series(1, {people}) g JOIN c ON c.i = g % 6;
    INSERT INTO helpdesk_contact (id, date, service, channel, gender, notes, created_at, centre_id, person_id)
    SELECT g, DATE '2019-01-01' + (random() * 2890)::int, (ARRAY['drop_in','helpline','complaint'])[1 + g % 3],
        (ARRAY['walk_in','phone','viber','telegram'])[1 + g % 4], p.gender, '', now(), p.centre_id, p.id
    FROM generate_series(1, {size}) g JOIN helpdesk_person p ON p.id = 1 + (hashint4(g) & 2147483647) % {people};
    INSERT INTO helpdesk_contacttopic (topic, contact_id) SELECT 'jobs', g FROM generate_series(3, {size}, 3) g;
    CREATE TEMP TABLE k AS SELECT g,
        (ARRAY['intake','assessment','negotiation','referred','resolved','resolved','resolved',
               'closed_unresolved','withdrawn','withdrawn'])[1 + floor(random() * 10)::int] AS stage,
        1 + floor(random() * 8)::int AS g1, 1 + floor(random() * 8)::int AS g2, random() < 0.5 AS two,
        random() AS r, TIMESTAMPTZ '2019-01-01' + (g::float / {size}) * INTERVAL '2890 days' AS opened
    FROM generate_series(1, {size}) g;
    INSERT INTO complaints_complaint (id, reference, channel, employer, destination_country, description, amount_claimed,
        stage, referred_to, referred_detail, outcome, outcome_detail, next_follow_up, sensitive, is_minor, opened_at,
        updated_at, agency_id, assigned_to_id, centre_id, complainant_id)
    SELECT k.g, 'B-' || k.g, 'walk_in', 'Employer ' || (k.g % 300), 'TH', '', 300000 + (k.g % 20) * 100000, k.stage,
        CASE WHEN k.stage = 'referred' THEN 'molip' ELSE '' END, '',
        CASE WHEN k.stage = 'resolved' THEN 'reimbursed' ELSE '' END, '',
        CASE WHEN k.stage IN ('intake','assessment','negotiation','referred')
             THEN (k.opened + INTERVAL '30 days')::date + (k.r * 40)::int END,
        k.g1 IN (6, 7, 8) OR (k.two AND k.g2 IN (6, 7, 8)), k.r < 0.03, k.opened, k.opened,
        CASE WHEN k.r < 0.7 THEN 1 + (hashint4(k.g) & 2147483647) % {AGENCIES} END,
        CASE WHEN k.r < 0.45 THEN u.staff WHEN k.r < 0.9 THEN u.colleague END, p.centre_id, p.id
    FROM k JOIN helpdesk_person p ON p.id = 1 + (k.g - 1) % {people} JOIN u ON u.centre_id = p.centre_id;
    INSERT INTO complaints_complaintgrievance (grievance, complaint_id)
    SELECT (ARRAY['overcharged_fees','deceived_about_job','underpaid_wages','unfair_dismissal','documents_withheld',
                  'physical_abuse','sexual_abuse','trafficking'])[x.n], x.g
    FROM (SELECT g, g1 AS n FROM k UNION SELECT g, g2 FROM k WHERE two) x;
    SELECT setval(pg_get_serial_sequence(t, 'id'), (SELECT coalesce(max(id), 1) FROM helpdesk_person))
        FROM (VALUES ('helpdesk_person')) v(t);
    SELECT setval(pg_get_serial_sequence('helpdesk_contact', 'id'), {size});
    SELECT setval(pg_get_serial_sequence('complaints_complaint', 'id'), {size});
    VACUUM ANALYZE;
    """
    done = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-qAt", "-v", "ON_ERROR_STOP=1"],
                          input=sql, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"building {name} failed: {done.stderr.strip()}")
    print(f"  built {name} in {time.perf_counter() - started:.0f} s", flush=True)
    return name


def pages_for(size: int) -> list[tuple[str, str, str]]:
    """Return (user, page, url) for one database: cursors and search tokens are made in that database."""
    from django.contrib.auth import get_user_model

    from complaints.selectors import complaints_for_user
    from helpdesk.selectors import contacts_for_user, people_for_user

    User = get_user_model()
    staff, admin = User.objects.get(username="bench_staff"), User.objects.get(username="bench_admin")

    def deep(queryset) -> str:
        depth = min(DEEP_ROWS, queryset.count() // 2)
        return _cursor(queryset, queryset[depth])

    common_agency = 1 + (2147483647 & 12345) % AGENCIES
    clients = {}
    pages = []
    for who, user in (("staff", staff), ("admin", admin)):
        clients[who] = logged_in_client(user.username)
        staff_only = [
            (who, "case list, agency filter", f"/complaints/?agency={common_agency}"),
            (who, "case list, grievance filter", "/complaints/?grievance=documents_withheld"),
            (who, "case list, open and overdue", "/complaints/?stage=open&overdue=on"),
            (who, "case search by phone (Burmese digits)", search_url(clients[who], "/complaints/", "၀၉ ၇၉၀ ၀၀၁ ၂၃၄")),
            (who, "contact list, first page", "/contacts/"),
            (who, "person list, first page", "/people/"),
            (who, "person list, deep page (cursor)", f"/people/?after={deep(people_for_user(user))}"),
            (who, "person search by phone (Burmese digits)", search_url(clients[who], "/people/", "၀၉ ၇၉၀ ၀၀၁ ၂၃၄")),
        ]
        pages += [
            (who, "case list, first page", "/complaints/"),
            (who, "case list, page 500 (cursor)", f"/complaints/?after={deep(complaints_for_user(user))}"),
            (who, "contact list, page 500 (cursor)", f"/contacts/?after={deep(contacts_for_user(user))}"),
            *(staff_only if who == "staff" else []),
        ]
    return pages, clients


def _cursor(queryset, row) -> str:
    from helpdesk.pagination import KeysetPage

    page = KeysetPage.__new__(KeysetPage)
    model = queryset.model
    ordering = list(queryset.query.order_by or model._meta.ordering)
    page.keys = [(n.lstrip("-"), n.startswith("-")) for n in ordering]
    page.fields = [model._meta.pk if n == "pk" else model._meta.get_field(n) for n, _d in page.keys]
    from urllib.parse import quote

    return quote(page._cursor(row))


def old_case_list(user, depth: int) -> None:
    """The queries the case list ran before issue 15: full COUNT, OFFSET page, counts by stage and alerts."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from complaints.selectors import complaints_for_user, visible_complaints

    listed = complaints_for_user(user)
    listed.count()
    list(listed[depth:depth + 50])
    visible = visible_complaints(user).open()
    list(visible.order_by().values_list("stage").annotate(n=Count("id")))
    visible.aggregate(
        overdue=Count("id", filter=Q(next_follow_up__lt=timezone.localdate())),
        minors=Count("id", filter=Q(is_minor=True)), unassigned=Count("id", filter=Q(assigned_to=None)),
    )


def measure(sizes: list[int], rounds: int, only: str = "") -> tuple[dict, dict, list]:
    """Return ({(user, page, size): [(wall, app CPU, database) ms per request]}, the baseline's samples, loads)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import override_settings

    samples: dict[tuple, list[tuple[float, float, float]]] = {}
    old: dict[tuple, list[float]] = {}
    setup = {}
    loads = []
    in_database = [0.0]

    def timed(execute, sql, params, many, context):  # wall time of each query: the database's work and the round trip
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_database[0] += time.perf_counter() - started

    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False), connection.execute_wrapper(timed):
        for size in sizes:
            _use(f"mch_bench_lists_{size}")
            pages, clients = pages_for(size)
            pages = [page for page in pages if only in page[1]]
            for who, _label, url in pages:  # warm-up: the database's caches and the index of agencies
                assert clients[who].get(url).status_code == 200, url
            setup[size] = (pages, clients)
        rng = random.Random(15)
        for _ in range(rounds):
            order = sizes[:]
            rng.shuffle(order)
            for size in order:
                _use(f"mch_bench_lists_{size}")
                pages, clients = setup[size]
                for who, label, url in pages:
                    in_database[0] = 0.0
                    started, started_cpu = time.perf_counter(), time.thread_time()
                    response = clients[who].get(url)
                    wall, cpu = time.perf_counter() - started, time.thread_time() - started_cpu
                    samples.setdefault((who, label, size), []).append((wall * 1000, cpu * 1000, in_database[0] * 1000))
                    assert response.status_code == 200, (url, response.status_code)
                for who, depth in (("staff", 0), ("staff", DEEP_ROWS)):
                    if size == max(sizes) and not only:
                        user = get_user_model().objects.get(username=f"bench_{who}")
                        started = time.perf_counter()
                        old_case_list(user, depth)
                        old.setdefault((who, depth), []).append((time.perf_counter() - started) * 1000)
            loads.append(os.getloadavg()[0])
            print(f"  round {len(loads)} of {rounds}, load {loads[-1]:.1f}", flush=True)
    return samples, old, loads


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def report(sizes: list[int], rounds: int, samples: dict, old: dict, loads: list[float], only: str = "") -> str:
    small, large = min(sizes), max(sizes)
    head = " | ".join(f"{s:,}: median / p95 ms" for s in sizes)
    lines = [
        f"| user | page | {head} | p95 ratio {large:,} / {small:,} | goal ≤ 1.5 |",
        "|---|---|" + "---|" * len(sizes) + "---|---|",
    ]
    labels = []
    for (who, label, _size) in samples:
        if (who, label) not in labels:
            labels.append((who, label))
    split = [
        f"| user | page | {' | '.join(f'{s:,}: CPU / database ms' for s in sizes)} | wall median ratio | CPU median ratio "
        "| database median ratio |",
        "|---|---|" + "---|" * len(sizes) + "---|---|---|",
    ]
    for who, label in labels:
        wall = {s: [v[0] for v in samples[(who, label, s)]] for s in sizes}
        cpu = {s: [v[1] for v in samples[(who, label, s)]] for s in sizes}
        db = {s: [v[2] for v in samples[(who, label, s)]] for s in sizes}
        cells = [f"{statistics.median(wall[s]):.1f} / {p95(wall[s]):.1f}" for s in sizes]
        ratio = p95(wall[large]) / p95(wall[small])
        lines.append(f"| {who} | {label} | {' | '.join(cells)} | {ratio:.2f} | {'yes' if ratio <= 1.5 else '**no**'} |")
        split_cells = [f"{statistics.median(cpu[s]):.1f} / {statistics.median(db[s]):.1f}" for s in sizes]
        medians = [statistics.median(v[large]) / statistics.median(v[small]) for v in (wall, cpu, db)]
        split.append(f"| {who} | {label} | {' | '.join(split_cells)} | " + " | ".join(f"{m:.2f}" for m in medians) + " |")
    old_lines = [
        f"| staff | {'first page' if depth == 0 else 'page 500'} | {statistics.median(v):.1f} | {p95(v):.1f} |"
        for (who, depth), v in old.items()
    ]
    baseline = [
        f"Baseline: the queries the case list ran before (full COUNT, OFFSET page, counts by stage and alerts over every "
        f"visible case) at {large:,} cases, database time only, in the same rounds:",
        "",
        "| user | page | median ms | p95 ms |",
        "|---|---|---|---|",
        *old_lines,
        "",
    ] if old_lines else []
    title = f"Only the pages whose label has “{only}”; " if only else ""
    return "\n".join([
        f"## Lists as the data grow (PostgreSQL, `bench/bench_lists.py`{' --only ' + repr(only) if only else ''})",
        "",
        f"Sizes: {', '.join(f'{s:,}' for s in sizes)} cases and as many contacts (people: a fifth), 5,000 agencies, "
        "six centres; cases like the seed's (70% name an agency, 1-2 grievances, abuse cases sensitive, stages of the "
        "seed's endings). `staff` carries cases at one centre (a sixth of the rows), `admin` sees all six (the three main pages only, "
        "to keep rounds short). "
        f"{title}{rounds} rounds; each round requests every page once at every size, sizes in random order; "
        "Django's test client, DEBUG off, no network.",
        "",
        *lines,
        "",
        "Where a request's time goes, medians: CPU is the Django process's own CPU time per request (`time.thread_time`: "
        "middleware, queries' Python side, template), database the wall time of its queries (PostgreSQL's work, the "
        "round trips and, under load, waiting for a core); wall minus both is mostly waiting for a core. A list that grows "
        "with the data shows it in the database column first.",
        "",
        *split,
        "",
        *baseline,
        f"Load average (1 min) over the rounds: min {min(loads):.1f}, median {statistics.median(loads):.1f}, "
        f"max {max(loads):.1f} on {os.cpu_count()} cores shared with other engineers' work: single figures move by "
        "tens of percent between runs; the interleaving spreads that over every size alike.",
    ])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated case counts (default: the quick sizes)")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--only", default="", help='only the pages whose label has this text ("contact list"): more rounds in the time')
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--build-only", action="store_true", help="generate (or keep) the databases, measure nothing")
    args, _unknown = parser.parse_known_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    setup_django(PG + SCHEMA_DB)
    build_schema()
    for size in sizes:
        build_size(size)
    if args.build_only:
        return
    samples, old, loads = measure(sizes, args.rounds, args.only)
    markdown = report(sizes, args.rounds, samples, old, loads, args.only)
    print(markdown)
    if not args.no_write:
        write_section("lists-postgresql" + (f"-{args.only.replace(' ', '-')}" if args.only else ""), markdown)


if __name__ == "__main__":
    main(sys.argv[1:])
