"""Emulation as files: a round's marks and ranking as a workbook (lib.exports: formula-safe),
and an award decision in the Decree 30/2020 layout (python-docx, with the paragraph helpers
of the reports' standard template so both documents look alike)."""

import io

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from nhandao.emulation import actions
from nhandao.emulation.models import SCORECARDS, AwardProposal, Mark, Round
from nhandao.lib.exports import Sheet
from nhandao.reports.standard_template import FONT, _para, _rule_below, _run


def round_basename(rnd: Round) -> str:
    return f"thi-dua-{rnd.cluster.year}-cum-{rnd.cluster.number}-{rnd.kind}"


def round_sheets(rnd: Round) -> list[Sheet]:
    ranked = actions.ranking(rnd)
    sections = list(rnd.version.sections.values_list("code", flat=True))
    header = ["Hạng", "Đơn vị", "Điểm (thang 100)", "Xếp loại", "Điểm thưởng", "Điểm trừ"]
    header += [f"Phần {s}" for s in sections] + ["Năm trước", "Tình trạng"]
    ranking = [
        [r.rank, r.name, float(r.score), r.grade, float(r.bonus), float(r.penalty)]
        + [float(r.sections.get(s, 0)) for s in sections]
        + [None if r.previous is None else float(r.previous), scoring_status(r.status)]
        for r in ranked
    ]
    marks = (
        Mark.objects.filter(scorecard__round=rnd)
        .select_related("scorecard__organisation", "criterion", "by", "by_org")
        .order_by("scorecard__organisation__name", "criterion__code", "at")
    )
    mark_rows = (
        [
            m.scorecard.organisation.name,
            m.criterion.code,
            m.criterion.name,
            m.get_stage_display(),
            float(m.score),
            m.reason,
            m.evidence,
            str(m.by or ""),
            m.by_org.name if m.by_org else "",
            m.at,
        ]
        for m in marks
    )
    mark_header = [
        "Đơn vị",
        "Tiêu chí",
        "Tên tiêu chí",
        "Bước",
        "Điểm",
        "Lý do",
        "Minh chứng",
        "Người chấm",
        "Chấm thay mặt",
        "Lúc",
    ]
    return [Sheet("Xếp hạng", header, ranking), Sheet("Điểm chấm", mark_header, mark_rows)]


def scoring_status(status: str) -> str:
    return SCORECARDS.label(status)


def decision_docx(proposal: AwardProposal) -> bytes:
    """The decision granting the award (Decree 30 header, Điều 1–3, Nơi nhận, signature)."""
    today = timezone.localdate()
    grantor = proposal.grantor
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    head = document.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = head.rows[0].cells
    _run(left.paragraphs[0], (grantor.parent.name if grantor.parent_id else "").upper(), size=13)
    _rule_below(_para(left, grantor.name.upper(), bold=True, size=13), 12)
    _para(left, f"Số: {proposal.decision_number or '      /QĐ'}", size=13)
    _run(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _rule_below(_para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13), 18)
    place = grantor.admin_unit.name if grantor.admin_unit_id else "Hà Nội"
    day = proposal.decided_at.date() if proposal.decided_at else today
    _para(right, f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}", italic=True)
    _para(document)
    _para(document, "QUYẾT ĐỊNH", bold=True, size=14)
    _para(document, f"Về việc tặng {proposal.get_kind_display()}", bold=True, size=14)
    _para(document)
    _para(document, f"BAN THƯỜNG VỤ {grantor.name.upper()}", bold=True, size=14)
    basis = (
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022; xét đề nghị của "
        f"{proposal.proposer.name},"
    )
    _para(document, basis, italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _para(document, "QUYẾT ĐỊNH:", bold=True, size=14)
    articles = [
        f"Điều 1. Tặng {proposal.get_kind_display()} cho {proposal.recipient_name} "
        f"đã có thành tích: {proposal.achievement}",
        "Điều 2. Quyết định có hiệu lực kể từ ngày ký.",
        f"Điều 3. Văn phòng, {proposal.proposer.name} và {proposal.recipient_name} "
        "chịu trách nhiệm thi hành Quyết định này.",
    ]
    for text in articles:
        _para(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    foot = document.add_table(rows=1, cols=2)
    recipients, signature = foot.rows[0].cells
    _run(recipients.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    for line in ("- Như Điều 3;", "- Lưu: VT, TĐKT."):
        _para(recipients, line, align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    _run(signature.paragraphs[0], "TM. BAN THƯỜNG VỤ", bold=True, size=13)
    signer = proposal.decided_by.get_full_name() if proposal.decided_by else ""
    for _ in range(3):
        _para(signature)
    _para(signature, signer, bold=True, size=14)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
