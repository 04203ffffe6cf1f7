"""A programme's review as a Word file in the Decree 30/2020 layout: the reports' standard
template (reports/standard_template.py, filled with docxtpl by reports.outputs), with the
programme's indicators as its table (the cumulative actual against the period's target)."""

from django.utils import timezone

from nhandao.coordination import programmes
from nhandao.coordination.models import Programme
from nhandao.lib.dates import format_date
from nhandao.lib.money import format_vnd
from nhandao.reports.outputs import render_docx
from nhandao.reports.standard_template import TEMPLATE


def _shown(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "đồng":
        return format_vnd(value)
    return f"{value:,}".replace(",", ".")


def context(programme: Programme) -> dict:
    today = timezone.localdate()
    org = programme.organisation
    review = programme.reviews.order_by("-held_on").first()
    lines, n = [], 0
    for item, rows in programmes.table(programme):
        for row in rows:
            n += 1
            unit = row.indicator.unit
            lines.append({
                "number": n, "unit": unit, "value": _shown(row.total_actual, unit),
                "name": f"{item.order}. {row.indicator.name} (mục tiêu giai đoạn: "
                        f"{_shown(row.indicator.target, unit)})",
                "previous": "—",
            })  # fmt: skip
    sections = [
        {"number": i, "title": item.title,
         "text": f"Chủ trì: {item.responsible.name}."}
        for i, (item, _) in enumerate(programmes.table(programme), start=1)
    ]  # fmt: skip
    if review is not None:
        sections.insert(0, {"number": 0, "title": "Đánh giá chung", "text": review.summary})
        for i, s in enumerate(sections, start=1):
            s["number"] = i
    kind = review.get_kind_display() if review else "Báo cáo kết quả thực hiện"
    return {
        "parent_name": (org.parent.name if org.parent_id else "").upper(),
        "organisation_name": org.name.upper(),
        "number": (review.number if review and review.number else "      /BC"),
        "place": org.admin_unit.name if org.admin_unit_id else "Hà Nội",
        "day": f"{today.day:02d}", "month": f"{today.month:02d}", "year": today.year,
        "title": f"{kind} {programme.title} giai đoạn {programme.start_year}–{programme.end_year}",
        "sections": sections,
        "lines": lines,
        "recipients": [p.name for p in programme.parties.all()] + ["Lưu: VT"],
        "signer_title": "TM. BAN THƯỜNG TRỰC",
        "signer_name": "",
    }  # fmt: skip


def programme_docx(programme: Programme) -> bytes:
    return render_docx(TEMPLATE, context(programme))


def plan_context(plan) -> dict:
    """A supervision's results (báo cáo kết quả giám sát): the plan, the conclusion, each
    finding with its recommendation and how it ended; the table counts findings by status."""
    today = timezone.localdate()
    org = plan.organisation
    findings = list(plan.findings.select_related("owner"))
    sections = [{
        "number": 1, "title": "Thông tin chung",
        "text": f"{org.name} giám sát {plan.supervised.name} về {plan.get_subject_display()}, "
                f"thời kỳ {format_date(plan.period_start)} – {format_date(plan.period_end)}; "
                f"đoàn làm việc từ {format_date(plan.access_from)} đến "
                f"{format_date(plan.access_until)}. {plan.team}".strip(),
    }]  # fmt: skip
    for i, f in enumerate(findings, start=2):
        outcome = f.waiver_reason and f"Miễn thực hiện: {f.waiver_reason}" or (
            f"Phản hồi: {f.response} Biện pháp: {f.corrective_action}" if f.response
            else "Chưa phản hồi.")  # fmt: skip
        sections.append({
            "number": i, "title": f"{f.title} (mức độ {f.get_severity_display().lower()})",
            "text": f"Căn cứ: {f.evidence} Kiến nghị: {f.recommendation} Hạn: "
                    f"{format_date(f.due_on)}. {outcome} Tình trạng: {f.status_label}.",
        })  # fmt: skip
    sections.append({"number": len(sections) + 1, "title": "Kết luận",
                     "text": plan.conclusion or "…"})  # fmt: skip
    counts = {}
    for f in findings:
        counts[f.status_label] = counts.get(f.status_label, 0) + 1
    lines = [{"number": i, "name": label, "unit": "kết luận", "value": str(n), "previous": "—"}
             for i, (label, n) in enumerate(sorted(counts.items()), start=1)]  # fmt: skip
    return {
        "parent_name": (org.parent.name if org.parent_id else "").upper(),
        "organisation_name": org.name.upper(), "number": "      /BC-GS",
        "place": org.admin_unit.name if org.admin_unit_id else "Hà Nội",
        "day": f"{today.day:02d}", "month": f"{today.month:02d}", "year": today.year,
        "title": f"Kết quả {plan.title[0].lower()}{plan.title[1:]}",
        "sections": sections, "lines": lines,
        "recipients": [plan.supervised.name, "Lưu: VT"],
        "signer_title": "TM. BAN THƯỜNG TRỰC", "signer_name": "",
    }  # fmt: skip


def plan_docx(plan) -> bytes:
    return render_docx(TEMPLATE, plan_context(plan))
