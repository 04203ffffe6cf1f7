"""Lists out as CSV and XLSX (openpyxl writes; calamine/polars read)."""

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


def receipt_book(campaign, donations, *, by_donor: bool) -> tuple[str, list]:
    """Sổ chi tiết of a campaign: (file name, sheets) — every donation by date with a total
    row, or one row per donor as shown publicly (count, total, first and last day)."""
    if by_donor:
        totals = {}
        for d in donations.order_by("donor_name", "received_on"):
            key = d.display_donor
            entry = totals.setdefault(key, [key, 0, 0, d.received_on, d.received_on])
            entry[1] += 1
            entry[2] += d.amount
            # one shown name ("Ẩn danh") may gather several donors: keep both ends
            entry[3], entry[4] = min(entry[3], d.received_on), max(entry[4], d.received_on)
        rows = sorted(totals.values(), key=lambda r: (-r[2], r[0]))
        header = ["Nhà hảo tâm", "Số khoản", "Tổng (đồng)", "Từ ngày", "Đến ngày"]
        sheets = [("Theo nhà hảo tâm", header, rows)]
        name = f"so-chi-tiet-{campaign.code}-theo-nha-hao-tam.xlsx"
    else:
        header = [
            "Ngày",
            "Người ủng hộ",
            "Hình thức",
            "Số tiền (đồng)",
            "Hiện vật",
            "Tổ chức tiếp nhận",
            "Nội dung",
        ]
        rows = [
            [
                d.received_on,
                d.display_donor,
                d.get_channel_display(),
                d.amount,
                d.goods_item,
                d.organisation.name,
                d.statement_line.description if d.statement_line_id else d.note,
            ]
            for d in donations.order_by("received_on", "pk")[:200_000]
        ]
        total = sum(r[3] for r in rows)
        rows.append([None, "Tổng cộng", "", total, "", "", ""])
        sheets = [("Theo ngày", header, rows)]
        name = f"so-chi-tiet-{campaign.code}-theo-ngay.xlsx"
    return name, sheets
