"""Emulation as files: a round's marks and ranking as a workbook (lib.exports: formula-safe),
an award decision in the Decree 30/2020 layout (python-docx, with the paragraph helpers
of the reports' standard template so both documents look alike), and the award's printable
certificate with a QR code to its public verify page (the training certificates' pattern)."""

import io
from collections import defaultdict

import segno
from django.core import signing
from django.utils import timezone
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from nhandao.emulation import actions, scoring
from nhandao.emulation.models import SCORECARDS, AwardProposal, Mark, Round
from nhandao.lib.decree30 import MOTTO, NATIONAL_TITLE, a4_document, heading, para, run
from nhandao.lib.exports import Sheet
from nhandao.orgs.models import Organisation


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
    return [
        Sheet("Xếp hạng", header, ranking),
        criteria_sheet(rnd, ranked),
        Sheet("Điểm chấm", mark_header, mark_rows),
    ]


def criteria_sheet(rnd: Round, ranked) -> Sheet:
    """One row per member (in ranking order), one column per criterion: the mark that counts
    (review over cross over self, the latest of a stage), "không áp dụng" where the criterion
    does not apply to the member, empty where it is not marked yet."""
    criteria = actions.criteria_of(rnd.version)
    by_card = defaultdict(list)
    for m in (
        Mark.objects.filter(scorecard__round=rnd)
        .only("scorecard_id", "criterion_id", "stage", "score", "at")
        .order_by("at", "pk")
    ):
        by_card[m.scorecard_id].append(m)
    header = ["Hạng", "Đơn vị"] + [f"{c.code}. {c.name}" for c, _ in criteria]
    orgs = Organisation.objects.in_bulk([r.organisation_id for r in ranked])
    rows = []
    for r in ranked:
        counting = scoring.counting_marks(by_card.get(r.scorecard_id, []))
        cells = []
        for c, _ in criteria:
            if not c.applies_to(orgs[r.organisation_id]):
                cells.append("không áp dụng")
            else:
                score = counting.get(c.pk)
                cells.append(None if score is None else float(score))
        rows.append([r.rank, r.name, *cells])
    return Sheet("Điểm theo tiêu chí", header, rows)


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


CERTIFICATE_SALT = "nhandao.emulation.award-certificate"


def certificate_token(proposal: AwardProposal) -> str:
    return signing.dumps(proposal.pk, salt=CERTIFICATE_SALT, compress=True)


def read_certificate_token(value: str) -> int:
    """The proposal's id; signing.BadSignature for a forged or damaged token."""
    return signing.loads(value, salt=CERTIFICATE_SALT)


def certificate_docx(proposal: AwardProposal, verify_url: str) -> bytes:
    """The giấy khen / bằng khen / cờ / kỷ niệm chương itself, A4 landscape: the national
    title, the granting body, the award's name, the recipient, the achievement, the decision
    it was granted by, the signature block, and a QR code to the verify page."""
    grantor = proposal.grantor
    place = grantor.admin_unit.name if grantor.admin_unit_id else "Hà Nội"
    day = proposal.decided_at.date() if proposal.decided_at else timezone.localdate()
    document = a4_document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(20)
    para(document, NATIONAL_TITLE, bold=True, size=13)
    para(document, MOTTO, bold=True, size=14)
    para(document)
    para(document, f"BAN THƯỜNG VỤ {grantor.name.upper()}", bold=True, size=14)
    para(document, "TẶNG", bold=True, size=14)
    para(document, proposal.get_kind_display().upper(), bold=True, size=26)
    para(document, "Cho", italic=True, size=14)
    para(document, proposal.recipient_name, bold=True, size=18)
    para(document, f"Đã có thành tích: {proposal.achievement}", size=14)
    para(document)
    number = proposal.decision_number or "      /QĐ"
    para(
        document,
        f"Quyết định số {number}, ngày {day.day:02d}/{day.month:02d}/{day.year}",
        italic=True,
        size=12,
    )
    para(
        document,
        f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}",
        italic=True,
        size=13,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    para(document, "TM. BAN THƯỜNG VỤ", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signer = proposal.decided_by.get_full_name() if proposal.decided_by else ""
    para(document)
    para(document)
    para(document, signer, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.RIGHT)
    png = io.BytesIO()
    segno.make(verify_url, error="m").save(png, kind="png", scale=6)
    png.seek(0)
    document.add_picture(png, width=Mm(25))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.LEFT
    para(document, "Quét mã để kiểm tra.", size=10, align=WD_ALIGN_PARAGRAPH.LEFT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
