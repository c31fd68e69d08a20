"""The evaluation set of the agency verdict, built from the sample register (``agencies_sample.csv``).

For every agency: its exact English and Burmese names, the Zawgyi spelling (made with ICU,
``bench/make_zawgyi_spellings.py``, kept in ``bench/data/zawgyi_spellings.csv``), short forms
without boilerplate, one and two typos, reordered words, partial Burmese names and Burmese
mixed with English letters; and invented names, half of them one distinctive word away from a
real agency, in both languages. Deterministic (seeded), so the figures can be compared over time.

``evaluate()`` runs the verdict over the set; ``bench.bench_verdict`` prints and writes the
figures, and ``tests/agencies/test_evaluation.py`` holds the goals.
Print the Burmese names to spell in Zawgyi: ``python -m bench.agency_eval --burmese-names``.
"""
from __future__ import annotations

import csv
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "agencies" / "fixtures" / "agencies_sample.csv"
ZAWGYI = Path(__file__).resolve().parent / "data" / "zawgyi_spellings.csv"

# Invented agencies: one distinctive word away from a real one (the real one in the comment) ...
NEAR_EN = [
    "Golden Sea Manpower Services",  # Golden Star
    "Golden Moon Manpower",  # Golden Star
    "Silver Star Overseas Employment Agency",  # Silver Moon
    "Sky Dragon Recruitment",  # Ayeyarwady Dragon
    "Diamond Ocean Overseas Employment Agency",  # Diamond Sea
    "Lucky Star Overseas Employment Agency",  # Lucky Ocean
    "Shwe Nadi Overseas Employment Agency",  # Shwe Taung
    "Good Sisters Manpower Co., Ltd.",  # Good Brothers
    "Asia Gate Overseas Employment Agency",  # Asia Bridge
    "New Dawn Overseas Employment Agency",  # New Horizon
    "Mandalay Silver Overseas Employment Agency",  # Mandalay Gold
    "Star Net Recruitment Co., Ltd.",  # Star Link
    "Royal Tiger Manpower Services",  # Royal Lotus
    "Ever Bright Overseas Employment Agency",  # Ever Green
    "Pearl of Asia Recruitment Agency",  # Pearl of Myanmar
    "Kyaw Brothers Employment Agency",  # Kyaw Family
    "Thaw Zin Manpower Co., Ltd.",  # Thaw Tar
    "Zabu Shwe Overseas Employment Agency",  # Zabu Myay
    "Htoo Asia International Recruitment",  # Htoo Myanmar
    "Myat Mon Overseas Employment Agency",  # Myat Noe
]
NEAR_MY = [
    "ရွှေလမင်း",  # ငွေလမင်း Silver Moon
    "ငွေကြယ်",  # ရွှေကြယ် Golden Star
    "ကောင်းကင်နဂါး",  # ဧရာဝတီနဂါး Ayeyarwady Dragon
    "စိန်သမုဒ္ဒရာ",  # စိန်ပင်လယ် Diamond Sea
    "ကံကောင်းကြယ်",  # ကံကောင်းသမုဒ္ဒရာ Lucky Ocean
    "ရွှေမြစ် ပြည်ပအလုပ်အကိုင်ရှာဖွေရေးအေဂျင်စီ",  # ရွှေမြန်မာ / ရွှေတောင်
    "မန္တလေးငွေ",  # မန္တလေးရွှေ Mandalay Gold
    "ညီအစ်မကောင်း လူ့စွမ်းအား",  # ညီနောင်ကောင်း Good Brothers
    "အာရှတံခါး",  # အာရှတံတား Asia Bridge
    "တော်ဝင်ကျား",  # တော်ဝင်ကြာ Royal Lotus
    "ကြယ်ပွင့် ကုမ္ပဏီလီမိတက်",  # ကြယ်ချိတ် Star Link
    "ထူးအာရှ",  # ထူးမြန်မာ Htoo Myanmar
]
# ... and names like no agency on the list.
FAR_EN = [
    "Quick Visa Brokers", "Bright Future Manpower", "Happy Life Overseas Employment", "Sunshine Recruitment Agency",
    "Blue Whale Services", "Phoenix Manpower Co., Ltd.", "Rainbow Overseas Employment Agency", "Eagle Wings Recruitment",
    "Inle Lake Agency", "Thukha Nadi Employment", "Apex Global Workers", "Mya Yadanar Services",
]
FAR_MY = ["ပန်းသီး", "မိုးကောင်းကင်", "ရွှေဝါ", "ချစ်ကြည်ရေး", "ပြည့်စုံ", "အောင်ဆုမွန်", "သူရိယ", "ရတနာပုံ"]
INVENTED_MY = NEAR_MY + FAR_MY

