"""Data-subject requests (see, correct, erase, restrict), written once for every registry
(docs/decisions/0025-personal-data.md): received by a "sensitive" holder of the record's
organisation, a deadline from the law kept as data (beneficiaries.DataRequestKind, read by
its model name), answered on the pipeline orgs.models.DATA_REQUESTS (done, or refused with a
reason), history rows, audit events, the other holders told, the deadline reminders, and
the three pages (the queue, the form on a record's page, the request's page).

A registry supplies only what differs: a `Registry` naming its request model, the record
the request is about, its words and URLs, and what "done" does for each kind (erase and
restrict change its records; see and correct are done on the record's page first).

It sits in the orgs layer, not in lib: a request is scoped by orgs/access.py (the one
gatekeeper) and written to the audit log, which lib may not import (tests/test_layers.py).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from nhandao.audit.actions import record
from nhandao.lib.deadlines import Deadline
from nhandao.lib.errors import Refused
from nhandao.lib.notify import notify
from nhandao.orgs import access
from nhandao.orgs.models import DATA_REQUESTS, DataRequestStatus

NEAR_HOURS = 24  # a request is reminded when its deadline is this near (the law gives hours)


@dataclass(frozen=True)
class Registry:
    """What one registry's requests need beyond the shared workflow. The rest follows from
    these: the history model (the request's `history`), the audit keys (app label +
    ".data_request", "…_answer"), the queue's URL name (`url_name` + "s") and the record's
    page (`<subject_field>_detail`)."""

    model: type  # the request model (a subclass of orgs.models.DataRequestBase)
    subject_field: str  # its foreign key to the record: "person", "individual"
    url_name: str  # the request's page
    title: str  # the queue's heading
    label: str  # who the records are, in a reminder line: "đối tượng thụ hưởng"
    # kind code → (actor, record) → None: what "done" does to the record
    carry_out: dict[str, Callable] = field(default_factory=dict)
    # kind code → what "done" will do, shown before the button ({subject} is the record)
    done_words: dict[str, str] = field(default_factory=dict)

    @property
    def history(self) -> type:
        return self.model._meta.get_field("history").related_model

    @property
    def audit_prefix(self) -> str:
        return self.model._meta.app_label

    @property
    def list_url_name(self) -> str:
        return f"{self.url_name}s"

    @property
    def subject_url_name(self) -> str:
        return f"{self.subject_field}_detail"

    def due(self, now: datetime, days: int) -> list[Deadline]:
        """The deadline source of `nhandao deadlines` (registered in the app's ready())."""
        return due(self, now)


SEE_FIRST = "Xem hoặc sửa dữ liệu trên trang của người đó trước, rồi bấm “Thực hiện yêu cầu”."


def kinds():
    """The kinds of request and their legal deadlines: the one table of law-as-data."""
    return apps.get_model("beneficiaries", "DataRequestKind").objects.all()


def requests_for(registry: Registry, user):
    """The registry's requests where the user holds "sensitive"."""
    return registry.model.objects.filter(access.reach_q(user, "sensitive", via="organisation"))


def get_request(registry: Registry, user, pk):
    records = requests_for(registry, user).select_related(
        registry.subject_field, "kind", "organisation"
    )
    return access.get_within(records, pk, "Không tìm thấy yêu cầu.")


# ---- actions ---------------------------------------------------------------------------------


@transaction.atomic
def receive(registry: Registry, actor, subject, kind_code: str, requested_by: str,
            detail: str = ""):  # fmt: skip
    """Record a request about `subject`; its deadline runs from now."""
    access.require(
        actor, "sensitive", subject.organisation, "Bạn không có quyền nhận yêu cầu về dữ liệu này."
    )
    kind = kinds().filter(code=(kind_code or "")[:20]).first()
    if kind is None:
        raise Refused("Loại yêu cầu: hãy chọn một loại trong danh sách.", field="kind")
    requested_by = (requested_by or "").strip()[:150]
    if not requested_by:
        raise Refused("Người yêu cầu: không được để trống.", field="requested_by")
    if subject.erased_at is not None:
        raise Refused("Dữ liệu của người này đã được xoá.", field=registry.subject_field)
    now = timezone.now()
    req = registry.model.objects.create(
        **{registry.subject_field: subject},
        organisation=subject.organisation,
        kind=kind,
        requested_by=requested_by,
        detail=(detail or "").strip(),
        received_at=now,
        due_at=now + timedelta(hours=kind.deadline_hours),
        created_by=actor,
    )
    registry.history.log(req, "received", actor=actor, note="Nhận yêu cầu")
    after = {"kind": kind.pk, registry.subject_field: subject.pk, "due_at": req.due_at.isoformat()}
    record(actor, f"{registry.audit_prefix}.data_request", req, after=after)
    others = [u for u in access.holders("sensitive", subject.organisation) if u.pk != actor.pk]
    notify(
        others,
        "requests",
        f"Yêu cầu “{kind.label}” hạn {timezone.localtime(req.due_at):%H:%M %d/%m/%Y}",
        f"Người yêu cầu: {requested_by}.",
        reverse(registry.url_name, args=[req.pk]),
    )
    return req


@transaction.atomic
def answer(registry: Registry, actor, req, target: str, note: str = ""):
    """Carry the request out ("done": what the registry does for its kind) or refuse it
    with a reason."""
    req = (
        registry.model.objects.select_for_update()
        .select_related("kind", registry.subject_field)
        .get(pk=req.pk)
    )
    DATA_REQUESTS.move(
        req,
        target,
        actor=actor,
        history=registry.history,
        note=note,
        can=lambda perm: access.can(actor, perm, req.organisation),
    )
    if target == "done" and req.kind.code in registry.carry_out:
        registry.carry_out[req.kind.code](actor, getattr(req, registry.subject_field))
    req.answered_at = timezone.now()
    req.save(update_fields=["answered_at"])
    record(actor, f"{registry.audit_prefix}.data_request_answer", req,
           after={"status": target, "kind": req.kind_id, "note": note})  # fmt: skip
    return req


def due(registry: Registry, now: datetime) -> list[Deadline]:
    """For `nhandao deadlines` (lib/deadlines.py): the requests not answered whose deadline
    is within NEAR_HOURS or past; the "sensitive" holders of the organisation are told."""
    rows = registry.model.objects.filter(
        status=DataRequestStatus.RECEIVED, due_at__lte=now + timedelta(hours=NEAR_HOURS)
    ).select_related("kind", "organisation")
    return [
        Deadline(r.due_at, "yêu cầu về dữ liệu cá nhân", r.organisation.name,
                 f"{r.kind.label} #{r.pk} ({registry.label})",
                 reverse(registry.url_name, args=[r.pk]),
                 lambda org=r.organisation: access.holders("sensitive", org))
        for r in rows
    ]  # fmt: skip


# ---- pages -----------------------------------------------------------------------------------


def views(registry: Registry, get_subject: Callable):
    """The registry's three pages (queue, form on a record, request), for its urls:
    `get_subject(user, pk)` is its lookup of a record the user may edit."""

    @login_required
    def queue(request):
        return queue_page(request, registry)

    @login_required
    def create(request, pk):
        return form_page(request, registry, get_subject(request.user, pk))

    @login_required
    def page(request, pk):
        return request_page(request, registry, pk)

    return queue, create, page


def queue_page(request, registry: Registry):
    """The requests where the user holds "sensitive", earliest deadline first."""
    access.require_anywhere(request.user, "sensitive")
    rows = requests_for(registry, request.user).select_related(
        registry.subject_field, "kind", "organisation"
    )
    status = request.GET.get("tinh_trang", "received")
    if status in DataRequestStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.subject = getattr(row, registry.subject_field)
    context = {"page": page, "status": status, "now": timezone.now(), "registry": registry}
    return render(request, "datarequests/queue.html", context)


def form_page(request, registry: Registry, subject):
    """Record a request about `subject` (from the record's page)."""
    access.require(request.user, "sensitive", subject.organisation)
    error = None
    if request.method == "POST":
        try:
            post = request.POST
            req = receive(registry, request.user, subject, post.get("kind", ""),
                          post.get("requested_by", ""), post.get("detail", ""))  # fmt: skip
        except Refused as refusal:
            error = refusal.message
        else:
            messages.success(request, "Đã ghi nhận yêu cầu.")
            return redirect(registry.url_name, pk=req.pk)
    return render(
        request,
        "datarequests/form.html",
        {"subject": subject, "registry": registry, "kinds": kinds(), "error": error,
         "data": request.POST},
        status=422 if error else 200,
    )  # fmt: skip


def request_page(request, registry: Registry, pk):
    req = get_request(registry, request.user, pk)
    if request.method == "POST":
        try:
            answer(registry, request.user, req, request.POST.get("to", ""),
                   request.POST.get("note", ""))  # fmt: skip
        except Refused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, "Đã cập nhật yêu cầu.")
        return redirect(registry.url_name, pk=pk)
    moves = req.pipeline.moves_for(
        req, can=lambda perm: access.can(request.user, perm, req.organisation)
    )
    subject = getattr(req, registry.subject_field)
    done_words = registry.done_words.get(req.kind.code, SEE_FIRST).format(subject=subject)
    return render(request, "datarequests/request.html", {
        "req": req, "subject": subject, "registry": registry, "moves": moves,
        "done_words": done_words, "history": req.history.select_related("actor"),
        "now": timezone.now()})  # fmt: skip
