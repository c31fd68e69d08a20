"""Telegram webhook requests per second under gunicorn against a bare Django view; webhook-to-send latency.

Part 1: starts gunicorn on 127.0.0.1 (settings ``bench.webhooks_settings``, DEBUG
off, the database tasks backend as in production) and posts, in interleaved
rounds, signed Telegram updates with unique update_ids and the same number of
requests to a view that does nothing. No worker runs in part 1: it measures what
the request costs (store the event, queue its task).

CPU per request: the same two requests through Django's WSGI handler in one process
(``bench.webhooks_cpu``), each timed with ``time.thread_time``: what a worker spends
on a request, which the shared machine's load disturbs far less than requests/s.

Part 2: starts ``--reply-workers`` ``db_worker --queue-name replies`` processes and
a fake Telegram Bot API on 127.0.0.1, sends one "hi" per new chat every 0.25 s and
times webhook POST -> sendMessage arriving at the fake API; first with nothing
else running, then while one ``db_worker --queue-name imports`` checks (dry run)
a ``--import-rows`` contacts file. Figures: median, p95, machine load.

    .venv/bin/python -m bench.bench_webhooks [--requests 300] [--rounds 5] [--threads 4] [--workers 2] [--postgres]
        [--gunicorn-threads 1] [--throughput-only]

Sections: ``webhooks-<database>-threads<n>`` (throughput and CPU, one per server
configuration) and, without ``--throughput-only``, ``webhooks-latency-<database>``.
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
        SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0",  # plain HTTP on 127.0.0.1 (production sits behind a TLS proxy)
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


def start_gunicorn(env: dict, port: int, workers: int, threads: int = 1) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [gunicorn, "helpdesk.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(threads), "--log-level", "warning"],
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


def cpu_per_request(env: dict, rounds: int, requests: int) -> dict:
    """Run bench.webhooks_cpu in a child with the server's settings and database; its samples by side."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.webhooks_cpu", str(rounds), str(requests), "100"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


class Done(Exception):
    """Part 1 only (``--throughput-only``)."""


