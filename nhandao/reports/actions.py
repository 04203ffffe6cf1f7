"""What users do with reports. Each action checks rights, refuses in words (Refused), writes,
and records an audit event; status moves go through the report PIPELINE, whose history rows
show who moved what and when."""

from django.db import transaction
from django.utils import timezone

from nhandao.audit.actions import record
from nhandao.lib.errors import Refused
from nhandao.orgs import access
from nhandao.reports import building, indicators
from nhandao.reports.models import (
    PIPELINE,
    Indicator,
    Report,
    ReportForm,
    ReportStatus,
    ReportStatusChange,
    ReportValue,
    Source,
    Target,
)
from nhandao.reports.periods import parse

MAX_VALUE = 10**15  # 1 triệu tỷ đồng: more than the whole network handles in a year


def approver_org(report: Report):
    """Reports go up: the level above approves (the top level approves its own)."""
    return report.organisation.parent or report.organisation


def can_for(user, report: Report):
    """The permission question the pipeline asks, for this user and report."""

    def can(perm: str) -> bool:
        org = approver_org(report) if perm == "approve" else report.organisation
        return access.can(user, perm, org)

    return can


def moves_for(user, report: Report):
    return PIPELINE.moves_for(
        report, can=can_for(user, report), actor_id=user.pk, maker_id=report.submitted_by_id
    )


def form_for(org) -> ReportForm:
    form = ReportForm.objects.filter(org_kind=org.kind).first()
    if form is None:
        raise Refused(f"Chưa có mẫu báo cáo cho loại tổ chức “{org.get_kind_display()}”.")
    return form


@transaction.atomic
def open_report(actor, org, period_code: str, form: ReportForm | None = None) -> Report:
    """The organisation's report for the period, created as a draft the first time (by the
    system when `actor` is None: the `report` command run by the operator)."""
    form = form or form_for(org)
    period = parse(period_code, form.cutoff)
    existing = Report.objects.filter(form=form, organisation=org, period=period.code).first()
    if existing:
        return existing
    if actor is not None:
        access.require(actor, "edit", org, "Chỉ cán bộ của đơn vị mới lập được báo cáo của đơn vị.")
    report = Report.objects.create(
        form=form, organisation=org, period=period.code, start=period.start, end=period.end,
        due_on=building.due_on(form, org, period),
    )  # fmt: skip
    ReportStatusChange.log(report, ReportStatus.DRAFT, actor=actor, note="Lập báo cáo")
    record(actor, "report.open", report)
    return report


def _lock(report: Report) -> Report:
    return (
        Report.objects.select_for_update().select_related("form", "organisation").get(pk=report.pk)
    )


