"""`nhandao import_beneficiaries PATH [--org CODE]`: import a CSV or XLSX list.

Columns (Vietnamese headers of the template, or): external_id, full_name, sex, birth_date,
cccd, phone, address, commune_code (and optionally village, vulnerabilities). Without --org
each row goes to the Red Cross chapter of its commune. All or nothing; re-running adds nothing.
The list is checked and committed in this process (the worker's own tasks, run here), whether
a worker runs or not. Prints the warnings, then one line: "Đã nhập N người mới; K dòng đã có,
bỏ qua; D người có thể trùng đã đưa vào danh sách xem xét."
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nhandao.beneficiaries import importers
from nhandao.lib.imports import ImportStatus, error_text
from nhandao.orgs.models import Organisation


class Command(BaseCommand):
    help = "Nhập danh sách đối tượng từ tệp CSV hoặc Excel (tất cả hoặc không dòng nào)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--org", metavar="CODE", help="mã tổ chức quản lý")
        parser.add_argument(
            "--confirm-duplicates",
            action="store_true",
            help=f"nhập cả khi có từ {importers.DUPLICATE_STOP} người có thể trùng",
        )

    def handle(self, *args, path, org=None, confirm_duplicates=False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Không có tệp {path}.")
        organisation = None
        if org:
            organisation = Organisation.objects.filter(code=org).first()
            if organisation is None:
                raise CommandError(f"Không có tổ chức mã “{org}”.")
        batch = importers.start(
            None,
            organisation,
            file.name,
            file.read_bytes(),
            duplicates_confirmed=confirm_duplicates,
        )
        if batch.repeated:
            self.stdout.write(batch.repeat_message())
            return
        batch = importers.check_here(batch)
        for w in batch.warnings[:20]:
            self.stdout.write(f"Cảnh báo: {error_text(w)}")
        if batch.status == ImportStatus.FAILED and any(e["row"] for e in batch.errors):
            for e in batch.errors[:50]:
                self.stderr.write(error_text(e))
            raise CommandError(f"{len(batch.errors)} lỗi; không nhập dòng nào.")
        if importers.needs_review(batch) and batch.status == ImportStatus.PREVIEWED:
            raise CommandError(
                f"Dừng lại: {batch.likely_duplicates} người có thể trùng. Kiểm tra rồi chạy lại "
                "với --confirm-duplicates."
            )
        if batch.status == ImportStatus.PREVIEWED:
            batch = importers.commit_here(None, batch)
        if batch.status != ImportStatus.DONE:  # failed: the reason is its one error
            raise CommandError(batch.errors[0]["reason"])
        self.stdout.write(
            f"Đã nhập {batch.created} người mới; {batch.rows_duplicate} dòng đã có, bỏ qua; "
            f"{batch.likely_duplicates} người có thể trùng đã đưa vào danh sách xem xét."
        )
