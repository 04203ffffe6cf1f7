"""The chain anchored outside the database (issue #14 item 4): checkpoints signed and
published, `nhandao verify_ledger` on the database, on a file and against copies of the
checkpoint log kept elsewhere; memos committed by a salted hash; the audit events chained.

The attack the checkpoints exist for: someone able to write the database edits an amount,
recomputes the chain with the project's own hash and adjusts the donation and the statement
line, so that every chain verifies. The earlier checkpoint still names the old hash."""

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from nhandao.audit import checkpoints, ledger
from nhandao.audit.models import (
    AuditEvent,
    Checkpoint,
    CheckpointHead,
    CheckpointReason,
    LedgerEntry,
)
from nhandao.donations import checkpoints as taking
from nhandao.donations.models import Donation, StatementStatus
from tests import test_portal_common as common

fresh_cache, statements, vcb, yagi = common.fresh_cache, common.statements, common.vcb, common.yagi

pytestmark = pytest.mark.django_db

DAY = date(2024, 9, 10)


def _without_triggers(tables, sql_and_params):
    """Run SQL behind the application's back, the append-only triggers set aside."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            for table in tables:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        for sql, params in sql_and_params:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def careful_rehashed_edit(donation, new_amount):
    """Change a donation's amount everywhere, the way an insider who knows the code would:
    the entry's amount, then every later entry of its account re-chained with the project's
    own hash (balances, links, hashes), then the donation and its statement line."""
    entry = donation.ledger_entry
    delta = new_amount - entry.amount
    rows = list(
        LedgerEntry.objects.filter(account_id=entry.account_id, seq__gte=entry.seq)
        .order_by("seq")
        .values("pk", *ledger.VERIFIED_COLUMNS)
    )
    updates = []
    prev_hash = rows[0]["prev_hash"]
    for row in rows:
        row = dict(row)
        if row["pk"] == entry.pk:
            row["amount"] = new_amount
        row["balance_after"] += delta
        row["prev_hash"] = prev_hash
        pk = row.pop("pk")
        row.pop("hash")
        row["hash"] = ledger.entry_hash(**row)
        prev_hash = row["hash"]
        updates.append(
            (
                "UPDATE audit_ledgerentry SET amount = %s, balance_after = %s, prev_hash = %s, "
                "hash = %s WHERE id = %s",
                [row["amount"], row["balance_after"], row["prev_hash"], row["hash"], pk],
            )
        )
    updates.append(("UPDATE donations_donation SET amount = %s WHERE id = %s",
                    [new_amount, donation.pk]))  # fmt: skip
    updates.append(("UPDATE donations_statementline SET amount = %s WHERE id = %s",
                    [new_amount, donation.statement_line_id]))  # fmt: skip
    _without_triggers(["audit_ledgerentry"], updates)


@pytest.fixture
def imported(cast, statements, yagi):
    """The Vietcombank slice imported, and the first checkpoint taken after it."""
    checkpoint = taking.take(CheckpointReason.IMPORT)
    return checkpoint


@pytest.fixture
def earlier_copy(client, imported, tmp_path):
    """What a newspaper downloaded after the import: the checkpoint log and the ledger."""
    log = tmp_path / "diem-moc.json"
    log.write_bytes(client.get(reverse("portal_checkpoints")).content)
    return log


def a_transfer_donation(yagi):
    return (
        Donation.objects.filter(campaign=yagi, statement_line__isnull=False)
        .select_related("ledger_entry")
        .order_by("ledger_entry__seq")[20]
    )


def test_a_checkpoint_names_every_moved_account_and_is_signed(cast, imported, yagi):
    fund = ledger.account_for(cast.front, yagi)
    head = fund.head()
    assert imported.number == 1 and imported.reason == "import"
    assert list(imported.heads.values_list("account_id", "seq", "hash")) == [
        (fund.pk, head.seq, head.hash)
    ]
    signers = set(imported.signatures.values_list("organisation__code", flat=True))
    assert cast.front.code in signers and cast.central.code in signers
    # nothing moved: the next checkpoint names no account but still chains and is signed
    second = taking.take(CheckpointReason.DAILY)
    assert second.prev_hash == imported.hash and second.heads.count() == 0
    document = checkpoints.log_document()
    assert [p["number"] for p in document["checkpoints"]] == [1, 2]
    assert checkpoints.verify_log(document) == []


def test_the_public_log_verifies_and_a_forged_signature_is_named(client, imported):
    response = client.get("/cong-khai/so-quy/diem-moc.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["format"] == "nhandao-checkpoints/1"
    assert checkpoints.verify_log(document) == []
    assert (
        json.loads(client.get("/cong-khai/so-quy/diem-moc.json?tu=1").content)["checkpoints"] == []
    )
    document["checkpoints"][0]["heads"][0][2] += 1
    problems = checkpoints.verify_log(document)
    assert any("không khớp mã tổng" in p for p in problems)


def test_the_careful_rehashed_edit_is_detected_against_an_earlier_checkpoint(cast, imported, yagi):
    donation = a_transfer_donation(yagi)
    careful_rehashed_edit(donation, donation.amount + 9_000_000)
    # the chain alone no longer shows it: this is the attack
    assert ledger.verify(ledger.account_for(cast.front, yagi)).ok
    report = checkpoints.verify_database()
    assert not report.ok
    assert any(
        f"điểm mốc 1: tài khoản {donation.ledger_entry.account_id}" in p and "đã bị thay" in p
        for p in report.problems
    )


def test_a_rewritten_checkpoint_log_is_detected_by_a_copy_kept_elsewhere(
    cast, client, earlier_copy, yagi, tmp_path, capsys
):
    """The insider also rewrites the checkpoints in the database and signs them again with
    the organisations' keys (which the server holds): only a copy kept outside shows it."""
    donation = a_transfer_donation(yagi)
    careful_rehashed_edit(donation, donation.amount + 9_000_000)
    _without_triggers(
        ["audit_checkpointsignature", "audit_checkpointhead", "audit_checkpoint"],
        [
            ("DELETE FROM audit_checkpointsignature", []),
            ("DELETE FROM audit_checkpointhead", []),
            ("DELETE FROM audit_checkpoint", []),
        ],
    )
    taking.take(CheckpointReason.IMPORT)
    assert checkpoints.verify_database().ok  # the database agrees with itself
    # the re-signed export verifies on its own, but not against the earlier log
    rewritten = tmp_path / "so-quy.json"
    rewritten.write_bytes(client.get(reverse("portal_ledger", args=[yagi.code])).content)
    call_command("verify_ledger", str(rewritten))
    with pytest.raises(CommandError, match="KHÔNG khớp điểm mốc"):
        call_command("verify_ledger", "--file", str(rewritten), "--checkpoints", str(earlier_copy))
    assert "tệp khác điểm mốc" in capsys.readouterr().out
    with pytest.raises(CommandError, match="chỗ gãy"):
        call_command("verify_ledger", "--checkpoints", str(earlier_copy))
    out = capsys.readouterr().out
    assert "điểm mốc 1 đã bị xóa hoặc viết lại" in out and "đã bị thay" in out


