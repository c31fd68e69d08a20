"""Complaint cases at scale: the case list, search, the case page, the PDF, MMK totals and opening cases.

Builds (once, cached) a database with N cases (default 30,000: ten times the
2,950 the six centres handled in two years) spread like the seed's: 70% name one
of 500 agencies, 1-2 of the eight grievances, abuse cases sensitive, payments on
resolved cases. Then times the pages through Django's test client as a staff
member of one centre and as a manager, and the totals selectors, every page and
selector once per round in a new random order (median and p95 over the rounds,
with the load), and ``complaint_open`` itself (sequentially, and from two threads
at once on PostgreSQL). The case list at 10,000 to 1,000,000 cases is in
``bench_lists``.

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

from bench import database, interleaved, load_note, logged_in_client, p95, search_url, setup_django, write_section


def build(cases: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from agencies.models import Agency
    from complaints.models import Complaint, ComplaintGrievance, Reimbursement
    from helpdesk.demo.centres import CENTRES, MIGRANT_CENTRE_CODES
    from helpdesk.models import Centre, Membership, Person

    call_command("migrate", verbosity=0)
    if Complaint.objects.count() >= cases and Complaint.objects.exclude(agency=None).exists():
        return
    Reimbursement.objects.all().delete()
    ComplaintGrievance.objects.all().delete()
    Complaint.objects.all().delete()
    Person.objects.all().delete()
    if Agency.objects.count() < 500:
        Agency.objects.bulk_create(
            Agency(licence_number=f"{n}/{2012 + n % 13}", name_en=f"Bench Agency {n} Overseas Employment Co., Ltd.",
                   status="licensed") for n in range(1, 501)
        )
    agencies = list(Agency.objects.values_list("pk", flat=True))
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
    grievances = ["overcharged_fees", "deceived_about_job", "underpaid_wages", "unfair_dismissal", "documents_withheld",
                  "physical_abuse", "sexual_abuse", "trafficking"]
    batch = 5000
    for offset in range(0, cases, batch):
        rows, raised = [], []
        for i in range(offset, min(offset + batch, cases)):
            person = people[i % len(people)]
            stage = rng.choice(stages)
            raised.append(rng.sample(grievances, rng.choice([1, 1, 2])))  # as the seed: one or two
            rows.append(Complaint(
                reference=f"{person.centre.code}-B-{i:06d}", centre_id=person.centre_id, complainant=person, stage=stage,
                outcome="reimbursed" if stage == "resolved" else "", referred_to="molip" if stage == "referred" else "",
                assigned_to=users["staff"] if i % 4 == 0 else None,
                sensitive=bool({"physical_abuse", "sexual_abuse", "trafficking"} & set(raised[-1])),
                agency_id=rng.choice(agencies) if rng.random() < 0.7 else None,
                amount_claimed=Decimal(rng.randrange(200, 3000) * 1000),
                opened_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=i),
                next_follow_up=date(2026, 1, 1) + timedelta(days=rng.randrange(400)),
            ))
        created = Complaint.objects.bulk_create(rows)
        ComplaintGrievance.objects.bulk_create(
            ComplaintGrievance(complaint=c, grievance=g) for c, gs in zip(created, raised, strict=True) for g in gs
        )
        Reimbursement.objects.bulk_create(
            Reimbursement(complaint=c, amount_mmk=Decimal(rng.randrange(50, 900) * 1000), kind="fee_reimbursement",
                          payer="agency", date=date(2024, 1, 1) + timedelta(days=rng.randrange(700)))
            for c in created if c.stage == "resolved" for _ in range(rng.choice([1, 2]))
        )
        print(f"  {offset + len(rows):,} cases ({time.perf_counter() - start:.0f} s)", flush=True)


def measure(rounds: int) -> tuple[list[tuple[str, str, list[float], int]], list[tuple[str, list[float]]], list[float]]:
    """Pages for both users and the totals selectors, interleaved in rounds; return samples, and the loads seen."""
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test.utils import override_settings

    from complaints.models import Complaint
    from complaints.selectors import agency_complaint_summary, recovered_total, recovered_totals

    settings.DEBUG = True  # to count queries
    common_agency = Complaint.objects.exclude(agency=None).values_list("agency_id", flat=True).first()
    calls, queries = {}, {}
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for username in ("bench_staff", "bench_manager"):
            client = logged_in_client(username)
            from django.contrib.auth import get_user_model

            user = get_user_model().objects.get(username=username)
            case = Complaint.objects.filter(centre=user.memberships.get().centre, sensitive=False).order_by("pk").first()
            for label, url in [
                ("case list, first page", "/complaints/"),
                ("case list, agency filter", f"/complaints/?agency={common_agency}"),
                ("open cases, overdue follow-up", "/complaints/?stage=open&overdue=on"),
                ("grievance filter", "/complaints/?grievance=documents_withheld"),
                ("search by phone (Burmese digits)", search_url(client, "/complaints/", "၀၉၇၉၀၀၀၀၁၂၃")),
                ("case page", f"/complaints/{case.pk}/"),
                ("case summary PDF", f"/complaints/{case.pk}/summary.pdf"),
            ]:
                def get(client=client, url=url):
                    response = client.get(url)
                    assert response.status_code == 200, (url, response.status_code)

                get()  # warm-up, and the query count
                reset_queries()
                get()
                who = username.removeprefix("bench_")
                queries[(who, label)] = len(connection.queries)
                calls[(who, label)] = get
        totals = {
            "`recovered_totals(by=\"centre\")`": lambda: recovered_totals(by="centre"),
            "`recovered_totals(by=\"quarter\")`": lambda: recovered_totals(by="quarter"),
            "`recovered_totals(by=\"case\")`": lambda: recovered_totals(by="case"),
            "`recovered_total()` one year": lambda: recovered_total(start=date(2024, 1, 1), end=date(2024, 12, 31)),
            "`agency_complaint_summary`": lambda: agency_complaint_summary(common_agency),
        }
        settings.DEBUG = False
        samples, loads = interleaved({**calls, **totals}, rounds)
    pages = [(who, label, samples[(who, label)], queries[(who, label)]) for who, label in calls]
    return pages, [(label, samples[label]) for label in totals], loads


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
    parser.add_argument("--rounds", type=int, default=15)
    args, _unknown = parser.parse_known_args(argv)
    url, engine = database("complaints", args.postgres)
    setup_django(url)
    build(args.cases)
    pages, totals, loads = measure(args.rounds)
    opening = measure_opening(args.postgres)
    page_table = "\n".join(
        f"| {who} | {label} | {statistics.median(ms):.1f} | {p95(ms):.1f} | {q} |" for who, label, ms, q in pages)
    totals_table = "\n".join(f"| {label} | {statistics.median(ms):.1f} | {p95(ms):.1f} |" for label, ms in totals)
    opening_table = "\n".join(f"| {label} | {figure} |" for label, figure in opening)
    markdown = (
        f"## Complaint cases ({engine}, {args.cases:,} cases)\n\n"
        f"`bench/bench_complaints.py`: {args.rounds} rounds through Django's test client after one warm-up; each round "
        "requests every page and calls every selector once, in a new random order. Cases like the seed's: 70% name one "
        "of 500 agencies, 1-2 of the eight grievances, abuse cases sensitive. "
        "`staff` and `manager` belong to one centre (a sixth of the cases; the manager also sees its sensitive ones).\n\n"
        "| user | page | median ms | p95 ms | queries |\n|---|---|---|---|---|\n" + page_table
        + "\n\n| MMK totals (all centres, summed in the database) | median ms | p95 ms |\n|---|---|---|\n" + totals_table
        + "\n\n" + load_note(loads)
        + "\n\n| `complaint_open` (reference counter row locked, contact logged) | figure |\n|---|---|\n" + opening_table
    )
    write_section(f"complaints-{engine.lower()}", markdown)
    print(markdown)


if __name__ == "__main__":
    main(sys.argv[1:])
