"""CPU time per request of the Telegram webhook and the bare view, in one process, through Django's WSGI handler.

Run by ``bench.bench_webhooks`` in a child process with the server's environment (its
settings and database); prints one JSON object. Each request is timed with
``time.thread_time`` (CPU of this thread only: what a gunicorn worker spends, without
the time it waits for PostgreSQL or for a core), which the shared machine's load
disturbs far less than requests per second. Rounds interleave the two sides.

    python -m bench.webhooks_cpu ROUNDS REQUESTS RUN
"""
from __future__ import annotations

import io
import json
import sys
import time


def main(rounds: int, requests: int, run: int) -> dict:
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    from bench.bench_webhooks import SECRET, telegram_update

    app = get_wsgi_application()

    def call(path: str, body: bytes) -> tuple[float, float]:
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json",
            "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": SECRET, "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }
        status = []
        cpu, wall = time.thread_time(), time.perf_counter()
        answer = app(environ, lambda s, headers, exc_info=None: status.append(s))
        b"".join(answer)
        answer.close()
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}: {status[0]}")
        return cpu, wall

    sides: dict[str, list[tuple[float, float]]] = {"bare": [], "bare_stateless": [], "webhook": [], "replay": []}
    bare_paths = {"bare": "/bench/bare/", "bare_stateless": "/bench/bare-stateless/"}
    for n in range(50):  # warm up every path (the store's SQL is compiled once per process)
        call("/bench/bare/", b"{}")
        call("/bench/bare-stateless/", b"{}")
        call("/bots/telegram/", telegram_update(n, run))
    for round_ in range(rounds):
        order = ["bare", "bare_stateless", "webhook"]
        for side in order if round_ % 2 == 0 else reversed(order):
            for n in range(requests):
                if side in bare_paths:
                    sides[side].append(call(bare_paths[side], b"{}"))
                else:
                    sides[side].append(call("/bots/telegram/", telegram_update(n, run + 1 + round_)))
    for n in range(requests):
        sides["replay"].append(call("/bots/telegram/", telegram_update(n, run + 1)))
    return {side: {"cpu": [c for c, _w in samples], "wall": [w for _c, w in samples]} for side, samples in sides.items()}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))))
