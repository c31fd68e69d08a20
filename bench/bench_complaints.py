"""Complaint cases at scale: the case list, search, the case page, the PDF, MMK totals and opening cases.

Builds (once, cached) a database with N cases (default 30,000: ten times the
2,950 the six centres handled in two years) with grievances and payments, then
times the pages through Django's test client as a staff member of one centre
and as a manager, the totals selectors, and ``complaint_open`` itself
(sequentially, and from two threads at once on PostgreSQL).

    .venv/bin/python -m bench.bench_complaints [--cases N] [--postgres]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from bench import database, search_url, setup_django, timed_get, write_section


def build(cases: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from complaints.models import Complaint, ComplaintGrievance, Reimbursement
    from helpdesk.demo.centres import CENTRES, MIGRANT_CENTRE_CODES
    from helpdesk.models import Centre, Membership, Person

    call_command("migrate", verbosity=0)
    if Complaint.objects.count() >= cases:
        return
    for data in CENTRES:
        data = dict(data)
        Centre.objects.update_or_create(code=data.pop("code"), defaults=data)
    centres = list(Centre.objects.filter(code__in=MIGRANT_CENTRE_CODES).order_by("code"))
    User = get_user_model()
    users = {}
    for username, role in [("bench_staff", "staff"), ("bench_manager", "manager")]:
        users[role], _ = User.objects.get_or_create(username=username)
        Membership.objects.get_or_create(user=users[role], centre=centres[0], defaults={"role": role})
    rng = random.Random(4)
    start = time.perf_counter()
    people = Person.objects.bulk_create(
        Person(centre=centres[i % 6], name=f"Complainant {i}", gender=rng.choice(["woman", "man"]), birth_year=1975 + i % 30,
               phone=f"+95979{i:07d}") for i in range(cases // 2)
    )
    stages = ["intake", "assessment", "negotiation", "referred", "resolved", "resolved", "closed_unresolved", "withdrawn"]
    batch = 5000
    for offset in range(0, cases, batch):
        rows = []
        for i in range(offset, min(offset + batch, cases)):
            person = people[i % len(people)]
            stage = rng.choice(stages)
            rows.append(Complaint(
                reference=f"{person.centre.code}-B-{i:06d}", centre_id=person.centre_id, complainant=person, stage=stage,
                outcome="reimbursed" if stage == "resolved" else "", referred_to="molip" if stage == "referred" else "",
                assigned_to=users["staff"] if i % 4 == 0 else None, sensitive=i % 10 == 0,
                amount_claimed=Decimal(rng.randrange(200, 3000) * 1000),
                opened_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=i),
                next_follow_up=date(2026, 1, 1) + timedelta(days=rng.randrange(400)),
            ))
        created = Complaint.objects.bulk_create(rows)
        ComplaintGrievance.objects.bulk_create(
            ComplaintGrievance(complaint=c, grievance=g) for c in created
            for g in rng.sample(["overcharged_fees", "underpaid_wages", "documents_withheld", "deceived_about_job"], 2)
        )
        Reimbursement.objects.bulk_create(
            Reimbursement(complaint=c, amount_mmk=Decimal(rng.randrange(50, 900) * 1000), kind="fee_reimbursement",
                          payer="agency", date=date(2024, 1, 1) + timedelta(days=rng.randrange(700)))
            for c in created if c.stage == "resolved" for _ in range(rng.choice([1, 2]))
        )
        print(f"  {offset + len(rows):,} cases ({time.perf_counter() - start:.0f} s)", flush=True)


def timed_call(function, runs: int = 5) -> float:
    function()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        function()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def measure_pages() -> list[tuple[str, str, float, int]]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings

    from complaints.models import Complaint

    settings.DEBUG = True  # to count queries
    case = Complaint.objects.filter(centre__code="HTY", sensitive=False).order_by("pk").first()
    rows = []
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for username in ("bench_staff", "bench_manager"):
            client = Client()
            user = get_user_model().objects.get(username=username)
            client.force_login(user)
            case = Complaint.objects.filter(centre=user.memberships.get().centre, sensitive=False).order_by("pk").first()
            for label, url in [
                ("case list, page 1", "/complaints/"),
                ("case list, page 50", "/complaints/?page=50"),
                ("open cases, overdue follow-up", "/complaints/?stage=open&overdue=on"),
                ("grievance filter", "/complaints/?grievance=documents_withheld"),
                ("search by phone (Burmese digits)", search_url(client, "/complaints/", "၀၉၇၉၀၀၀၀၁၂၃")),
                ("case page", f"/complaints/{case.pk}/"),
                ("case summary PDF", f"/complaints/{case.pk}/summary.pdf"),
            ]:
                ms, queries = timed_get(client, url)
                rows.append((username.removeprefix("bench_"), label, ms, queries))
    return rows


def measure_totals() -> list[tuple[str, float]]:
    from complaints.selectors import agency_complaint_summary, recovered_total, recovered_totals

    return [
        ("`recovered_totals(by=\"centre\")`", timed_call(lambda: recovered_totals(by="centre"))),
        ("`recovered_totals(by=\"quarter\")`", timed_call(lambda: recovered_totals(by="quarter"))),
        ("`recovered_totals(by=\"case\")`", timed_call(lambda: recovered_totals(by="case"))),
        ("`recovered_total()` one year", timed_call(lambda: recovered_total(start=date(2024, 1, 1), end=date(2024, 12, 31)))),
        ("`agency_complaint_summary`", timed_call(lambda: agency_complaint_summary(1))),
    ]


def measure_opening(postgres: bool) -> list[tuple[str, str]]:
    from django.db import connection

    from complaints.services import complaint_open
    from helpdesk.models import Centre, Person

    centre = Centre.objects.get(code="NDG")
    person = Person.objects.filter(centre=centre).first()
    n = 100
    t = time.perf_counter()
    for _ in range(n):
        complaint_open(centre=centre, complainant=person, opened_by=None, grievances=["overcharged_fees"])
    rows = [("one after another", f"{(time.perf_counter() - t) * 1000 / n:.1f} ms per case ({n} cases)")]
    if postgres:
        errors: list[BaseException] = []
        barrier = threading.Barrier(2)

        def intake():
            try:
                barrier.wait()
                for _ in range(n):
                    complaint_open(centre=centre, complainant=person, opened_by=None, grievances=["underpaid_wages"])
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=intake) for _ in range(2)]
        t = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - t
        from complaints.models import Complaint

        year = str(date.today().year)
        refs = list(Complaint.objects.filter(centre=centre, reference__contains=f"-{year}-").values_list("reference", flat=True))
        rows.append(("two threads at once, same centre",
                     f"{elapsed * 1000 / (2 * n):.1f} ms per case; {len(refs)} references, {len(set(refs))} distinct, errors: {len(errors)}"))
    return rows


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=30_000)
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL on 127.0.0.1:5432 instead of SQLite")
    args = parser.parse_args(argv)
    url, engine = database("complaints", args.postgres)
    setup_django(url)
    build(args.cases)
    pages, totals, opening = measure_pages(), measure_totals(), measure_opening(args.postgres)
    page_table = "\n".join(f"| {who} | {label} | {ms:.1f} | {q} |" for who, label, ms, q in pages)
    totals_table = "\n".join(f"| {label} | {ms:.1f} |" for label, ms in totals)
    opening_table = "\n".join(f"| {label} | {figure} |" for label, figure in opening)
    markdown = (
        f"## Complaint cases ({engine}, {args.cases:,} cases)\n\n"
        "`bench/bench_complaints.py`: median of 5 requests through Django's test client after one warm-up. "
        "`staff` and `manager` belong to one centre (a sixth of the cases; the manager also sees its sensitive ones).\n\n"
        "| user | page | median ms | queries |\n|---|---|---|---|\n" + page_table
        + "\n\n| MMK totals (all centres, summed in the database) | median ms |\n|---|---|\n" + totals_table
        + "\n\n| `complaint_open` (reference counter row locked, contact logged) | figure |\n|---|---|\n" + opening_table
    )
    write_section(f"complaints-{engine.lower()}", markdown)
    print(markdown)


if __name__ == "__main__":
    main(sys.argv[1:])
