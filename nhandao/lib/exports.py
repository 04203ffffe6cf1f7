"""Any list page out as CSV or XLSX (`?format=csv|xlsx`): openpyxl writes, calamine/polars
read. Dates as dd/mm/yyyy, amounts with thousands separators."""

import csv
import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font

from nhandao.lib.downloads import CSV, XLSX, attachment


def _cell(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def xlsx_bytes(sheets: list[tuple[str, list[str], list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(v) for v in row])
        for index, row in enumerate(sheet.iter_rows(min_row=2), start=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "DD/MM/YYYY"
                elif isinstance(cell.value, int) and abs(cell.value) >= 1000:
                    cell.number_format = "#,##0"
            if index > 5000:
                break
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(filename: str, sheets):
    return attachment(xlsx_bytes(sheets), filename, XLSX)


def csv_response(filename: str, header: list[str], rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in row])
    return attachment("\ufeff" + out.getvalue(), filename, CSV)


def export(request, basename: str, header: list[str], rows):
    """?format=csv or ?format=xlsx on any list page."""
    rows = list(rows)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"{basename}.xlsx", [(basename, header, rows)])
    return csv_response(f"{basename}.csv", header, rows)