def test_verify_ledger_prints_its_documented_summary(cast, imported, yagi, capsys):
    call_command("verify_ledger")
    out = capsys.readouterr().out.splitlines()
    entries = LedgerEntry.objects.count()
    assert (
        out[0]
        == f"Sổ quỹ / ledger: 1 tài khoản / accounts, {entries} bút toán hợp lệ / valid entries."
    )
    assert out[1].startswith("Nhật ký / audit events: ") and "sự kiện hợp lệ" in out[1]
    assert (
        out[2] == "Điểm mốc / checkpoints: 1 điểm mốc, 1 đầu chuỗi đã đối chiếu / heads compared."
    )
    assert out[-1].startswith("KẾT QUẢ / RESULT: HỢP LỆ / OK")


def test_a_file_matches_the_checkpoint_it_was_published_under(
    client, earlier_copy, yagi, tmp_path, capsys
):
    path = tmp_path / "so-quy.json"
    path.write_bytes(client.get(reverse("portal_ledger", args=[yagi.code])).content)
    call_command("verify_ledger", "--file", str(path), "--checkpoints", str(earlier_copy))
    out = capsys.readouterr().out
    assert "Sổ quỹ hợp lệ" in out and "1 đầu chuỗi khớp / heads match" in out


def test_the_export_refuses_to_sign_a_chain_that_disagrees_with_a_checkpoint(
    client, imported, yagi
):
    donation = a_transfer_donation(yagi)
    careful_rehashed_edit(donation, donation.amount + 1)
    response = client.get(reverse("portal_ledger", args=[yagi.code]))
    assert response.status_code == 409
    assert "khác điểm mốc" in response.json()["detail"]


