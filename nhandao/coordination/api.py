"""API of coordination (/api/coordination/…, scoped by coordination/lookups.py): directives
with their follow-up board, issuing a directive with tasks, a task's progress and moves, a
programme's indicator table, findings with their response and moves. Input is validated by
the pages' forms (organisations by code)."""

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from nhandao.coordination import actions, forms, programmes
from nhandao.coordination.lookups import (
    get_directive,
    get_finding,
    get_plan,
    get_programme,
    get_task,
    supervisor_reads,
)
from nhandao.coordination.models import Directive, Finding, Task
from nhandao.lib.api import FormInvalid
from nhandao.lib.pagination import Pagination
from nhandao.orgs import access
from nhandao.orgs.models import Organisation

router = Router(tags=["Phối hợp, chỉ đạo, giám sát"])


def task_json(task: Task) -> dict:
    return {
        "id": task.pk, "order": task.order, "ordinal": task.ordinal, "title": task.title,
        "assignee": task.assignee.code, "assignee_name": task.assignee.name,
        "due_on": task.due_on.isoformat(), "status": task.status,
        "status_label": task.status_label, "progress": task.progress,
        "overdue": task.is_overdue,
    }  # fmt: skip


def directive_json(directive: Directive, tasks) -> dict:
    return {
        "id": directive.pk, "organisation": directive.organisation.code,
        "kind": directive.kind, "number": directive.number, "title": directive.title,
        "issued_on": directive.issued_on.isoformat(),
        "tasks": [task_json(t) for t in tasks],
    }  # fmt: skip


def finding_json(finding: Finding) -> dict:
    return {
        "id": finding.pk, "plan": finding.plan_id, "title": finding.title,
        "severity": finding.severity, "owner": finding.owner.code,
        "due_on": finding.due_on.isoformat(), "status": finding.status,
        "status_label": finding.status_label, "overdue": finding.is_overdue,
        "response": finding.response, "corrective_action": finding.corrective_action,
        "waiver_reason": finding.waiver_reason, "recheck_note": finding.recheck_note,
    }  # fmt: skip


class DirectiveRow(Schema):
    id: int
    kind: str
    number: str
    title: str
    issued_on: str

    @staticmethod
    def resolve_issued_on(directive):
        return directive.issued_on.isoformat()


class TaskIn(Schema):
    title: str
    assignees: list[str]  # organisation codes
    due_on: str  # yyyy-mm-dd or dd/mm/yyyy


class DirectiveIn(Schema):
    organisation: str
    kind: str = "ke_hoach"
    number: str
    title: str
    issued_on: str
    tasks: list[TaskIn] = []


class ProgressIn(Schema):
    progress: int
    text: str
    evidence_note: str = ""
    complete: bool = False


class CoordinationMoveIn(Schema):
    to_status: str
    note: str = ""


class ResponseIn(Schema):
    response: str
    corrective_action: str


class ProgrammeTransferIn(Schema):
    organisation: str  # the paying party's code
    campaign: str  # the campaign whose fund pays (its code)
    target_organisation: str  # the receiving party's code
    amount: int
    decision_no: str
    decision_date: str  # yyyy-mm-dd or dd/mm/yyyy
    source_earmark: str = ""
    note: str = ""


def transfer_json(a) -> dict:
    return {
        "id": a.pk, "programme": a.programme_id, "organisation": a.organisation.code,
        "target_organisation": a.target_organisation.code, "campaign": a.campaign.code,
        "amount": a.amount, "decision_no": a.decision_no,
        "decision_date": a.decision_date.isoformat(), "status": a.status,
        "status_label": a.get_status_display(),
    }  # fmt: skip


@router.get("/coordination/directives", response=list[DirectiveRow],
            summary="Văn bản chỉ đạo trong phạm vi của bạn")  # fmt: skip
@paginate(Pagination)
def list_directives(request, q: str = Query("", max_length=100)):
    from nhandao.lib.text import search_key

    directives = Directive.objects.for_user(request.auth)
    if q:
        directives = directives.filter(title_key__contains=search_key(q))
    return directives


@router.post("/coordination/directives", response={201: dict},
             summary="Nhập văn bản chỉ đạo và giao nhiệm vụ")  # fmt: skip
def issue_directive(request, payload: DirectiveIn):
    access.require_anywhere(request.auth, "edit")
    editable = Organisation.objects.filter(access.reach_q(request.auth, "edit"))
    data = payload.dict()
    form = forms.DirectiveForm(data, organisations=editable)
    if not form.is_valid():
        raise FormInvalid(form)
    tasks = []
    assignable = actions.assignable(form.cleaned_data["organisation"])
    for task in payload.tasks:
        task_form = forms.TaskForm(
            {"title": task.title, "assignees": task.assignees, "due_on": task.due_on},
            assignable=assignable,
        )
        if not task_form.is_valid():
            raise FormInvalid(task_form)
        cleaned = task_form.cleaned_data
        tasks.append((cleaned["title"], list(cleaned["assignees"]), cleaned["due_on"]))
    directive = actions.issue_directive(request.auth, tasks=tasks, **form.cleaned_data)
    return Status(201, directive_json(directive, directive.tasks.select_related("assignee")))


@router.get("/coordination/directives/{directive_id}", response=dict,
            summary="Một văn bản và bảng theo dõi nhiệm vụ")  # fmt: skip
