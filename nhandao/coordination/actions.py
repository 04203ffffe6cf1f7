"""What users do with directives, programmes and supervisions. Each action checks rights,
refuses in words (Refused, naming the field), writes everything or nothing
(@transaction.atomic), and records an audit event; status moves go through the app's
pipelines, whose history rows show who moved what and when."""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from nhandao.audit.actions import record
from nhandao.coordination.models import (
    FINDING_PIPELINE,
    TASK_PIPELINE,
    ChecklistItem,
    Directive,
    Finding,
    FindingStatus,
    FindingStatusChange,
    IndicatorYear,
    ItemIndicator,
    Programme,
    ProgrammeItem,
    Review,
    SupervisionPlan,
    Task,
    TaskReport,
    TaskStatus,
    TaskStatusChange,
    Visit,
    YearPlan,
    ordinal,
)
from nhandao.lib.dates import format_date
from nhandao.lib.errors import Refused
from nhandao.orgs import access
from nhandao.orgs.models import (
    SUBJECT_RECORDS,
    Organisation,
    OrgStatus,
    SupervisionGrant,
    SupervisionSubject,
)
from nhandao.relief import actions as relief

MAX_VALUE = 10**15
MAX_TASKS = 200  # tasks of one directive (one per assignee and item)
MAX_WINDOW_DAYS = 366  # a supervision team reads the books for at most a year


# ---- who may be given work -------------------------------------------------------------


def partners_q(org: Organisation) -> Q:
    """Organisations an issuer may give work to: its own subtree (down the tree) and the
    organisations working in its area (across, to the partner organisations: a province's
    Front committee to the province's Red Cross and its communes' chapters)."""
    units = access.area_units(org)
    if units is None:  # a central body coordinates with everyone
        return Q()
    across = Q(admin_unit__in=units) | access.units_q(units, via="admin_unit")
    return access.subtree_q(org) | across


def assignable(org: Organisation):
    return (
        Organisation.objects.filter(partners_q(org), status=OrgStatus.ACTIVE)
        .exclude(pk=org.pk)
        .order_by("kind", "path")
    )


def _check_assignee(org: Organisation, assignee: Organisation, label: str, field: str):
    if assignee.pk == org.pk or not assignable(org).filter(pk=assignee.pk).exists():
        raise Refused(
            f"{label}: “{assignee.name}” không thuộc hệ thống của {org.name} và không phải tổ "
            "chức phối hợp trên địa bàn, hoặc đã ngừng hoạt động: không giao được.",
            field=field,
        )


# ---- directives and tasks ----------------------------------------------------------------


def task_can_for(user, task: Task):
    """The permission question TASK_PIPELINE asks: "issuer" is edit at the directive's
    organisation; any other permission is asked at the assignee."""

    def can(perm: str) -> bool:
        if perm == "issuer":
            return access.can(user, "edit", task.directive.organisation)
        return access.can(user, perm, task.assignee)

    return can


def task_moves(user, task: Task):
    return TASK_PIPELINE.moves_for(task, can=task_can_for(user, task))


def _clean(text, label: str, field: str, max_length: int = 500) -> str:
    text = (text or "").strip()
    if not text:
        raise Refused(f"Hãy ghi {label}.", field=field)
    if len(text) > max_length:
        raise Refused(f"{label.capitalize()} dài quá {max_length} ký tự.", field=field)
    return text


def _check_task(directive_org, issued_on: date, n: int, title, assignees, due_on):
    label = f"Nhiệm vụ {ordinal(n).lower()}"
    title = _clean(title, f"nội dung {label.lower()}", "tasks")
    if not assignees:
        raise Refused(f"{label}: chưa chọn đơn vị thực hiện.", field="tasks")
    if due_on is None:
        raise Refused(f"{label}: chưa có hạn hoàn thành.", field="tasks")
    if due_on < issued_on:
        raise Refused(
            f"{label}: hạn hoàn thành {format_date(due_on)} trước ngày ban hành văn bản "
            f"({format_date(issued_on)}).",
            field="tasks",
        )
    for assignee in assignees:
        _check_assignee(directive_org, assignee, label, "tasks")
    return title


