"""`nhandao backup FOLDER [--encrypt] [--keep N]`

The database (PostgreSQL pg_dump custom format, or SQLite's online backup), the media files
and a manifest with checksums and row counts, in a new folder `nhandao-<time>` under FOLDER
(lib/backup.py). `--encrypt`: each file encrypted with NHANDAO_BACKUP_PASSPHRASE (or
NHANDAO_BACKUP_PASSPHRASE_FILE). `--keep N`: remove all but the newest N backups there.
Prints one JSON object: folder, files, total rows.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nhandao.lib import backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và tệp đính kèm, kèm manifest có checksum."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--encrypt", action="store_true", help="mã hóa bằng mật khẩu")
        parser.add_argument("--keep", type=int, default=0, help="giữ N bản mới nhất")

    def handle(self, *args, folder, encrypt=False, keep=0, **options):
        passphrase = backup.passphrase_from_env() if encrypt else None
        if encrypt and not passphrase:
            raise CommandError("--encrypt cần NHANDAO_BACKUP_PASSPHRASE hoặc _FILE.")
        try:
            made = backup.backup(Path(folder), passphrase=passphrase)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        pruned = backup.prune(Path(folder), keep) if keep else []
        self.stdout.write(
            json.dumps(
                {
                    "folder": str(made.folder),
                    "files": made.manifest["files"],
                    "rows": sum(made.manifest["counts"].values()),
                    "pruned": [str(p) for p in pruned],
                },
                ensure_ascii=False,
            )
        )
