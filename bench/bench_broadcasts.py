"""Webhook-to-send latency of live replies while a 10,000-recipient broadcast is sending.

Next to bench_webhooks' latency phases (it reuses their server, worker and timing helpers):
gunicorn and ``--reply-workers`` ``db_worker --queue-name replies`` processes against a
fake Telegram Bot API on 127.0.0.1 that takes ``--api-delay`` ms per call (Telegram's own
round trip). In interleaved rounds, one new chat's "hi" every 0.25 s is timed from the
webhook POST to its welcome reaching the fake API: once with nothing else running, once
while a broadcast to 10,000 Telegram subscribers is sending on the same queue (its batches
have a lower priority). Between rounds the broadcast is closed (its remaining batches find
nothing to do) and the next round starts a new one. Also reported: the broadcast's sending
rate during its phases (Telegram's limit is about 30 a second per bot; batches keep it at 25).

    .venv/bin/python -m bench.bench_broadcasts [--rounds 3] [--samples 60] [--recipients 10000] [--postgres]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from bench import write_section
from bench.bench_webhooks import (
    ROOT,
    SECRET,
    free_port,
    latencies,
    prepare_database,
    server_env,
    start_gunicorn,
    start_worker,
    stop,
)

PG_URL = "postgres://postgres@127.0.0.1:5432/mch_bench_broadcasts"
BROADCAST_CHAT = 50_000_000  # the subscribers' chat ids; live chats are far from them


class SlowTelegram:
    """sendMessage on 127.0.0.1 that answers after ``delay`` s; counts broadcast sends, times live replies."""

    def __init__(self, delay: float):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.arrived: dict[str, float] = {}
        self.broadcast_sends = 0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                time.sleep(delay)
                chat = int(body.get("chat_id") or 0)
                with fake.lock:
                    if BROADCAST_CHAT <= chat < BROADCAST_CHAT + 10_000_000:
                        fake.broadcast_sends += 1
                    else:
                        fake.arrived.setdefault(str(chat), time.perf_counter())
                answer = json.dumps({"ok": True, "result": {"message_id": 1}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def django_code(env: dict, code: str) -> str:
    return subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True).stdout.strip()


def make_subscribers(env: dict, count: int) -> None:
    django_code(env, (
        "from bots.models import Conversation\nfrom helpdesk.models import Centre\n"
        "centre = Centre.objects.get(code='NDG')\n"
        f"Conversation.objects.bulk_create([Conversation(channel='telegram', external_user_id=str({BROADCAST_CHAT} + i), centre=centre,"
        f" language='my' if i % 3 else 'en') for i in range({count})], batch_size=2000)"
    ))


def start_broadcast(env: dict, round_: int) -> int:
    return int(django_code(env, (
        "from bots.broadcasts.services import broadcast_create, broadcast_start\nfrom helpdesk.models import Centre\n"
        f"b = broadcast_create(title='bench {round_}', text_en='Check the licence before you pay. Pass this on to ten friends.',"
        " text_my='အေဂျင်စီကို ငွေမပေးမီ လိုင်စင်ကို စစ်ဆေးပါ။', channels=['telegram'], centres=Centre.objects.filter(code='NDG'), created_by=None)\n"
        "broadcast_start(broadcast=b, user=None)\nprint(b.pk)"
    )))


def close_broadcast(env: dict, pk: int) -> None:
    """End a round: the broadcast is closed, so its remaining batches find nothing to send."""
    django_code(env, f"from bots.broadcasts.models import Broadcast\nBroadcast.objects.filter(pk={pk}).update(status='done')")


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(0.95 * len(values)) - 1)]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--samples", type=int, default=60, help="live chats per phase")
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--reply-workers", type=int, default=2)
    parser.add_argument("--api-delay", type=float, default=60, help="ms the fake Bot API takes per call")
    parser.add_argument("--postgres", action="store_true", help=f"use {PG_URL} (dropped and re-created)")
    args = parser.parse_args(argv)

    tmp = tempfile.TemporaryDirectory(prefix="mch-bench-broadcasts-")
    if args.postgres:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "DROP DATABASE IF EXISTS mch_bench_broadcasts",
                        "-c", "CREATE DATABASE mch_bench_broadcasts"], check=True)
        database_url, database = PG_URL, "PostgreSQL 15"
    else:
        database_url, database = f"sqlite:///{tmp.name}/bench.sqlite3", "SQLite (WAL)"
    fake = SlowTelegram(args.api_delay / 1000)
    env = server_env(database_url)
    env["TELEGRAM_API_BASE"] = fake.url
    prepare_database(env)
    make_subscribers(env, args.recipients)
    port = free_port()
    server = start_gunicorn(env, port, 2)
    workers = [start_worker(env, "replies") for _ in range(args.reply_workers)]
    url = f"http://127.0.0.1:{port}/bots/telegram/"
    signed = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    phases: dict[str, list] = {"quiet": [], "broadcast": []}
    loads: dict[str, list[float]] = {"quiet": [], "broadcast": []}
    rates: list[float] = []
    chat = 8_000_000
    try:
        latencies(url, fake, chat, 10, signed)  # warm up
        chat += 1000
        for round_ in range(args.rounds):
            order = ["quiet", "broadcast"] if round_ % 2 == 0 else ["broadcast", "quiet"]
            for phase in order:
                if phase == "broadcast":
                    pk = start_broadcast(env, round_)
                    time.sleep(2)  # the first batches are running
                    sends, started = fake.broadcast_sends, time.perf_counter()
                phases[phase] += latencies(url, fake, chat, args.samples, signed)
                loads[phase].append(os.getloadavg()[0])
                chat += 1000
                if phase == "broadcast":
                    rates.append((fake.broadcast_sends - sends) / (time.perf_counter() - started))
                    close_broadcast(env, pk)
                    time.sleep(3)  # the batch running when it closed finishes
    finally:
        for worker in workers:
            stop(worker)
        stop(server)

    quiet, busy = phases["quiet"], phases["broadcast"]
    lines = [
        "## Broadcasts: live replies while a 10,000-recipient broadcast is sending",
        "",
        f"`python -m bench.bench_broadcasts{' --postgres' if args.postgres else ''}`: gunicorn (2 sync workers) and {args.reply_workers} "
        f"`db_worker --queue-name replies --interval 0.2` processes on 127.0.0.1, {database}, DEBUG off; a fake Telegram Bot API that "
        f"takes {args.api_delay:.0f} ms a call. {args.rounds} interleaved rounds; per phase one new chat's \"hi\" every 0.25 s "
        f"({args.samples} per phase), timed from the webhook POST to the welcome reaching the fake API. In a broadcast phase a new "
        f"broadcast to {args.recipients:,} Telegram subscribers is sending on the same queue (batches of 25 at priority -10, "
        "one a second); it is closed at the end of the phase.",
        "",
        "| phase | median s | p95 s | max s | load (1 min) per round |",
        "|---|---:|---:|---:|---|",
        f"| nothing else running (baseline) | {statistics.median(quiet):.2f} | {p95(quiet):.2f} | {max(quiet):.2f} | "
        f"{', '.join(f'{x:.1f}' for x in loads['quiet'])} |",
        f"| a {args.recipients:,}-recipient broadcast sending | {statistics.median(busy):.2f} | {p95(busy):.2f} | {max(busy):.2f} | "
        f"{', '.join(f'{x:.1f}' for x in loads['broadcast'])} |",
        "",
        f"The broadcast sent **{statistics.median(rates):.1f} messages/s** (median of the rounds: "
        f"{', '.join(f'{r:.1f}' for r in rates)}) while live replies were answered; the batches keep it at or under 25 a second. "
        f"Live replies: median {statistics.median(busy) - statistics.median(quiet):+.2f} s against the baseline.",
    ]
    markdown = "\n".join(lines)
    write_section(f"broadcasts-{'postgres' if args.postgres else 'sqlite'}", markdown)
    print(markdown)
    tmp.cleanup()


if __name__ == "__main__":
    main(sys.argv[1:])
