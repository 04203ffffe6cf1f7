"""Personal values in audit events are erasable (issue #15, decision 0025): new events hash a
salted commitment of each personal value (hash rule 2); the value and its salt sit beside the
chain in AuditPersonalValue; an erasure deletes those rows and the chain, the checkpoints and
`nhandao verify_ledger` still verify."""

import hashlib
import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from nhandao.audit import checkpoints
from nhandao.audit.models import (
    ERASED,
    AuditEvent,
    AuditPersonalValue,
    CheckpointReason,
    commitment,
    is_commitment,
)
from nhandao.beneficiaries import actions, privacy
from nhandao.beneficiaries.models import Person
from nhandao.donations import checkpoints as taking
from nhandao.orgs.models import AdminMap, AdminUnit
from nhandao.people import actions as people
from nhandao.people import privacy as people_privacy
from nhandao.people.membership import join
from tests.test_chain import _without_triggers

NAME, ID_NUMBER, PHONE, NEW_PHONE = "Nguyễn Thị Hoa", "001185012345", "0912345678", "0987654321"


@pytest.fixture
def hoa(cast):
    person = actions.create_person(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        full_name=NAME,
        birth_date=date(1985, 3, 4),
        id_number=ID_NUMBER,
        phone=PHONE,
        village="Tổ 5",
        commune=AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code="4"),
    )
    actions.update_person(cast.ba_dinh_officer, person, phone=NEW_PHONE)
    return person