@transaction.atomic
def issue_directive(
    actor, *, organisation, kind, number, title, issued_on, tasks=(), file=None, programme=None
) -> Directive:
    """A directive with its tasks: `tasks` is a list of (title, [assignees], due_on), each
    numbered in order ("Thứ nhất", …), one task row per assignee."""
    access.require(actor, "edit", organisation, "Chỉ cán bộ của cơ quan ban hành mới nhập được.")
    number = _clean(number, "số, ký hiệu văn bản", "number", 40)
    title = _clean(title, "trích yếu văn bản", "title", 300)
    if issued_on is None:
        raise Refused("Hãy ghi ngày ban hành.", field="issued_on")
    if issued_on > timezone.localdate():
        raise Refused("Ngày ban hành không được sau hôm nay.", field="issued_on")
    if len(tasks) > MAX_TASKS:
        raise Refused(f"Một văn bản giao tối đa {MAX_TASKS} nhiệm vụ.", field="tasks")
    directive = Directive.objects.create(
        organisation=organisation, kind=kind, number=number, title=title, issued_on=issued_on,
        file=file or "", programme=programme, created_by=actor,
    )  # fmt: skip
    for n, (task_title, assignees, due_on) in enumerate(tasks, start=1):
        _add_tasks(actor, directive, n, task_title, assignees, due_on)
    record(actor, "coordination.directive.issue", directive, organisation=organisation)
    return directive


def _add_tasks(actor, directive, n, title, assignees, due_on) -> list[Task]:
    title = _check_task(directive.organisation, directive.issued_on, n, title, assignees, due_on)
    made = []
    for assignee in assignees:
        task = Task.objects.create(
            directive=directive, order=n, title=title, assignee=assignee, due_on=due_on
        )
        TaskStatusChange.log(task, TaskStatus.ASSIGNED, actor=actor, note="Giao nhiệm vụ")
        made.append(task)
    return made