class FakeTelegram:
    """The Bot API's sendMessage on 127.0.0.1: records when each chat's first reply arrived."""

    def __init__(self):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.arrived: dict[str, float] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                fake.arrived.setdefault(str(body.get("chat_id")), time.perf_counter())
                answer = json.dumps({"ok": True, "result": {"message_id": 1}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def start_worker(env: dict, queue: str) -> subprocess.Popen:
    python = sys.executable
    return subprocess.Popen(
        [python, "manage.py", "db_worker", "--queue-name", queue, "--interval", "0.2", "--no-reload", "--no-startup-delay"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def latencies(url: str, fake: FakeTelegram, first_chat: int, samples: int, headers: dict) -> list[float]:
    """One new chat per sample, every 0.25 s: seconds from POSTing its "hi" to its welcome reaching the API."""
    sent: dict[str, float] = {}
    with httpx.Client(timeout=30) as http:
        for n in range(samples):
            chat = first_chat + n
            body = json.dumps({
                "update_id": chat, "message": {"message_id": 1, "date": 1764054000, "text": "hi",
                                               "chat": {"id": chat, "type": "private", "first_name": "Bench"},
                                               "from": {"id": chat, "is_bot": False, "first_name": "Bench"}},
            }).encode()
            sent[str(chat)] = time.perf_counter()
            http.post(url, content=body, headers=headers).raise_for_status()
            time.sleep(0.25)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not all(chat in fake.arrived for chat in sent):
        time.sleep(0.1)
    missing = [chat for chat in sent if chat not in fake.arrived]
    if missing:
        raise SystemExit(f"{len(missing)} replies never reached the fake API")
    return [fake.arrived[chat] - started for chat, started in sent.items()]


def queue_import(env: dict, rows: int) -> None:
    """Store a generated contacts file as a check-only (dry run) import on the imports queue."""
    code = (
        "import django, random; django.setup();"
        "from bench.bench_imports import generate;"
        "from helpdesk.imports.jobs import contact_import_queue;"
        f"contact_import_queue(content=generate({rows}, random.Random(7)), filename='bench.csv', user=None, dry_run=True)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def wait_drained(env: dict) -> None:
    """Wait until the replies workers have processed part 1's backlog (every event processed, every reply sent)."""
    code = (
        "import django, time; django.setup();from bots.models import InboundMessage, OutboundMessage;"
        "deadline = time.monotonic() + 600\n"
        "while time.monotonic() < deadline and (InboundMessage.objects.filter(processed_at__isnull=True).exists()"
        " or OutboundMessage.objects.filter(status='pending').exists()): time.sleep(0.5)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def import_state(env: dict) -> str:
    code = (
        "import django; django.setup();from helpdesk.models import ContactImport;"
        "j = ContactImport.objects.latest('pk'); print(j.status, j.rows_done, j.rows_total)"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.strip()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per side per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--gunicorn-threads", type=int, default=1, help="threads per gunicorn worker (gthread above 1)")
    parser.add_argument("--throughput-only", action="store_true", help="skip part 2 (the latency phases)")
    parser.add_argument("--reply-workers", type=int, default=2)
    parser.add_argument("--samples", type=int, default=80, help="latency samples per phase")
    parser.add_argument("--import-rows", type=int, default=200_000)
    parser.add_argument("--postgres", action="store_true", help=f"use {PG_URL} (dropped and re-created)")
    args = parser.parse_args(argv)

    tmp = tempfile.TemporaryDirectory(prefix="mch-bench-webhooks-")
    if args.postgres:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "DROP DATABASE IF EXISTS mch_bench_webhooks", "-c", "CREATE DATABASE mch_bench_webhooks"], check=True)
        database_url, database = PG_URL, "PostgreSQL 15"
    else:
        database_url, database = f"sqlite:///{tmp.name}/bench.sqlite3", "SQLite (WAL)"
    fake = FakeTelegram()
    env = server_env(database_url)
    env["TELEGRAM_API_BASE"] = fake.url
    prepare_database(env)
    port = free_port()
    server = start_gunicorn(env, port, args.workers, args.gunicorn_threads)
    workers: list[subprocess.Popen] = []
    base = f"http://127.0.0.1:{port}"
    signed = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    sides = {"bare": [], "webhook": []}  # per round: (requests/s, latencies)
    loads = []
    try:
        hammer(f"{base}/bench/bare/", [b"{}"] * 40, args.threads, signed)  # warm up both code paths
        hammer(f"{base}/bots/telegram/", [telegram_update(n, 0) for n in range(40)], args.threads, signed)
        for round_ in range(args.rounds):
            order = ["bare", "webhook"] if round_ % 2 == 0 else ["webhook", "bare"]
            for side in order:
                if side == "bare":
                    result = hammer(f"{base}/bench/bare/", [b"{}"] * args.requests, args.threads, signed)
                else:
                    bodies = [telegram_update(n, round_ + 1) for n in range(args.requests)]
                    result = hammer(f"{base}/bots/telegram/", bodies, args.threads, signed)
                if set(result[2]) != {200}:
                    raise SystemExit(f"{side}: unexpected statuses {result[2]}")
                sides[side].append((args.requests / result[0], result[1]))
            loads.append(os.getloadavg()[0])
        replay = hammer(f"{base}/bots/telegram/", [telegram_update(n, 1) for n in range(args.requests)], args.threads, signed)
        cpu = cpu_per_request(env, args.rounds, args.requests)
        cpu_load = os.getloadavg()[0]
        if args.throughput_only:
            raise Done
        # Part 2: the workers drain part 1's backlog first, then the latency phases.
        workers = [start_worker(env, "replies") for _ in range(args.reply_workers)]
        wait_drained(env)
        quiet = latencies(f"{base}/bots/telegram/", fake, 6_000_000, args.samples, signed)
        quiet_load = os.getloadavg()[0]
        queue_import(env, args.import_rows)
        workers.append(start_worker(env, "imports"))
        while not import_state(env).startswith("running"):
            time.sleep(0.5)
        time.sleep(3)
        during = import_state(env)
        busy = latencies(f"{base}/bots/telegram/", fake, 7_000_000, args.samples, signed)
        busy_load = os.getloadavg()[0]
        after = import_state(env)
    except Done:
        pass
    finally:
        for worker in workers:
            stop(worker)
        stop(server)

    def rps(side):
        return statistics.median(r for r, _lat in sides[side])

    def pooled(side):
        return [lat for _r, round_lat in sides[side] for lat in round_lat]

    ratio = rps("webhook") / rps("bare")
    server_kind = (f"{args.workers} sync workers" if args.gunicorn_threads == 1
                   else f"{args.workers} gthread workers x {args.gunicorn_threads} threads")
    flags = (" --postgres" if args.postgres else "") + (f" --gunicorn-threads {args.gunicorn_threads}" if args.gunicorn_threads > 1 else "")
    rows = [
        f"| Telegram webhook, new update (store + queue) | {rps('webhook'):.0f} | {ms(pooled('webhook'), 0.5)} | {ms(pooled('webhook'), 0.95)} |",
        f"| Bare Django view (same server, every middleware) | {rps('bare'):.0f} | {ms(pooled('bare'), 0.5)} | {ms(pooled('bare'), 0.95)} |",
        f"| Telegram webhook, retried update (one round after) | {args.requests / replay[0]:.0f} | {ms(replay[1], 0.5)} | {ms(replay[1], 0.95)} |",
    ]
    config = f"webhooks-{'postgres' if args.postgres else 'sqlite'}-threads{args.gunicorn_threads}"
    lines = [
        f"## Bot webhooks under gunicorn ({database}, {server_kind}): store-only throughput and CPU per request",
        "",
        f"`python -m bench.bench_webhooks{flags} --throughput-only`: gunicorn with {server_kind} on 127.0.0.1, "
        f"{database}, DEBUG off, database tasks backend. The machine is shared and noisy: read the load beside each figure.",
        "",
        f"**Throughput** ({args.rounds} interleaved rounds of {args.requests} requests per side from {args.threads} client threads, "
        "no worker running; requests/s is the median of the rounds, latencies pooled; load (1 min) per round "
        f"{', '.join(f'{load:.1f}' for load in loads)}):",
        "",
        "| endpoint | requests/s | p50 ms | p95 ms |",
        "|---|---:|---:|---:|",
        *rows,
        "",
        f"The webhook serves **{ratio:.2f}x** the bare view's requests/s (goal: at least 0.5x). "
        + STORE[args.postgres] + " The bare view runs every middleware; the webhook, `@stateless`, skips the user and page "
        "middleware (see CPU below).",
        "",
        *cpu_lines(args, cpu, cpu_load),
        "",
        HISTORY.get(config, ""),
    ]
    markdown = "\n".join(lines).rstrip()
    write_section(config, markdown)
    print(markdown)
    if not args.throughput_only:
        status, done, total = (after.split() + ["", "", ""])[:3]
        latency = "\n".join(latency_lines(args, database, quiet, quiet_load, busy, busy_load, during, status, done, total))
        write_section(f"webhooks-latency-{'postgres' if args.postgres else 'sqlite'}", latency)
        print(latency)
    tmp.cleanup()


STORE = {
    True: "A new update is verified, read and stored with one statement and one durable commit: "
          "`WITH inbound AS (INSERT … ON CONFLICT DO NOTHING RETURNING id) INSERT` its task row `… SELECT … FROM inbound`.",
    False: "A new update is verified, read and stored with `INSERT OR IGNORE … RETURNING id` and its task row, in one transaction.",
}
HISTORY = {  # earlier figures of the same configuration, before the current code (BENCHMARKS.md keeps one section each)
    "webhooks-postgres-threads1": "Earlier ratios (same command): before issue 13 0.09-0.12x; two INSERTs in one transaction and "
    "python-telegram-bot's parser: 0.48x on a quiet machine (load 1.0-1.4; 340 vs 709 requests/s), 0.27x at load 8.6-9.5. "
    "This code at load 6.6-6.8: 0.55x and 0.63x. CPU per new update, that code against this one in alternating child processes "
    "(load 4.4-4.7): 2.52 ms (p95 3.31) before, 0.90 ms (p95 1.31) after; a retried update 1.06 ms before, 0.52 ms after.",
    "webhooks-postgres-threads4": "Earlier ratios (same command): two INSERTs in one transaction and python-telegram-bot's parser: 0.35x at load 15-16.",
    "webhooks-sqlite-threads1": "Earlier ratios (same command): two INSERTs in one transaction and python-telegram-bot's parser: 0.13x at load 9.6-10.",
}


def cpu_lines(args, cpu: dict, load: float) -> list[str]:
    def q(side, kind, p):
        values = sorted(cpu[side][kind])
        return values[min(len(values) - 1, int(p * len(values)))] * 1000

    def row(label, side):
        return (f"| {label} | {q(side, 'cpu', 0.5):.2f} | {q(side, 'cpu', 0.95):.2f} | "
                f"{q(side, 'wall', 0.5):.2f} | {q(side, 'wall', 0.95):.2f} |")

    extra = q("webhook", "cpu", 0.5) - q("bare", "cpu", 0.5)
    skipped = q("bare", "cpu", 0.5) - q("bare_stateless", "cpu", 0.5)
    return [
        f"**CPU per request** (`bench/webhooks_cpu.py`: one process, Django's WSGI handler without HTTP, same settings and database; "
        f"`time.thread_time` per request, {args.rounds} interleaved rounds of {args.requests} per side; load {load:.1f} at the end):",
        "",
        "| endpoint | CPU p50 ms | CPU p95 ms | wall p50 ms | wall p95 ms |",
        "|---|---:|---:|---:|---:|",
        row("Telegram webhook, new update", "webhook"),
        row("Bare Django view (every middleware)", "bare"),
        row("Bare Django view marked `@stateless` (the webhook's middleware)", "bare_stateless"),
        row("Telegram webhook, retried update", "replay"),
        "",
        f"A new update costs {extra:.2f} ms of CPU more than the bare view (median), {extra + skipped:.2f} ms more than a bare "
        f"`@stateless` view: reading, cleaning and the statement. The webhook is `@stateless` (`helpdesk/stateless.py`): it skips "
        f"the user and page middleware, {skipped:.2f} ms of the bare view's CPU. The wall time adds the wait for the commit, "
        "which a gunicorn worker spends idle. Under gunicorn each request also pays HTTP parsing and the socket, on both sides; "
        + ("PostgreSQL's own work runs on the same two cores." if args.postgres else
           "on SQLite every request also opens its connection (`CONN_MAX_AGE` is 0 there), most of the CPU above."),
    ]


def latency_lines(args, database, quiet, quiet_load, busy, busy_load, during, status, done, total) -> list[str]:
    return [
        "## Bot webhooks: webhook-to-send latency",
        "",
        f"`python -m bench.bench_webhooks{' --postgres' if args.postgres else ''}`, part 2 ({database}, gunicorn as above): "
        f"**webhook-to-send latency** ({args.reply_workers} `db_worker --queue-name replies --interval 0.2` processes; one new chat's \"hi\" "
        f"every 0.25 s, {args.samples} per phase; from the POST to the welcome reaching a fake Bot API on 127.0.0.1):",
        "",
        "| phase | median s | p95 s | max s | load (1 min) |",
        "|---|---:|---:|---:|---:|",
        f"| nothing else running | {statistics.median(quiet):.2f} | {sorted(quiet)[int(0.95 * len(quiet)) - 1]:.2f} | {max(quiet):.2f} | {quiet_load:.1f} |",
        f"| a {args.import_rows:,}-row contacts check (dry run) running on the imports worker | {statistics.median(busy):.2f} | "
        f"{sorted(busy)[int(0.95 * len(busy)) - 1]:.2f} | {max(busy):.2f} | {busy_load:.1f} |",
        "",
        f"The import was `{during}` (status, rows done, rows) when the phase began and `{status}` at row {done} of {total} when it ended"
        f"{': it ran the whole time' if status == 'running' else ''}. "
        "Before issue 13 one worker ran imports and replies in series: a reply waited 18.6 minutes behind a 200,000-row check.",
    ]


if __name__ == "__main__":
    main(sys.argv[1:])
