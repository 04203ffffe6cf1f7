"""Data-subject requests of the people registry (members, volunteers, blood donors:
people.Individual), the same workflow as the beneficiary registry's
(beneficiaries/privacy.py; decision 0025 and its addendum): received by a "sensitive" holder
of the record's organisation, a deadline from the law kept as data, answered (done or
refused with a reason), history rows and audit events, the other holders told.

Erasure pseudonymises in place: the name becomes "Người đã xoá dữ liệu CN…", birth date,
phone, e-mail, ID number and address are cleared, both consents withdrawn. What the law
makes us keep stays: membership history, fee payments with their receipt numbers and amounts
and their ledger entries (Luật Kế toán 2015, Điều 41: accounting records 10 years; the
ledger holds accounts and amounts, never a name), volunteer hours, training results and
blood donation results (traceability of blood units) — they now point to the pseudonym.
Restriction withdraws both consents (no reminder, no call, no name published) and marks the
record."""

from datetime import timedelta

from django.apps import apps
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nhandao.audit.actions import forget_personal_values, record
from nhandao.lib.errors import Refused
from nhandao.lib.notify import notify
from nhandao.orgs import access
from nhandao.people.models import (
    INDIVIDUAL_REQUESTS,
    Individual,
    IndividualDataRequest,
    IndividualDataRequestStatusChange,
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


def kinds():
    """The kinds of request and their legal deadlines: the one table of law-as-data
    (beneficiaries.DataRequestKind), read by its model name."""
    return apps.get_model("beneficiaries", "DataRequestKind").objects.all()


@transaction.atomic
def receive_request(actor, individual: Individual, kind_code: str, requested_by: str,
                    detail: str = "") -> IndividualDataRequest:  # fmt: skip
    access.require(
        actor,
        "sensitive",
        individual.organisation,
        "Bạn không có quyền nhận yêu cầu về dữ liệu này.",
    )
    kind = kinds().filter(code=(kind_code or "")[:20]).first()
    if kind is None:
        raise Refused("Loại yêu cầu: hãy chọn một loại trong danh sách.", field="kind")
    requested_by = (requested_by or "").strip()[:150]
    if not requested_by:
        raise Refused("Người yêu cầu: không được để trống.", field="requested_by")
    if individual.erased_at is not None:
        raise Refused("Dữ liệu của người này đã được xoá.", field="individual")
    now = timezone.now()
    req = IndividualDataRequest.objects.create(
        individual=individual,
        organisation=individual.organisation,
        kind=kind,
        requested_by=requested_by,
        detail=(detail or "").strip(),
        received_at=now,
        due_at=now + timedelta(hours=kind.deadline_hours),
        created_by=actor,
    )
    IndividualDataRequestStatusChange.log(req, "received", actor=actor, note="Nhận yêu cầu")
    due = req.due_at.isoformat()
    record(actor, "people.data_request", req,
           after={"kind": kind.pk, "individual": individual.pk, "due_at": due})  # fmt: skip
    others = [u for u in access.holders("sensitive", individual.organisation) if u.pk != actor.pk]
    notify(
        others,
        "requests",
        f"Yêu cầu “{kind.label}” hạn {timezone.localtime(req.due_at):%H:%M %d/%m/%Y}",
        f"Người yêu cầu: {requested_by}.",
        reverse("individual_data_request", args=[req.pk]),
    )
    return req


@transaction.atomic
def answer_request(actor, req: IndividualDataRequest, target: str, note: str = ""):
    """Carry the request out ("done": erase or restrict; seeing and correcting are done on the
    individual's page first) or refuse it with a reason."""
    req = (
        IndividualDataRequest.objects.select_for_update()
        .select_related("kind", "individual")
        .get(pk=req.pk)
    )
    INDIVIDUAL_REQUESTS.move(
        req,
        target,
        actor=actor,
        history=IndividualDataRequestStatusChange,
        note=note,
        can=lambda perm: access.can(actor, perm, req.organisation),
    )
    if target == "done":
        if req.kind.code == "erase":
            erase_individual(actor, req.individual)
        elif req.kind.code == "restrict":
            restrict_individual(actor, req.individual)
    req.answered_at = timezone.now()
    req.save(update_fields=["answered_at"])
    record(actor, "people.data_request_answer", req,
           after={"status": target, "kind": req.kind_id, "note": note})  # fmt: skip
    return req


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
