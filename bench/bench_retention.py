"""apply_retention on PostgreSQL against hand-written SQL doing the same blanking.

Builds conversations (5% waiting for staff, 5% sensitive) each with N inbound and N
outbound messages and one history row, all 400 days old, then in interleaved rounds
restores the texts and runs either ``retention_apply`` (the command's service) or
the baseline: the same four kinds as plain SQL UPDATEs written by hand.

    .venv/bin/python -m bench.bench_retention [--conversations 10000] [--per 10] [--rounds 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from bench import database, setup_django, write_section

RESTORE = [
    "UPDATE bots_inboundmessage SET text = 'story ' || id, payload = jsonb_build_object('update_id', id), response_body = ''",
    "UPDATE bots_outboundmessage SET text = 'reply ' || id",
    "UPDATE bots_conversation SET external_user_id = (100000000 + id)::text, display_name = 'Name ' || id,"
    " last_message_text = 'last', state = '{\"lang\": \"my\", \"step\": \"menu\", \"data\": {}}', subscribed = true",
    "UPDATE bots_historicalconversation SET external_user_id = (100000000 + id)::text, display_name = 'Name ' || id",
]

NEEDED = ("(SELECT c.id FROM bots_conversation c LEFT JOIN bots_conversation_complaints cc ON cc.conversation_id = c.id"
          " LEFT JOIN complaints_complaint k ON k.id = cc.complaint_id"
          " WHERE c.attention <> '' OR k.stage IN ('intake', 'assessment', 'negotiation', 'referred'))")


def baseline_statements(payload_cut: str, cut: str, sensitive_cut: str, id_cut: str, twiml: str) -> list[list[str]]:
    """The four kinds by hand: one list of statements per transaction (transcripts and outbound share a period here)."""
    older = (f"((NOT c.sensitive AND {{f}} < '{cut}') OR (c.sensitive AND {{f}} < '{sensitive_cut}'))")
    return [
        [f"UPDATE bots_inboundmessage SET payload = '{{}}', response_body = CASE WHEN channel IN ('sms', 'voice')"
         f" THEN '{twiml}' ELSE '' END WHERE received_at < '{payload_cut}'"
         f" AND NOT (payload = '{{}}' AND response_body IN ('', '{twiml}'))"],
        [f"UPDATE bots_conversation c SET last_message_text = '', state = '{{}}' WHERE {older.format(f='c.last_message_at')}"
         f" AND c.id NOT IN {NEEDED} AND NOT (c.last_message_text = '' AND c.state = '{{}}')",
         f"UPDATE bots_inboundmessage m SET text = '' FROM bots_conversation c WHERE m.conversation_id = c.id AND m.text <> ''"
         f" AND {older.format(f='m.received_at')} AND c.id NOT IN {NEEDED}",
         f"UPDATE bots_inboundmessage SET text = '' WHERE conversation_id IS NULL AND text <> '' AND received_at < '{cut}'"],
        [f"UPDATE bots_outboundmessage m SET text = '' FROM bots_conversation c WHERE m.conversation_id = c.id AND m.text <> ''"
         f" AND m.status <> 'pending' AND {older.format(f='m.created_at')} AND c.id NOT IN {NEEDED}"],
        [f"UPDATE bots_historicalconversation h SET external_user_id = 'erased:' || h.id, display_name = '' FROM bots_conversation c"
         f" WHERE h.id = c.id AND c.last_message_at < '{id_cut}' AND c.attention = '' AND c.external_user_id NOT LIKE 'erased:%'"
         " AND NOT EXISTS (SELECT 1 FROM bots_conversation_complaints cc WHERE cc.conversation_id = c.id)",
         f"UPDATE bots_conversation c SET external_user_id = 'erased:' || c.id, display_name = '', subscribed = false"
         f" WHERE c.last_message_at < '{id_cut}' AND c.attention = '' AND c.external_user_id NOT LIKE 'erased:%'"
         " AND NOT EXISTS (SELECT 1 FROM bots_conversation_complaints cc WHERE cc.conversation_id = c.id)"],
    ]


def build(conversations: int, per: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--noinput", "-v", "0")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM bots_inboundmessage")
        if cur.fetchone()[0] == conversations * per:
            return
        cur.execute("TRUNCATE bots_inboundmessage, bots_outboundmessage, bots_historicalconversation, bots_conversation CASCADE")
        cur.execute(
            "INSERT INTO bots_conversation (id, channel, external_user_id, display_name, language, zawgyi, state, attention,"
            " attention_since, subscribed, sensitive, last_message_at, last_message_text, created_at)"
            " SELECT g, 'telegram', (100000000 + g)::text, 'Name ' || g, 'my', false, '{}', CASE WHEN g %% 20 = 0 THEN 'handover' ELSE '' END,"
            " NULL, true, g %% 20 = 1, now() - interval '400 days', 'last', now() - interval '400 days' FROM generate_series(1, %s) g",
            [conversations],
        )
        cur.execute(
            "INSERT INTO bots_historicalconversation (id, channel, external_user_id, display_name, language, zawgyi, attention,"
            " subscribed, sensitive, created_at, history_date, history_type)"
            " SELECT id, channel, external_user_id, display_name, language, zawgyi, attention, subscribed, sensitive, created_at, created_at, '+'"
            " FROM bots_conversation"
        )
        cur.execute(
            "INSERT INTO bots_inboundmessage (channel, external_id, conversation_id, kind, text, payload, response_body, response_type, received_at)"
            " SELECT 'telegram', g::text, 1 + (g - 1) / %s, 'message', '', '{}', '', 'application/json', now() - interval '400 days'"
            " FROM generate_series(1, %s) g", [per, conversations * per],
        )
        cur.execute(
            "INSERT INTO bots_outboundmessage (conversation_id, text, status, attempts, last_error, external_id, created_at)"
            " SELECT 1 + (g - 1) / %s, '', 'sent', 1, '', '', now() - interval '400 days' FROM generate_series(1, %s) g",
            [per, conversations * per],
        )
        cur.execute("ANALYZE")


def restore() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        for sql in RESTORE:
            cur.execute(sql)


def run_ours() -> list[int]:
    from helpdesk.retention import retention_apply

    return [r.count for r in retention_apply()][:4]  # the four kinds the baseline writes by hand (call-backs: none here)


def run_baseline() -> list[int]:
    from django.conf import settings
    from django.db import connection, transaction

    from bots.channels.twilio import messaging_twiml
    from helpdesk.retention import retention_cutoff

    cut = {name: retention_cutoff(days=getattr(settings, name)).isoformat() for name in (
        "RETENTION_PAYLOAD_DAYS", "RETENTION_TRANSCRIPT_DAYS", "RETENTION_SENSITIVE_DAYS", "RETENTION_CHANNEL_ID_DAYS")}
    kinds = baseline_statements(cut["RETENTION_PAYLOAD_DAYS"], cut["RETENTION_TRANSCRIPT_DAYS"], cut["RETENTION_SENSITIVE_DAYS"],
                                cut["RETENTION_CHANNEL_ID_DAYS"], messaging_twiml([]))
    rowcounts = []
    for statements in kinds:
        with transaction.atomic(), connection.cursor() as cur:
            rows = []
            for sql in statements:
                cur.execute(sql)
                rows.append(cur.rowcount)
        rowcounts.append(rows)
    payloads, (_conversations, *transcripts), outbound, (_history, channel_ids) = rowcounts
    return [payloads[0], sum(transcripts), outbound[0], channel_ids]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--per", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    url, _engine = database("retention", True)
    setup_django(url)
    build(args.conversations, args.per)
    samples: dict[str, list[float]] = {"apply_retention": [], "hand-written SQL": []}
    counts = {}
    for _ in range(args.rounds):
        for name, run in (("apply_retention", run_ours), ("hand-written SQL", run_baseline)):
            restore()
            started = time.perf_counter()
            counts[name] = run()
            samples[name].append(time.perf_counter() - started)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    rows = "\n".join(
        f"| {name} | {statistics.median(s):.2f} s | {sorted(s)[max(0, round(0.95 * len(s)) - 1)]:.2f} s | {' / '.join(map(str, counts[name]))} |"
        for name, s in samples.items()
    )
    markdown = (
        f"## Retention (`bench/bench_retention.py`, PostgreSQL)\n\n"
        f"{args.conversations:,} bot conversations (5% waiting for staff, 5% sensitive), {args.conversations * args.per:,} inbound and as many "
        f"outbound messages and one history row each, all 400 days old. Interleaved rounds ({args.rounds}): restore every text, then blank "
        "all four kinds with `retention_apply` (the command's service, one transaction per kind) or with the same UPDATEs written by hand. "
        "Counts are rows blanked per kind (payloads / transcripts / outbound / channel ids).\n\n"
        "| side | median | p95 | counts |\n|---|---|---|---|\n" + rows
        + f"\n\nLoad average at the end: {load} (2 cores shared by five engineers: figures vary by tens of percent; "
        "with few rounds p95 is the slowest round). Both sides are the same few UPDATE statements whatever the row count "
        "(tests/bots/test_retention.py holds the query count flat), so the time is PostgreSQL rewriting rows: "
        "differences between the sides are within the noise."
    )
    write_section("retention", markdown)
    print(markdown)


if __name__ == "__main__":
    main(sys.argv[1:])
