"""A report as files: Word in the Decree 30/2020 layout (docxtpl over a template the office
may edit) and Excel with the indicator table and the children as an annex."""

import io

from django.utils import timezone
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.exceptions import TemplateError, UndefinedError

from nhandao.lib import exports
from nhandao.orgs.models import OrgLevel
from nhandao.reports import building
from nhandao.reports.building import shown
from nhandao.reports.models import Report
from nhandao.reports.standard_template import TEMPLATE


def basename(report: Report) -> str:
    return f"bao-cao-{report.organisation.code}-{report.period}".lower()


def context(report: Report, public: bool = False) -> dict:
    """The template's fields. `public` (the portal's download of a published report): only
    what may be published — the values as approved (building.approved_lines), no narrative
    (free text may name the people helped) and no signer's name."""
    today = timezone.localdate()
    org = report.organisation
    place = org.admin_unit.name if org.admin_unit_id else "Hà Nội"
    lines = building.approved_lines(report) if public else building.lines(report)
    annex_columns = word_annex_columns([line.indicator for line in lines])
    sections = [
        {"number": i, "title": title, "text": report.narrative.get(title) or "…"}
        for i, title in enumerate(report.form.sections, start=1)
    ] if not public else []  # fmt: skip
    return {
        "parent_name": (org.parent.name if org.parent_id else "").upper(),
        "organisation_name": org.name.upper(),
        "number": report.number or f"      /{report.form.symbol}",
        "place": place,
        "day": f"{today.day:02d}",
        "month": f"{today.month:02d}",
        "year": today.year,
        "title": f"{report.form.name} {report.period_label}",
        "sections": sections,
        "lines": [
            {
                "number": i,
                "name": line.indicator.name,
                "unit": line.indicator.unit,
                "value": shown(line.value, line.indicator.unit),
                "previous": shown(line.previous, line.indicator.unit),
            }
            for i, line in enumerate(lines, start=1)
        ],
        "annex_head": [i.name for i in annex_columns],
        "annex": word_annex(report, annex_columns) if not public else [],
        "recipients": [org.parent.name if org.parent_id else "Lưu trữ", "Lưu: VT"],
        "signer_title": "TM. BAN THƯỜNG VỤ",
        # accounts.User keeps the name in full_name (get_full_name is Django's, left empty)
        "signer_name": report.approved_by.full_name if report.approved_by and not public else "",
    }


# The annex of a Word report: three figures per commune (A4 portrait), these when the form
# has them; the Excel annex has every indicator.
WORD_ANNEX_CODES = ["received_money", "distributed", "total_value"]


def word_annex_columns(form_indicators) -> list:
    by_code = {i.code: i for i in form_indicators}
    chosen = [by_code[c] for c in WORD_ANNEX_CODES if c in by_code]
    return (chosen + [i for i in form_indicators if i not in chosen])[:3]


def word_annex(report: Report, columns) -> list[dict]:
    """The all-communes annex as the Word table's rows: a heading row per parent, then its
    communes. Left out of the national report (3,321 communes: the Excel file has them)."""
    if report.organisation.level == OrgLevel.CENTRAL:
        return []
    rows, number = [], 0
    for parent, communes in building.communes_annex(report):
        rows.append({"number": "", "name": (parent.name if parent else "").upper(),
                     "status": "", "figures": ["", "", ""]})  # fmt: skip
        for row in communes:
            number += 1
            values = [shown(row.values.get(i.code), i.unit) if row.values else "—"
                      for i in columns]  # fmt: skip
            values += [""] * (3 - len(values))
            rows.append({"number": number, "name": row.organisation.name,
                         "status": row.status_label, "figures": values})  # fmt: skip
    return rows


def docx_bytes(report: Report, template=None, public: bool = False) -> tuple[bytes, str]:
    """The Word file, and a warning when the office's own template could not be used (a
    field it names does not exist): then the standard template is used instead. `public`:
    the portal's copy (context)."""
    data = context(report, public=public)
    warning = ""
    if template is not None:
        try:
            return render_docx(template, data), ""
        except (UndefinedError, TemplateError) as exc:
            warning = (
                f"Mẫu Word của đơn vị có trường không tồn tại ({exc.message}); "
                "báo cáo được lập theo mẫu chuẩn."
            )
    return render_docx(TEMPLATE, data), warning


def render_docx(template, data) -> bytes:
    """A .docx template (Jinja tags, docxtpl) filled with `data`; a tag naming no field
    raises (strict). Coordination's reviews use it with the reports' template."""
    document = DocxTemplate(template)
    document.render(data, autoescape=True, jinja_env=_strict_env())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _strict_env():
    from jinja2 import Environment

    return Environment(undefined=StrictUndefined, autoescape=True)


def xlsx_bytes(report: Report) -> bytes:
    lines = building.lines(report)
    header = ["TT", "Mã", "Chỉ tiêu", "Đơn vị tính", "Kỳ này", "Của đơn vị", "Cấp dưới",
              "Cùng kỳ năm trước", "Kế hoạch", "% đạt", "Cách lấy số liệu"]  # fmt: skip
    rows = [
        [
            i,
            line.indicator.code,
            line.indicator.name,
            line.indicator.unit,
            line.value,
            line.own,
            line.from_children,
            line.previous,
            line.target,
            round(line.achieved, 1) if line.achieved is not None else None,
            line.indicator.get_source_display(),
        ]  # fmt: skip
        for i, line in enumerate(lines, start=1)
    ]
    children = building.children_status(report)
    child_totals = building.children_table(report, children)
    codes = [line.indicator.code for line in lines]
    annex_header = ["Đơn vị", "Tình trạng"] + [line.indicator.name for line in lines]
    annex = [
        [child.organisation.name, child.status_label]
        + [child_totals.get(child.organisation.pk, {}).get(code) for code in codes]
        for child in children
    ]
    communes_header = ["Trực thuộc", "Xã, phường, đặc khu", "Tình trạng"] + [
        line.indicator.name for line in lines
    ]
    communes = [
        [parent.name if parent else "", row.organisation.name, row.status_label]
        + [row.values.get(code) for code in codes]
        for parent, group in building.communes_annex(report)
        for row in group
    ]
    return exports.xlsx_bytes(
        [
            exports.Sheet("Chỉ tiêu", header, rows, widths={2: 50}),
            exports.Sheet("Phụ lục cấp dưới", annex_header, annex, widths={0: 40}),
            exports.Sheet(
                "Phụ lục xã, phường", communes_header, communes, widths={0: 40, 1: 40}
            ),  # fmt: skip
        ]
    )