@transaction.atomic
def add_task(actor, directive: Directive, *, title, assignees, due_on) -> list[Task]:
    """One more task of the directive (the next number), for each assignee."""
    access.require(actor, "edit", directive.organisation)
    n = (directive.tasks.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    tasks = _add_tasks(actor, directive, n, title, assignees, due_on)
    for task in tasks:
        record(actor, "coordination.task.assign", task)
    return tasks


def _lock_task(task: Task) -> Task:
    return (
        Task.objects.select_for_update()
        .select_related("directive__organisation", "assignee")
        .get(pk=task.pk)
    )


@transaction.atomic
def report_progress(
    actor, task: Task, *, progress, text, evidence=None, evidence_note="", complete=False
) -> TaskReport:
    """The assignee reports how far it is; `complete`: done, with evidence (a file or a
    description of where the proof is), for the issuer to confirm."""
    task = _lock_task(task)
    access.require(actor, "edit", task.assignee, "Chỉ đơn vị được giao mới báo cáo được.")
    if task.status not in (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS):
        raise Refused(f"Nhiệm vụ đang ở tình trạng “{task.status_label}”: không báo cáo thêm được.")
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise Refused("Tiến độ là một số từ 0 đến 100 (%).", field="progress")
    text = _clean(text, "kết quả thực hiện", "text", 5000)
    evidence_note = (evidence_note or "").strip()[:500]
    if complete:
        if not evidence and not evidence_note:
            raise Refused(
                "Báo cáo hoàn thành cần minh chứng: đính kèm tệp hoặc ghi minh chứng ở đâu.",
                field="evidence",
            )
        progress = 100
    report = TaskReport.objects.create(
        task=task, progress=progress, text=text, evidence=evidence or "",
        evidence_note=evidence_note, completion=complete, actor=actor,
    )  # fmt: skip
    can = task_can_for(actor, task)
    if complete:
        TASK_PIPELINE.move(task, TaskStatus.REPORTED, actor=actor, can=can,
                           history=TaskStatusChange, note=text)  # fmt: skip
        task.reported_by = actor
    elif task.status == TaskStatus.ASSIGNED:
        TASK_PIPELINE.move(task, TaskStatus.IN_PROGRESS, actor=actor, can=can,
                           history=TaskStatusChange)  # fmt: skip
    task.progress = progress
    task.save(update_fields=["progress", "reported_by"])
    record(actor, "coordination.task.report", task, after={"progress": progress,
                                                            "complete": complete})  # fmt: skip
    return report


@transaction.atomic
def move_task(actor, task: Task, target: str, note: str = "") -> Task:
    """The issuer confirms, returns, cancels or reopens; the assignee starts. (Completion
    is reported with `report_progress(complete=True)`: it needs evidence.)"""
    task = _lock_task(task)
    if target == TaskStatus.REPORTED:
        raise Refused("Báo cáo hoàn thành bằng mẫu báo cáo tiến độ, kèm minh chứng.")
    TASK_PIPELINE.move(task, target, actor=actor, can=task_can_for(actor, task),
                       history=TaskStatusChange, note=(note or "").strip())  # fmt: skip
    fields = []
    if target == TaskStatus.DONE:
        task.done_on, fields = timezone.localdate(), ["done_on"]
    elif task.done_on:
        task.done_on, fields = None, ["done_on"]
    if fields:
        task.save(update_fields=fields)
    record(actor, f"coordination.task.{target}", task, after={"note": note})
    return task


# ---- programmes --------------------------------------------------------------------------


@transaction.atomic
def create_programme(
    actor, *, organisation, parties, title, level, signed_on, start_year, end_year, number="",
    document=None,
) -> Programme:  # fmt: skip
    access.require(actor, "edit", organisation, "Chỉ cán bộ của bên chủ trì mới nhập được.")
    title = _clean(title, "tên chương trình", "title", 300)
    if signed_on is None:
        raise Refused("Hãy ghi ngày ký.", field="signed_on")
    if not (2000 <= (start_year or 0) <= (end_year or 0) <= 2100):
        raise Refused("Giai đoạn: năm bắt đầu phải trước hoặc bằng năm kết thúc.", "end_year")
    if end_year - start_year > 10:
        raise Refused("Một chương trình phối hợp kéo dài tối đa 10 năm.", field="end_year")
    others = [p for p in parties if p.pk != organisation.pk]
    if not others:
        raise Refused("Chương trình phối hợp cần ít nhất một bên ký kết khác.", field="parties")
    for party in others:
        _check_assignee(organisation, party, "Bên ký kết", "parties")
    programme = Programme.objects.create(
        organisation=organisation, title=title, level=level, signed_on=signed_on,
        start_year=start_year, end_year=end_year, number=(number or "").strip()[:40],
        document=document or "",
    )  # fmt: skip
    programme.parties.set([organisation, *others])
    record(actor, "coordination.programme.create", programme, organisation=organisation)
    return programme


def _parties(programme: Programme) -> list[Organisation]:
    return list(programme.parties.all())


def _require_party(actor, programme: Programme) -> None:
    if not any(access.can(actor, "edit", p) for p in _parties(programme)):
        access.require(actor, "edit", programme.organisation)


def transfer_sources(user, programme: Programme):
    """The parties whose money `user` manages: those it may move money from under the
    programme."""
    parties = programme.parties.order_by("kind", "path")
    return parties.filter(pk__in=[p.pk for p in parties if access.can(user, "money", p)])


def propose_transfer(actor, programme: Programme, **fields):
    """Money from one party to another under the programme (issue #21 item 5, decision
    0019): a relief allocation across the trees, proposed here and approved by another
    person of the paying party (maker–checker) on the allocation's page; the ledger moves it
    on approval. relief.actions refuses a date outside the programme's period or an
    organisation that is not a party."""
    return relief.propose_allocation(actor, programme=programme, **fields)


@transaction.atomic
def add_item(actor, programme: Programme, *, title, responsible, partners=()) -> ProgrammeItem:
    access.require(actor, "edit", programme.organisation)
    title = _clean(title, "nội dung phối hợp", "title")
    parties = {p.pk for p in _parties(programme)}
    if responsible is None or responsible.pk not in parties:
        raise Refused("Bên chủ trì nội dung phải là một bên ký kết chương trình.", "responsible")
    order = programme.items.count() + 1
    item = ProgrammeItem.objects.create(
        programme=programme, order=order, title=title, responsible=responsible
    )
    item.partners.set([p for p in partners if p.pk != responsible.pk])
    record(actor, "coordination.item.add", programme, after={"item": title},
           organisation=programme.organisation)  # fmt: skip
    return item


def _number(value, label: str, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(f"{label}: phải là một số nguyên.", field=field)
    if not 0 <= value <= MAX_VALUE:
        raise Refused(f"{label}: phải từ 0 đến {MAX_VALUE:,}.".replace(",", "."), field=field)
    return value


@transaction.atomic
def add_indicator(
    actor, item: ProgrammeItem, *, name, unit, baseline=None, target=None, source=None,
    yearly_targets=None,
) -> ItemIndicator:  # fmt: skip
    programme = item.programme
    access.require(actor, "edit", programme.organisation)
    indicator = ItemIndicator.objects.create(
        item=item, name=_clean(name, "tên chỉ tiêu", "name", 300),
        unit=_clean(unit, "đơn vị tính", "unit", 20),
        baseline=_number(baseline, "Giá trị nền", "baseline"),
        target=_number(target, "Mục tiêu", "target"), source=source,
    )  # fmt: skip
    for year, value in (yearly_targets or {}).items():
        _check_year(programme, year)
        IndicatorYear.objects.create(
            indicator=indicator, year=year, target=_number(value, f"Chỉ tiêu năm {year}", "target")
        )
    record(actor, "coordination.indicator.add", programme, after={"indicator": indicator.name},
           organisation=programme.organisation)  # fmt: skip
    return indicator


def _check_year(programme: Programme, year) -> None:
    if year not in programme.years:
        raise Refused(
            f"Năm {year} nằm ngoài giai đoạn {programme.start_year}–{programme.end_year}.",
            field="year",
        )


@transaction.atomic
def set_actual(actor, indicator: ItemIndicator, year: int, actual) -> IndicatorYear:
    """The responsible party enters a year's actual (indicators not fed by reports)."""
    programme = indicator.item.programme
    access.require(actor, "edit", indicator.item.responsible,
                   "Chỉ bên chủ trì nội dung mới nhập số thực hiện.")  # fmt: skip
    _check_year(programme, year)
    if indicator.source_id:
        raise Refused(
            f"Chỉ tiêu “{indicator.name}” lấy số từ báo cáo đã duyệt: không nhập tay.",
            field="actual",
        )
    row, _ = IndicatorYear.objects.get_or_create(indicator=indicator, year=year)
    before = row.actual
    row.actual = _number(actual, f"Thực hiện năm {year}", "actual")
    row.save(update_fields=["actual"])
    record(actor, "coordination.indicator.actual", programme, before={str(year): before},
           after={str(year): row.actual}, organisation=programme.organisation)  # fmt: skip
    return row


@transaction.atomic
def set_year_plan(actor, programme: Programme, year: int, content, directive=None) -> YearPlan:
    _require_party(actor, programme)
    _check_year(programme, year)
    content = _clean(content, "nội dung kế hoạch năm", "content", 20_000)
    plan, _ = YearPlan.objects.update_or_create(
        programme=programme, year=year, defaults={"content": content, "directive": directive}
    )
    record(actor, "coordination.year_plan", programme, after={"year": year},
           organisation=programme.organisation)  # fmt: skip
    return plan


@transaction.atomic
def record_review(actor, programme: Programme, *, kind, held_on, summary, number="") -> Review:
    access.require(actor, "edit", programme.organisation)
    if held_on is None or held_on.year < programme.start_year:
        raise Refused("Ngày sơ kết, tổng kết phải trong hoặc sau giai đoạn.", field="held_on")
    review = Review.objects.create(
        programme=programme, kind=kind, held_on=held_on, number=(number or "").strip()[:40],
        summary=_clean(summary, "đánh giá chung", "summary", 20_000),
    )  # fmt: skip
    record(actor, "coordination.review", programme, after={"kind": kind},
           organisation=programme.organisation)  # fmt: skip
    return review


# ---- supervision -------------------------------------------------------------------------

STANDARD_CHECKLISTS = {
    SupervisionSubject.FUNDS: [
        "Mở tài khoản riêng, sổ theo dõi tiếp nhận đúng quy định (NĐ 93/2021)",
        "Công khai danh sách ủng hộ, số tiền tiếp nhận, phân phối",
        "Phân phối đúng đối tượng, đúng mục đích, có chữ ký người nhận",
        "Chứng từ chi đầy đủ, hợp lệ; đối chiếu sao kê ngân hàng",
        "Báo cáo kết quả tiếp nhận, phân phối đúng hạn",
    ],
    SupervisionSubject.RELIEF: [
        "Danh sách đối tượng được bình xét công khai",
        "Hỗ trợ đúng mức, đúng thời gian",
        "Có biên bản bàn giao, ký nhận",
    ],
    SupervisionSubject.OPERATIONS: [
        "Thực hiện các nội dung của chương trình phối hợp",
        "Chế độ thông tin, báo cáo",
    ],
}


def finding_can_for(user, finding: Finding):
    """ "supervisor" is edit at the plan's supervising body; others at the finding's owner."""

    def can(perm: str) -> bool:
        if perm == "supervisor":
            return access.can(user, "edit", finding.plan.organisation)
        return access.can(user, perm, finding.owner)

    return can


def finding_moves(user, finding: Finding):
    return FINDING_PIPELINE.moves_for(finding, can=finding_can_for(user, finding))


@transaction.atomic
def create_plan(
    actor, *, organisation, supervised, title, subject, period_start, period_end,
    access_from, access_until, team="", checklist=None,
) -> SupervisionPlan:  # fmt: skip
    """A supervision plan; for a subject that opens money records, the grant of read-only
    access to the supervised organisation's records of the period, within the window."""
    access.require(actor, "edit", organisation, "Chỉ cán bộ của cơ quan giám sát mới lập được.")
    title = _clean(title, "tên đợt giám sát", "title", 300)
    if supervised is None:
        raise Refused("Hãy chọn đơn vị được giám sát.", field="supervised")
    _check_assignee(organisation, supervised, "Đơn vị được giám sát", "supervised")
    if subject not in SupervisionSubject.values:
        raise Refused("Hãy chọn nội dung giám sát.", field="subject")
    if not period_start or not period_end or period_start > period_end:
        raise Refused("Thời kỳ được giám sát: ngày bắt đầu phải trước ngày kết thúc.",
                      field="period_end")  # fmt: skip
    if period_end > timezone.localdate():
        raise Refused("Thời kỳ được giám sát không được kéo dài quá hôm nay.", "period_end")
    if not access_from or not access_until or access_from > access_until:
        raise Refused("Thời gian làm việc của đoàn: ngày bắt đầu phải trước ngày kết thúc.",
                      field="access_until")  # fmt: skip
    if (access_until - access_from).days > MAX_WINDOW_DAYS:
        raise Refused("Đoàn giám sát được xem sổ sách tối đa một năm.", field="access_until")
    grant = None
    if SUBJECT_RECORDS.get(subject):
        grant = SupervisionGrant.objects.create(
            supervisor=organisation, supervised=supervised, subject=subject,
            period_start=period_start, period_end=period_end, valid_from=access_from,
            valid_until=access_until, created_by=actor,
        )  # fmt: skip
    plan = SupervisionPlan.objects.create(
        organisation=organisation, supervised=supervised, title=title, subject=subject,
        period_start=period_start, period_end=period_end, access_from=access_from,
        access_until=access_until, team=(team or "").strip(), grant=grant,
    )  # fmt: skip
    criteria = checklist if checklist is not None else STANDARD_CHECKLISTS[subject]
    for n, criterion in enumerate(criteria, start=1):
        ChecklistItem.objects.create(plan=plan, order=n, criterion=criterion[:300])
    record(actor, "coordination.plan.create", plan, organisation=organisation)
    return plan


def _require_supervisor(actor, plan: SupervisionPlan) -> None:
    access.require(actor, "edit", plan.organisation, "Chỉ cơ quan giám sát mới làm được việc này.")


@transaction.atomic
def add_visit(actor, plan: SupervisionPlan, *, held_on, place="", note="") -> Visit:
    _require_supervisor(actor, plan)
    if held_on is None or held_on < plan.access_from or held_on > plan.access_until:
        raise Refused(
            f"Buổi làm việc phải trong thời gian của đoàn ({format_date(plan.access_from)} – "
            f"{format_date(plan.access_until)}).",
            field="held_on",
        )
    visit = Visit.objects.create(plan=plan, held_on=held_on, place=place[:200], note=note)
    if plan.status == "planned":
        plan.status = "ongoing"
        plan.save(update_fields=["status"])
    record(actor, "coordination.visit", plan, organisation=plan.organisation)
    return visit


CHECK_RESULTS = {"ok", "not_ok", "na"}


@transaction.atomic
def set_checklist_results(actor, plan: SupervisionPlan, results: dict) -> int:
    """The team's result per criterion ({checklist item id: "ok" | "not_ok" | "na" | ""}):
    every value checked before any is written; a closed plan is not changed. Returns how
    many results changed."""
    _require_supervisor(actor, plan)
    plan = SupervisionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == "closed":
        raise Refused("Đợt giám sát đã kết thúc: không sửa kết quả tiêu chí.")
    items = {item.pk: item for item in plan.checklist.select_for_update()}
    changed = []
    for pk, value in results.items():
        item = items.get(int(pk)) if str(pk).isdigit() else None
        if item is None:
            raise Refused(f"Tiêu chí mã {pk} không thuộc đợt giám sát này.")
        value = (value or "").strip()
        if value and value not in CHECK_RESULTS:
            raise Refused(f"Kết quả “{value}” của tiêu chí “{item.criterion}” không hợp lệ.",
                          field=f"c{item.pk}")  # fmt: skip
        if item.result != value:
            item.result = value
            changed.append(item)
    ChecklistItem.objects.bulk_update(changed, ["result"])
    if changed:
        after = {c.criterion[:60]: c.get_result_display() or "—" for c in changed}
        record(actor, "coordination.checklist", plan, organisation=plan.organisation,
               after=after)  # fmt: skip
    if changed and plan.status == "planned":
        plan.status = "ongoing"
        plan.save(update_fields=["status"])
    return len(changed)


@transaction.atomic
def add_finding(
    actor, plan: SupervisionPlan, *, title, severity, evidence, recommendation, due_on,
    criterion=None, visit=None, owner=None,
) -> Finding:  # fmt: skip
    _require_supervisor(actor, plan)
    if plan.status == "closed":
        raise Refused("Đợt giám sát đã kết thúc: không thêm kết luận được.")
    owner = owner or plan.supervised
    if not owner.path.startswith(plan.supervised.path):
        raise Refused("Đơn vị phải khắc phục phải là đơn vị được giám sát hoặc cấp dưới của nó.",
                      field="owner")  # fmt: skip
    if due_on is None:
        raise Refused("Hãy ghi hạn khắc phục.", field="due_on")
    found_on = visit.held_on if visit else timezone.localdate()
    if due_on < found_on:
        raise Refused(f"Hạn khắc phục {format_date(due_on)} trước ngày phát hiện "
                      f"({format_date(found_on)}).", field="due_on")  # fmt: skip
    finding = Finding.objects.create(
        plan=plan, visit=visit, criterion=criterion, owner=owner,
        title=_clean(title, "nội dung phát hiện", "title"), severity=severity,
        evidence=_clean(evidence, "căn cứ, bằng chứng", "evidence", 5000),
        recommendation=_clean(recommendation, "kiến nghị", "recommendation", 5000),
        due_on=due_on,
    )  # fmt: skip
    FindingStatusChange.log(finding, FindingStatus.OPEN, actor=actor, note="Kết luận, kiến nghị")
    record(actor, "coordination.finding.add", finding)
    return finding


def _lock_finding(finding: Finding) -> Finding:
    return (
        Finding.objects.select_for_update()
        .select_related("plan__organisation", "owner")
        .get(pk=finding.pk)
    )


def _move_finding(actor, finding: Finding, target: str, note: str = "") -> None:
    FINDING_PIPELINE.move(finding, target, actor=actor, can=finding_can_for(actor, finding),
                          history=FindingStatusChange, note=note)  # fmt: skip


@transaction.atomic
def respond(actor, finding: Finding, *, response, corrective_action) -> Finding:
    """The supervised organisation answers a finding with what it did or will do."""
    finding = _lock_finding(finding)
    FINDING_PIPELINE.check(finding.status, FindingStatus.RESPONDED, finding)
    access.require(actor, "edit", finding.owner, "Chỉ đơn vị phải khắc phục mới phản hồi được.")
    finding.response = _clean(response, "nội dung phản hồi", "response", 5000)
    finding.corrective_action = _clean(corrective_action, "biện pháp khắc phục",
                                       "corrective_action", 5000)  # fmt: skip
    finding.responded_on = timezone.localdate()
    finding.save(update_fields=["response", "corrective_action", "responded_on"])
    _move_finding(actor, finding, FindingStatus.RESPONDED, finding.response)
    record(actor, "coordination.finding.respond", finding)
    return finding


def check_closable(finding: Finding) -> None:
    """The rule of closing (FINDING_PIPELINE): never without the supervised organisation's
    response or a waiver with its reason; after an accepted response, only once re-checked."""
    if not finding.response.strip() and not finding.waiver_reason.strip():
        raise Refused(
            "Chưa đóng được: kết luận chưa có phản hồi của đơn vị được giám sát, cũng chưa "
            "có quyết định miễn thực hiện kèm lý do.",
            field="status",
        )
    if finding.status == FindingStatus.ACCEPTED and not finding.recheck_note.strip():
        raise Refused("Hãy ghi kết quả kiểm tra lại trước khi đóng.", field="note")


@transaction.atomic
def move_finding(actor, finding: Finding, target: str, note: str = "") -> Finding:
    """The supervisor's decisions: ask again, accept, waive (with the reason), re-check and
    close. (The response itself is `respond`.)"""
    finding = _lock_finding(finding)
    note = (note or "").strip()
    if target == FindingStatus.RESPONDED:
        raise Refused("Phản hồi bằng mẫu phản hồi (nội dung và biện pháp khắc phục).")
    FINDING_PIPELINE.check(finding.status, target, finding)
    if not finding_can_for(actor, finding)(FINDING_PIPELINE.table[(finding.status, target)]
                                           .permission):  # fmt: skip
        access.require(actor, "edit", finding.plan.organisation,
                       "Chỉ cơ quan giám sát mới làm được việc này.")  # fmt: skip
    fields = []
    if target == FindingStatus.WAIVED and note:
        finding.waiver_reason, fields = note, ["waiver_reason"]
    if target == FindingStatus.CLOSED and finding.status == FindingStatus.ACCEPTED and note:
        finding.recheck_note, fields = note, ["recheck_note"]
    if target == FindingStatus.CLOSED:
        finding.closed_on = timezone.localdate()
        fields.append("closed_on")
    _move_finding(actor, finding, target, note)
    if fields:
        finding.save(update_fields=fields)
    record(actor, f"coordination.finding.{target}", finding, after={"note": note})
    return finding


@transaction.atomic
def close_plan(actor, plan: SupervisionPlan, *, conclusion, publish=False) -> SupervisionPlan:
    """The supervision ends: every finding closed; the grant ends today at the latest."""
    plan = SupervisionPlan.objects.select_for_update().get(pk=plan.pk)
    _require_supervisor(actor, plan)
    pending = plan.findings.exclude(status=FindingStatus.CLOSED).count()
    if pending:
        raise Refused(f"Còn {pending} kết luận chưa đóng: chưa kết thúc đợt giám sát được.")
    plan.conclusion = _clean(conclusion, "kết luận giám sát", "conclusion", 20_000)
    plan.status, plan.published = "closed", bool(publish)
    plan.save(update_fields=["conclusion", "status", "published"])
    today = timezone.localdate()
    if plan.grant_id and plan.grant.valid_until > today:
        plan.grant.valid_until = today
        plan.grant.save(update_fields=["valid_until"])
    record(actor, "coordination.plan.close", plan, organisation=plan.organisation)
    return plan
