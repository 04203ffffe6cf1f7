"""Report pages: the reports of the user's organisations for a period (with who has not
sent theirs), one report (its indicator table, what the organisation enters, the moves this
user may make, its children, Word and Excel), and the posts that change it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from nhandao.lib.downloads import DOCX, XLSX, attachment
from nhandao.lib.errors import Refused
from nhandao.lib.views import show_refused
from nhandao.orgs import access
from nhandao.orgs.models import Organisation
from nhandao.reports import actions, building, dashboard, forms, outputs, periods
from nhandao.reports.lookups import get_report
from nhandao.reports.models import PIPELINE, Report, ReportStatus


def _top_organisations(user):
    """The organisations where the user's roles start (their whole reach hangs below)."""
    if access.is_everywhere(user):
        return Organisation.objects.filter(parent__isnull=True)
    return Organisation.objects.filter(path__in=access.reach_paths(user, "view"))


@login_required
def report_list(request):
    today = timezone.localdate()
    choices = periods.reporting_periods(today)
    code = request.GET.get("ky") or (choices[1].code if len(choices) > 1 else choices[0].code)
    try:
        period = periods.parse(code)
    except Refused as exc:
        show_refused(request, exc)
        return redirect("report_list")
    tops = list(_top_organisations(request.user).order_by("name"))
    reports = {
        r.organisation_id: r
        for r in Report.objects.for_user(request.user).filter(
            period=period.code, organisation__in=tops
        )
    }
    rows = []
    for org in tops:
        report = reports.get(org.pk)
        children = (
            building.children_status(report)
            if report
            else [building.ChildStatus(c, None) for c in building.children_of(org, period)]
        )
        late = [c for c in children if not c.settled and c.status != ReportStatus.SUBMITTED
                and (c.report is None or c.report.due_on < today)]  # fmt: skip
        rows.append({"organisation": org, "report": report, "children": children, "late": late})
    editable = Organisation.objects.filter(pk__in=[
        org.pk for org in Organisation.objects.filter(access.reach_q(request.user, "edit"))[:500]
    ]).order_by("path")  # fmt: skip
    open_form = forms.OpenReportForm(
        organisations=editable, today=today, initial={"period": period.code}
    )
    return render(request, "reports/list.html", {
        "period": period, "choices": choices, "rows": rows, "open_form": open_form,
        "today": today,
    })  # fmt: skip


@login_required
@require_GET
def report_dashboard(request):
    """The leaders' view: `ky` (period), `don_vi` (an organisation the user reaches; by
    default the first where the user's roles start) — totals, the children as rows, drill-down;
    `tim` (a name) and `chi` (late / waiting) narrow the children's rows."""
    tops = list(_top_organisations(request.user).order_by("path")[:50])
    raw = (request.GET.get("don_vi") or "").strip()
    if raw:
        org = access.get_org(request.user, raw if raw.isdigit() and len(raw) <= 12 else None)
    elif tops:
        org = tops[0]
    else:
        raise Http404("Bạn chưa có vai trò ở tổ chức nào.")
    choices = periods.reporting_periods(timezone.localdate())
    code = request.GET.get("ky") or (choices[1].code if len(choices) > 1 else choices[0].code)
    try:
        form = actions.form_for(org)
        period = periods.parse(code[:10], form.cutoff)
    except Refused as exc:
        show_refused(request, exc)
        return redirect("report_list")
    only = request.GET.get("chi")
    query = (request.GET.get("tim") or "")[:100]
    board = dashboard.build(
        request.user, org, form, period, query, only if only in dashboard.ONLY_CHOICES else ""
    )
    return render(request, "reports/dashboard.html", {
        "board": board, "choices": choices, "tops": tops if len(tops) > 1 else [],
        "only_choices": dashboard.ONLY_CHOICES,
    })  # fmt: skip


@login_required
@require_POST
def report_open(request):
    access.require_anywhere(request.user, "edit")
    editable = Organisation.objects.filter(access.reach_q(request.user, "edit"))
    form = forms.OpenReportForm(request.POST, organisations=editable, today=timezone.localdate())
    if not form.is_valid():
        messages.error(request, "Hãy chọn đơn vị và kỳ báo cáo.")
        return redirect("report_list")
    try:
        report = actions.open_report(
            request.user, form.cleaned_data["organisation"], form.cleaned_data["period"]
        )
    except Refused as exc:
        show_refused(request, exc)
        return redirect("report_list")
    return redirect("report_detail", pk=report.pk)


def _detail(request, report, entries=None, note_form=None, targets=None, status=200):
    user = request.user
    can_plan = access.can(user, "edit", report.organisation)
    can_edit = not report.is_locked and can_plan
    if entries is None and can_edit:
        entries = forms.EntriesForm(report=report)
    if targets is None and can_plan:
        targets = forms.TargetsForm(report=report)
    children = building.children_status(report)
    compared = building.children_table(report, children)
    ranked = sorted(
        ((c, compared.get(c.organisation.pk, {}).get("total_value")) for c in children),
        key=lambda pair: -(pair[1] or 0),
    )
    top = max([v for _, v in ranked if v] or [0])
    can_mark = access.can(user, "approve", report.organisation)
    trend = building.monthly_trend(report)
    return render(request, "reports/detail.html", {
        "trend": trend if trend.series else None,
        "trend_data": trend.as_json(),
        "report": report,
        "lines": building.lines(report, children),
        "moves": actions.moves_for(user, report),
        "entries": entries if can_edit else None,
        "targets": targets if can_plan else None,
        "note_form": note_form or forms.NoteForm(),
        "children": children,
        "ranked": [(c, v, int(100 * v / top) if v and top else 0) for c, v in ranked],
        "can_mark": can_mark,
        "can_publish": report.status == ReportStatus.APPROVED
        and access.can(user, "approve", report.organisation),
        "history": report.history.select_related("actor"),
        "pipeline": PIPELINE,
        "late": report.due_on < timezone.localdate() and not report.is_locked,
    }, status=status)  # fmt: skip