def test_the_export_refuses_to_sign_a_broken_chain(client, cast, statements, yagi):
    entry = LedgerEntry.objects.filter(account__campaign=yagi).order_by("seq")[3]
    _without_triggers(
        ["audit_ledgerentry"],
        [("UPDATE audit_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])],
    )
    response = client.get(reverse("portal_ledger", args=[yagi.code]))
    assert response.status_code == 409 and f"#{entry.seq}" in response.json()["detail"]
    with pytest.raises(CommandError, match="chỗ gãy"):
        call_command("verify_ledger")


def test_a_checkpoint_refuses_to_anchor_a_rewritten_history(cast, imported, yagi):
    donation = a_transfer_donation(yagi)
    careful_rehashed_edit(donation, donation.amount + 5)
    with pytest.raises(checkpoints.ChainBroken, match="lịch sử đã công bố bị thay đổi"):
        taking.take(CheckpointReason.DAILY)
    assert Checkpoint.objects.count() == 1
    with pytest.raises(CommandError, match="Không lập điểm mốc"):
        call_command("checkpoint")


def test_an_import_takes_a_checkpoint_through_the_queue(cast, vcb, tasks):
    from nhandao.donations import actions
    from tests.saoke import FIXTURES, VCB

    statement = actions.upload_statement(
        cast.root, vcb, preview_first=False, filename=VCB, data=(FIXTURES / VCB).read_bytes()
    )
    assert not Checkpoint.objects.exists()
    tasks.run()
    statement.refresh_from_db()
    assert statement.status == StatementStatus.DONE
    point = Checkpoint.objects.get()
    assert point.reason == "import" and point.heads.count() == 1


def test_the_daily_command_prints_what_it_anchored(cast, statements, capsys):
    call_command("checkpoint")
    assert capsys.readouterr().out.startswith("Điểm mốc 1 / checkpoint 1: 1 tài khoản đổi")
    assert CheckpointHead.objects.count() == 1


# --- memos committed, rules per entry ------------------------------------------------------


def test_a_changed_memo_breaks_the_chain_in_the_database(cast, yagi):
    fund = ledger.account_for(cast.front, yagi)
    entries = [
        ledger.post(fund, 1000, booked_on=DAY, memo=f"Tiền mặt: người {i}") for i in range(3)
    ]
    assert all(e.hash_rule == 2 and len(e.memo_salt) == 32 for e in entries)
    _without_triggers(
        ["audit_ledgerentry"],
        [("UPDATE audit_ledgerentry SET memo = %s WHERE id = %s", ["Người khác", entries[1].pk])],
    )
    result = ledger.verify(fund)
    assert not result.ok and result.first_bad.pk == entries[1].pk


def test_entries_written_under_rule_1_still_verify(cast, yagi):
    """An entry written before rule 2 (memo hashed in clear) keeps its rule and verifies;
    later entries chain after it with rule 2."""
    fund = ledger.account_for(cast.front, yagi)
    old = {
        "account_id": fund.pk, "seq": 1, "at": "2024-09-10T01:02:03.000004+00:00",
        "booked_on": "2024-09-10", "kind": "donation", "amount": 5000, "balance_after": 5000,
        "memo": "Chuyển khoản cũ", "source": "", "reverses_id": None, "transfer": "",
        "actor_name": "hệ thống", "prev_hash": ledger.GENESIS,
    }  # fmt: skip
    LedgerEntry.objects.create(
        **{**old, "at": "2024-09-10T01:02:03.000004+00:00"},
        hash=ledger.entry_hash(**old),
        hash_rule=1,
    )
    ledger.post(fund, 7000, booked_on=DAY, memo="mới")
    assert list(fund.entries.values_list("hash_rule", flat=True)) == [1, 2]
    assert ledger.verify(fund).ok and ledger.verify_all().ok


# --- the audit events' chain ---------------------------------------------------------------


def test_audit_events_are_chained_and_an_edited_event_is_named(cast, yagi):
    events = list(AuditEvent.objects.order_by("seq"))
    assert events and [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    checked, problems, head = checkpoints.verify_events()
    assert checked == len(events) and problems == [] and head == (events[-1].seq, events[-1].hash)
    victim = events[len(events) // 2]
    _without_triggers(
        ["audit_auditevent"],
        [("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["ai đó", victim.pk])],
    )
    _checked, problems, _head = checkpoints.verify_events()
    assert problems == [
        f"nhật ký, sự kiện #{victim.seq} (mã {victim.pk}): nội dung không khớp mã băm."
    ]


def test_the_canonical_text_of_an_audit_event_never_changes():
    from datetime import UTC, datetime

    from nhandao.audit.models import event_hash, event_values

    class E:
        seq, actor_id, actor_name, action, object_type = 7, 3, "kt", "donation.record", "x.y"
        object_id, object_repr, organisation_id, prev_hash = "9", "Khoản 9", 2, "a" * 64
        at = datetime(2024, 9, 10, 1, 2, 3, 4, tzinfo=UTC)
        before, after = None, {"b": 1, "a": [1, "đ"]}

    assert event_values(E) == [
        7, "2024-09-10T01:02:03.000004+00:00", 3, "kt", "donation.record", "x.y", "9",
        "Khoản 9", 2, None, {"a": [1, "đ"], "b": 1}, "a" * 64,
    ]  # fmt: skip
    assert event_hash(event_values(E)) == (
        "658904e58ad5ac96e7ed06327cac3554c307b7926f859782fe6271566d621954"
    )
