"""Benchmarks. Each module measures one thing and writes its own section of BENCHMARKS.md.

Run all: `make bench` (or `.venv/bin/python -m bench`); one: `.venv/bin/python -m bench.<module>`.
"""
from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

BENCHMARKS_MD = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
HEADER = "# Benchmarks\n\nFigures written by `bench/` (`make bench`). Tests never assert wall-clock times; these are measured.\n"


def setup_django(database_url: str | None = None) -> None:
    """Configure Django for a benchmark script (DEBUG on, optional DATABASE_URL)."""
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


OUT = Path(__file__).resolve().parent / "out"  # cached benchmark databases (git-ignored)


def database(name: str, postgres: bool) -> tuple[str, str]:
    """Return (DATABASE_URL, engine label) for a benchmark's own database, creating the PostgreSQL one if needed."""
    OUT.mkdir(exist_ok=True)
    if not postgres:
        return f"sqlite:///{OUT / (name + '.sqlite3')}", "SQLite"
    db = f"mch_bench_{name}"
    os.system(
        f"psql -h 127.0.0.1 -U postgres -qtc \"SELECT 1 FROM pg_database WHERE datname='{db}'\" | grep -q 1"
        f" || createdb -h 127.0.0.1 -U postgres {db}"
    )
    return f"postgres://postgres@127.0.0.1:5432/{db}", "PostgreSQL"


def timed_get(client, url: str, runs: int = 5) -> tuple[float, int]:
    """Return (median ms, queries) of GET url through Django's test client, after one warm-up request."""
    import statistics
    import time

    from django.db import connection, reset_queries

    client.get(url)
    samples = []
    for _ in range(runs):
        reset_queries()
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples), len(connection.queries)


def machine() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}"


def write_section(name: str, markdown: str) -> None:
    """Replace (or add) the section named ``name`` in BENCHMARKS.md, leaving the others alone."""
    text = BENCHMARKS_MD.read_text() if BENCHMARKS_MD.exists() else HEADER
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = f"<!-- bench:{name} -->\n{markdown.strip()}\n\n_Measured {stamp} on {machine()}._\n<!-- /bench:{name} -->"
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS_MD.write_text(text)


def search_url(client, path: str, terms: str) -> str:
    """Post a search as the page's form does and return the address it leads to (``?s=<token>``: terms stay in the session)."""
    return client.post(path, {"q": terms})["Location"]


def logged_in_client(username: str):
    """Return a test client logged in as ``username``, past the second factor as managers and admins are every day."""
    from django.contrib.auth import get_user_model
    from django.http import HttpRequest
    from django.test import Client
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True)
    request = HttpRequest()
    request.session, request.user = client.session, user
    otp_login(request, device)
    request.session.save()
    return client


def interleaved(calls: dict, rounds: int) -> tuple[dict[str, list[float]], list[float]]:
    """Time every call once per round, in a new random order each round; return ms samples per name and the loads seen."""
    import random
    import time

    rng = random.Random(15)
    names = list(calls)
    samples: dict[str, list[float]] = {name: [] for name in names}
    loads = []
    for _ in range(rounds):
        rng.shuffle(names)
        for name in names:
            started = time.perf_counter()
            calls[name]()
            samples[name].append((time.perf_counter() - started) * 1000)
        loads.append(os.getloadavg()[0])
    return samples, loads


def p95(values: list[float]) -> float:
    import statistics

    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def load_note(loads: list[float]) -> str:
    import statistics

    return (f"Load average (1 min) over the rounds: min {min(loads):.1f}, median {statistics.median(loads):.1f}, "
            f"max {max(loads):.1f} on {os.cpu_count()} cores shared with other work, so single figures move by tens "
            "of percent between runs; interleaving spreads that load over every row alike.")