def directive_detail(request, directive_id: int):
    directive = get_directive(request.auth, directive_id)
    tasks = directive.tasks.select_related("assignee")
    if not access.can(request.auth, "view", directive.organisation):
        tasks = tasks.filter(access.reach_q(request.auth, "view", via="assignee"))
    return directive_json(directive, tasks)


@router.get("/coordination/tasks/{task_id}", response=dict, summary="Một nhiệm vụ")
def task_detail(request, task_id: int):
    return task_json(get_task(request.auth, task_id))


@router.post("/coordination/tasks/{task_id}/progress", response={201: dict},
             summary="Báo cáo tiến độ, hoàn thành (kèm minh chứng)")  # fmt: skip
def task_progress(request, task_id: int, payload: ProgressIn):
    task = get_task(request.auth, task_id, "edit")
    form = forms.ProgressForm(payload.dict())
    if not form.is_valid():
        raise FormInvalid(form)
    actions.report_progress(request.auth, task, **form.cleaned_data)
    task.refresh_from_db()
    return Status(201, task_json(task))


@router.post("/coordination/tasks/{task_id}/move", response=dict,
             summary="Xác nhận, trả lại, hủy, mở lại, bắt đầu")  # fmt: skip
def task_move(request, task_id: int, payload: CoordinationMoveIn):
    task = get_task(request.auth, task_id)
    return task_json(actions.move_task(request.auth, task, payload.to_status, payload.note))


@router.get("/coordination/programmes/{programme_id}", response=dict,
            summary="Chương trình phối hợp: nội dung, chỉ tiêu theo năm")  # fmt: skip
def programme_detail(request, programme_id: int):
    programme = get_programme(request.auth, programme_id)
    items = []
    for item, rows in programmes.table(programme):
        items.append({
            "order": item.order, "title": item.title, "responsible": item.responsible.code,
            "indicators": [{
                "name": r.indicator.name, "unit": r.indicator.unit,
                "baseline": r.indicator.baseline, "target": r.indicator.target,
                "years": [{"year": c.year, "target": c.target, "actual": c.actual,
                           "origin": c.origin} for c in r.cells],
            } for r in rows],
        })  # fmt: skip
    return {
        "id": programme.pk, "title": programme.title, "start_year": programme.start_year,
        "end_year": programme.end_year, "parties": [p.code for p in programme.parties.all()],
        "items": items,
    }  # fmt: skip


@router.get("/coordination/findings/{finding_id}", response=dict, summary="Một kết luận")
def finding_detail(request, finding_id: int):
    return finding_json(get_finding(request.auth, finding_id))


@router.post("/coordination/findings/{finding_id}/response", response=dict,
             summary="Phản hồi kết luận, biện pháp khắc phục")  # fmt: skip
def finding_response(request, finding_id: int, payload: ResponseIn):
    finding = get_finding(request.auth, finding_id, "edit")
    form = forms.ResponseForm(payload.dict())
    if not form.is_valid():
        raise FormInvalid(form)
    return finding_json(actions.respond(request.auth, finding, **form.cleaned_data))


@router.post("/coordination/findings/{finding_id}/move", response=dict,
             summary="Yêu cầu lại, chấp nhận, miễn (có lý do), kiểm tra lại và đóng")  # fmt: skip
def finding_move(request, finding_id: int, payload: CoordinationMoveIn):
    finding = get_finding(request.auth, finding_id)
    return finding_json(actions.move_finding(request.auth, finding, payload.to_status,
                                             payload.note))  # fmt: skip


@router.get("/coordination/programmes/{programme_id}/transfers", response=list[dict],
            summary="Tiền chuyển giữa các bên theo chương trình")  # fmt: skip
def programme_transfers(request, programme_id: int):
    programme = get_programme(request.auth, programme_id)
    moved = programme.allocations.select_related("organisation", "target_organisation", "campaign")
    return [transfer_json(a) for a in moved]


@router.post("/coordination/programmes/{programme_id}/transfers", response={201: dict},
             summary="Đề xuất chuyển tiền cho bên phối hợp")  # fmt: skip
def programme_transfer(request, programme_id: int, payload: ProgrammeTransferIn):
    programme = get_programme(request.auth, programme_id)
    sources = actions.transfer_sources(request.auth, programme)
    if not sources:
        raise PermissionDenied("Bạn không quản lý tiền của bên nào trong chương trình này.")
    parties = programme.parties.order_by("kind", "path")
    form = forms.TransferForm(payload.dict(), actor=request.auth, sources=sources,
                              parties=parties)  # fmt: skip
    if not form.is_valid():
        raise FormInvalid(form)
    allocation = actions.propose_transfer(request.auth, programme, **form.cleaned_data)
    return Status(201, transfer_json(allocation))


@router.get("/coordination/plans/{plan_id}/reads", response=list[dict],
            summary="Nhật ký xem sổ sách của đoàn giám sát")  # fmt: skip
def plan_reads(request, plan_id: int):
    reads, _ = supervisor_reads(get_plan(request.auth, plan_id))
    return [{"at": r.at.isoformat(), "user": r.user.username, "record_type": r.record_type,
             "kind_label": r.kind_label, "record_id": r.record_id, "what": r.what}
            for r in reads]  # fmt: skip
