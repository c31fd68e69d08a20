"""The Burmese-capable font for every PDF (case summaries, reports)."""
from functools import lru_cache
from pathlib import Path

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
