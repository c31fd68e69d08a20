"""Any report as titled blocks (a ``Document``), the same figures in CSV, XLSX and PDF.

Other apps' reports (complaint outcomes) describe themselves as a Document of
Blocks and get the three formats from here; the beneficiary table keeps its own
layout in helpdesk.reports.exports and helpdesk.reports.pdf.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from xml.sax.saxutils import escape

from helpdesk.downloads import csv_bytes, xlsx_text_only
from helpdesk.reports.exports import COUNT_FORMAT, HEADER_COLOUR, MMK_FORMAT, SHARE_FORMAT

TEXT, COUNT, MMK, SHARE = "text", "count", "mmk", "share"
PDF_LABEL_WIDTH = 170
PDF_FIGURE_WIDTH = 64  # "12,345,678.50" in 8.5 pt Padauk, with padding


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = COUNT  # TEXT, COUNT (int), MMK (Decimal, never float) or SHARE (a Fraction of 1, or None)


@dataclass(frozen=True)
class Block:
    """One titled table of a report, the same in CSV, XLSX and PDF.

    ``columns`` starts with the row-label column. ``groups`` is an optional header
    row above the columns: (label, number of columns spanned), after the label
    column. ``totals`` are the indexes of the rows set in bold above a rule.
    """

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]
    groups: tuple[tuple[str, int], ...] = ()
    totals: frozenset[int] = frozenset()
    note: str = ""


@dataclass(frozen=True)
class Document:
    """A report as downloaded: a title, what it covers (``report_filter_lines``), then its blocks."""

    title: str
    filters: list[tuple[str, str]]
    blocks: list[Block] = field(default_factory=list)


def ratio(part: int, whole: int) -> Fraction | None:
    """Return part/whole exactly, None for 0/0: a SHARE value."""
    return Fraction(part, whole) if whole else None


def whole_percent(value: Fraction) -> int:
    """Return a share as a whole percentage rounded half up, as the centres publish them."""
    return int(value * 100 + Fraction(1, 2))


def amount(value: Decimal) -> str:
    """Return MMK as ``1,500,000`` or ``1,500,000.50`` (whole kyats without decimals)."""
    text = f"{value:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def _csv_value(value, kind: str):
    if value is None:
        return ""
    if kind == SHARE:
        return whole_percent(value)
    return value  # the writer defuses text; numbers stay numbers


def document_csv(document: Document) -> bytes:
    """Return the document as UTF-8 CSV: title, filters, then each block's title, header rows and rows."""

    def write(writer):
        writer.writerow([document.title])
        writer.writerows([name, value] for name, value in document.filters)
        for block in document.blocks:
            writer.writerow([])
            writer.writerow([block.title])
            if block.groups:
                writer.writerow([""] + [cell for label, span in block.groups for cell in [label] + [""] * (span - 1)])
            writer.writerow([c.label for c in block.columns])
            for row in block.rows:
                writer.writerow([_csv_value(v, c.kind) for v, c in zip(row, block.columns, strict=True)])
            if block.note:
                writer.writerow([block.note])

    return csv_bytes(write)


def document_xlsx(document: Document) -> bytes:
    """Return the document as one worksheet: bold shaded header rows, merged group headers, number formats.

    Counts are ``#,##0``, MMK ``#,##0 "MMK"`` (the cell keeps the exact Decimal), shares ``0%``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    formats = {COUNT: COUNT_FORMAT, MMK: MMK_FORMAT, SHARE: SHARE_FORMAT}
    bold = Font(bold=True)
    fill = PatternFill("solid", start_color=HEADER_COLOUR)
    rule = Border(top=Side(style="thin"), bottom=Side(style="double"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = document.title[:31]
    sheet.append([document.title])
    sheet["A1"].font = Font(bold=True, size=14)
    for name, value in document.filters:
        sheet.append([name, value])
    widest = 1
    for block in document.blocks:
        widest = max(widest, len(block.columns))
        sheet.append([])
        sheet.append([block.title])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
        header_rows = []
        if block.groups:
            sheet.append([""] + [cell for label, span in block.groups for cell in [label] + [None] * (span - 1)])
            row, column = sheet.max_row, 2
            for _label, span in block.groups:
                if span > 1:
                    sheet.merge_cells(start_row=row, start_column=column, end_row=row, end_column=column + span - 1)
                sheet.cell(row, column).alignment = Alignment(horizontal="center")
                column += span
            header_rows.append(row)
        sheet.append([c.label for c in block.columns])
        header_rows.append(sheet.max_row)
        for row in header_rows:
            for column in range(1, len(block.columns) + 1):
                sheet.cell(row, column).font = bold
                sheet.cell(row, column).fill = fill
        for i, values in enumerate(block.rows):
            sheet.append([float(v) if c.kind == SHARE and v is not None else v for v, c in zip(values, block.columns, strict=True)])
            current = sheet.max_row
            for column, spec in enumerate(block.columns, start=1):
                if spec.kind in formats:
                    sheet.cell(current, column).number_format = formats[spec.kind]
                if i in block.totals:
                    sheet.cell(current, column).font = bold
                    sheet.cell(current, column).border = rule
        if block.note:
            sheet.append([block.note])
    sheet.column_dimensions["A"].width = 42
    for column in range(2, widest + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.print_options.gridLines = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    out = io.BytesIO()
    xlsx_text_only(workbook)
    workbook.save(out)
    return out.getvalue()


def _pdf_figure(value, kind: str) -> str:
    if value is None:
        return "–"
    if kind == SHARE:
        return f"{whole_percent(value)}%"
    if kind == MMK:
        return amount(value)
    if kind == COUNT:
        return f"{value:,}"
    return str(value)


def _pdf_chunks(block: Block, room: int) -> list[list[int]]:
    """Split a wide block's figure columns into pieces that fit across the page, whole groups at a time."""
    spans = [span for _label, span in block.groups] or [1] * (len(block.columns) - 1)
    chunks, current, column = [], [], 1
    for span in spans:
        if current and len(current) + span > room:
            chunks.append(current)
            current = []
        current += list(range(column, column + span))
        column += span
    return [*chunks, current] if current else chunks


