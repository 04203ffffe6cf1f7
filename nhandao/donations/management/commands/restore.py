"""`nhandao restore FOLDER --yes`

Replaces the database and the media with a backup's (lib/backup.py) after checking its
checksums, then proves it: every table's row count equals the manifest's, every ledger chain
verifies, every receipt verifies. Prints one JSON object; exit status 1 when any check fails.
Stop the web server and the worker first (deploy/HUONG-DAN.md).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nhandao.audit import ledger
from nhandao.audit.models import LedgerAccount
from nhandao.donations.models import Receipt
from nhandao.donations.receipts import verify
from nhandao.lib import backup


def check_restored(manifest: dict) -> dict:
    """What a restore must prove, as figures and the list of what failed."""
    counts = backup.row_counts()
    problems = [
        f"{label}: {counts.get(label)} dòng, bản sao lưu có {expected}"
        for label, expected in manifest["counts"].items()
        if counts.get(label) != expected
    ]
    chains = 0
    for account in LedgerAccount.objects.order_by("pk"):
        result = ledger.verify(account)
        chains += 1
        if not result.ok:
            problems.append(f"sổ quỹ {account.pk}: {result.reason}")
    receipts = 0
    for code in Receipt.objects.order_by("pk").values_list("code", flat=True).iterator():
        receipts += 1
        verdict = verify(code)
        if not verdict.genuine and "đã bị hủy" not in verdict.message:
            problems.append(f"biên nhận {code}: {verdict.message}")
    return {
        "rows": sum(counts.values()),
        "ledger_chains": chains,
        "receipts": receipts,
        "problems": problems,
    }


class Command(BaseCommand):
    help = "Khôi phục từ một bản sao lưu, rồi kiểm tra sổ quỹ và biên nhận."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--yes", action="store_true", help="xác nhận thay toàn bộ dữ liệu")

    def handle(self, *args, folder, yes=False, **options):
        if not yes:
            raise CommandError("Khôi phục thay toàn bộ dữ liệu hiện có: thêm --yes để xác nhận.")
        try:
            manifest = backup.restore(Path(folder), passphrase=backup.passphrase_from_env())
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        report = check_restored(manifest)
        self.stdout.write(json.dumps(report, ensure_ascii=False))
        if report["problems"]:
            raise CommandError(f"Khôi phục xong nhưng có {len(report['problems'])} lỗi kiểm tra.")