KINDS = [
    "English, exact", "Burmese, exact", "Burmese, Zawgyi", "English, short", "Burmese, short", "English, reordered",
    "English, one typo", "English, two typos", "Burmese, one typo", "Burmese, partial", "Burmese + English",
    "Licence number", "Invented, one word away (English)", "Invented, one word away (Burmese)", "Invented, other",
]
INVENTED = "Invented"

_KEYBOARD_NEIGHBOURS = dict(zip("abcdefghijklmnopqrstuvwxyz", "sngsrdfhujlkknpoawdyibeuth", strict=True))
# Marks typists leave out, and letters they confuse (ya-pin/ya-yit, short/long vowels).
_BURMESE_DROPS = "\u1037\u1038\u103a\u103e\u1036"
_BURMESE_SWAPS = {"\u103b": "\u103c", "\u103c": "\u103b", "\u102d": "\u102e", "\u102e": "\u102d", "\u102f": "\u1030", "\u1030": "\u102f"}


@dataclass(frozen=True)
class Case:
    kind: str
    query: str
    expected: str  # licence number, "" for an invented agency


def english_short(name: str) -> str:
    """Return the English name without boilerplate, as typed: "Golden Star"."""
    from agencies.names import ENGLISH_FILLER

    words = [word.strip(".,") for word in name.split()]
    return " ".join(word for word in words if word and word.casefold() not in ENGLISH_FILLER)


def burmese_short(name: str) -> str:
    """Return the Burmese name without boilerplate: "ရွှေကြယ်"."""
    from agencies.names import BURMESE_FILLER

    for filler in BURMESE_FILLER:
        name = name.replace(filler, " ")
    return " ".join(name.split())


def english_typo(text: str, rng: random.Random) -> str:
    """Delete, swap, double or mistype one letter (never the first of a word)."""
    positions = [i for i in range(1, len(text)) if text[i].isalpha() and text[i - 1] != " "]
    i = rng.choice(positions)
    chars = list(text)
    operation = rng.choice(["delete", "swap", "double", "neighbour"])
    if operation == "delete":
        del chars[i]
    elif operation == "swap" and i + 1 < len(chars) and chars[i + 1] != " ":
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    elif operation == "double":
        chars.insert(i, chars[i])
    else:
        chars[i] = _KEYBOARD_NEIGHBOURS.get(chars[i].lower(), chars[i])
    return "".join(chars)


def burmese_typo(text: str, rng: random.Random) -> str:
    """Leave out a tone, asat, ha-htoe or kinzi mark, or confuse ya-pin/ya-yit or a short/long vowel."""
    positions = [i for i, ch in enumerate(text) if ch in _BURMESE_DROPS or ch in _BURMESE_SWAPS]
    if not positions:
        return text
    i = rng.choice(positions)
    if text[i] in _BURMESE_DROPS:
        return text[:i] + text[i + 1:]
    return text[:i] + _BURMESE_SWAPS[text[i]] + text[i + 1:]


def burmese_partial(short: str) -> str:
    """Return what a migrant types of a Burmese name: its first two syllables (the first when it has two)."""
    from agencies.names import syllables

    parts = syllables(short)
    return "".join(parts[:2] if len(parts) >= 3 else parts[:1])


