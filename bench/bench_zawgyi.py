"""Zawgyi conversion on short strings: Unicode left alone, Zawgyi converted, and the time it takes.

Reads the committed test set (tests/helpdesk/data/zawgyi_pairs.tsv: Unicode names, names with honorifics, towns
and agency words with their Zawgyi spellings made by ICU; zawgyi_same.tsv: strings spelled the same in both) and
compares ``helpdesk.text.normalize_text`` with the baseline it replaced: convert whenever Google's detector gives
more than 0.5. Timing: both sides over every string, interleaved in rounds; median and p95 per string.

Run: ``.venv/bin/python -m bench.bench_zawgyi [--rounds 7]``
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import Counter
from pathlib import Path

from bench import setup_django, write_section

DATA = Path(__file__).resolve().parent.parent / "tests" / "helpdesk" / "data"


def load(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text().splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    setup_django()
    from helpdesk.text import normalize_text, zawgyi_probability, zawgyi_to_unicode

    def baseline(text: str) -> str:
        return zawgyi_to_unicode(text) if zawgyi_probability(text) > 0.5 else text

    pairs, same = load("zawgyi_pairs.tsv"), load("zawgyi_same.tsv")
    sides = {"normalize_text": normalize_text, "baseline (detector > 0.5)": baseline}
    rows, missed = [], {}
    for label, convert in sides.items():
        unicode_changed = [u for _, u, _ in pairs if convert(u) != u]
        same_changed = [t for _, t in same if convert(t) != t]
        converted = Counter(c for c, u, z in pairs if convert(z) == u)
        missed[label] = [z for _, u, z in pairs if convert(z) != u]
        rows.append((label, len(unicode_changed), len(same_changed), sum(converted.values()), converted))
    categories = Counter(c for c, _, _ in pairs)

    strings = [u for _, u, _ in pairs] + [z for _, _, z in pairs] + [t for _, t in same]
    samples: dict[str, list[float]] = {label: [] for label in sides}
    for _ in range(args.rounds):
        for label, convert in sides.items():  # interleaved: both sides see the same load
            zawgyi_to_unicode.cache_clear()  # every string new to each side, as in real traffic
            for text in strings:
                started = time.perf_counter()
                convert(text)
                samples[label].append((time.perf_counter() - started) * 1e6)

    n = len(pairs)
    lines = [
        "## Zawgyi conversion of short strings (`bench/bench_zawgyi.py`)",
        "",
        f"Test set: {n} short Unicode strings ({', '.join(f'{k} {v}' for k, v in sorted(categories.items()))}) with their "
        f"Zawgyi spellings made by ICU's `my-Zawgyi` and checked to round-trip, plus {len(same)} strings spelled the same "
        "in both encodings (`tests/helpdesk/data/`). Goal: no Unicode string changed, at least 97% of Zawgyi converted.",
        "",
        "| function | Unicode strings changed | same-in-both changed | Zawgyi converted | names / full / honorific / town / agency |",
        "|---|---|---|---|---|",
    ]
    for label, changed, same_changed, converted, by_category in rows:
        per = " / ".join(f"{by_category[c]}/{categories[c]}" for c in ("name", "full", "honorific", "town", "agency"))
        lines.append(f"| {label} | {changed} of {n} | {same_changed} of {len(same)} | {converted} of {n} ({100 * converted / n:.1f}%) | {per} |")
    lines += [
        "",
        "Zawgyi left unconverted by `normalize_text` (each is also well-formed Unicode, so only a conversation or file "
        f"known to be Zawgyi converts it): {' '.join(missed['normalize_text']) or 'none'}.",
        "",
        "| function | median µs per string | p95 µs | strings × rounds |",
        "|---|---|---|---|",
    ]
    for label, values in samples.items():
        values.sort()
        lines.append(f"| {label} | {statistics.median(values):.0f} | {values[int(len(values) * 0.95)]:.0f} | "
                     f"{len(strings)} × {args.rounds} |")
    load1, load5, load15 = os.getloadavg()
    lines += ["", f"Load average at the end: {load1:.1f}, {load5:.1f}, {load15:.1f} on 2 shared cores (other engineers' "
              "tests were running: times vary by tens of percent). `normalize_text` runs the converter and the "
              "structure check on both readings of every Burmese string and, for most, the detector; the conversion cache is emptied before each side's pass."]
    write_section("zawgyi", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
