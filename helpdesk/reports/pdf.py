"""The beneficiary table as a PDF for the donor: the table, then women and men per service as bars.

Text goes through Paragraphs with ``shaping=1`` (Padauk) so Burmese labels are
shaped; the bars are drawn with numbers only, and their labels are Paragraphs
in a table beside them, because chart strings are not shaped by reportlab.
"""
from __future__ import annotations

import io

from django.utils.translation import gettext as _

from helpdesk.pdf import register_fonts
from helpdesk.reports.exports import (
    GENDER_NOTE,
    SUBCOLUMNS,
    UNIQUE_NOTE,
    column_labels,
    filter_lines,
    table_lines,
    table_title,
)
from helpdesk.reports.table import BeneficiaryTable, Cell

GROUPS_PER_BLOCK = 3  # period columns (5 figures each) that fit across a landscape A4 page
FIGURE_WIDTHS = [44, 44, 40, 34, 50]
WOMEN_COLOUR = "#0b6e4f"
MEN_COLOUR = "#e0a526"


def _figure(cell: Cell, name: str) -> str:
    value = getattr(cell, name)
    if value is None:
        return "–"
    return f"{value}%" if name.endswith("_pct") else f"{value:,}"


def _styles():
    from reportlab.lib.styles import ParagraphStyle

    regular, bold = register_fonts()
    base = ParagraphStyle("mc", fontName=regular, fontSize=8.5, leading=12, shaping=1)
    return {
        "base": base,
        "bold": ParagraphStyle("mc-bold", parent=base, fontName=bold),
        "title": ParagraphStyle("mc-title", parent=base, fontName=bold, fontSize=15, leading=22, spaceAfter=6),
        "h2": ParagraphStyle("mc-h2", parent=base, fontName=bold, fontSize=11, leading=16, spaceBefore=10, spaceAfter=4),
        "note": ParagraphStyle("mc-note", parent=base, fontSize=7.5, leading=11, textColor="#5b6b7b"),
        "head": ParagraphStyle("mc-head", parent=base, fontName=bold, fontSize=7.5, leading=10, alignment=2),
    }


def _table_blocks(table: BeneficiaryTable, styles) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    labels = column_labels(table)
    lines = table_lines(table)
    blocks = []
    for start in range(0, len(labels), GROUPS_PER_BLOCK):
        group = range(start, min(start + GROUPS_PER_BLOCK, len(labels)))
        head = [Paragraph("", styles["bold"])]
        sub = [Paragraph(_("Service"), styles["bold"])]
        for i in group:
            head += [Paragraph(labels[i], styles["bold"])] + [""] * (len(SUBCOLUMNS) - 1)
            sub += [Paragraph(str(label), styles["head"]) for _name, label in SUBCOLUMNS]
        data = [head, sub]
        for line in lines:
            style = styles["bold"] if line.kind == "total" else styles["base"]
            data.append([Paragraph(line.label, style)] + [
                _figure(line.cells[i], name) for i in group for name, _label in SUBCOLUMNS
            ])
        commands = [
            ("FONT", (0, 0), (-1, -1), register_fonts()[0], 8.5),
            ("ALIGN", (1, 2), (-1, -1), "RIGHT"),
            ("BACKGROUND", (0, 0), (-1, 1), colors.HexColor("#dcefe7")),
            ("LINEBELOW", (0, 1), (-1, 1), 0.6, colors.black),
            ("LINEABOVE", (0, 2 + len(table.rows)), (-1, 2 + len(table.rows)), 0.6, colors.black),
            ("FONT", (1, 2 + len(table.rows)), (-1, 2 + len(table.rows)), register_fonts()[1], 8.5),
            ("LINEABOVE", (0, 3 + len(table.rows)), (-1, 3 + len(table.rows)), 0.3, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        for n, _i in enumerate(group):
            first = 1 + n * len(SUBCOLUMNS)
            commands.append(("SPAN", (first, 0), (first + len(SUBCOLUMNS) - 1, 0)))
            commands.append(("LINEBEFORE", (first, 0), (first, -1), 0.3, colors.grey))
        widths = [140] + FIGURE_WIDTHS * len(group)
        block = Table(data, colWidths=widths, repeatRows=2, hAlign="LEFT")
        block.setStyle(TableStyle(commands))
        blocks += [block, Spacer(1, 10)]
    return blocks


def legend_box(colour: str):
    from reportlab.graphics.shapes import Drawing, Rect
    from reportlab.lib import colors

    box = Drawing(10, 10)
    box.add(Rect(0, 0, 9, 9, fillColor=colors.HexColor(colour), strokeColor=None))
    return box


def _bar_chart(table: BeneficiaryTable, styles) -> list:
    """Women and men reached per service over the whole range, as horizontal bars."""
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    regular = register_fonts()[0]
    bar_width = 430
    largest = max([max(row.total.woman, row.total.man) for row in table.rows] + [1])
    data = []
    for row in table.rows:
        drawing = Drawing(bar_width + 60, 26)
        for y, value, colour in ((14, row.total.woman, WOMEN_COLOUR), (3, row.total.man, MEN_COLOUR)):
            length = bar_width * value / largest
            drawing.add(Rect(0, y, max(length, 0.5), 9, fillColor=colors.HexColor(colour), strokeColor=None))
            drawing.add(String(length + 4, y + 1.5, f"{value:,}", fontName=regular, fontSize=7.5))
        data.append([Paragraph(str(row.label), styles["base"]), drawing])
    data.append([Paragraph("", styles["base"]), Table(
        [[legend_box(WOMEN_COLOUR), Paragraph(_("Women"), styles["base"]), legend_box(MEN_COLOUR), Paragraph(_("Men"), styles["base"])]],
        colWidths=[14, 80, 14, 80], hAlign="LEFT")])
    chart = Table(data, colWidths=[150, bar_width + 70], hAlign="LEFT")
    chart.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return [chart]


def table_pdf(table: BeneficiaryTable) -> bytes:
    """Return the PDF: title, what it covers, the table (in blocks of periods), notes, the bar chart."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    styles = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=landscape(A4), leftMargin=30, rightMargin=30, topMargin=30, bottomMargin=30,
        title=table_title(table), author="MC Helpdesk",
    )
    story = [Paragraph(table_title(table), styles["title"])]
    for name, value in filter_lines(table):
        story.append(Paragraph(f"<b>{name}:</b> {value}", styles["base"]))
    story.append(Spacer(1, 8))
    story += _table_blocks(table, styles)
    story += [Paragraph(str(GENDER_NOTE), styles["note"]), Paragraph(str(UNIQUE_NOTE), styles["note"])]
    story.append(KeepTogether([Paragraph(_("Women and men reached per service (whole period)"), styles["h2"]),
                               *_bar_chart(table, styles)]))
    doc.build(story)
    return out.getvalue()
