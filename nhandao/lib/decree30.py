"""The Decree 30/2020/NĐ-CP layout of an administrative document, for python-docx: an A4 page
with its margins, Times New Roman, and the heading every report and decision opens with (the
issuing body over its number at the top left, the national title and the motto underlined by
a rule at the top right, place and date in italics). Reports (`reports/standard_template.py`)
and emulation's decisions write their documents with these pieces.

Decree 30, appendix I: A4; margins top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm;
Times New Roman 13–14."""

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def run(paragraph, text, *, bold=False, italic=False, size=13, upper=False):
    piece = paragraph.add_run(text.upper() if upper else text)
    piece.bold, piece.italic = bold, italic
    piece.font.size = Pt(size)
    piece.font.name = FONT
    piece._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return piece


def para(container, text="", *, align=WD_ALIGN_PARAGRAPH.CENTER, **style):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    if text:
        run(paragraph, text, **style)
    return paragraph


def rule_below(paragraph, indent_mm: int):
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


def page_number_field(paragraph):
    piece = paragraph.add_run()
    piece.font.name, piece.font.size = FONT, Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        piece._r.append(element)


def a4_document():
    """An empty A4 portrait document: margins 20/20/30/15 mm, Times New Roman 14."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    return document


def heading(document, *, parent: str, body: str, number: str, place_date: str, motto_rule=22):
    """The two-column heading: parent body, issuing body (ruled) and number on the left; the
    national title, the motto (ruled) and the place and date on the right."""
    head = document.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = head.rows[0].cells
    left.width, right.width = Mm(65), Mm(100)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(left.paragraphs[0], parent, size=13)
    rule_below(para(left, body, bold=True, size=13), 12)
    para(left, number, size=13)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(right.paragraphs[0], NATIONAL_TITLE, bold=True, size=12)
    rule_below(para(right, MOTTO, bold=True, size=13), motto_rule)
    para(right, place_date, italic=True)
    return head
