"""Telegram webhook requests per second under gunicorn, against a bare Django view on the same server.

Starts gunicorn on 127.0.0.1 (settings ``bench.webhooks_settings``, DEBUG off,
the database tasks backend as in production), posts signed Telegram updates
with unique update_ids from a few client threads, then the same number of
requests to a view that does nothing, and writes both to BENCHMARKS.md.

    .venv/bin/python -m bench.bench_webhooks [--requests 600] [--threads 4] [--workers 2] [--postgres]
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench import write_section

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/mch_bench_webhooks"
SECRET = "bench-webhook-secret"
TEXTS = ["hi", "1", "menu", "2", "1", "Shwe Myanmar", "menu", "4", "hello"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.webhooks_settings", DEBUG="0", SECRET_KEY="bench-only-secret-key-not-for-production",
        DATABASE_URL=database_url, ALLOWED_HOSTS="127.0.0.1", TELEGRAM_WEBHOOK_SECRET=SECRET,
        TELEGRAM_BOT_TOKEN="1:bench", TELEGRAM_API_BASE="http://127.0.0.1:9", BOT_DEFAULT_CENTRE="NDG",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend", LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT),
    )
    return env


def prepare_database(env: dict) -> None:
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    code = (
        "import django; django.setup();"
        "from helpdesk.models import Centre;"
        "Centre.objects.get_or_create(code='NDG', defaults={'name': 'CTUM North Dagon', 'partner_organisation': 'CTUM',"
        " 'township': 'North Dagon', 'state_region': 'Yangon', 'phone': '09 450 001 234'})"
    )
    subprocess.run([python, "-c", code], cwd=ROOT, env=env, check=True)


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [gunicorn, "helpdesk.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.post(f"http://127.0.0.1:{port}/bench/bare/", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def telegram_update(n: int, run: int) -> bytes:
    chat_id = 900000 + n % 50  # 50 people chatting at once
    update = {
        "update_id": run * 1_000_000 + n,
        "message": {
            "message_id": n, "date": 1764054000, "text": TEXTS[(n // 50) % len(TEXTS)],
            "chat": {"id": chat_id, "type": "private", "first_name": "Bench"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Bench"},
        },
    }
    return json.dumps(update).encode()


def hammer(url: str, bodies: list[bytes], threads: int, headers: dict) -> tuple[float, list[float], dict[int, int]]:
    """POST every body with ``threads`` clients; return (elapsed seconds, latencies, status counts)."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    chunks = [bodies[i::threads] for i in range(threads)]

    def client(chunk):
        with httpx.Client(timeout=30) as http:
            for body in chunk:
                started = time.perf_counter()
                response = http.post(url, content=body, headers=headers)
                took = time.perf_counter() - started
                with lock:
                    latencies.append(took)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    workers = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started, latencies, statuses


def ms(values: list[float], q: float) -> str:
    values = sorted(values)
    return f"{values[min(len(values) - 1, int(q * len(values)))] * 1000:.1f}"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres", action="store_true", help=f"use {PG_URL} (dropped and re-created)")
    args = parser.parse_args(argv)

    tmp = tempfile.TemporaryDirectory(prefix="mch-bench-webhooks-")
    if args.postgres:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "DROP DATABASE IF EXISTS mch_bench_webhooks", "-c", "CREATE DATABASE mch_bench_webhooks"], check=True)
        database_url, database = PG_URL, "PostgreSQL 15"
    else:
        database_url, database = f"sqlite:///{tmp.name}/bench.sqlite3", "SQLite (WAL)"
    env = server_env(database_url)
    prepare_database(env)
    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    try:
        base = f"http://127.0.0.1:{port}"
        signed = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
        hammer(f"{base}/bench/bare/", [b"{}"] * 40, args.threads, signed)  # warm up both code paths
        hammer(f"{base}/bots/telegram/", [telegram_update(n, 0) for n in range(40)], args.threads, signed)
        webhook = hammer(f"{base}/bots/telegram/", [telegram_update(n, 1) for n in range(args.requests)], args.threads, signed)
        replay = hammer(f"{base}/bots/telegram/", [telegram_update(n, 1) for n in range(args.requests)], args.threads, signed)
        bare = hammer(f"{base}/bench/bare/", [b"{}"] * args.requests, args.threads, signed)
    finally:
        stop(server)
    for name, (_elapsed, _lat, statuses) in (("webhook", webhook), ("replay", replay), ("bare", bare)):
        if set(statuses) != {200}:
            raise SystemExit(f"{name}: unexpected statuses {statuses}")

    rows = []
    for name, (elapsed, latencies, _statuses) in (
        ("Telegram webhook, new update (store, converse, queue the reply)", webhook),
        ("Telegram webhook, retried update (answered from store)", replay),
        ("Bare Django view (same server, same middleware)", bare),
    ):
        rows.append(f"| {name} | {args.requests / elapsed:.0f} | {ms(latencies, 0.5)} | {ms(latencies, 0.95)} | {statistics.mean(latencies) * 1000:.1f} |")
    markdown = "\n".join([
        "## Bot webhooks under gunicorn",
        "",
        f"`python -m bench.bench_webhooks{' --postgres' if args.postgres else ''}`: gunicorn with {args.workers} sync workers on 127.0.0.1, "
        f"{database}, DEBUG off, database tasks backend (each reply is a queued task row); {args.requests} requests per row from "
        f"{args.threads} client threads; signed Telegram updates with unique update_ids from 50 chats walking the menus.",
        "",
        "| endpoint | requests/s | p50 ms | p95 ms | mean ms |",
        "|---|---:|---:|---:|---:|",
        *rows,
        "",
        f"A new update costs {webhook[0] / bare[0]:.1f}x the bare view: the difference is the database work "
        "(one insert for the message, the conversation row locked and saved, the reply and its task row, the day's helpline contact on a first message).",
    ])
    write_section(f"webhooks-{'postgres' if args.postgres else 'sqlite'}", markdown)
    print(markdown)
    tmp.cleanup()


if __name__ == "__main__":
    main(sys.argv[1:])
