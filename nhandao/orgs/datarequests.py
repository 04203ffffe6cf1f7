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

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from nhandao.audit.actions import record
from nhandao.lib import sms
from nhandao.lib.deadlines import Deadline
from nhandao.lib.errors import Refused
from nhandao.lib.notify import notify
from nhandao.lib.tasks import enqueue_on_commit
from nhandao.orgs import access
from nhandao.orgs.models import (
    DATA_REQUESTS,
    FILINGS,
    DataRequestFiling,
    DataRequestFilingStatusChange,
    DataRequestStatus,
    FilingRecords,
    FilingStatus,
    Organisation,
)

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
    # user → a form field choosing one of the registry's records (a picker, never a code),
    # to link a request filed on the public page to the record it is about
    pick_field: Callable | None = None
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


REGISTRIES: dict[str, Registry] = {}


def register(registry: Registry) -> None:
    """A registry offers its records for linking public filings (called from ready())."""
    REGISTRIES[registry.audit_prefix] = registry


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
            detail: str = "", *, filing: DataRequestFiling | None = None):  # fmt: skip
    """Record a request about `subject`; its deadline runs from now, or from the filing on
    the public page it comes from."""
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
    received_at = filing.received_at if filing else now
    req = registry.model.objects.create(
        **{registry.subject_field: subject},
        organisation=subject.organisation,
        kind=kind,
        requested_by=requested_by,
        detail=(detail or "").strip(),
        received_at=received_at,
        due_at=filing.due_at if filing else now + timedelta(hours=kind.deadline_hours),
        created_by=actor,
        filing=filing,
    )
    registry.history.log(req, "received", actor=actor, note="Nhận yêu cầu")
    after = {"kind": kind.pk, registry.subject_field: subject.pk, "due_at": req.due_at.isoformat()}
    if filing is not None:
        after["filing"] = filing.pk
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
    if req.filing_id:  # filed on the public page: the filer hears the outcome
        tell_filer(req.filing, "đã được thực hiện" if target == "done" else "bị từ chối", note)
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


# ---- requests filed by the person on the public page ------------------------------------------

PICK_ERRORS = {
    "required": "Hồ sơ: hãy chọn hồ sơ của người gửi (gõ họ tên để tìm).",
    "invalid_choice": "Hồ sơ: không tìm thấy hồ sơ đã chọn trong phạm vi của bạn.",
}
NAME_MISSING = "Họ và tên: không được để trống."
CONTACT_WRONG = (
    "Điện thoại hoặc thư điện tử: cần một số điện thoại (9–11 chữ số) hoặc một địa chỉ thư "
    "điện tử để trả lời bạn."
)


def public_organisations():
    """The organisations a person may send a request to: the active Red Cross chapters and
    Front committees (those that hold the registries)."""
    return Organisation.objects.active().filter(kind__in=["red_cross", "front"])


def clean_contact(text: str) -> str:
    """A phone number (spaces, dots, dashes and +84 allowed) or an e-mail address, else ""."""
    text = (text or "").strip()[:150]
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        return text
    digits = re.sub(r"[\s.\-()]", "", text)
    if re.fullmatch(r"(\+84|0)\d{8,10}", digits):
        return digits
    return ""


@transaction.atomic
def file_request(organisation: Organisation, kind_code: str, full_name: str, contact: str,
                 records: str, detail: str = "") -> DataRequestFiling:  # fmt: skip
    """A request filed on the public page: in the organisation's queue, "received, identity
    not yet verified", its legal deadline running from now; the organisation's "sensitive"
    holders are told. Any wrong field refuses it whole (nothing written)."""
    if organisation is None or not public_organisations().filter(pk=organisation.pk).exists():
        raise Refused("Tổ chức: hãy chọn một tổ chức trong danh sách.", field="organisation")
    kind = kinds().filter(code=(kind_code or "")[:20]).first()
    if kind is None:
        raise Refused("Loại yêu cầu: hãy chọn một loại trong danh sách.", field="kind")
    full_name = " ".join((full_name or "").split())[:150]
    if not full_name:
        raise Refused(NAME_MISSING, field="full_name")
    contact = clean_contact(contact)
    if not contact:
        raise Refused(CONTACT_WRONG, field="contact")
    if records not in FilingRecords.values:
        raise Refused("Hồ sơ: hãy chọn một mục trong danh sách.", field="records")
    now = timezone.now()
    filing = DataRequestFiling.objects.create(
        organisation=organisation, kind=kind, full_name=full_name, contact=contact,
        records=records, detail=(detail or "").strip()[:4000], received_at=now,
        due_at=now + timedelta(hours=kind.deadline_hours),
    )  # fmt: skip
    DataRequestFilingStatusChange.log(filing, "unverified", note="Gửi qua trang công khai")
    # no name nor contact in the audit chain: it cannot be erased from there
    after = {"kind": kind.pk, "records": records, "due_at": filing.due_at.isoformat()}
    record(None, "orgs.data_request_filing", filing, after=after)
    notify(
        access.holders("sensitive", organisation),
        "requests",
        f"Yêu cầu “{kind.label}” gửi qua trang công khai, hạn "
        f"{timezone.localtime(filing.due_at):%H:%M %d/%m/%Y}",
        "Cần xác minh danh tính người gửi và liên kết với hồ sơ của họ.",
        reverse("data_request_filing", args=[filing.pk]),
    )
    return filing


