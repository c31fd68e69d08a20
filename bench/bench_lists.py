"""Staff lists at national scale: contact list, person search, dashboard, person profile.

Builds (once, cached) a database with 1 million contacts and 200,000 people
over the six centres, then times each page through Django's test client as a
staff user of the biggest centre and as an admin (all centres).

    .venv/bin/python -m bench.bench_lists [--contacts N] [--postgres]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta

from bench import database, search_url, setup_django, timed_get, write_section


def build(contacts: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from helpdesk.demo.centres import CENTRES, MIGRANT_CENTRE_CODES
    from helpdesk.models import Centre, Contact, ContactTopic, Membership, Person

    call_command("migrate", verbosity=0)
    if Contact.objects.count() >= contacts:
        return
    Contact.objects.all().delete()
    for data in CENTRES:
        data = dict(data)
        Centre.objects.update_or_create(code=data.pop("code"), defaults=data)
    centres = list(Centre.objects.filter(code__in=MIGRANT_CENTRE_CODES).order_by("code"))
    User = get_user_model()
    for username, role, centre in [("bench_staff", "staff", centres[0]), ("bench_admin", "admin", centres[0])]:
        user, _ = User.objects.get_or_create(username=username)
        Membership.objects.get_or_create(user=user, centre=centre, defaults={"role": role})
    rng = random.Random(1)
    n_people = contacts // 5
    batch = 20_000
    start = time.perf_counter()
    for offset in range(0, n_people, batch):
        Person.objects.bulk_create(
            Person(centre=centres[i % 6], name=f"Person {i}", gender=rng.choice(["woman", "man"]),
                   birth_year=1970 + i % 35, phone=f"+95976{i:07d}", card_number=f"B{i}")
            for i in range(offset, min(offset + batch, n_people))
        )
    first_person = Person.objects.order_by("pk").values_list("pk", flat=True).first()
    day0 = date(2019, 1, 1)
    for offset in range(0, contacts, batch):
        rows = []
        for _ in range(offset, min(offset + batch, contacts)):
            person_index = rng.randrange(n_people)
            rows.append(Contact(
                centre_id=centres[person_index % 6].pk, person_id=first_person + person_index,
                date=day0 + timedelta(days=rng.randrange(2500)), service=rng.choice(["drop_in", "helpline", "complaint"]),
                channel="walk_in", gender=rng.choice(["woman", "man"]),
            ))
        created = Contact.objects.bulk_create(rows)
        ContactTopic.objects.bulk_create(ContactTopic(contact=c, topic="jobs") for c in created if c.pk and c.pk % 3 == 0)
        print(f"  {offset + len(rows):,} contacts ({time.perf_counter() - start:.0f} s)", flush=True)


def measure() -> list[tuple[str, str, float, int]]:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    from helpdesk.models import Person

    settings.DEBUG = True  # to count queries
    person = Person.objects.filter(centre__code="HTY").order_by("pk").first()
    rows = []
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for username in ("bench_staff", "bench_admin"):
            client = Client()
            from django.contrib.auth import get_user_model

            client.force_login(get_user_model().objects.get(username=username))
            for label, url in [
                ("dashboard (this quarter)", "/"),
                ("contact list, page 1", "/contacts/"),
                ("contact list, page 500", "/contacts/?page=500"),
                ("person list, page 1", "/people/"),
                ("person search by phone (Burmese digits)", search_url(client, "/people/", "၀၉ ၇၆၀ ၀၁၂ ၃၄၅")),
                ("person search by name", search_url(client, "/people/", "Person 12345")),
                ("person profile", f"/people/{person.pk}/") if username == "bench_admin" else ("", ""),
            ]:
                if label:
                    ms, queries = timed_get(client, url)
                    rows.append((username.removeprefix("bench_"), label, ms, queries))
    return rows


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL on 127.0.0.1:5432 instead of SQLite")
    args = parser.parse_args(argv)
    url, engine = database("lists", args.postgres)
    setup_django(url)
    build(args.contacts)
    rows = measure()
    table = "\n".join(f"| {who} | {label} | {ms:.1f} | {q} |" for who, label, ms, q in rows)
    write_section(
        f"lists-{engine.lower()}",
        f"## Staff lists at national scale ({engine}, {args.contacts:,} contacts, {args.contacts // 5:,} people)\n\n"
        "`bench/bench_lists.py`: median of 5 requests through Django's test client (no network), after one warm-up.\n"
        "`staff` sees one centre (about a sixth of the rows), `admin` all six.\n\n"
        "| user | page | median ms | queries |\n|---|---|---|---|\n" + table,
    )
    print(table)


if __name__ == "__main__":
    main(sys.argv[1:])
