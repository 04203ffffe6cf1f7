"""Writes the standard report template (docx/bao-cao.docx) in the Decree 30/2020 layout.

The template is a file an office may edit in Word and upload as its own; this module is how
the shipped one was made, kept so that a change to the layout is a reviewed code change:
`python -m nhandao.reports.standard_template` rewrites the file.

Decree 30/2020/NĐ-CP, appendix I: A4; margins top and bottom 20–25 mm, left 30–35 mm, right
15–20 mm; Times New Roman 13–14; the issuing body at the top left over its number and
symbol; the national title and motto at the top right, the motto underlined by a rule; place
and date in italics; the title in bold capitals; "Nơi nhận" in bold italics at the bottom
left; the signature block at the bottom right; page numbers centred in the header from the
second page on."""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TEMPLATE = Path(__file__).parent / "docx" / "bao-cao.docx"
FONT = "Times New Roman"


def _run(paragraph, text, *, bold=False, italic=False, size=13, upper=False):
    run = paragraph.add_run(text.upper() if upper else text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)
    run.font.name = FONT
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return run


def _para(container, text="", *, align=WD_ALIGN_PARAGRAPH.CENTER, **style):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    if text:
        _run(paragraph, text, **style)
    return paragraph


def _rule_below(paragraph, indent_mm: int):
    """The solid rule under the motto (and under the issuing body's name)."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)
    paragraph.paragraph_format.left_indent = Mm(indent_mm)
    paragraph.paragraph_format.right_indent = Mm(indent_mm)


def _page_number_field(paragraph):
    run = paragraph.add_run()
    run.font.name, run.font.size = FONT, Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def build(path: Path = TEMPLATE) -> Path:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.different_first_page_header_footer = True  # no number on page 1
    _page_number_field(_para(section.header))
    section.header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    head = document.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = head.rows[0].cells
    left.width, right.width = Mm(65), Mm(100)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(left.paragraphs[0], "{{ parent_name }}", size=13, upper=False)
    _rule_below(_para(left, "{{ organisation_name }}", bold=True, size=13), 12)
    _para(left, "Số: {{ number }}", size=13)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _rule_below(_para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13), 22)
    _para(right, "{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}", italic=True)

    _para(document)
    _para(document, "BÁO CÁO", bold=True, size=14)
    _para(document, "{{ title }}", bold=True, size=14)
    _para(document)

    _para(document, "{%p for section in sections %}", align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(document, "{{ section.number }}. {{ section.title }}", bold=True, size=14,
          align=WD_ALIGN_PARAGRAPH.JUSTIFY)  # fmt: skip
    _para(document, "{{ section.text }}", size=14, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _para(document, "{%p endfor %}", align=WD_ALIGN_PARAGRAPH.LEFT)

    _para(document, "Số liệu chủ yếu", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.LEFT)
    table = document.add_table(rows=3, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["TT", "Chỉ tiêu", "Đơn vị tính", "Kỳ này",
                                                "Cùng kỳ năm trước"], strict=True):  # fmt: skip
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], text, bold=True, size=12)
    _run(table.rows[1].cells[0].paragraphs[0], "{%tr for line in lines %}", size=12)
    for cell, text in zip(table.rows[2].cells, ["{{ line.number }}", "{{ line.name }}",
                                                "{{ line.unit }}", "{{ line.value }}",
                                                "{{ line.previous }}"], strict=True):  # fmt: skip
        _run(cell.paragraphs[0], text, size=12)
    table.add_row()
    _run(table.rows[3].cells[0].paragraphs[0], "{%tr endfor %}", size=12)
    _para(document)

    foot = document.add_table(rows=1, cols=2)
    recipients, signature = foot.rows[0].cells
    recipients.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
    _run(recipients.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    _para(recipients, "{%p for r in recipients %}", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    _para(recipients, "- {{ r }};", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    _para(recipients, "{%p endfor %}", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    signature.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(signature.paragraphs[0], "{{ signer_title }}", bold=True, size=13)
    for _ in range(4):
        _para(signature)
    _para(signature, "{{ signer_name }}", bold=True, size=14)

    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


if __name__ == "__main__":
    print(build())
