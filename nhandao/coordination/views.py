"""Coordination pages: directives and their follow-up board, tasks (progress with evidence,
the issuer's moves), programmes (items, indicators per year, reviews in Word), supervision
plans (checklist, findings) and findings (response, the supervisor's moves); a public summary
of closed supervisions. Each fetches through lookups.py and calls one action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from nhandao.coordination import actions, forms, outputs, programmes
from nhandao.coordination.lookups import (
    get_directive,
    get_finding,
    get_plan,
    get_programme,
    get_task,
    supervisor_reads,
)
from nhandao.coordination.models import (
    FINDING_PIPELINE,
    OPEN_TASK,
    TASK_PIPELINE,
    Directive,
    Finding,
    ItemIndicator,
    PlanStatus,
    Programme,
    SupervisionPlan,
    Task,
)
from nhandao.lib import exports
from nhandao.lib.downloads import DOCX, attachment
from nhandao.lib.errors import Refused
from nhandao.lib.text import search_key
from nhandao.lib.views import show_refused
from nhandao.orgs import access
from nhandao.orgs.models import Organisation
from nhandao.relief.models import Allocation


def _editable(user):
    return Organisation.objects.filter(access.reach_q(user, "edit")).order_by("path")


def _partners_of(user):
    """Organisations the user's organisations may work with (for a form before the issuer is
    chosen; the action checks the chosen issuer's own)."""
    q = Q(pk__in=[])
    for org in Organisation.objects.filter(path__in=access.reach_paths(user, "edit")):
        q |= actions.partners_q(org)
    return Organisation.objects.filter(q, status="active").order_by("kind", "path")


# ---- directives and tasks ----------------------------------------------------------------


def _task_rows(tasks):
    return tasks.select_related("assignee", "directive__organisation").order_by(
        "due_on", "directive", "order"
    )


@login_required
def directive_list(request):
    directives = Directive.objects.for_user(request.user).select_related("organisation")
    query = request.GET.get("q", "").strip()
    if query:
        directives = directives.filter(title_key__contains=search_key(query))
    form = None
    if access.can_anywhere(request.user, "edit"):
        form = forms.DirectiveForm(organisations=_editable(request.user))
    return render(request, "coordination/directives.html", {
        "directives": directives[:200], "form": form, "query": query,
    })  # fmt: skip


