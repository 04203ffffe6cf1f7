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

from docx.enum.text import WD_ALIGN_PARAGRAPH

from nhandao.lib.decree30 import a4_document, heading, page_number_field, para, run

TEMPLATE = Path(__file__).parent / "docx" / "bao-cao.docx"


def build(path: Path = TEMPLATE) -> Path:
    document = a4_document()
    section = document.sections[0]
    section.different_first_page_header_footer = True  # no number on page 1
    page_number_field(para(section.header))
    section.header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading(
        document,
        parent="{{ parent_name }}",
        body="{{ organisation_name }}",
        number="Số: {{ number }}",
        place_date="{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}",
    )

    para(document)
    para(document, "BÁO CÁO", bold=True, size=14)
    para(document, "{{ title }}", bold=True, size=14)
    para(document)

    para(document, "{%p for section in sections %}", align=WD_ALIGN_PARAGRAPH.LEFT)
    para(document, "{{ section.number }}. {{ section.title }}", bold=True, size=14,
          align=WD_ALIGN_PARAGRAPH.JUSTIFY)  # fmt: skip
    para(document, "{{ section.text }}", size=14, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    para(document, "{%p endfor %}", align=WD_ALIGN_PARAGRAPH.LEFT)

    para(document, "Số liệu chủ yếu", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.LEFT)
    table = document.add_table(rows=3, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["TT", "Chỉ tiêu", "Đơn vị tính", "Kỳ này",
                                                "Cùng kỳ năm trước"], strict=True):  # fmt: skip
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        run(cell.paragraphs[0], text, bold=True, size=12)
    run(table.rows[1].cells[0].paragraphs[0], "{%tr for line in lines %}", size=12)
    for cell, text in zip(table.rows[2].cells, ["{{ line.number }}", "{{ line.name }}",
                                                "{{ line.unit }}", "{{ line.value }}",
                                                "{{ line.previous }}"], strict=True):  # fmt: skip
        run(cell.paragraphs[0], text, size=12)
    table.add_row()
    run(table.rows[3].cells[0].paragraphs[0], "{%tr endfor %}", size=12)
    para(document)

    foot = document.add_table(rows=1, cols=2)
    recipients, signature = foot.rows[0].cells
    recipients.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
    run(recipients.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    para(recipients, "{%p for r in recipients %}", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    para(recipients, "- {{ r }};", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    para(recipients, "{%p endfor %}", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    signature.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(signature.paragraphs[0], "{{ signer_title }}", bold=True, size=13)
    for _ in range(4):
        para(signature)
    para(signature, "{{ signer_name }}", bold=True, size=14)

    # The annex: every commune under the organisation, grouped by its parent (reports only;
    # other documents written on this template have no `annex`).
    para(document, "{%p if annex is defined and annex %}", align=WD_ALIGN_PARAGRAPH.LEFT)
    para(document)
    para(document, "PHỤ LỤC", bold=True, size=14)
    para(document, "Số liệu các xã, phường, đặc khu trực thuộc (báo cáo đã duyệt)",
         bold=True, size=13)  # fmt: skip
    annex = document.add_table(rows=3, cols=6)
    annex.style = "Table Grid"
    heads = ["TT", "Đơn vị", "Tình trạng", "{{ annex_head[0] }}", "{{ annex_head[1] }}",
             "{{ annex_head[2] }}"]  # fmt: skip
    for cell, text in zip(annex.rows[0].cells, heads, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        run(cell.paragraphs[0], text, bold=True, size=11)
    run(annex.rows[1].cells[0].paragraphs[0], "{%tr for a in annex %}", size=11)
    cells = ["{{ a.number }}", "{{ a.name }}", "{{ a.status }}", "{{ a.figures[0] }}",
             "{{ a.figures[1] }}", "{{ a.figures[2] }}"]  # fmt: skip
    for cell, text in zip(annex.rows[2].cells, cells, strict=True):
        run(cell.paragraphs[0], text, size=11)
    annex.add_row()
    run(annex.rows[3].cells[0].paragraphs[0], "{%tr endfor %}", size=11)
    para(document, "{%p endif %}", align=WD_ALIGN_PARAGRAPH.LEFT)

    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


if __name__ == "__main__":
    print(build())
