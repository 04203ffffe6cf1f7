"""The honour certificate (Giấy chứng nhận) as Word, in the Decree 30/2020 layout: the
template (docx/giay-chung-nhan.docx) is written by `python -m nhandao.blood.certificates`
with python-docx and filled with docxtpl, as the reports do; an office may replace it."""

import io
from pathlib import Path

from docxtpl import DocxTemplate

TEMPLATE = Path(__file__).parent / "docx" / "giay-chung-nhan.docx"


def context(honour) -> dict:
    person = honour.donor.individual
    return {
        "awarded_by": honour.threshold.awarded_by.upper(),
        "award": honour.threshold.award.upper(),
        "full_name": person.full_name,
        "birth_year": person.birth_date.year if person.birth_date else "",
        "donations": honour.donations,
        "occasion": honour.get_occasion_display(),
        "year": honour.year,
        "organisation": honour.organisation.name,
    }


def docx_bytes(honour) -> bytes:
    document = DocxTemplate(TEMPLATE)
    document.render(context(honour), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write_template(path: Path = TEMPLATE) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from nhandao.lib.decree30 import FONT, MOTTO, NATIONAL_TITLE

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(297), Mm(210)  # A4 landscape
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(20)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)

    def line(text, *, bold=False, italic=False, size=14):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
        return paragraph

    line(NATIONAL_TITLE, bold=True, size=13)
    line(MOTTO, bold=True, size=14)
    line("———————", size=10)
    line("{{ awarded_by }}", bold=True, size=14)
    line("{{ award }}", bold=True, size=28)
    line("Tặng", italic=True)
    line("{{ full_name }}{% if birth_year %} — sinh năm {{ birth_year }}{% endif %}", bold=True,
         size=22)  # fmt: skip
    line("Đã {{ donations }} lần hiến máu tình nguyện cứu người")
    line("Nhân dịp {{ occasion }} năm {{ year }}", italic=True)
    line("Đơn vị đề nghị: {{ organisation }}", size=12)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)


if __name__ == "__main__":
    write_template()
