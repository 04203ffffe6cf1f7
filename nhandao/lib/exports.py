"""The one export writer: CSV, HXL-tagged CSV and XLSX for every list, open dataset,
rejected-rows workbook and report annex.

Every text cell goes through `safe_text`, so a donor's transfer message such as
`=HYPERLINK("http://…"&A1)` never becomes a live formula in the spreadsheet that an
accountant opens (CSV injection, OWASP): a text starting with = + - @ tab or CR gets a
leading apostrophe in CSV, and in XLSX every text is written as a string cell, never as a
formula. Numbers stay numbers (−1.500.000 is a number, not a formula). Control characters
(which XML refuses and Excel mangles) are dropped.

CSV and HXL stream row by row; XLSX is written by openpyxl's write-only mode into a
temporary file, so a 200,000-row sheet is never held in memory as cells (only the
finished file's bytes are).

    return export_response(request, "nguoi-ung-ho", header, rows)   # ?format=csv|xlsx
    stream = csv_chunks(header, rows, tags=["#date", "#value"])       # HXL
    data = xlsx_bytes([Sheet("Theo ngày", header, rows)])
"""

import csv
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from nhandao.lib.downloads import CSV, XLSX, attachment

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# C0 controls but tab, line feed and carriage return; DEL; C1 controls
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)*$")  # "-1500000", "-1.500.000": a number typed as text


def clean_text(text: str) -> str:
    """The text without control characters."""
    return CONTROL.sub("", text)


def safe_text(text: str) -> str:
    """A text that no spreadsheet will run: a leading apostrophe before = + - @ tab or CR
    (unless the whole text is a number such as "-1500"), control characters dropped."""
    text = clean_text(text)
    if text.startswith(FORMULA_START) and not NUMBER.match(text):
        return "'" + text
    return text


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
            if value.tzinfo
            else (value.strftime("%d/%m/%Y %H:%M"))
        )
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, (int, float)):
        return value
    return safe_text(str(value))


class _Echo:
    def write(self, value):
        return value


def csv_chunks(
    header: list[str], rows: Iterable, *, tags: list[str] | None = None, bom: bool = True
) -> Iterator[str]:
    """The CSV text, a row at a time: a BOM (so Excel reads UTF-8), the header, the HXL
    hashtag row when `tags` are given, then the rows."""
    writer = csv.writer(_Echo())
    if bom:
        yield "\ufeff"
    yield writer.writerow([safe_text(str(h)) for h in header])
    if tags:
        yield writer.writerow(tags)
    batch = []  # a thousand rows a chunk: a streamed response writes chunks, not rows
    for row in rows:
        batch.append(writer.writerow([_csv_value(v) for v in row]))
        if len(batch) == 1000:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def csv_text(header: list[str], rows: Iterable, **kwargs) -> str:
    return "".join(csv_chunks(header, rows, **kwargs))


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: Iterable
    widths: dict[int, float] | None = None  # column index (0-based) → width


def _xlsx_cell(sheet, value):
    if isinstance(value, datetime):
        value = timezone.localtime(value) if value.tzinfo else value
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = "DD/MM/YYYY HH:MM"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    if isinstance(value, bool):
        return WriteOnlyCell(sheet, value="có" if value else "không")
    if isinstance(value, int):
        cell = WriteOnlyCell(sheet, value=value)
        if abs(value) >= 1000:
            cell.number_format = "#,##0"
        return cell
    if isinstance(value, float):
        return WriteOnlyCell(sheet, value=value)
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    cell = WriteOnlyCell(sheet, value=clean_text(str(value)))
    cell.data_type = "s"  # a string, whatever it starts with: never a formula
    return cell


def append_row(sheet, values: Iterable) -> None:
    """`sheet.append(values)` for a styled (normal-mode) openpyxl sheet — a printable list,
    a rejected-rows workbook — with the same rule as the write-only sheets: texts are string
    cells (never formulas) without control characters; numbers, dates and empty cells stay."""
    cleaned = [clean_text(v) if isinstance(v, str) else v for v in values]
    sheet.append(cleaned)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def write_xlsx(sheets: list[Sheet], handle) -> None:
    """Write the sheets (write-only: rows are streamed to the file) into `handle`."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in sheets:
        if not isinstance(spec, Sheet):
            spec = Sheet(*spec)  # (title, header, rows)
        sheet = book.create_sheet(clean_text(spec.title)[:31] or "Sheet")
        sheet.freeze_panes = "A2"
        for index, width in (spec.widths or {}).items():
            sheet.column_dimensions[_column_letter(index)].width = width
        header = []
        for title in spec.header:
            cell = _xlsx_cell(sheet, title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in spec.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    book.save(handle)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    with tempfile.TemporaryFile() as handle:
        write_xlsx(sheets, handle)
        handle.seek(0)
        return handle.read()


def xlsx_response(filename: str, sheets: list[Sheet]):
    """The workbook as a download (written row by row; the response holds its bytes only)."""
    return attachment(xlsx_bytes(sheets), filename, XLSX)


def csv_response(filename: str, header: list[str], rows: Iterable, *, tags=None):
    return attachment(csv_chunks(header, rows, tags=tags), filename, CSV)


def export_response(request, basename: str, header: list[str], rows: Iterable):
    """A list page's export: `?format=xlsx` an Excel workbook, otherwise CSV."""
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"{basename}.xlsx", [Sheet(basename, header, rows)])
    return csv_response(f"{basename}.csv", header, rows)