@login_required
@require_POST
def directive_create(request):
    access.require_anywhere(request.user, "edit")
    form = forms.DirectiveForm(request.POST, request.FILES, organisations=_editable(request.user))
    if form.is_valid():
        try:
            directive = actions.issue_directive(request.user, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã nhập văn bản. Giao nhiệm vụ ở bên dưới.")
            return redirect("coordination_directive", pk=directive.pk)
    directives = Directive.objects.for_user(request.user)[:200]
    return render(request, "coordination/directives.html",
                  {"directives": directives, "form": form}, status=422)  # fmt: skip


def _directive_page(request, directive, task_form=None, status=200):
    tasks = directive.tasks.select_related("assignee").order_by("order", "assignee__path")
    can_issue = access.can(request.user, "edit", directive.organisation)
    if not can_issue:  # an assignee sees its own tasks of the directive
        tasks = tasks.filter(access.reach_q(request.user, "view", via="assignee"))
    if can_issue and task_form is None:
        task_form = forms.TaskForm(assignable=actions.assignable(directive.organisation))
    counts = {}
    for task in tasks:
        key = "Quá hạn" if task.is_overdue else task.status_label
        counts[key] = counts.get(key, 0) + 1
    return render(request, "coordination/directive.html", {
        "directive": directive, "tasks": tasks, "task_form": task_form if can_issue else None,
        "counts": sorted(counts.items()), "pipeline": TASK_PIPELINE,
    }, status=status)  # fmt: skip


@login_required
def directive_detail(request, pk):
    directive = get_directive(request.user, pk)
    if request.GET.get("format") in ("csv", "xlsx"):
        tasks = _task_rows(directive.tasks.all())
        header = ["Nhiệm vụ", "Nội dung", "Đơn vị thực hiện", "Hạn", "Tình trạng",
                  "Tiến độ (%)", "Quá hạn"]  # fmt: skip
        rows = ([t.ordinal, t.title, t.assignee.name, t.due_on, t.status_label, t.progress,
                 "Quá hạn" if t.is_overdue else ""] for t in tasks)  # fmt: skip
        return exports.export_response(request, f"theo-doi-{directive.pk}", header, rows)
    return _directive_page(request, directive)


@login_required
@require_POST
def task_add(request, pk):
    directive = get_directive(request.user, pk, "edit")
    form = forms.TaskForm(request.POST, assignable=actions.assignable(directive.organisation))
    if form.is_valid():
        try:
            actions.add_task(request.user, directive, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã giao nhiệm vụ.")
            return redirect("coordination_directive", pk=directive.pk)
    return _directive_page(request, directive, task_form=form, status=422)


@login_required
def task_list(request):
    """The tasks given to the user's organisations, or (?ben=giao) those they gave."""
    given = request.GET.get("ben") == "giao"
    via = "directive__organisation" if given else "assignee"
    tasks = _task_rows(Task.objects.filter(access.reach_q(request.user, "view", via=via)))
    if request.GET.get("tat-ca") != "1":
        tasks = tasks.filter(status__in=OPEN_TASK)
    return render(request, "coordination/tasks.html", {
        "tasks": tasks[:500], "given": given, "today": timezone.localdate(),
    })  # fmt: skip


def _task_page(request, task, progress_form=None, status=200):
    can_report = task.status in ("assigned", "in_progress") and access.can(
        request.user, "edit", task.assignee
    )
    return render(request, "coordination/task.html", {
        "task": task, "reports": task.reports.select_related("actor"),
        "history": task.history.select_related("actor"),
        "progress_form": (progress_form or forms.ProgressForm()) if can_report else None,
        "moves": [m for m in actions.task_moves(request.user, task) if m.target != "reported"],
        "pipeline": TASK_PIPELINE,
    }, status=status)  # fmt: skip


@login_required
def task_detail(request, pk):
    return _task_page(request, get_task(request.user, pk))


@login_required
@require_POST
def task_report(request, pk):
    task = get_task(request.user, pk, "edit")
    form = forms.ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.report_progress(request.user, task, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã gửi báo cáo tiến độ.")
            return redirect("coordination_task", pk=task.pk)
    return _task_page(request, task, progress_form=form, status=422)


@login_required
@require_POST
def task_move(request, pk):
    task = get_task(request.user, pk)
    note = forms.NoteForm(request.POST)
    note.is_valid()
    target = request.POST.get("to", "")
    try:
        actions.move_task(request.user, task, target, note.cleaned_data.get("note", ""))
    except Refused as exc:
        show_refused(request, exc)
    else:
        messages.success(request, f"Nhiệm vụ: {TASK_PIPELINE.label(target)}.")
    return redirect("coordination_task", pk=task.pk)


# ---- programmes --------------------------------------------------------------------------


@login_required
def programme_list(request):
    form = None
    if access.can_anywhere(request.user, "edit"):
        form = forms.ProgrammeForm(organisations=_editable(request.user),
                                   partners=_partners_of(request.user))  # fmt: skip
    programmes_ = Programme.objects.for_user(request.user).select_related("organisation")
    return render(request, "coordination/programmes.html",
                  {"programmes": programmes_, "form": form})  # fmt: skip


@login_required
@require_POST
def programme_create(request):
    access.require_anywhere(request.user, "edit")
    form = forms.ProgrammeForm(request.POST, request.FILES, organisations=_editable(request.user),
                               partners=_partners_of(request.user))  # fmt: skip
    if form.is_valid():
        try:
            programme = actions.create_programme(request.user, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            return redirect("coordination_programme", pk=programme.pk)
    programmes_ = Programme.objects.for_user(request.user)
    return render(request, "coordination/programmes.html",
                  {"programmes": programmes_, "form": form}, status=422)  # fmt: skip


def _programme_page(request, programme, forms_=None, status=200):
    forms_ = forms_ or {}
    can_edit = access.can(request.user, "edit", programme.organisation)
    parties = programme.parties.order_by("kind", "path")
    rows = programmes.table(programme)
    enterable = {}
    for _, item_rows in rows:
        for row in item_rows:
            indicator = row.indicator
            if indicator.source_id or not access.can(
                request.user, "edit", indicator.item.responsible
            ):
                continue
            enterable[indicator.pk] = forms_.get(f"actual-{indicator.pk}") or forms.ActualForm(
                years=programme.years, prefix=f"i{indicator.pk}"
            )
    sources = actions.transfer_sources(request.user, programme)
    transfer_form = None
    if sources:
        transfer_form = forms_.get("transfer") or forms.TransferForm(
            actor=request.user, sources=sources, parties=parties
        )
    moved = programme.allocations.select_related("organisation", "target_organisation")
    visible = set(Allocation.objects.for_user(request.user).filter(programme=programme)
                  .values_list("pk", flat=True))  # fmt: skip
    return render(request, "coordination/programme.html", {
        "programme": programme, "parties": parties, "rows": rows,
        "transfers": [(a, a.pk in visible) for a in moved], "transfer_form": transfer_form,
        "enterable": enterable,
        "item_form": (forms_.get("item") or forms.ItemForm(parties=parties)) if can_edit else None,
        "indicator_form": (forms_.get("indicator") or forms.IndicatorForm()) if can_edit else None,
        "review_form": (forms_.get("review") or forms.ReviewForm()) if can_edit else None,
        "plans": programme.plans.all(), "reviews": programme.reviews.all(),
        "directives": programme.directives.all(),
    }, status=status)  # fmt: skip


@login_required
def programme_detail(request, pk):
    return _programme_page(request, get_programme(request.user, pk))


@login_required
@require_POST
def programme_transfer(request, pk):
    """Money from one party to another under the programme: a proposal, approved on the
    allocation's page by another person of the paying party."""
    programme = get_programme(request.user, pk)
    sources = actions.transfer_sources(request.user, programme)
    if not sources:
        raise PermissionDenied("Bạn không quản lý tiền của bên nào trong chương trình này.")
    parties = programme.parties.order_by("kind", "path")
    form = forms.TransferForm(request.POST, actor=request.user, sources=sources, parties=parties)
    if form.is_valid():
        try:
            allocation = actions.propose_transfer(request.user, programme, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã lập đề xuất chuyển tiền; chờ người khác duyệt.")
            return redirect("relief_allocation", pk=allocation.pk)
    return _programme_page(request, programme, {"transfer": form}, status=422)


@login_required
@require_POST
def programme_item(request, pk):
    programme = get_programme(request.user, pk, "edit")
    form = forms.ItemForm(request.POST, parties=programme.parties.all())
    if form.is_valid():
        try:
            actions.add_item(request.user, programme, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            return redirect("coordination_programme", pk=programme.pk)
    return _programme_page(request, programme, {"item": form}, status=422)


@login_required
@require_POST
def programme_indicator(request, pk, item_pk):
    programme = get_programme(request.user, pk, "edit")
    item = programme.items.filter(pk=item_pk).first()
    if item is None:
        raise Http404("Không có nội dung này trong chương trình.")
    form = forms.IndicatorForm(request.POST)
    if form.is_valid():
        try:
            data = dict(form.cleaned_data)
            actions.add_indicator(request.user, item, target=data.pop("goal"), **data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            return redirect("coordination_programme", pk=programme.pk)
    return _programme_page(request, programme, {"indicator": form}, status=422)


@login_required
@require_POST
def programme_actual(request, pk, indicator_pk):
    programme = get_programme(request.user, pk)
    indicator = (
        ItemIndicator.objects.filter(item__programme=programme, pk=indicator_pk)
        .select_related("item__responsible", "item__programme")
        .first()
    )
    if indicator is None:
        raise Http404("Không có chỉ tiêu này trong chương trình.")
    form = forms.ActualForm(request.POST, years=programme.years, prefix=f"i{indicator.pk}")
    if form.is_valid():
        try:
            actions.set_actual(request.user, indicator, form.cleaned_data["year"],
                               form.cleaned_data["actual"])  # fmt: skip
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã ghi số thực hiện.")
            return redirect("coordination_programme", pk=programme.pk)
    return _programme_page(request, programme, {f"actual-{indicator.pk}": form}, status=422)


@login_required
@require_POST
def programme_review(request, pk):
    programme = get_programme(request.user, pk, "edit")
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        try:
            review = actions.record_review(request.user, programme, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, f"Đã ghi {review.get_kind_display().lower()}.")
            return redirect("coordination_programme", pk=programme.pk)
    return _programme_page(request, programme, {"review": form}, status=422)


@login_required
def programme_docx(request, pk):
    """The review report (Decree 30 layout) of the programme: its indicator table."""
    programme = get_programme(request.user, pk)
    data = outputs.programme_docx(programme)
    return attachment(data, f"chuong-trinh-phoi-hop-{programme.pk}.docx", DOCX)


# ---- supervision -------------------------------------------------------------------------


@login_required
def plan_list(request):
    form = None
    if access.can_anywhere(request.user, "edit"):
        form = forms.PlanForm(organisations=_editable(request.user),
                              supervisable=_partners_of(request.user))  # fmt: skip
    plans = SupervisionPlan.objects.for_user(request.user).select_related(
        "organisation", "supervised"
    )
    return render(request, "coordination/plans.html", {"plans": plans[:200], "form": form})


@login_required
@require_POST
def plan_create(request):
    access.require_anywhere(request.user, "edit")
    form = forms.PlanForm(request.POST, organisations=_editable(request.user),
                          supervisable=_partners_of(request.user))  # fmt: skip
    if form.is_valid():
        try:
            plan = actions.create_plan(request.user, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            return redirect("coordination_plan", pk=plan.pk)
    plans = SupervisionPlan.objects.for_user(request.user)[:200]
    return render(request, "coordination/plans.html", {"plans": plans, "form": form},
                  status=422)  # fmt: skip


def _plan_page(request, plan, finding_form=None, close_form=None, status=200, **forms_):
    supervisor = access.can(request.user, "edit", plan.organisation)
    open_plan = plan.status != PlanStatus.CLOSED
    team = supervisor and open_plan
    return render(request, "coordination/plan.html", {
        "visit_form": (forms_.get("visit_form") or forms.VisitForm()) if team else None,
        "checklist_form": (forms_.get("checklist_form") or forms.ChecklistForm(plan=plan))
        if team else None,
        "plan": plan, "checklist": plan.checklist.all(), "visits": plan.visits.all(),
        "findings": plan.findings.select_related("owner", "criterion"),
        "finding_form": (finding_form or forms.FindingForm(plan=plan))
        if supervisor and open_plan else None,
        "close_form": (close_form or forms.ClosePlanForm()) if supervisor and open_plan else None,
        "pipeline": FINDING_PIPELINE,
    }, status=status)  # fmt: skip


@login_required
def plan_detail(request, pk):
    return _plan_page(request, get_plan(request.user, pk))


@login_required
def plan_reads(request, pk):
    """The supervisor's read log (orgs.SupervisedRead of the plan's grant): both sides see
    who opened which money record and when."""
    plan = get_plan(request.user, pk)
    reads, more = supervisor_reads(plan)
    return render(request, "coordination/plan_reads.html",
                  {"plan": plan, "reads": reads, "more": more})  # fmt: skip


@login_required
@require_POST
def plan_visit(request, pk):
    plan = get_plan(request.user, pk, "edit")
    form = forms.VisitForm(request.POST)
    if form.is_valid():
        try:
            actions.add_visit(request.user, plan, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã ghi buổi làm việc.")
            return redirect("coordination_plan", pk=plan.pk)
    return _plan_page(request, plan, visit_form=form, status=422)


@login_required
@require_POST
def plan_checklist(request, pk):
    plan = get_plan(request.user, pk, "edit")
    form = forms.ChecklistForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            changed = actions.set_checklist_results(request.user, plan, form.results())
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, f"Đã ghi kết quả {changed} tiêu chí.")
            return redirect("coordination_plan", pk=plan.pk)
    return _plan_page(request, plan, checklist_form=form, status=422)


@login_required
@require_POST
def plan_finding(request, pk):
    plan = get_plan(request.user, pk, "edit")
    form = forms.FindingForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            actions.add_finding(request.user, plan, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã ghi kết luận, kiến nghị.")
            return redirect("coordination_plan", pk=plan.pk)
    return _plan_page(request, plan, finding_form=form, status=422)


@login_required
@require_POST
def plan_close(request, pk):
    plan = get_plan(request.user, pk, "edit")
    form = forms.ClosePlanForm(request.POST)
    if form.is_valid():
        try:
            actions.close_plan(request.user, plan, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã kết thúc đợt giám sát.")
            return redirect("coordination_plan", pk=plan.pk)
    return _plan_page(request, plan, close_form=form, status=422)


@login_required
def plan_docx(request, pk):
    """The supervision's results as a report in the Decree 30 layout."""
    plan = get_plan(request.user, pk)
    return attachment(outputs.plan_docx(plan), f"ket-qua-giam-sat-{plan.pk}.docx", DOCX)


@login_required
def finding_list(request):
    findings = Finding.objects.for_user(request.user).select_related("plan", "owner")
    if request.GET.get("tat-ca") != "1":
        findings = findings.exclude(status="closed")
    return render(request, "coordination/findings.html", {"findings": findings[:500]})


def _finding_page(request, finding, response_form=None, status=200):
    can_respond = finding.status == "open" and access.can(request.user, "edit", finding.owner)
    moves = [m for m in actions.finding_moves(request.user, finding) if m.target != "responded"]
    return render(request, "coordination/finding.html", {
        "finding": finding, "moves": moves, "history": finding.history.select_related("actor"),
        "response_form": (response_form or forms.ResponseForm()) if can_respond else None,
        "pipeline": FINDING_PIPELINE,
    }, status=status)  # fmt: skip


@login_required
def finding_detail(request, pk):
    return _finding_page(request, get_finding(request.user, pk))


@login_required
@require_POST
def finding_respond(request, pk):
    finding = get_finding(request.user, pk, "edit")
    form = forms.ResponseForm(request.POST)
    if form.is_valid():
        try:
            actions.respond(request.user, finding, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã gửi phản hồi.")
            return redirect("coordination_finding", pk=finding.pk)
    return _finding_page(request, finding, response_form=form, status=422)


@login_required
@require_POST
def finding_move(request, pk):
    finding = get_finding(request.user, pk)
    note = forms.NoteForm(request.POST)
    note.is_valid()
    target = request.POST.get("to", "")
    try:
        actions.move_finding(request.user, finding, target, note.cleaned_data.get("note", ""))
    except Refused as exc:
        show_refused(request, exc)
    else:
        messages.success(request, f"Kết luận: {FINDING_PIPELINE.label(target)}.")
    return redirect("coordination_finding", pk=finding.pk)


def public_supervisions(request):
    """Public: the closed supervisions their supervising body chose to publish (who, whom,
    what, the conclusion, how many findings and how they ended) — no personal data."""
    plans = SupervisionPlan.objects.filter(status=PlanStatus.CLOSED, published=True)
    plans = plans.select_related("organisation", "supervised").order_by("-access_until")[:100]
    return render(request, "coordination/public.html", {"plans": plans})
