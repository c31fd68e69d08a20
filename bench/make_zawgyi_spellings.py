"""Write bench/data/zawgyi_spellings.csv: the Zawgyi spelling of every Burmese name in the evaluation set.

Needs PyICU-binary (ICU's "my-Zawgyi" transliterator), which is NOT a requirement of the
project: run it in a throw-away virtualenv, reading the names from the project's own::

    python3 -m venv /tmp/icu && /tmp/icu/bin/pip install PyICU-binary==2.7.4
    .venv/bin/python -m bench.agency_eval --burmese-names | /tmp/icu/bin/python bench/make_zawgyi_spellings.py

A pair is kept only when ICU's "Zawgyi-my" gives the Unicode back (FIELD-NOTES: converters are not
perfect); short names spelt the same in both encodings are kept too (they are what a Zawgyi phone sends).
"""
import csv
import sys
from pathlib import Path

import icu

OUT = Path(__file__).resolve().parent / "data" / "zawgyi_spellings.csv"
to_zawgyi = icu.Transliterator.createInstance("my-Zawgyi")
to_unicode = icu.Transliterator.createInstance("Zawgyi-my")

names = [line.strip() for line in sys.stdin if line.strip()]
rows, dropped = [], []
for name in dict.fromkeys(names):
    zawgyi = to_zawgyi.transliterate(name)
    (rows if to_unicode.transliterate(zawgyi) == name else dropped).append((name, zawgyi))
with OUT.open("w", encoding="utf-8", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["unicode", "zawgyi"])
    writer.writerows(rows)
print(f"{len(rows)} pairs written, {len(dropped)} dropped (no round trip): {[n for n, _ in dropped]}")