@login_required
def report_detail(request, pk):
    return _detail(request, get_report(request.user, pk))


@login_required
@require_POST
def report_save(request, pk):
    report = get_report(request.user, pk, "edit")
    entries = forms.EntriesForm(request.POST, report=report)
    if entries.is_valid():
        try:
            actions.save_entries(request.user, report, entries.values(), entries.narrative())
        except Refused as exc:
            show_refused(request, exc, entries)
        else:
            messages.success(request, "Đã lưu số liệu và thuyết minh.")
            return redirect("report_detail", pk=report.pk)
    return _detail(request, report, entries=entries, status=422)


@login_required
@require_POST
def report_move(request, pk, target):
    report = get_report(request.user, pk)
    note = forms.NoteForm(request.POST)
    note.is_valid()
    text = note.cleaned_data.get("note", "")
    try:
        actions.move_report(request.user, report, target, text)
    except Refused as exc:
        show_refused(request, exc)
    else:
        messages.success(request, f"Báo cáo: {PIPELINE.change_text(report.status, target)}.")
    return redirect("report_detail", pk=report.pk)


@login_required
@require_POST
def report_not_reporting(request, pk, org_pk):
    """From the parent's report: a child does not report this period (or again does)."""
    report = get_report(request.user, pk)
    child = access.get_org(request.user, org_pk)
    if child.parent_id != report.organisation_id:
        raise Http404("Không phải đơn vị cấp dưới của báo cáo này.")
    note = forms.NoteForm(request.POST)
    note.is_valid()
    try:
        actions.mark_not_reporting(
            request.user, child, report.period, note.cleaned_data.get("note", "")
        )
    except Refused as exc:
        show_refused(request, exc)
    else:
        messages.success(request, f"Đã ghi {child.name} không báo cáo kỳ này.")
    return redirect("report_detail", pk=report.pk)


@login_required
def report_download(request, pk, fmt):
    report = get_report(request.user, pk)
    if fmt == "docx":
        data, warning = outputs.docx_bytes(report)
        if warning:
            messages.warning(request, warning)
        return attachment(data, f"{outputs.basename(report)}.docx", DOCX)
    if fmt == "xlsx":
        return attachment(outputs.xlsx_bytes(report), f"{outputs.basename(report)}.xlsx", XLSX)
    return HttpResponse("Không có định dạng này.", status=404)


@login_required
@require_POST
def report_targets(request, pk):
    """The organisation's targets for the report's period (its own officers, or the level
    above, which holds "edit" over its subtree)."""
    report = get_report(request.user, pk, "edit")
    targets = forms.TargetsForm(request.POST, report=report)
    if targets.is_valid():
        try:
            actions.set_targets(request.user, report.organisation, report.period, targets.values())
        except Refused as exc:
            show_refused(request, exc, targets)
        else:
            messages.success(request, "Đã lưu chỉ tiêu kế hoạch.")
            return redirect("report_detail", pk=report.pk)
    return _detail(request, report, targets=targets, status=422)


@login_required
@require_POST
def report_publish(request, pk):
    """Publish an approved report on the portal, or take it down (published=0)."""
    report = get_report(request.user, pk)
    published = request.POST.get("published", "1") != "0"
    try:
        actions.publish(request.user, report, published)
    except Refused as exc:
        show_refused(request, exc)
    else:
        messages.success(
            request,
            "Đã công khai báo cáo trên cổng thông tin."
            if published
            else "Đã thôi công khai báo cáo.",
        )
    return redirect("report_detail", pk=report.pk)


# ---- public: the portal's URL style (the portal app sits above; these pages are ours) -------


def _public_report(pk) -> Report:
    """A published, approved report, else 404 (a draft's existence is never revealed)."""
    report = (
        Report.objects.filter(pk=pk, published=True, status=ReportStatus.APPROVED)
        .select_related("form", "organisation__parent", "approved_by")
        .first()
    )
    if report is None:
        raise Http404("Không có báo cáo công khai này.")
    return report


@require_GET
def public_reports(request):
    """Published reports by period, then organisation; ?ky= narrows to one period."""
    reports = Report.objects.filter(published=True, status=ReportStatus.APPROVED).select_related(
        "form", "organisation"
    )
    code = (request.GET.get("ky") or "").strip()
    if code:
        reports = reports.filter(period=code)
    reports = list(reports.order_by("-end", "organisation__path")[:500])
    return render(request, "reports/public_list.html", {"reports": reports, "ky": code})


@require_GET
def public_report(request, pk):
    """The indicator table of a published report as approved (figures only: the narrative
    and the history stay in the back office)."""
    report = _public_report(pk)
    lines = building.approved_lines(report)
    return render(request, "reports/public_detail.html", {"report": report, "lines": lines})


@require_GET
def public_report_docx(request, pk):
    report = _public_report(pk)
    data, _warning = outputs.docx_bytes(report, public=True)  # approved values, no narrative
    return attachment(data, f"{outputs.basename(report)}.docx", DOCX)
