"""The migration to hash rule 2 and chained audit events keeps every existing chain valid:
entries written under rule 1 still verify, and the events written before are chained in
order. Run in a child process on its own SQLite file (migrations back and forth cannot run
inside the test database's transaction)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
from nhandao.audit import ledger
from nhandao.orgs import actions as org_actions
org = org_actions.create_organisation(
    None, parent=None, code="BCT-TW", name="Ban Cứu trợ Trung ương", kind="relief_board",
    level="central", admin_unit=None, partner_type="",
)
call_command("migrate", "audit", "0005_ledger_moves_index", verbosity=0)
# the code of before: rule 1 (memo in clear), audit events without a chain
with connection.cursor() as cursor:
    cursor.execute(
        "INSERT INTO audit_ledgeraccount (organisation_id, campaign_id, earmark, earmark_label, "
        "created_at) VALUES (%s, NULL, '', '', '2024-09-01 00:00:00')", [org.pk])
    account_id = cursor.lastrowid
    prev, balance = ledger.GENESIS, 0
    for seq, amount in enumerate([500000, 200000, -100000], start=1):
        balance += amount
        values = [account_id, seq, "2024-09-10T01:02:03.000004+00:00", "2024-09-10",
                  "donation", amount, balance, f"Tiền mặt: Người {seq}", "", None, "",
                  "hệ thống", prev]
        prev = ledger.digest(values)
        cursor.execute(
            "INSERT INTO audit_ledgerentry (account_id, seq, at, booked_on, kind, amount, "
            "balance_after, memo, source, reverses_id, transfer, actor_name, prev_hash, hash) "
            "VALUES (%s, %s, '2024-09-10 01:02:03.000004', %s, %s, %s, %s, %s, %s, %s, %s, "
            "%s, %s, %s)", [*values[:2], *values[3:], prev])
    for i in range(2):
        cursor.execute(
            "INSERT INTO audit_auditevent (at, actor_name, action, object_type, object_id, "
            "object_repr, before, after) VALUES ('2024-09-10 01:02:03', 'kt', 'x', 'a.b', %s, "
            "'r', NULL, %s)", [str(i), json.dumps({"n": i, "tên": "Đức"})])
call_command("migrate", verbosity=0)
from nhandao.audit import checkpoints
from nhandao.audit.models import AuditEvent, LedgerEntry
from nhandao.donations import checkpoints as taking
before = checkpoints.verify_database()
taking.take("manual")
from datetime import date
fund = ledger.LedgerAccount.objects.get(pk=account_id)
ledger.post(fund, 1000, booked_on=date(2024, 9, 11))
after = checkpoints.verify_database()
refused = []
for table in ("audit_ledgerentry", "audit_auditevent", "audit_checkpoint", "audit_checkpointhead"):
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET id = id")
    except Exception:
        refused.append(table)
print(json.dumps({
    "refused": refused,
    "before": before.problems, "after": after.problems, "entries": after.entries,
    "rules": list(LedgerEntry.objects.order_by("seq").values_list("hash_rule", flat=True)),
    "event_seqs": list(AuditEvent.objects.order_by("pk").values_list("seq", flat=True))[:3],
}))
"""


def test_existing_chains_and_events_verify_after_the_migration(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    out = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["before"] == [] and result["after"] == []
    assert len(result["refused"]) == 4  # the append-only triggers survived the migration
    assert result["rules"] == [1, 1, 1, 2] and result["entries"] == 4
    assert result["event_seqs"] == [1, 2, 3]  # the organisation's creation, then two
