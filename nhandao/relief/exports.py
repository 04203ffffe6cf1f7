"""Files out: the printable distribution list (danh sách cấp phát) with a signature column as
.xlsx (openpyxl) and .docx (python-docx, Decree 30/2020 layout), and the coverage tables."""

import io

from django.utils import timezone

from nhandao.lib.decree30 import MOTTO, NATIONAL_TITLE
from nhandao.lib.exports import append_row
from nhandao.lib.money import format_vnd

LIST_HEADERS = ["STT", "Họ và tên người nhận", "Địa chỉ", "Số lượng", "Trị giá (đồng)", "Ký nhận"]


def _address(line) -> str:
    who = line.person or line.household
    parts = [getattr(who, "village", ""), line.commune.name if line.commune_id else ""]
    return ", ".join(p for p in parts if p)


def _lines(rnd):
    return (
        rnd.lines.exclude(status="cancelled")
        .select_related("household", "person", "commune")
        .order_by("pk")
    )


def printed_lines(rnd) -> list[tuple[int, object, str, str]]:
    """The list on paper, every page of it: (number, line, address, quantity) for each line not
    cancelled, in the order the lines were added (the .xlsx, the .docx and the print view)."""
    return [(n, line, _address(line), _qty(line)) for n, line in enumerate(_lines(rnd), start=1)]


def _qty(line) -> str:
    if line.quantity is None:
        return ""
    q = line.quantity.normalize()
    return f"{q:f}".replace(".", ",")


def distribution_xlsx(rnd) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách cấp phát"
    bold = Font(bold=True, name="Times New Roman", size=13)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    append_row(sheet, [rnd.organisation.name.upper()])
    append_row(sheet, [])
    append_row(sheet, ["DANH SÁCH CẤP PHÁT"])
    append_row(
        sheet,
        [f"{rnd.name} — {rnd.get_kind_display()}" + (f" ({rnd.item})" if rnd.item_id else "")],
    )
    append_row(sheet, [f"Chiến dịch: {rnd.campaign.name}"])
    append_row(sheet, [f"Ngày {rnd.date:%d/%m/%Y}" + (f", tại {rnd.place}" if rnd.place else "")])
    append_row(sheet, [])
    for row in (1, 3):
        sheet.cell(row=row, column=1).font = bold
    sheet.merge_cells("A3:F3")
    sheet.cell(row=3, column=1).alignment = Alignment(horizontal="center")
    append_row(sheet, LIST_HEADERS)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font, cell.border = bold, box
    total = 0
    for n, line in enumerate(_lines(rnd), start=1):
        append_row(sheet, [n, line.recipient_name, _address(line), _qty(line), line.value, ""])
        total += line.value
        sheet.row_dimensions[sheet.max_row].height = 30  # room to sign
        for cell in sheet[sheet.max_row]:
            cell.border = box
        sheet.cell(row=sheet.max_row, column=5).number_format = "#,##0"
    append_row(sheet, ["", "Tổng cộng", "", "", total, ""])
    sheet.cell(row=sheet.max_row, column=2).font = bold
    sheet.cell(row=sheet.max_row, column=5).number_format = "#,##0"
    append_row(sheet, [])
    append_row(sheet, ["", "Người lập biểu", "", "", "Thủ trưởng đơn vị"])
    for letter, width in zip("ABCDEF", (6, 30, 32, 10, 16, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def distribution_docx(rnd) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    head = doc.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    left.text = rnd.organisation.name.upper()
    right.text = f"{NATIONAL_TITLE}\n{MOTTO}"
    for cell in (left, right):
        for p in cell.paragraphs:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in p.runs:
                run.bold = True
    place = doc.add_paragraph(
        f"{rnd.place or ''}, ngày {rnd.date:%d} tháng {rnd.date:%m} năm {rnd.date:%Y}"
    )
    place.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("DANH SÁCH CẤP PHÁT")
    run.bold, run.font.size = True, Pt(14)
    sub = doc.add_paragraph(
        f"{rnd.name} — {rnd.get_kind_display()}"
        + (f" ({rnd.item})" if rnd.item_id else "")
        + f"\nChiến dịch: {rnd.campaign.name}"
    )
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = doc.add_table(rows=1, cols=len(LIST_HEADERS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, LIST_HEADERS, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    total = 0
    for n, line in enumerate(_lines(rnd), start=1):
        cells = table.add_row().cells
        values = [
            str(n),
            line.recipient_name,
            _address(line),
            _qty(line),
            format_vnd(line.value, symbol=False),
            "",
        ]
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
        total += line.value
    cells = table.add_row().cells
    cells[1].text = "Tổng cộng"
    cells[4].text = format_vnd(total, symbol=False)
    doc.add_paragraph()
    sign = doc.add_table(rows=1, cols=2)
    sign.rows[0].cells[0].text = "NGƯỜI LẬP BIỂU\n(Ký, ghi rõ họ tên)"
    sign.rows[0].cells[1].text = "THỦ TRƯỞNG ĐƠN VỊ\n(Ký, ghi rõ họ tên, đóng dấu)"
    for cell in sign.rows[0].cells:
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def coverage_xlsx(campaign, area, rows, left_behind) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Theo xã"
    append_row(sheet, [f"Độ bao phủ — {campaign.name} — {area.name}"])
    append_row(sheet, [f"Xuất lúc {timezone.localtime():%d/%m/%Y %H:%M}"])
    append_row(
        sheet,
        ["Xã/phường", "Hộ đủ điều kiện", "Đã nhận", "Chưa nhận", "Hộ nghèo", "Hộ nghèo chưa nhận"],
    )
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for r in rows:
        append_row(
            sheet,
            [r.commune_name, r.eligible, r.reached, r.left_behind, r.poor, r.poor_left_behind],
        )
    listing = book.create_sheet("Hộ chưa nhận")
    append_row(listing, ["Mã hộ", "Chủ hộ", "Thôn/xóm", "Xã/phường"])
    for cell in listing[1]:
        cell.font = Font(bold=True)
    for h in left_behind:
        append_row(
            listing,
            [
                h.pk,
                h.head.full_name if h.head_id else "",
                h.village,
                h.commune.name if h.commune_id else "",
            ],
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_template_xlsx() -> bytes:
    from openpyxl import Workbook

    from nhandao.relief.importers import TEMPLATE_HEADERS

    book = Workbook()
    append_row(book.active, TEMPLATE_HEADERS)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
