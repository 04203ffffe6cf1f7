"""`nhandao import_blood PATH --org CODE`: import a donor-and-history workbook (.xlsx or
.csv; columns in docs/howto.md). All or nothing; rows already recorded are skipped, and the
very same file again is answered by its earlier import."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nhandao.blood import importers
from nhandao.orgs.models import Organisation


class Command(BaseCommand):
    help = "Nhập danh sách người hiến và lịch sử hiến máu (tất cả hoặc không dòng nào)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--org", metavar="CODE", required=True, help="mã tổ chức quản lý")

    def handle(self, *args, path, org, **options):
        file = Path(path)
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise CommandError(f"Không có tổ chức mã “{org}”.")
        if not file.is_file():
            raise CommandError(f"Không có tệp {path}.")
        imp = importers.run(None, organisation, file.name, file.read_bytes())
        if imp.repeated:
            self.stdout.write(imp.repeat_message())
            return
        if not imp.is_done:
            for line in importers.errors_text(imp)[:50]:
                self.stderr.write(line)
            raise CommandError(f"{len(imp.errors)} lỗi; không nhập dòng nào.")
        self.stdout.write(
            f"Đã nhập {imp.rows_accepted} lần hiến; {imp.rows_duplicate} lần đã có, bỏ qua."
        )