def filings_for(user):
    """The filings to organisations where the user holds "sensitive"."""
    return DataRequestFiling.objects.filter(access.reach_q(user, "sensitive", via="organisation"))


@transaction.atomic
def link(registry: Registry, actor, filing: DataRequestFiling, subject, note: str = ""):
    """The officer has verified who filed it: it becomes the registry's request about
    `subject` (same kind, received and due times), which then goes on as any other."""
    filing = DataRequestFiling.objects.select_for_update().get(pk=filing.pk)
    access.require(actor, "sensitive", filing.organisation,
                   "Bạn không có quyền xử lý yêu cầu này.")  # fmt: skip
    FILINGS.move(filing, "linked", actor=actor, history=DataRequestFilingStatusChange,
                 note=note or "Đã xác minh danh tính",
                 can=lambda perm: access.can(actor, perm, filing.organisation))  # fmt: skip
    filing.answered_at = timezone.now()
    filing.save(update_fields=["answered_at"])
    requested_by = f"{filing.full_name} ({filing.contact}), gửi qua trang công khai"
    req = receive(registry, actor, subject, filing.kind.code, requested_by, filing.detail,
                  filing=filing)  # fmt: skip
    # the request's own event names the filing ("filing"): the link is told once, there
    record(actor, "orgs.data_request_link", filing, after={"status": "linked", "note": note})
    return req


@transaction.atomic
def refuse_filing(actor, filing: DataRequestFiling, note: str) -> DataRequestFiling:
    filing = DataRequestFiling.objects.select_for_update().get(pk=filing.pk)
    FILINGS.move(filing, "refused", actor=actor, history=DataRequestFilingStatusChange, note=note,
                 can=lambda perm: access.can(actor, perm, filing.organisation))  # fmt: skip
    filing.answered_at = timezone.now()
    filing.save(update_fields=["answered_at"])
    record(actor, "orgs.data_request_filing_refuse", filing,
           after={"status": "refused", "note": note})  # fmt: skip
    tell_filer(filing, "không được xử lý", note)
    return filing


# ---- telling the filer the outcome -----------------------------------------------------------


def tell_filer(filing: DataRequestFiling, outcome: str, note: str = "") -> None:
    """Once the answer is committed, tell the person who filed on the public page, at the
    contact they left: an email address by email, a phone by text message when SMS is
    available (lib/sms.py). Without a channel nothing is sent and the filing's page says to
    call them (told_at stays empty, as it does when the sending fails)."""
    enqueue_on_commit(send_outcome, filing.pk, outcome, note)


def outcome_message(filing: DataRequestFiling, outcome: str, note: str) -> tuple[str, str, str]:
    """(subject, email body, text message) telling the filer `outcome` ("đã được thực hiện")."""
    subject = f"Trả lời yêu cầu {filing.reference} về dữ liệu cá nhân"
    received = timezone.localtime(filing.received_at)
    body = (
        f"Kính gửi {filing.full_name},\n\n"
        f"Yêu cầu “{filing.kind.label}” bạn gửi tới {filing.organisation.name} ngày "
        f"{received:%d/%m/%Y} (mã {filing.reference}) {outcome}.\n"
    )
    if note:
        body += f"\nGhi chú của cán bộ: {note}\n"
    body += "\nCần hỏi thêm, hãy liên hệ tổ chức trên và nêu mã yêu cầu.\n"
    text = sms.plain(f"{filing.organisation.name}: yeu cau {filing.reference} {outcome}.")
    if note:
        text = sms.shorten(f"{text} {sms.plain(note)}", sms.SEGMENT)
    return subject, body, text


