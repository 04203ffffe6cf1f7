"""Actions of personal data by law (docs/decisions/0025-personal-data.md): a data-subject
request received and answered (see, correct, erase, restrict) on the lib.pipeline table
DATA_REQUESTS, with its deadline from DataRequestKind, its history and audit events;
erasure pseudonymises the person (the support records, their values and any ledger stay
whole); restriction takes the person out of lists, searches and exports."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nhandao.audit.actions import forget_personal_values, record
from nhandao.beneficiaries.models import (
    DATA_REQUESTS,
    DataRequest,
    DataRequestKind,
    DataRequestStatusChange,
    Person,
    ReadPurpose,
)
from nhandao.lib.errors import Refused
from nhandao.lib.notify import notify
from nhandao.orgs import access

ERASED_NAME = "Người đã xoá dữ liệu #{pk}"


def purpose_of(code: str) -> ReadPurpose | None:
    """The active purpose of that code, or None."""
    if not code:
        return None
    return ReadPurpose.objects.filter(code=code[:30], active=True).first()


# An export may leave the sensitive columns empty instead of stating a purpose.
WITHOUT_PERSONAL = "khong"
PURPOSE_HEADER = "X-Purpose"
EXPORT_PURPOSE_UNKNOWN = (
    "Mục đích “{code}” không có trong danh sách hoặc đã ngừng dùng: hãy chọn một mục đích "
    "dưới đây, hoặc xuất không kèm thông tin cá nhân."
)


def purpose_codes() -> str:
    return "; ".join(f"{p.code} ({p.label})" for p in ReadPurpose.objects.filter(active=True))


def purpose_refusal(code: str, where: str) -> Refused:
    """The refusal of a read of sensitive data without a stated, active purpose."""
    if code:
        start = f"Mục đích “{code[:30]}” không có trong danh sách hoặc đã ngừng dùng."
    else:
        start = (
            "Cần nêu mục đích đọc thông tin cá nhân (CCCD, điện thoại, ngày sinh, diện khó "
            "khăn, hộ nghèo): lượt đọc được ghi vào nhật ký cùng mục đích."
        )
    return Refused(f"{start} {where} một trong các mã: {purpose_codes()}.", field="purpose")


def api_purpose_code(request) -> str:
    """The purpose an API call states: the `purpose` query parameter, else the X-Purpose
    header."""
    return (request.GET.get("purpose") or request.headers.get(PURPOSE_HEADER) or "").strip()


def api_purpose(request) -> ReadPurpose | None:
    return purpose_of(api_purpose_code(request))


def require_api_purpose(request) -> ReadPurpose:
    """The purpose of an API read that returns sensitive data; refused (422) without one."""
    code = api_purpose_code(request)
    purpose = purpose_of(code)
    if purpose is None:
        raise purpose_refusal(code, f"Gửi tham số purpose hoặc tiêu đề {PURPOSE_HEADER} với")
    return purpose


@transaction.atomic
def receive_request(actor, person: Person, kind_code: str, requested_by: str, detail: str = ""):
    access.require(
        actor, "sensitive", person.organisation, "Bạn không có quyền nhận yêu cầu về dữ liệu này."
    )
    kind = DataRequestKind.objects.filter(code=kind_code).first()
    if kind is None:
        raise Refused("Loại yêu cầu: hãy chọn một loại trong danh sách.", field="kind")
    requested_by = (requested_by or "").strip()[:150]
    if not requested_by:
        raise Refused("Người yêu cầu: không được để trống.", field="requested_by")
    if person.erased_at is not None:
        raise Refused("Dữ liệu của người này đã được xoá.", field="person")
    now = timezone.now()
    req = DataRequest.objects.create(
        person=person,
        organisation=person.organisation,
        kind=kind,
        requested_by=requested_by,
        detail=(detail or "").strip(),
        received_at=now,
        due_at=now + timedelta(hours=kind.deadline_hours),
        created_by=actor,
    )
    DataRequestStatusChange.log(req, "received", actor=actor, note="Nhận yêu cầu")
    due = req.due_at.isoformat()
    record(actor, "beneficiaries.data_request", req,
           after={"kind": kind.pk, "person": person.pk, "due_at": due})  # fmt: skip
    others = [u for u in access.holders("sensitive", person.organisation) if u.pk != actor.pk]
    notify(
        others,
        "requests",
        f"Yêu cầu “{kind.label}” hạn {timezone.localtime(req.due_at):%H:%M %d/%m/%Y}",
        f"Người yêu cầu: {requested_by}.",
        reverse("data_request", args=[req.pk]),
    )
    return req


@transaction.atomic
def answer_request(actor, req: DataRequest, target: str, note: str = "") -> DataRequest:
    """Carry the request out ("done": erase or restrict the person; seeing and correcting
    are done on the person's page first) or refuse it with a reason."""
    req = DataRequest.objects.select_for_update().select_related("kind", "person").get(pk=req.pk)
    DATA_REQUESTS.move(
        req,
        target,
        actor=actor,
        history=DataRequestStatusChange,
        note=note,
        can=lambda perm: access.can(actor, perm, req.organisation),
    )
    if target == "done":
        if req.kind.code == "erase":
            erase_person(actor, req.person)
        elif req.kind.code == "restrict":
            restrict_person(actor, req.person)
    req.answered_at = timezone.now()
    req.save(update_fields=["answered_at"])
    record(actor, "beneficiaries.data_request_answer", req,
           after={"status": target, "kind": req.kind_id, "note": note})  # fmt: skip
    return req


def restrict_person(actor, person: Person) -> None:
    if person.restricted_at is None:
        Person.objects.filter(pk=person.pk).update(restricted_at=timezone.now())
        record(actor, "beneficiaries.person_restrict", person, after={"restricted": True})


# every field that says who the person is; cleared by erasure (full_name is pseudonymised)
IDENTIFYING = {
    "id_number": "",
    "phone": "",
    "birth_date": None,
    "birth_year": None,
    "vulnerabilities": [],
    "consent_by": "",
    "consent_at": None,
    "consent_purpose": "",
    "external_id": "",
    "village": "",
    "address": "",
    "import_key": "",
}


def erase_person(actor, person: Person, *, restrict: bool = True) -> Person:
    """Pseudonymise the person in place: a name that says so, identifiers cleared. The
    records that point to them (support received, distribution lines, any ledger entry) are
    not touched, so every total and every chain still verifies."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.full_name = ERASED_NAME.format(pk=person.pk)
    for name, value in IDENTIFYING.items():
        if hasattr(person, name):
            setattr(person, name, value)
    now = timezone.now()
    person.erased_at = now
    if restrict and person.restricted_at is None:
        person.restricted_at = now
    person.save()
    forget_personal_values(Person, person.pk)
    record(actor, "beneficiaries.person_erase", person, after={"erased": True})
    return person
