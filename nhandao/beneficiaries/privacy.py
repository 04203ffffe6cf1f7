"""Actions of personal data by law (docs/decisions/0025-personal-data.md): purposes of a
sensitive read; data-subject requests about a person (the shared workflow is
orgs/datarequests.py; this registry supplies REQUESTS: what erase and restrict do);
erasure pseudonymises the person (the support records, their values and any ledger stay
whole); restriction takes the person out of lists, searches and exports."""

from django.utils import timezone

from nhandao.audit.actions import forget_personal_values, record
from nhandao.beneficiaries.models import (
    DataRequest,
    Person,
    ReadPurpose,
)
from nhandao.lib.errors import Refused
from nhandao.orgs import datarequests

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


def receive_request(actor, person: Person, kind_code: str, requested_by: str, detail: str = ""):
    return datarequests.receive(REQUESTS, actor, person, kind_code, requested_by, detail)


def answer_request(actor, req: DataRequest, target: str, note: str = "") -> DataRequest:
    """Carry the request out ("done": erase or restrict the person; seeing and correcting
    are done on the person's page first) or refuse it with a reason."""
    return datarequests.answer(REQUESTS, actor, req, target, note)


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


def pick_person(user):
    """A person of the registry, for linking a request filed on the public page."""
    from django import forms
    from django.urls import reverse_lazy

    from nhandao.beneficiaries.pickers import request_subjects
    from nhandao.lib.widgets import Picker

    return forms.ModelChoiceField(
        request_subjects(user), label="Đối tượng thụ hưởng (sổ đăng ký)",
        error_messages=datarequests.PICK_ERRORS,
        widget=Picker(url=reverse_lazy("pick_request_subjects"), placeholder="Gõ họ tên…"),
    )  # fmt: skip


REQUESTS = datarequests.Registry(
    model=DataRequest,
    subject_field="person",
    url_name="data_request",
    title="Yêu cầu về dữ liệu cá nhân",
    label="đối tượng thụ hưởng",
    pick_field=pick_person,
    carry_out={"erase": erase_person, "restrict": restrict_person},
    done_words={
        "erase": "Thực hiện: tên được thay bằng “Người đã xoá dữ liệu #{subject.pk}”, số CCCD, "
        "điện thoại, ngày sinh, diện khó khăn bị xoá; lịch sử hỗ trợ và số tiền giữ nguyên. "
        "Không hoàn tác được.",
        "restrict": "Thực hiện: người này không còn hiện trong danh sách, tìm kiếm và tệp xuất.",
    },
)
