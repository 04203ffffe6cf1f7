"""Emulation as files: a round's marks and ranking as a workbook (lib.exports: formula-safe),
and an award decision in the Decree 30/2020 layout (python-docx, with the paragraph helpers
of the reports' standard template so both documents look alike)."""

import io

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH

from nhandao.emulation import actions
from nhandao.emulation.models import SCORECARDS, AwardProposal, Mark, Round
from nhandao.lib.decree30 import a4_document, heading, para, run
from nhandao.lib.exports import Sheet


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
    place = grantor.admin_unit.name if grantor.admin_unit_id else "Hà Nội"
    day = proposal.decided_at.date() if proposal.decided_at else today
    document = a4_document()
    heading(
        document,
        parent=(grantor.parent.name if grantor.parent_id else "").upper(),
        body=grantor.name.upper(),
        number=f"Số: {proposal.decision_number or '      /QĐ'}",
        place_date=f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}",
        motto_rule=18,
    )
    para(document)
    para(document, "QUYẾT ĐỊNH", bold=True, size=14)
    para(document, f"Về việc tặng {proposal.get_kind_display()}", bold=True, size=14)
    para(document)
    para(document, f"BAN THƯỜNG VỤ {grantor.name.upper()}", bold=True, size=14)
    basis = (
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022; xét đề nghị của "
        f"{proposal.proposer.name},"
    )
    para(document, basis, italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    para(document, "QUYẾT ĐỊNH:", bold=True, size=14)
    articles = [
        f"Điều 1. Tặng {proposal.get_kind_display()} cho {proposal.recipient_name} "
        f"đã có thành tích: {proposal.achievement}",
        "Điều 2. Quyết định có hiệu lực kể từ ngày ký.",
        f"Điều 3. Văn phòng, {proposal.proposer.name} và {proposal.recipient_name} "
        "chịu trách nhiệm thi hành Quyết định này.",
    ]
    for text in articles:
        para(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    foot = document.add_table(rows=1, cols=2)
    recipients, signature = foot.rows[0].cells
    run(recipients.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    for line in ("- Như Điều 3;", "- Lưu: VT, TĐKT."):
        para(recipients, line, align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    run(signature.paragraphs[0], "TM. BAN THƯỜNG VỤ", bold=True, size=13)
    signer = proposal.decided_by.get_full_name() if proposal.decided_by else ""
    for _ in range(3):
        para(signature)
    para(signature, signer, bold=True, size=14)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
