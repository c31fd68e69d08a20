"""The Burmese-capable font and layout helpers for every PDF (case summaries, beneficiary cards, reports).

Burmese is shaped by HarfBuzz through reportlab ``Paragraph`` styles with
``shaping=1`` and the Padauk font (which also has Latin glyphs and digits).
reportlab breaks lines only at spaces, so long values sit in fixed-width
table cells and :func:`fit` breaks long Burmese runs between syllables.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, TableStyle

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "Padauk"
FONT_BOLD = "Padauk-Bold"


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """Register Padauk with reportlab once and return (regular, bold) font names.

    Use them in a ParagraphStyle with ``shaping=1`` so Burmese is shaped by HarfBuzz.
    """
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "Padauk-Regular.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "Padauk-Bold.ttf")))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)
    return FONT, FONT_BOLD


def styles(size: float = 10) -> dict[str, ParagraphStyle]:
    """Return the shaped paragraph styles (body, small, label, title, h2) for a body text of ``size`` points."""
    regular, bold = register_fonts()
    k = size / 10
    base = ParagraphStyle("base", fontName=regular, fontSize=size, leading=17 * k, shaping=1)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5 * k, leading=14 * k, textColor=colors.HexColor("#5b6b7b")),
        "label": ParagraphStyle("label", parent=base, fontName=bold),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=16 * k, leading=26 * k),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=12 * k, leading=21 * k, spaceBefore=8 * k, spaceAfter=3 * k),
    }


# A syllable starts at a consonant or independent vowel that is neither stacked under the previous
# one (after U+1039 virama) nor killed by a following asat (U+103A) or virama.
_SYLLABLE_START = re.compile("(?<!\u1039)(?=[\u1000-\u102a\u103f\u1040-\u1049\u104c-\u104f](?![\u103a\u1039]))")


def fit(text: str, style: ParagraphStyle, width: float) -> str:
    """Break words too wide for ``width`` between syllables.

    reportlab wraps only at spaces, and a word it has to cut itself loses its
    shaping (dotted circles in Burmese). Burmese is often typed without spaces,
    so a long run gets a space at the syllable where the line is full: the space
    falls at the line end, where it does not show.
    """
    limit = width * 0.92  # unshaped widths run a little wide of the shaped ones
    words = []
    for word in text.split(" "):
        if stringWidth(word, style.fontName, style.fontSize) <= limit:
            words.append(word)
            continue
        line = ""
        for syllable in (part for part in _SYLLABLE_START.split(word) if part):
            if line and stringWidth(line + syllable, style.fontName, style.fontSize) > limit:
                words.append(line)
                line = ""
            line += syllable
        words.append(line)
    return " ".join(words)


def para(text, style: ParagraphStyle, width: float = 166 * mm) -> Paragraph:
    """A shaped paragraph of plain ``text`` (escaped; newlines kept; empty shows a dash) fitted to ``width``."""
    text = str(text if text not in (None, "") else "—").replace("→", "»")  # Padauk has no arrow glyph
    lines = [fit(line, style, width - 8) for line in text.split("\n")]
    return Paragraph("<br/>".join(escape(line) for line in lines), style)


def table(rows, widths, header: bool = False) -> Table:
    """A table with thin rules between rows and, with ``header``, a tinted first row repeated on each page."""
    result = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d6dde4")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3f1")))
    result.setStyle(TableStyle(commands))
    return result