def _check_entry(indicator: Indicator, value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(f"{indicator.name}: phải là một số nguyên.", field=indicator.code)
    if value < 0:
        raise Refused(f"{indicator.name}: không được âm.", field=indicator.code)
    if value > MAX_VALUE:
        raise Refused(f"{indicator.name}: số quá lớn.", field=indicator.code)
    return value


@transaction.atomic
def save_entries(actor, report: Report, values: dict, narrative: dict | None = None) -> Report:
    """Store what the organisation enters: the entered indicators and the narrative."""
    report = _lock(report)
    access.require(actor, "edit", report.organisation)
    if report.is_locked:
        raise Refused(f"Báo cáo đang ở tình trạng “{report.status_label}”: không sửa được số liệu.")
    entered = {i.code: i for i in report.form.indicators.filter(source=Source.ENTERED)}
    unknown = set(values) - set(entered)
    if unknown:
        raise Refused(f"Không có chỉ tiêu nhập tay: {', '.join(sorted(unknown))}.")
    before = building._stored(report, "own", [Source.ENTERED])
    for code, raw in values.items():
        value = _check_entry(entered[code], raw)
        ReportValue.objects.update_or_create(
            report=report, indicator=entered[code], breakdown="", scope="own",
            defaults={"value": value, "source": Source.ENTERED},
        )  # fmt: skip
    if narrative is not None:
        sections = report.form.sections
        report.narrative = {s: (narrative.get(s) or "").strip() for s in sections}
        report.save(update_fields=["narrative"])
    record(actor, "report.save", report, before={f"{c}": v for (c, _), v in before.items()},
           after={c: values[c] for c in values})  # fmt: skip
    return report


def check_rules(report: Report) -> None:
    """Required entries and the form's validation rules, on the report's totals."""
    for indicator in report.form.indicators.filter(source=Source.ENTERED, required=True):
        if not report.values.filter(indicator=indicator, scope="own", value__isnull=False).exists():
            raise Refused(f"Chưa nhập “{indicator.name}”.", field=indicator.code)
    summed = building.totals(report)
    whole = building.with_formulas(
        report.form.ordered_indicators(), {k: v for k, v in summed.items()}
    )
    for rule in report.form.rules.all():
        left = indicators.evaluate(rule.left, whole)
        right = indicators.evaluate(rule.right, whole)
        if left is None or right is None:
            continue
        broken = left > right if rule.comparison == "le" else left < right
        if broken:
            raise Refused(
                f"{rule.message} ({rule.left} = {left:,.0f}; {rule.right} = {right:,.0f}).".replace(
                    ",", "."
                )
            )


def _require_move(actor, report: Report, target: str) -> None:
    """Refused when the table has no such move; 403 without its permission where it is asked."""
    move = PIPELINE.check(report.status, target)
    org = approver_org(report) if move.permission == "approve" else report.organisation
    access.require(actor, move.permission, org)


def _move(actor, report: Report, target: str, note: str = "") -> None:
    _require_move(actor, report, target)
    PIPELINE.move(report, target, actor=actor, history=ReportStatusChange, note=note,
                  maker_id=report.submitted_by_id)  # fmt: skip


@transaction.atomic
def submit(actor, report: Report) -> Report:
    """Send the report up: checks the rules, snapshots the computed values."""
    report = _lock(report)
    _require_move(actor, report, ReportStatus.SUBMITTED)
    check_rules(report)
    building.snapshot_own(report)
    _move(actor, report, ReportStatus.SUBMITTED)
    report.submitted_by, report.submitted_at = actor, timezone.now()
    report.save(update_fields=["submitted_by", "submitted_at"])
    record(actor, "report.submit", report)
    return report


@transaction.atomic
def approve(actor, report: Report) -> Report:
    """The level above approves: only when every child is approved or marked as not
    reporting; the totals are snapshotted for the level above to sum."""
    report = _lock(report)
    # The move first (permission, maker–checker); the children's rule may still refuse, and
    # then the whole transaction, this move included, is rolled back.
    _move(actor, report, ReportStatus.APPROVED)
    pending = [c for c in building.children_status(report) if not c.settled]
    if pending:
        names = ", ".join(c.organisation.name for c in pending[:5])
        more = f" và {len(pending) - 5} đơn vị khác" if len(pending) > 5 else ""
        raise Refused(
            f"Chưa duyệt được: {len(pending)} đơn vị cấp dưới chưa được duyệt hoặc đánh dấu "
            f"không báo cáo ({names}{more})."
        )
    building.snapshot_totals(report)
    report.approved_by, report.approved_at = actor, timezone.now()
    report.save(update_fields=["approved_by", "approved_at"])
    record(actor, "report.approve", report)
    return report


@transaction.atomic
def return_report(actor, report: Report, comment: str) -> Report:
    report = _lock(report)
    comment = (comment or "").strip()
    if not comment:
        raise Refused("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.", field="comment")
    _move(actor, report, ReportStatus.RETURNED, note=comment)
    report.return_comment = comment
    report.save(update_fields=["return_comment"])
    record(actor, "report.return", report, after={"comment": comment})
    return report


def _parent_report(report: Report) -> Report | None:
    if report.organisation.parent_id is None:
        return None
    return Report.objects.filter(
        form=report.form, period=report.period, organisation=report.organisation.parent
    ).first()


@transaction.atomic
def reopen(actor, report: Report, reason: str) -> Report:
    """The approver reopens an approved report (audited); refused while the level above has
    approved a report that counts it."""
    report = _lock(report)
    reason = (reason or "").strip()
    if not reason:
        raise Refused("Hãy ghi lý do mở lại báo cáo.", field="reason")
    parent = _parent_report(report)
    if parent is not None and parent.status == ReportStatus.APPROVED:
        raise Refused(
            f"Báo cáo của cấp trên ({parent.organisation.name}) đã duyệt và đã cộng số liệu "
            "này: cấp trên phải mở lại báo cáo của mình trước."
        )
    _move(actor, report, ReportStatus.DRAFT, note=reason)
    report.values.filter(scope="total").delete()
    if report.published:  # a report being corrected leaves the portal until approved again
        report.published = False
        report.save(update_fields=["published"])
    record(actor, "report.reopen", report, after={"reason": reason})
    return report


@transaction.atomic
def move_report(actor, report: Report, target: str, note: str = "") -> Report:
    """The move a button of the report's page (or the API) names, by its target status.
    "Not reporting" is marked from the parent's list of children (mark_not_reporting)."""
    moves = {
        ReportStatus.SUBMITTED: lambda: submit(actor, report),
        ReportStatus.APPROVED: lambda: approve(actor, report),
        ReportStatus.RETURNED: lambda: return_report(actor, report, note),
        ReportStatus.DRAFT: lambda: reopen(actor, report, note),
    }
    if target not in moves:
        PIPELINE.check(report.status, target)
        raise Refused(
            "Việc này làm ở danh sách đơn vị cấp dưới của báo cáo cấp trên.", field="to_status"
        )
    return moves[target]()


@transaction.atomic
def mark_not_reporting(actor, org, period_code: str, reason: str) -> Report:
    """The level above records that an organisation does not report this period (dissolved,
    merged, not yet active), so the parent's report can be approved."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("Hãy ghi lý do đơn vị không báo cáo.", field="reason")
    form = form_for(org.parent or org)
    report = Report.objects.filter(
        form=form, organisation=org, period=parse(period_code, form.cutoff).code
    ).first()
    if report is None:
        access.require(actor, "approve", org.parent or org)
        period = parse(period_code, form.cutoff)
        report = Report.objects.create(
            form=form, organisation=org, period=period.code, start=period.start,
            end=period.end, due_on=period.end,
        )  # fmt: skip
    report = _lock(report)
    _move(actor, report, ReportStatus.NOT_REPORTING, note=reason)
    record(actor, "report.not_reporting", report, after={"reason": reason})
    return report


@transaction.atomic
def publish(actor, report: Report, published: bool = True) -> Report:
    """Put an approved report on the portal (/cong-khai/bao-cao/), or take it down: the
    organisation's leaders decide ("approve" at the report's organisation); audited."""
    report = _lock(report)
    access.require(
        actor, "approve", report.organisation,
        "Chỉ lãnh đạo có quyền duyệt của đơn vị mới công khai được báo cáo của đơn vị.",
    )  # fmt: skip
    if published and report.status != ReportStatus.APPROVED:
        raise Refused(
            f"Báo cáo đang ở tình trạng “{report.status_label}”: chỉ công khai được báo cáo "
            "đã duyệt."
        )
    if report.published == published:
        raise Refused("Báo cáo đã được công khai." if published else "Báo cáo chưa công khai.")
    report.published = published
    report.save(update_fields=["published"])
    record(actor, "report.publish" if published else "report.unpublish", report,
           before={"published": not published}, after={"published": published})  # fmt: skip
    return report


def _check_target(indicator: Indicator, raw) -> int | None:
    """A target is a whole, non-negative number; None (or "") removes it."""
    if raw is None or raw == "":
        return None
    name = f"{indicator.name}: chỉ tiêu kế hoạch"
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise Refused(f"{name} phải là một số nguyên.", field=indicator.code)
    if raw < 0:
        raise Refused(f"{name} không được âm.", field=indicator.code)
    if raw > MAX_VALUE:
        raise Refused(f"{name} quá lớn.", field=indicator.code)
    return raw


@transaction.atomic
def set_targets(actor, org, period_code: str, values: dict) -> dict[str, int | None]:
    """Targets for one organisation and period, by indicator code: the organisation enters its
    own, or the level above sets them ("edit" on the organisation, which a parent's officers
    hold over their subtree). Every value is checked before anything is written; audited."""
    access.require(actor, "edit", org)
    period = parse(period_code)
    form = form_for(org)
    known = {i.code: i for i in form.indicators.exclude(source=Source.FORMULA)}
    unknown = set(values) - set(known)
    if unknown:
        raise Refused(f"Không có chỉ tiêu trong mẫu báo cáo: {', '.join(sorted(unknown))}.")
    checked = {code: _check_target(known[code], raw) for code, raw in values.items()}
    existing = Target.objects.filter(organisation=org, period=period.code)
    before = {t.indicator.code: t.value for t in existing.select_related("indicator")}
    for code, value in checked.items():
        if value is None:
            existing.filter(indicator=known[code]).delete()
        else:
            Target.objects.update_or_create(
                organisation=org, period=period.code, indicator=known[code],
                defaults={"value": value, "set_by": actor},
            )  # fmt: skip
    record(actor, "report.targets", org, before=before, after=checked)
    return checked