@task()
def send_outcome(filing_id: int, outcome: str, note: str = "") -> str:
    """The queued message of tell_filer; returns the channel used ("" when none)."""
    filing = DataRequestFiling.objects.select_related("kind", "organisation").get(pk=filing_id)
    subject, body, text = outcome_message(filing, outcome, note)
    if "@" in filing.contact:
        send_mail(subject, body, None, [filing.contact])
        channel = "email"
    elif sms.available():
        sms.send_sms(filing.contact, text)
        channel = "sms"
    else:
        return ""
    DataRequestFiling.objects.filter(pk=filing.pk).update(told_at=timezone.now(), told_by=channel)
    return channel


def filings_due(now: datetime, days: int) -> list[Deadline]:
    """For `nhandao deadlines`: filings not yet verified whose deadline is near or past."""
    rows = DataRequestFiling.objects.filter(
        status=FilingStatus.UNVERIFIED, due_at__lte=now + timedelta(hours=NEAR_HOURS)
    ).select_related("kind", "organisation")
    return [
        Deadline(r.due_at, "yêu cầu về dữ liệu cá nhân", r.organisation.name,
                 f"{r.kind.label} {r.reference} (gửi qua trang công khai, chưa xác minh)",
                 reverse("data_request_filing", args=[r.pk]),
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
    # filed on the public page, identity not yet verified: in every registry's queue, since
    # the filer may not know which registry holds them
    filings = filings_for(request.user).filter(status=FilingStatus.UNVERIFIED)
    context = {"page": page, "status": status, "now": timezone.now(), "registry": registry,
               "filings": filings.select_related("kind", "organisation")[:200]}  # fmt: skip
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


@login_required
def filing_page(request, pk):
    """A request filed on the public page: who filed it and how to answer them; the officer
    verifies their identity and links it to their record (a picker per registry), or
    refuses it with a reason."""
    records = filings_for(request.user).select_related("kind", "organisation")
    filing = access.get_within(records, pk, "Không tìm thấy yêu cầu.")
    may = access.can(request.user, "sensitive", filing.organisation)
    links = {name: _link_form(r, request) for name, r in REGISTRIES.items() if r.pick_field}
    if request.method == "POST":
        try:
            chosen = request.POST.get("so", "")
            if chosen in links:
                form = links[chosen]
                if not form.is_valid():
                    raise Refused(" ".join(m for e in form.errors.values() for m in e),
                                  field="subject")  # fmt: skip
                registry = REGISTRIES[chosen]
                req = link(registry, request.user, filing, form.cleaned_data["subject"],
                           request.POST.get("note", ""))  # fmt: skip
                messages.success(request, "Đã liên kết yêu cầu với hồ sơ.")
                return redirect(registry.url_name, pk=req.pk)
            refuse_filing(request.user, filing, request.POST.get("note", ""))
            messages.success(request, "Đã từ chối yêu cầu.")
        except Refused as refusal:
            messages.error(request, refusal.message)
            return render(request, "datarequests/filing.html", _filing_context(
                request, filing, links, may), status=422)  # fmt: skip
        return redirect("data_request_filing", pk=pk)
    return render(request, "datarequests/filing.html",
                  _filing_context(request, filing, links, may))  # fmt: skip


def _link_form(registry: Registry, request):
    from django import forms

    class LinkForm(forms.Form):
        subject = registry.pick_field(request.user)

    chosen = request.method == "POST" and request.POST.get("so") == registry.audit_prefix
    return LinkForm(request.POST if chosen else None, prefix=registry.audit_prefix)


def _filing_context(request, filing, links, may):
    linked = None
    for registry in REGISTRIES.values():
        linked = registry.model.objects.filter(filing=filing).first()
        if linked is not None:
            linked.url = reverse(registry.url_name, args=[linked.pk])
            break
    answered = filing.status == FilingStatus.REFUSED or bool(linked and linked.answered_at)
    return {
        "filing": filing, "now": timezone.now(), "linked": linked, "answered": answered,
        "may": may and filing.status == FilingStatus.UNVERIFIED,
        "links": [(REGISTRIES[name], form) for name, form in links.items()],
        "history": filing.history.select_related("actor"),
    }  # fmt: skip