def _pdf_block(block: Block, styles: dict, room: int) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from helpdesk.pdf import register_fonts

    regular, bold_font = register_fonts()
    parts = [Paragraph(block.title, styles["h2"])]
    for chunk in _pdf_chunks(block, room):
        data, commands, bold_rows, header = [], [], [], 0
        if block.groups:
            row, column = [Paragraph("", styles["bold"])], 1
            for label, span in block.groups:
                if column in chunk:
                    first = len(row)
                    row += [Paragraph(escape(str(label)), styles["bold"])] + [""] * (span - 1)
                    commands.append(("SPAN", (first, 0), (first + span - 1, 0)))
                    commands.append(("LINEBEFORE", (first, 0), (first, -1), 0.3, colors.grey))
                column += span
            data.append(row)
            header = 1
        data.append([Paragraph(escape(str(block.columns[0].label)), styles["bold"])]
                    + [Paragraph(escape(str(block.columns[i].label)), styles["head"]) for i in chunk])
        for i, values in enumerate(block.rows):
            style = styles["bold"] if i in block.totals else styles["base"]
            data.append([Paragraph(escape(str(values[0])), style)] + [
                Paragraph(escape(_pdf_figure(values[j], TEXT)), style) if block.columns[j].kind == TEXT
                else _pdf_figure(values[j], block.columns[j].kind)
                for j in chunk
            ])
            if i in block.totals:
                line = header + 1 + i
                bold_rows += [("LINEABOVE", (0, line), (-1, line), 0.6, colors.black),
                              ("FONT", (1, line), (-1, line), bold_font, 8.5)]
        commands += [
            ("FONT", (0, 0), (-1, -1), regular, 8.5),
            ("ALIGN", (1, header + 1), (-1, -1), "RIGHT"),
            ("BACKGROUND", (0, 0), (-1, header), colors.HexColor("#" + HEADER_COLOUR)),
            ("LINEBELOW", (0, header), (-1, header), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        widths = [PDF_LABEL_WIDTH] + [PDF_FIGURE_WIDTH * (3 if block.columns[j].kind == TEXT else 1) for j in chunk]
        table = Table(data, colWidths=widths, repeatRows=header + 1, hAlign="LEFT")
        table.setStyle(TableStyle(commands + bold_rows))
        parts += [table, Spacer(1, 6)]
    if block.note:
        parts.append(Paragraph(block.note, styles["note"]))
    return parts


def document_pdf(document: Document) -> bytes:
    """Return the document as a landscape A4 PDF in Padauk, every text a shaped Paragraph (Burmese-safe).

    Blocks wider than the page are printed in pieces of whole column groups, each repeating the row labels.
    """
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from helpdesk.pdf import register_fonts

    regular, bold_font = register_fonts()
    base = ParagraphStyle("mc", fontName=regular, fontSize=8.5, leading=12, shaping=1)
    styles = {
        "base": base,
        "bold": ParagraphStyle("mc-bold", parent=base, fontName=bold_font),
        "title": ParagraphStyle("mc-title", parent=base, fontName=bold_font, fontSize=15, leading=22, spaceAfter=6),
        "h2": ParagraphStyle("mc-h2", parent=base, fontName=bold_font, fontSize=11, leading=16, spaceBefore=10, spaceAfter=4,
                             keepWithNext=1),
        "note": ParagraphStyle("mc-note", parent=base, fontSize=7.5, leading=11, textColor="#5b6b7b"),
        "head": ParagraphStyle("mc-head", parent=base, fontName=bold_font, fontSize=7.5, leading=10, alignment=2),
    }
    pagesize = landscape(A4)
    margin = 30
    room = int((pagesize[0] - 2 * margin - PDF_LABEL_WIDTH) // PDF_FIGURE_WIDTH)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=pagesize, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin, title=document.title, author="MC Helpdesk")
    story = [Paragraph(document.title, styles["title"])]
    story += [Paragraph(f"<b>{escape(str(name))}:</b> {escape(str(value))}", styles["base"]) for name, value in document.filters]
    story.append(Spacer(1, 4))
    for block in document.blocks:
        story += _pdf_block(block, styles, room)
    doc.build(story)
    return out.getvalue()