def raw_event_rows() -> str:
    """Every column of every stored audit event, as text: what a copy of the table holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent ORDER BY id")
        return json.dumps(cursor.fetchall(), default=str, ensure_ascii=False)


def test_a_new_event_hashes_commitments_and_keeps_the_values_beside_the_chain(cast, hoa):
    created = AuditEvent.objects.about(hoa).get(action="beneficiaries.person_created")
    assert created.hash_rule == 2
    assert is_commitment(created.object_repr)
    for name in ("full_name", "id_number", "phone", "birth_date", "village"):
        assert is_commitment(created.after[name]), name
    assert created.after["commune"] == hoa.commune_id  # not personal: in clear
    kept = {v.key: v for v in AuditPersonalValue.objects.filter(event=created)}
    assert kept["after.id_number"].value == ID_NUMBER
    assert created.after["id_number"] == commitment(kept["after.id_number"].salt, ID_NUMBER)
    assert len(kept["after.id_number"].salt) == 32  # 128 bits, hex
    # read back as recorded
    assert created.revealed()["object_repr"] == NAME
    assert created.revealed()["after"]["phone"] == PHONE
    for value in (NAME, ID_NUMBER, PHONE):
        assert value not in raw_event_rows()
    assert checkpoints.verify_events()[1] == []


def test_the_same_value_gets_a_different_commitment_in_each_event(cast, hoa):
    """Without the salt a commitment cannot be tried against a list of ID numbers: the same
    value committed twice looks different, and no plain hash of it is stored."""
    twin = actions.create_person(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Trần Văn Nam",
        id_number=ID_NUMBER, commune=hoa.commune,
    )  # fmt: skip
    first = AuditEvent.objects.about(hoa).get(action="beneficiaries.person_created")
    second = AuditEvent.objects.about(twin).get(action="beneficiaries.person_created")
    assert first.after["id_number"] != second.after["id_number"]
    plain = {hashlib.sha256(t.encode()).hexdigest() for t in (ID_NUMBER, f'"{ID_NUMBER}"')}
    assert not plain & {first.after["id_number"][7:], second.after["id_number"][7:]}
    # an unchanged value keeps one salt on both sides, so it still reads as unchanged
    update = AuditEvent.objects.about(hoa).get(action="beneficiaries.person_updated")
    assert [key for key, _b, _a in update.changes()] == ["phone"]


def test_the_pages_show_the_values_as_before_to_whoever_may_read_them(cast, hoa, login):
    page = login(cast.hn_admin).get("/nhat-ky/?action=beneficiaries").content.decode()
    assert NAME in page and ID_NUMBER not in page and "cần quyền xem" in page
    page = login(cast.root).get("/nhat-ky/?action=beneficiaries").content.decode()
    assert NAME in page and ID_NUMBER in page and NEW_PHONE in page
    assert "sha256:" not in page


def test_an_erasure_forgets_the_values_and_every_chain_and_checkpoint_still_verifies(
    cast, hoa, login, client
):
    taking.take(CheckpointReason.MANUAL)
    earlier_log = json.loads(client.get(reverse("portal_checkpoints")).content)
    hashes_before = list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True))
    others = AuditPersonalValue.objects.exclude(event__object_id=str(hoa.pk)).count()

    req = privacy.receive_request(cast.ba_dinh_officer, hoa, "erase", "Chính chủ")
    privacy.answer_request(cast.hn_manager, req, "done")

    hoa.refresh_from_db()
    left = AuditPersonalValue.objects.filter(
        event__object_type="beneficiaries.person", event__object_id=str(hoa.pk)
    )
    # only the erasure's own event keeps a value: the pseudonym
    assert [(v.event.action, v.value) for v in left] == [
        ("beneficiaries.person_erase", f"Người đã xoá dữ liệu #{hoa.pk}")
    ]
    assert AuditPersonalValue.objects.exclude(event__object_id=str(hoa.pk)).count() == others
    stored = raw_event_rows() + json.dumps(
        list(AuditPersonalValue.objects.values_list("value", flat=True)), ensure_ascii=False
    )
    for value in (NAME, ID_NUMBER, PHONE, NEW_PHONE, "1985-03-04", "Tổ 5"):
        assert value not in stored, value
    # nothing rewritten: the old events keep their hashes, the chain and the anchor verify
    after = list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True))
    assert after[: len(hashes_before)] == hashes_before
    report = checkpoints.verify_database(copies=[earlier_log])
    assert report.ok, report.problems
    taking.take(CheckpointReason.MANUAL)
    out = io.StringIO()
    call_command("verify_ledger", stdout=out)
    assert "KẾT QUẢ / RESULT: HỢP LỆ / OK" in out.getvalue()
    # the page says what happened, to every reader
    page = login(cast.root).get("/nhat-ky/?action=beneficiaries").content.decode()
    assert NAME not in page and ID_NUMBER not in page
    assert ERASED in page
    created = AuditEvent.objects.about(hoa).get(action="beneficiaries.person_created")
    assert created.revealed()["after"]["id_number"] == ERASED
    assert created.revealed()["after"]["commune"] == hoa.commune_id


def test_an_individual_erasure_forgets_the_values_too(cast, login):
    an = people.create_individual(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Phạm Văn An",
        phone="0912000111", email="an@example.vn",
    )  # fmt: skip
    # a record named after the individual (a membership) keeps the name out of the chain too
    membership = join(cast.ba_dinh_officer, an, cast.ba_dinh, kind="member",
                      started_on=date(2025, 1, 1))  # fmt: skip
    joined = AuditEvent.objects.about(membership).get()
    assert is_commitment(joined.object_repr) and "Phạm Văn An" in joined.shown_repr
    assert "Phạm Văn An" not in raw_event_rows()
    assert AuditPersonalValue.objects.filter(event__object_type="people.individual").exists()
    people_privacy.erase_individual(cast.ba_dinh_officer, an)
    an.refresh_from_db()
    left = AuditPersonalValue.objects.filter(
        event__object_type="people.individual", event__object_id=str(an.pk)
    )
    assert [(v.event.action, v.value) for v in left] == [("people.individual_erase", an.full_name)]
    assert an.full_name.startswith("Người đã xoá dữ liệu")
    assert AuditEvent.objects.about(membership).get().shown_repr == ERASED
    page = login(cast.root).get("/nhat-ky/?action=people").content.decode()
    assert "Phạm Văn An" not in page and "0912000111" not in page and ERASED in page
    assert checkpoints.verify_events()[1] == []


def test_events_of_the_first_rule_verify_and_the_rule_itself_is_hashed(cast, hoa):
    """Events written before the commitments (rule 1) keep their values and their hashes; a
    rule-2 event relabelled rule 1 no longer matches its hash."""
    old = AuditEvent(action="beneficiaries.person_updated", object_type="beneficiaries.person",
                     object_id=str(hoa.pk), object_repr=NAME, after={"phone": PHONE},
                     hash_rule=1)  # fmt: skip
    old.save()
    old = AuditEvent.objects.get(pk=old.pk)
    assert old.hash_rule == 1 and old.revealed()["after"]["phone"] == PHONE
    assert old.shown_repr == NAME
    assert checkpoints.verify_events()[1] == []

    victim = AuditEvent.objects.about(hoa).get(action="beneficiaries.person_created")
    _without_triggers(
        ["audit_auditevent"],
        [("UPDATE audit_auditevent SET hash_rule = 1 WHERE id = %s", [victim.pk])],
    )
    _checked, problems, _head = checkpoints.verify_events()
    assert problems == [
        f"nhật ký, sự kiện #{victim.seq} (mã {victim.pk}): nội dung không khớp mã băm."
    ]


def test_a_value_that_only_looks_like_a_commitment_is_shown_as_typed(cast, hoa):
    """Only the registered personal fields are read as commitments."""
    typed = "sha256:" + "a" * 64
    event = AuditEvent(action="beneficiaries.person_updated", object_type="beneficiaries.person",
                       object_id=str(hoa.pk), object_repr="x", after={"note": typed})  # fmt: skip
    event.save()
    assert AuditEvent.objects.get(pk=event.pk).revealed()["after"]["note"] == typed
    assert Person.objects.filter(pk=hoa.pk).exists()
