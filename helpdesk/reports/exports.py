"""Report exports: the beneficiary table as CSV and XLSX (its PDF is helpdesk.reports.pdf).

Other reports are titled blocks: see helpdesk.reports.documents.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.choices import Channel
from helpdesk.downloads import csv_bytes, xlsx_text_only
from helpdesk.reports.table import BY_CHOICES, BeneficiaryTable, Cell, ReportFilter

COUNT_FORMAT = "#,##0"
SHARE_FORMAT = "0%"
MMK_FORMAT = '#,##0 "MMK"'
HEADER_COLOUR = "DCEFE7"

SUBCOLUMNS = [
    ("total", gettext_lazy("Reached")),
    ("women_pct", gettext_lazy("% women")),
    ("men_pct", gettext_lazy("% men")),
    ("other", gettext_lazy("Other")),
    ("undisclosed", gettext_lazy("Not disclosed")),
]
GENDER_NOTE = gettext_lazy(
    "% women and % men are of the people whose gender is known (women, men and other); "
    "“not disclosed” is counted but left out of the shares. Each service contact counts once; "
    "activities count registered attendees plus head counts."
)
UNIQUE_NOTE = gettext_lazy(
    "Unique registered persons: each person with a record counted once per period (and once in the total), "
    "however many services they received. Anonymous contacts and head counts cannot be told apart and are shown separately."
)


@dataclass(frozen=True)
class Line:
    kind: str  # "service", "total", "unique" or "unidentified"
    label: str
    cells: list[Cell]  # one per period, then the total column


def table_title(table: BeneficiaryTable) -> str:
    return _("Beneficiary table")


def filter_lines(table: BeneficiaryTable) -> list[tuple[str, str]]:
    """Describe what the table covers, for the header of every export."""
    return report_filter_lines(table.filter)


def report_filter_lines(report: ReportFilter) -> list[tuple[str, str]]:
    """Describe what a report covers (period, centres, partner, channel), for the header of every export."""
    by = dict(BY_CHOICES)[report.by]
    centres = ", ".join(report.centres().order_by("code").values_list("code", flat=True)) if report.restricted else _("All centres")
    return [
        (_("Period"), f"{report.start:%Y-%m-%d} – {report.end:%Y-%m-%d} ({by})"),
        (_("Centres"), centres or _("None")),
        (_("Partner organisation"), report.partner or _("All")),
        (_("Channel"), str(dict(Channel.choices).get(report.channel, _("All"))) if report.channel else _("All")),
    ]


def table_lines(table: BeneficiaryTable) -> list[Line]:
    lines = [Line("service", str(row.label), [*row.cells, row.total]) for row in table.rows]
    grand = table.grand_total
    lines.append(Line("total", str(grand.label), [*grand.cells, grand.total]))
    lines.append(Line("unique", str(table.unique_persons.label), [*table.unique_persons.cells, table.total_unique_persons]))
    lines.append(Line("unidentified", str(table.unidentified.label), [*table.unidentified.cells, table.unidentified.total]))
    return lines


def column_labels(table: BeneficiaryTable) -> list[str]:
    return [p.label for p in table.periods] + [_("Total")]


def cell_values(cell: Cell) -> list:
    return [getattr(cell, name) for name, _label in SUBCOLUMNS]


def table_csv(table: BeneficiaryTable) -> bytes:
    """Return UTF-8 CSV (with BOM so Excel shows Burmese): two header rows, then one row per service."""
    return csv_bytes(lambda writer: _write_table(writer, table))


def _write_table(writer, table: BeneficiaryTable) -> None:
    writer.writerow([table_title(table)])
    for name, value in filter_lines(table):
        writer.writerow([name, value])
    writer.writerow([])
    header = [""]
    for label in column_labels(table):
        header += [label] + [""] * (len(SUBCOLUMNS) - 1)
    writer.writerow(header)
    writer.writerow([_("Service")] + [str(label) for _name, label in SUBCOLUMNS] * len(column_labels(table)))
    for line in table_lines(table):
        values = [line.label]
        for cell in line.cells:
            values += ["" if v is None else v for v in cell_values(cell)]
        writer.writerow(values)
    writer.writerow([])
    writer.writerow([str(GENDER_NOTE)])
    writer.writerow([str(UNIQUE_NOTE)])


def table_xlsx(table: BeneficiaryTable) -> bytes:
    """Return a workbook a project officer can file: merged period headers, counts with separators, % cells, frozen panes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Beneficiary table")[:31]
    bold = Font(bold=True)
    header_fill = PatternFill("solid", start_color=HEADER_COLOUR)
    top = Border(top=Side(style="thin"), bottom=Side(style="double"))
    sheet.append([table_title(table)])
    sheet["A1"].font = Font(bold=True, size=14)
    for name, value in filter_lines(table):
        sheet.append([name, value])
    sheet.append([])
    first_header = sheet.max_row + 1
    width = len(SUBCOLUMNS)
    for i, label in enumerate(column_labels(table)):
        column = 2 + i * width
        sheet.cell(first_header, column, label)
        sheet.merge_cells(start_row=first_header, start_column=column, end_row=first_header, end_column=column + width - 1)
        sheet.cell(first_header, column).alignment = Alignment(horizontal="center")
    sheet.cell(first_header + 1, 1, _("Service"))
    for i in range(len(column_labels(table))):
        for j, (_name, label) in enumerate(SUBCOLUMNS):
            sheet.cell(first_header + 1, 2 + i * width + j, str(label))
    for row in (first_header, first_header + 1):
        for column in range(1, 2 + width * len(column_labels(table))):
            sheet.cell(row, column).font = bold
            sheet.cell(row, column).fill = header_fill
    for line in table_lines(table):
        values = [line.label]
        for cell in line.cells:
            values += [cell.total, cell.women_ratio, cell.men_ratio, cell.other, cell.undisclosed]
        sheet.append(values)
        current = sheet.max_row
        for column in range(2, len(values) + 1):
            subcolumn = SUBCOLUMNS[(column - 2) % width][0]
            sheet.cell(current, column).number_format = SHARE_FORMAT if subcolumn.endswith("_pct") else COUNT_FORMAT
            if line.kind == "total":
                sheet.cell(current, column).font = bold
                sheet.cell(current, column).border = top
        if line.kind == "total":
            sheet.cell(current, 1).font = bold
            sheet.cell(current, 1).border = top
    sheet.append([])
    sheet.append([str(GENDER_NOTE)])
    sheet.append([str(UNIQUE_NOTE)])
    sheet.column_dimensions["A"].width = 42
    for column in range(2, 2 + width * len(column_labels(table))):
        sheet.column_dimensions[get_column_letter(column)].width = 11
    sheet.freeze_panes = sheet.cell(first_header + 2, 2)
    sheet.print_options.gridLines = False
    sheet.page_setup.orientation = "landscape"
    out = io.BytesIO()
    xlsx_text_only(workbook)
    workbook.save(out)
    return out.getvalue()
