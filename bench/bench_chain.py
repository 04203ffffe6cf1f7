"""The anchored chain (issue #14 item 4): full database verification and checkpoints.

    .venv/bin/python bench/bench_chain.py [--entries 2000000] [--accounts 4000] [--orgs 40]

In a fresh SQLite database (a temporary directory, its own process): `--orgs` organisations,
`--accounts` ledger accounts among them (earmarks), `--entries` hash-chained entries (rule 2,
memo committed) built in bulk with the ledger's own hash and inserted set-based. Then:

1. the first checkpoint: every account moved (heads read, one signature per organisation
   with its Ed25519 key — the worst case; the keys are created before, timed apart);
2. a second checkpoint after 1 new entry in each of 100 accounts (the usual after an import);
3. `verify_database()`: every entry of every chain re-hashed and linked, the audit chain,
   both checkpoints' log and heads — what `nhandao verify_ledger` runs.
Prints one JSON line.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--accounts", type=int, default=4_000)
    parser.add_argument("--orgs", type=int, default=40)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nhandao-bench-chain-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from nhandao.audit import checkpoints, ledger
    from nhandao.audit.models import LedgerAccount, LedgerEntry
    from nhandao.donations import checkpoints as taking
    from nhandao.orgs import actions as org_actions

    call_command("migrate", verbosity=0)
    top = org_actions.create_organisation(
        None, parent=None, code="BCT-TW", name="Ban Cứu trợ Trung ương", kind="relief_board",
        level="central", admin_unit=None, partner_type="",
    )  # fmt: skip
    orgs = [top] + [
        org_actions.create_organisation(
            None,
            parent=top,
            code=f"BCT-{i}",
            name=f"Ban Cứu trợ {i}",
            kind="relief_board",
            level="province",
            admin_unit=None,
            partner_type="",
        )  # fmt: skip
        for i in range(1, args.orgs)
    ]
    accounts = LedgerAccount.objects.bulk_create(
        [
            LedgerAccount(organisation=orgs[i % len(orgs)], earmark=f"unit:bench:{i}")
            for i in range(args.accounts)
        ]
    )

    # Build: every account's chain, hashed as ledger.chain_rows hashes (rule 2).
    started = time.perf_counter()
    per_account = args.entries // args.accounts
    at = timezone.now()
    at_hashed, at_db = ledger.at_text(at), connection.ops.adapt_datetimefield_value(at)
    booked = date(2024, 9, 10).isoformat()
    with transaction.atomic():
        for account in accounts:
            prev, balance, rows = ledger.GENESIS, 0, []
            for seq in range(1, per_account + 1):
                amount = 50_000 + seq
                balance += amount
                memo, salt = f"Chuyen khoan {seq} ung ho", ledger.new_salt()
                values = [account.pk, seq, at_hashed, booked, "donation", amount, balance, memo,
                          f"bench:{seq}", None, "", "hệ thống", prev]  # fmt: skip
                prev = ledger.digest(ledger.rule2_values(values, ledger.memo_commit(salt, memo)))
                values[2] = at_db
                rows.append((*values, prev, 2, salt))
            ledger.insert_rows(LedgerEntry._meta.db_table, ledger.ENTRY_COLUMNS, rows)
    built = time.perf_counter() - started
    entries = LedgerEntry.objects.count()

    # the organisations' keys exist already in practice (receipts, earlier checkpoints):
    # created first, timed apart
    from nhandao.donations.receipts import key_for

    started = time.perf_counter()
    for org in orgs:
        key_for(org)
    keys_seconds = time.perf_counter() - started

    started = time.perf_counter()
    first = taking.take("manual")
    first_seconds = time.perf_counter() - started
    first_heads, first_signatures = first.heads.count(), first.signatures.count()

    for account in accounts[:100]:
        ledger.post(account, 1_000, booked_on=date(2024, 9, 11), memo="sau nhập")
    started = time.perf_counter()
    second = taking.take("import")
    second_seconds = time.perf_counter() - started

    started = time.perf_counter()
    report = checkpoints.verify_database()
    verify_seconds = time.perf_counter() - started
    assert report.ok, report.problems[:3]
    assert report.entries == LedgerEntry.objects.count(), report.entries

    print(
        json.dumps(
            {
                "entries": entries,
                "accounts": len(accounts),
                "organisations": len(orgs),
                "build_s": round(built, 1),
                "keys_created_s": round(keys_seconds, 1),
                "checkpoint_all_accounts_s": round(first_seconds, 2),
                "checkpoint_all_heads": first_heads,
                "checkpoint_all_signatures": first_signatures,
                "checkpoint_after_import_s": round(second_seconds, 2),
                "checkpoint_after_import_heads": second.heads.count(),
                "verify_database_s": round(verify_seconds, 1),
                "verified_entries": report.entries,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
