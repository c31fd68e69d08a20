"""The people list with shared records: does "held here or shared with us" cost the list anything?

One PostgreSQL database (``mch_bench_shares``, cached): 300,000 people over six centres, plus a small
centre of 1,000 people who are the *oldest* records (the worst case for a list ordered newest first:
an index scan of the whole table finds them last), and 200 records of the big centres shared with each of
the two measured centres. For a staff member of a big centre and one of the small centre, three ways of
scoping the people list are timed in the same interleaved rounds (the first page of 50 and the capped
count, as the page runs them, database and ORM time):

- ``before``: ``centre_id IN (...)`` alone, the query before sharing existed (the baseline);
- ``shipped``: ``helpdesk.selectors.people_for_user`` (the shared ids read first and ORed as a list);
- ``subquery``: ``centre_id IN (...) OR id IN (SELECT person_id FROM personshare ...)``, the first design.

Then the real page ``/people/`` through Django's test client for both users.

    .venv/bin/python -m bench.bench_shares            # 30 rounds
    .venv/bin/python -m bench.bench_shares --rounds 60
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time

from bench import interleaved, logged_in_client, setup_django, write_section

DB = "mch_bench_shares"
PEOPLE, SMALL, SHARED = 300_000, 1_000, 200


def _psql(sql: str, db: str = "postgres") -> str:
    done = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-qAt", "-v", "ON_ERROR_STOP=1"],
                          input=sql, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr)
    return done.stdout.strip()


def build() -> None:
    """Migrate and fill the database once (kept between runs)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from helpdesk.models import Centre, Membership

    if _psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB}'") == "1":
        if _psql("SELECT count(*) FROM helpdesk_personshare", DB) == str(2 * SHARED):
            return
        _psql(f"DROP DATABASE {DB}")
    _psql(f"CREATE DATABASE {DB}")
    call_command("migrate", verbosity=0)
    big = [Centre.objects.create(code=f"BIG{i}", name=f"Big centre {i}") for i in range(6)]
    small = Centre.objects.create(code="SMALL", name="Small centre")
    for username, centre in (("bench_big", big[0]), ("bench_small", small)):
        user = get_user_model().objects.create(username=username)
        Membership.objects.create(user=user, centre=centre, role="staff")
    ids = ",".join(str(c.pk) for c in big)
    _psql(f"""
    INSERT INTO helpdesk_person (card_number, name, gender, phone, nrc, nrc_key, passport_number, passport_key,
        origin_township, origin_region, migration_status, destination_country, consent_record, consent_share,
        created_at, centre_id)
    SELECT '', 'Small ' || g, 'woman', '', '', '', '', '', '', '', '', '', true, false,
        TIMESTAMPTZ '2018-01-01' + g * INTERVAL '1 minute', {small.pk}
    FROM generate_series(1, {SMALL}) g;
    INSERT INTO helpdesk_person (card_number, name, gender, phone, nrc, nrc_key, passport_number, passport_key,
        origin_township, origin_region, migration_status, destination_country, consent_record, consent_share,
        created_at, centre_id)
    SELECT '', 'Person ' || g, 'woman', '', '', '', '', '', '', '', '', '', true, false,
        TIMESTAMPTZ '2019-01-01' + g * INTERVAL '10 minutes', (ARRAY[{ids}])[1 + g % 6]
    FROM generate_series(1, {PEOPLE}) g;
    INSERT INTO helpdesk_personshare (person_id, centre_id, granted_at)
    SELECT p.id, c.id, now() FROM helpdesk_centre c
    CROSS JOIN LATERAL (SELECT id FROM helpdesk_person WHERE centre_id <> c.id AND centre_id <> {small.pk}
                        ORDER BY hashint4((id + c.id)::int) LIMIT {SHARED}) p
    WHERE c.id IN ({big[0].pk}, {small.pk});
    VACUUM ANALYZE;
    """, DB)


def variants(user) -> dict:
    from django.db.models import Q
    from django.http import QueryDict

    from helpdesk import selectors
    from helpdesk.models import Person, PersonShare
    from helpdesk.pagination import KeysetPage, capped_counts

    ids = selectors.user_centre_ids(user)
    base = Person.objects.select_related("centre")

    def page(people) -> None:
        list(KeysetPage(people, QueryDict()))
        capped_counts({"people": people})

    subquery = PersonShare.objects.active().filter(centre_id__in=ids).values("person_id")
    return {
        "before": lambda: page(base.filter(centre_id__in=ids)),
        "shipped": lambda: page(selectors.people_for_user(user)),
        "subquery": lambda: page(base.filter(Q(centre_id__in=ids) | Q(pk__in=subquery))),
    }


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    setup_django(f"postgres://postgres@127.0.0.1:5432/{DB}")
    from django.contrib.auth import get_user_model
    from django.test.utils import override_settings

    started = time.perf_counter()
    build()
    print(f"  database ready in {time.perf_counter() - started:.0f} s", flush=True)
    users = {name: get_user_model().objects.get(username=f"bench_{name}") for name in ("big", "small")}
    calls = {}
    for name, user in users.items():
        for variant, call in variants(user).items():
            calls[(name, variant)] = call
    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
        clients = {name: logged_in_client(user.username) for name, user in users.items()}
        for name, client in clients.items():
            calls[(name, "page /people/")] = lambda client=client: client.get("/people/")
        for call in calls.values():  # warm-up
            call()
        samples, loads = interleaved(calls, args.rounds)
    who = {"big": "staff of a big centre (50,000 people)", "small": f"staff of a small centre ({SMALL:,} oldest people)"}
    lines = ["| user | scope | median ms | p95 ms | p95 / before |", "|---|---|---|---|---|"]
    for (name, variant), values in sorted(samples.items(), key=lambda kv: (kv[0][0], kv[0][1] != "before", kv[0][1])):
        ratio = "" if variant == "page /people/" else f"{p95(values) / p95(samples[(name, 'before')]):.2f}"
        lines.append(f"| {who[name]} | {variant} | {statistics.median(values):.2f} | {p95(values):.2f} | {ratio} |")
    write_section("shares", "\n".join([
        "## People list with shared records (PostgreSQL, `bench/bench_shares.py`)",
        "",
        f"{PEOPLE:,} people over six centres plus a small centre of {SMALL:,} (the oldest records), {SHARED} records "
        "shared with each measured centre. First page of 50 and the capped count as the list runs them (ORM and "
        "database); `before` is the query without sharing (baseline), `shipped` is `people_for_user`, `subquery` the "
        f"first design (`id IN (SELECT ...)`). {args.rounds} interleaved rounds, random order, load average "
        f"{min(loads):.1f}-{max(loads):.1f} (median {statistics.median(loads):.1f}).",
        "",
        *lines,
    ]))
    print(open(os.path.join(os.path.dirname(__file__), "..", "BENCHMARKS.md")).read().split("<!-- bench:shares -->")[1][:3000])


if __name__ == "__main__":
    main()