def zawgyi_spellings() -> dict[str, str]:
    with ZAWGYI.open(encoding="utf-8") as f:
        return {row["unicode"]: row["zawgyi"] for row in csv.DictReader(f)}


def sample_rows() -> list[dict]:
    with SAMPLE.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def evaluation_set(seed: int = 20261130) -> list[Case]:
    """Return the evaluation cases (every agency of the sample register, then the invented names)."""
    from agencies.models import normalize_licence_number

    rng = random.Random(seed)
    zawgyi = zawgyi_spellings()
    cases = []
    for row in sample_rows():
        number = normalize_licence_number(row["licence_number"])
        en, my = row["name_en"], row["name_my"]
        en_short, my_short = english_short(en), burmese_short(my)
        words = en_short.split()
        cases += [
            Case("English, exact", en, number),
            Case("Burmese, exact", my, number),
            Case("Burmese, Zawgyi", zawgyi.get(my_short, my_short), number),
            Case("English, short", en_short, number),
            Case("Burmese, short", my_short, number),
            Case("English, one typo", english_typo(en_short, rng), number),
            Case("English, two typos", english_typo(english_typo(en_short, rng), rng), number),
            Case("Burmese, one typo", burmese_typo(my_short, rng), number),
            Case("Burmese, partial", burmese_partial(my_short), number),
            Case("Burmese + English", f"{my_short} {words[0]}", number),
            Case("Licence number", rng.choice([number, row["licence_number"], f"No. {row['licence_number']}"]), number),
        ]
        if len(words) >= 2:
            cases.append(Case("English, reordered", " ".join(words[1:] + words[:1]), number))
    cases += [Case("Invented, one word away (English)", name, "") for name in NEAR_EN]
    cases += [Case("Invented, one word away (Burmese)", zawgyi.get(name, name) if i % 3 == 0 else name, "") for i, name in enumerate(NEAR_MY)]
    cases += [Case("Invented, other", name, "") for name in FAR_EN + FAR_MY]
    return cases


@dataclass
class Tally:
    queries: int = 0
    named_right: int = 0  # the verdict names the expected agency (top-1)
    tied_listed: int = 0  # ambiguous, the expected agency among those listed
    not_found: int = 0
    named_wrong: int = 0  # the verdict names ANOTHER agency: a false reassurance or alarm
    failures: list | None = None


def evaluate(cases: list[Case]) -> dict[str, Tally]:
    """Run the verdict over the cases (the sample register must be loaded); return a tally per kind."""
    from agencies.verdict import VerdictKind, agency_verdict

    tallies: dict[str, Tally] = {}
    for case in cases:
        tally = tallies.setdefault(case.kind, Tally(failures=[]))
        tally.queries += 1
        verdict = agency_verdict(case.query)
        got = verdict.agency.licence_number if verdict.agency else ""
        if verdict.kind == VerdictKind.AMBIGUOUS:
            listed = {m.agency.licence_number for m in verdict.candidates}
            tally.tied_listed += case.expected in listed
        elif verdict.kind == VerdictKind.NOT_FOUND:
            tally.not_found += 1
        if got and got == case.expected:
            tally.named_right += 1
        elif got:
            tally.named_wrong += 1
        if (got or "") != case.expected or (not case.expected and verdict.kind != VerdictKind.NOT_FOUND):
            tally.failures.append((case.query, case.expected, verdict.kind.value, got))
    return tallies


def burmese_names() -> list[str]:
    """The Burmese names to spell in Zawgyi: every sample name, full and short, and the invented ones."""
    names = []
    for row in sample_rows():
        names += [row["name_my"], burmese_short(row["name_my"])]
    return list(dict.fromkeys(names + INVENTED_MY))


if __name__ == "__main__" and "--burmese-names" in sys.argv:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ.setdefault("DEBUG", "1")
    django.setup()
    print("\n".join(burmese_names()))
