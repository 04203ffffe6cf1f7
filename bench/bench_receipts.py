"""Automatic receipts for a whole imported statement, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_receipts.py [--backend sqlite|postgresql|both] [--file PATH]

In a fresh database per backend (a child process each): the real Vietcombank file imported
with the campaign's automatic receipts switched off, then switched on and
`receipts.issue_missing(statement_id=…)` timed (numbered, Ed25519-signed, batched); then the
same call again (must issue nothing). Prints one JSON line per backend: receipts issued, seconds,
receipts per second, the re-run's seconds, and whether the numbers run 1…N without a gap.
"""

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.bench_statement_import import DEFAULT_FILE, run_child  # noqa: E402


def child(path: Path) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhandao.settings")
    os.environ.setdefault("NHANDAO_DEV", "1")  # benchmarks run on development settings
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from nhandao.campaigns import actions as campaign_actions
    from nhandao.campaigns.models import Campaign
    from nhandao.donations import actions, importers, receipts
    from nhandao.donations.models import Receipt
    from nhandao.orgs import actions as org_actions

    call_command("migrate", verbosity=0)
    data = path.read_bytes()
    if path.suffix == ".gz":
        import gzip

        data = gzip.decompress(data)
    org = org_actions.create_organisation(
        None, parent=None, code="BCT-TW", name="Ban Cứu trợ Trung ương", kind="relief_board",
        level="central", admin_unit=None, partner_type="",
    )  # fmt: skip
    campaign = campaign_actions.create_campaign(
        None, code="YAGI-2024", name="Bão Yagi", kind="appeal", organisation=org,
        launch_date=date(2024, 9, 1), status="receiving", transfer_memo="YAGI2024",
    )  # fmt: skip
    account = actions.create_bank_account(
        None, bank="VCB", number="0011001932418", holder="MTTQ VN - BAN CUU TRO TW",
        organisation=org, campaign=campaign,
    )  # fmt: skip
    statement = actions.create_statement(None, account, filename="vcb.csv", data=data)
    importers.run_import(statement, data)
    Campaign.objects.filter(pk=campaign.pk).update(auto_receipts=True)

    started = time.perf_counter()
    issued = receipts.issue_missing(statement_id=statement.pk)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = receipts.issue_missing(statement_id=statement.pk)
    again_seconds = time.perf_counter() - started
    numbers = list(Receipt.objects.order_by("number").values_list("number", flat=True))
    return {
        "backend": connection.vendor,
        "issued": issued,
        "seconds": round(seconds, 2),
        "per_second": round(issued / seconds) if seconds else None,
        "again_issued": again,
        "again_seconds": round(again_seconds, 2),
        "gapless": numbers == list(range(1, len(numbers) + 1)),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="both", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--file", default=str(DEFAULT_FILE))
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child)), ensure_ascii=False))
        return
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        print(json.dumps(run_child(__file__, backend, Path(args.file)), ensure_ascii=False))


if __name__ == "__main__":
    main()
