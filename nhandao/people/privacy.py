"""Data-subject requests of the people registry (members, volunteers, blood donors:
people.Individual) on the workflow every registry shares (orgs/datarequests.py; decision
0025 and its addendum); this registry supplies REQUESTS: what erase and restrict do.

Erasure pseudonymises in place: the name becomes "Người đã xoá dữ liệu CN…", birth date,
phone, e-mail, ID number and address are cleared, both consents withdrawn. What the law
makes us keep stays: membership history, fee payments with their receipt numbers and amounts
and their ledger entries (Luật Kế toán 2015, Điều 41: accounting records 10 years; the
ledger holds accounts and amounts, never a name), volunteer hours, training results and
blood donation results (traceability of blood units) — they now point to the pseudonym.
Restriction withdraws both consents (no reminder, no call, no name published) and marks the
record."""

from django.utils import timezone

from nhandao.audit.actions import forget_personal_values, record
from nhandao.lib.errors import Refused
from nhandao.orgs import datarequests
from nhandao.people.models import (
    Individual,
    IndividualDataRequest,
)

ERASED_NAME = "Người đã xoá dữ liệu {code}"

# every field that says who the individual is; cleared by erasure (full_name pseudonymised)
IDENTIFYING = {
    "birth_date": None,
    "phone": "",
    "email": "",
    "id_number": "",
    "address": "",
    "consent_contact": False,
    "consent_publish": False,
}


def refuse_if_restricted(individual: Individual, doing: str) -> None:
    """Restriction of processing at the person's request (Decree 13/2023, Art. 9; decision
    0025): their data is kept, and what the law makes us keep goes on (fee receipts and their
    ledger, blood unit traceability), but nothing new is done with it — no volunteering, no
    shift, no course, no drive registration by an officer — as the registry's restricted
    beneficiaries get no new support."""
    if individual.restricted_at is not None:
        since = timezone.localtime(individual.restricted_at)
        raise Refused(
            f"{individual.full_name} đã yêu cầu hạn chế xử lý dữ liệu (từ {since:%d/%m/%Y}): "
            f"không thể {doing}.",
            field="individual",
        )


# a column of the people's exports: whoever uses the list must see that a person restricted
# the processing of their data (they are not to be called, rostered or registered)
RESTRICTED_COLUMN = "Hạn chế xử lý dữ liệu"


def restricted_cell(individual: Individual) -> str:
    if individual.restricted_at is None:
        return ""
    return f"từ {timezone.localtime(individual.restricted_at):%d/%m/%Y}"


def kinds():
    """The kinds of request and their legal deadlines (beneficiaries.DataRequestKind)."""
    return datarequests.kinds()


def receive_request(actor, individual: Individual, kind_code: str, requested_by: str,
                    detail: str = "") -> IndividualDataRequest:  # fmt: skip
    return datarequests.receive(REQUESTS, actor, individual, kind_code, requested_by, detail)


def answer_request(actor, req: IndividualDataRequest, target: str, note: str = ""):
    """Carry the request out ("done": erase or restrict; seeing and correcting are done on the
    individual's page first) or refuse it with a reason."""
    return datarequests.answer(REQUESTS, actor, req, target, note)


def restrict_individual(actor, individual: Individual) -> None:
    individual = Individual.objects.select_for_update().get(pk=individual.pk)
    if individual.restricted_at is None:
        now = timezone.now()
        individual.restricted_at = now
        individual.consent_contact = individual.consent_publish = False
        individual.consent_contact_at = individual.consent_publish_at = now
        individual.save()
        record(actor, "people.individual_restrict", individual, after={"restricted": True})


def erase_individual(actor, individual: Individual) -> Individual:
    individual = Individual.objects.select_for_update().get(pk=individual.pk)
    individual.full_name = ERASED_NAME.format(code=individual.code)
    for name, value in IDENTIFYING.items():
        setattr(individual, name, value)
    now = timezone.now()
    individual.consent_contact_at = individual.consent_publish_at = now
    individual.erased_at = now
    if individual.restricted_at is None:
        individual.restricted_at = now
    individual.save()
    forget_personal_values(Individual, individual.pk)
    record(actor, "people.individual_erase", individual, after={"erased": True})
    return individual


def pick_individual(user):
    """A member, volunteer or blood donor, for linking a request filed on the public page."""
    from django import forms

    from nhandao.people.pickers import individual_picker

    people = Individual.objects.for_user(user, "sensitive").filter(erased_at=None)
    return forms.ModelChoiceField(
        people, label="Hội viên, tình nguyện viên, người hiến máu", to_field_name="code",
        error_messages=datarequests.PICK_ERRORS, widget=individual_picker(),
    )  # fmt: skip


REQUESTS = datarequests.Registry(
    model=IndividualDataRequest,
    subject_field="individual",
    url_name="individual_data_request",
    title="Yêu cầu về dữ liệu cá nhân: hội viên, tình nguyện viên, người hiến máu",
    label="hội viên, tình nguyện viên, người hiến máu",
    pick_field=pick_individual,
    carry_out={"erase": erase_individual, "restrict": restrict_individual},
    done_words={
        "erase": "Thực hiện: tên được thay bằng “Người đã xoá dữ liệu {subject.code}”, ngày "
        "sinh, điện thoại, thư điện tử, CCCD, địa chỉ bị xoá, rút cả hai sự đồng ý. Giữ lại "
        "những gì luật buộc lưu: quá trình sinh hoạt hội, biên lai và số tiền hội phí, giờ tình "
        "nguyện, kết quả tập huấn và hiến máu (gắn với tên ẩn danh). Không hoàn tác được.",
        "restrict": "Thực hiện: rút sự đồng ý được liên hệ và được nêu tên công khai (không "
        "nhắc lịch, không gọi, không nêu tên).",
    },
)
