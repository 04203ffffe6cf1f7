"""The honour certificate (Giấy chứng nhận) in the Decree 30/2020 layout, A4 landscape, as a
PDF (the default: it opens on a phone) and as Word (an office may edit it).

Both are drawn from `context(honour)` only, never from the model, so any honour that gives
the same keys prints the same way. The PDF is drawn with fpdf2 and embeds DejaVu Sans (the
receipts' font: every Vietnamese letter); the Word one is the template
docx/giay-chung-nhan.docx, written by `python -m nhandao.blood.certificates` with
python-docx and filled with docxtpl, as the reports do; an office may replace it."""

import io
from pathlib import Path

from django.utils.text import slugify
from docxtpl import DocxTemplate

from nhandao.lib.dates import format_date
from nhandao.lib.decree30 import MOTTO, NATIONAL_TITLE
from nhandao.lib.downloads import DOCX, attachment
from nhandao.lib.text import fold

TEMPLATE = Path(__file__).parent / "docx" / "giay-chung-nhan.docx"
PDF = "application/pdf"


def context(honour) -> dict:
    """What a certificate says. `decision` and `awarded_on` (dd/mm/yyyy) are empty until the
    award decision is recorded. A family's honour (FamilyHonour) names the family, with no
    birth year; its count is the donations of all its members."""
    person = getattr(honour, "donor", None) and honour.donor.individual
    return {
        "awarded_by": honour.threshold.awarded_by.upper(),
        "award": honour.threshold.award.upper(),
        "full_name": person.full_name if person else honour.family.name,
        "birth_year": person.birth_date.year if person and person.birth_date else "",
        "donations": honour.donations,
        "occasion": honour.get_occasion_display(),
        "year": honour.year,
        "organisation": honour.organisation.name,
        "decision": honour.decision,
        "awarded_on": format_date(honour.awarded_on),
    }


def filename(ctx: dict, extension: str) -> str:
    """giay-chung-nhan-nguyen-van-cong-10-lan.pdf: a name a donor recognises once saved
    (ASCII, so every browser and phone keeps it)."""
    name = slugify(fold(ctx["full_name"])) or "nguoi-hien"
    return f"giay-chung-nhan-{name}-{ctx['donations']}-lan.{extension}"


def download(honour, kind: str = ""):
    """The certificate as a download: the PDF, or the Word file when `kind` is "docx"."""
    ctx = context(honour)
    if kind == "docx":
        return attachment(render_docx(ctx), filename(ctx, "docx"), DOCX)
    return attachment(render_pdf(ctx), filename(ctx, "pdf"), PDF)


# --- Word -----------------------------------------------------------------------------------


def render_docx(ctx: dict) -> bytes:
    document = DocxTemplate(TEMPLATE)
    document.render(ctx, autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write_template(path: Path = TEMPLATE) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from nhandao.lib.decree30 import FONT

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
    line("{% if decision %}Theo Quyết định số {{ decision }}{% if awarded_on %} ngày "
         "{{ awarded_on }}{% endif %}{% endif %}", italic=True, size=12)  # fmt: skip
    line("Đơn vị đề nghị: {{ organisation }}", size=12)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)


# --- PDF ------------------------------------------------------------------------------------

A4_LANDSCAPE = (297, 210)  # mm
# Decree 30's margins (top and bottom 20 mm, left 30, right 20), as in the Word template
MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 20}
RED = (180, 20, 30)  # the award and the frame: the colour of printed honour certificates
PT = 25.4 / 72  # one point in mm


def _line(pdf, text: str, size: float, *, bold=False, colour=(0, 0, 0), smallest=None, after=2):
    """One centred line at `size` pt, or smaller down to `smallest` so it fits the width;
    what is still too wide wraps."""
    style = "B" if bold else ""
    room = pdf.epw - 2 * pdf.c_margin  # multi_cell keeps a margin inside its cell
    pdf.set_font("DejaVu", style, size)
    while smallest and size > smallest and pdf.get_string_width(text) > room:
        size -= 0.5
        pdf.set_font("DejaVu", style, size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(pdf.epw, size * PT * 1.35, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(after)


def _body(pdf, ctx: dict) -> None:
    """Below the heading: the awarding body, the award, whom, why, and the decision."""
    _line(pdf, ctx["awarded_by"], 14, bold=True, smallest=10, after=5)
    _line(pdf, ctx["award"], 30, bold=True, colour=RED, smallest=16, after=6)
    _line(pdf, "Tặng", 14, after=3)
    name = ctx["full_name"]
    if ctx.get("birth_year"):
        name += f" — sinh năm {ctx['birth_year']}"
    _line(pdf, name, 22, bold=True, smallest=12, after=5)
    _line(pdf, f"Đã {ctx['donations']} lần hiến máu tình nguyện cứu người", 15, after=2)
    _line(pdf, f"Nhân dịp {ctx['occasion']} năm {ctx['year']}", 14, smallest=10, after=8)
    if ctx.get("decision"):
        decision = f"Theo Quyết định số {ctx['decision']}"
        if ctx.get("awarded_on"):
            decision += f" ngày {ctx['awarded_on']}"
        _line(pdf, decision, 12, smallest=9, after=1)
    _line(pdf, f"Đơn vị đề nghị: {ctx['organisation']}", 12, smallest=9, after=0)


def render_pdf(ctx: dict) -> bytes:
    """The certificate as a one-page A4 landscape PDF, from `context(...)`'s keys. A long
    name, award or awarding body is set smaller until it fits on its line, and the body is
    centred in the room under the heading, so the page never spills over."""
    from fpdf import FPDF

    # blood sits above donations in the layers; the fonts are the receipts' (one copy)
    from nhandao.donations.receipts import FONTS

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_margins(MARGINS["left"], MARGINS["top"], MARGINS["right"])
    pdf.set_auto_page_break(False, MARGINS["bottom"])  # one page: the lines are fitted instead
    pdf.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_title(f"Giấy chứng nhận: {ctx['full_name']}")
    pdf.set_subject(f"{ctx['award'].capitalize()} — {ctx['donations']} lần hiến máu tình nguyện")
    pdf.set_author(ctx["organisation"])
    pdf.set_creator("nhandao")
    pdf.set_lang("vi")
    pdf.add_page()

    # the frame: a thick and a thin line, inside the page's edge
    page_w, page_h = A4_LANDSCAPE
    pdf.set_draw_color(*RED)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, page_w - 20, page_h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, page_w - 26, page_h - 26)

    # the heading: national title, motto, the rule under the motto (Decree 30)
    pdf.set_y(MARGINS["top"] + 2)
    _line(pdf, NATIONAL_TITLE, 13, bold=True, after=0.5)
    _line(pdf, MOTTO, 13, bold=True, after=0)
    rule = 62  # mm: about the motto's width
    y = pdf.get_y() + 0.5
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin + (pdf.epw - rule) / 2, y, pdf.l_margin + (pdf.epw + rule) / 2, y)

    top = y + 8
    with pdf.offset_rendering() as trial:  # measured, then drawn where it is centred
        trial.set_y(top)
        _body(trial, ctx)
        height = trial.y - top
    room = page_h - MARGINS["bottom"] - top
    pdf.set_y(top + max(0, (room - height) / 2.5))  # a little above the middle, as printed
    _body(pdf, ctx)
    return bytes(pdf.output())


def pdf_bytes(honour) -> bytes:
    return render_pdf(context(honour))


if __name__ == "__main__":
    write_template()
