"""`nhandao verify_ledger`: is the history of the money intact?

- without a file: the database — every ledger account's chain, the audit events' chain,
  every checkpoint it published, and (`--checkpoints diem-moc.json`, repeatable) copies of
  the checkpoint log kept elsewhere;
- `--file so-quy.json` (or the file as the only argument): a signed ledger file offline,
  and with `--checkpoints` against a checkpoint log obtained earlier.

Prints a Vietnamese/English summary; exits non-zero on any break.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nhandao.portal.ledger_export import verify_against_checkpoints, verify_bytes


def _read(path_text: str) -> bytes:
    path = Path(path_text)
    if not path.is_file():
        raise CommandError(f"Không tìm thấy tệp {path}.")
    return path.read_bytes()


def _read_json(path_text: str):
    try:
        return json.loads(_read(path_text).decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise CommandError(f"{path_text}: tệp không phải JSON đọc được.") from None


class Command(BaseCommand):
    help = (
        "Kiểm chứng sổ quỹ: cơ sở dữ liệu (chuỗi băm, nhật ký, mọi điểm mốc đã công bố) "
        "hoặc một tệp sổ quỹ đã ký, đối chiếu với điểm mốc lấy về trước đó."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="tệp sổ quỹ .json (như --file)")
        parser.add_argument("--file", dest="file_option", help="tệp sổ quỹ .json đã tải về")
        parser.add_argument(
            "--checkpoints",
            action="append",
            default=[],
            help="bản sao nhật ký điểm mốc (diem-moc.json) lấy về trước đó; lặp lại được",
        )

    def handle(self, *args, **options):
        copies = [_read_json(p) for p in options["checkpoints"]]
        path = options["file_option"] or options["file"]
        if path:
            self._file(path, copies)
        else:
            self._database(copies)

    def _file(self, path, copies):
        data = _read(path)
        report = verify_bytes(data)
        if not report.ok:
            raise CommandError(report.message)
        self.stdout.write(report.message)
        document = json.loads(data.decode("utf-8-sig"))
        problems = []
        for copy in copies:
            comparison = verify_against_checkpoints(document, copy)
            problems += comparison.problems
            self.stdout.write(
                f"Điểm mốc / checkpoints: {comparison.compared} đầu chuỗi khớp / heads match"
                + (
                    f", {comparison.newer} mới hơn tệp / newer than the file"
                    if comparison.newer
                    else ""
                )
                + "."
            )
        if problems:
            for problem in problems:
                self.stdout.write(f"  - {problem}")
            raise CommandError(
                f"Tệp KHÔNG khớp điểm mốc / the file does NOT match the checkpoints: {problems[0]}"
            )

    def _database(self, copies):
        from nhandao.audit.checkpoints import verify_database

        report = verify_database(copies)
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                f"Phát hiện {len(report.problems)} chỗ gãy / {len(report.problems)} break(s) found."
            )
