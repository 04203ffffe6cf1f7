"""`nhandao import_drive PATH --drive CODE --kind registrations|results`: a drive's
registration list (from the blood centre or a school) or the centre's result sheet (.xlsx or
.csv; columns in docs/howto.md), through the same frame as the drive's page
(blood/drive_imports.py): every row through the officer's action, all or nothing. Prints
`Đã đăng ký 3 người; 1 người đã đăng ký từ trước.` or `Đã ghi 3 kết quả; 0 kết quả đã có,
bỏ qua.`; a refused file prints each refused row and, with `--rejected OUT.xlsx`, writes the
rejected-rows workbook."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nhandao.blood import drive_imports, importers
from nhandao.blood.models import Drive, ImportPurpose

KINDS = {"registrations": ImportPurpose.REGISTRATIONS, "results": ImportPurpose.RESULTS}


class Command(BaseCommand):
    help = "Nhập danh sách đăng ký hoặc bảng kết quả của một đợt hiến máu (tất cả hoặc không)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--drive", metavar="CODE", required=True, help="mã đợt hiến máu")
        parser.add_argument(
            "--kind",
            required=True,
            choices=sorted(KINDS),
            help="registrations: danh sách đăng ký; results: bảng kết quả",
        )
        parser.add_argument(
            "--rejected", metavar="OUT.xlsx", default="", help="ghi các dòng bị từ chối ra tệp này"
        )

    def handle(self, *args, path, drive, kind, rejected, **options):
        file = Path(path)
        found = Drive.objects.filter(code=drive.strip().upper()).first()
        if found is None:
            raise CommandError(f"Không có đợt hiến máu mã “{drive}”.")
        if not file.is_file():
            raise CommandError(f"Không có tệp {path}.")
        imp = drive_imports.run(None, found, KINDS[kind], file.name, file.read_bytes())
        if imp.repeated:
            self.stdout.write(imp.repeat_message())
            return
        if not imp.is_done:
            for line in importers.errors_text(imp)[:50]:
                self.stderr.write(line)
            if rejected:
                Path(rejected).write_bytes(drive_imports.rejected_workbook(imp))
                self.stderr.write(f"Các dòng bị từ chối: {rejected}")
            raise CommandError(f"{len(imp.errors)} lỗi; không nhập dòng nào.")
        new, present = imp.rows_accepted, imp.rows_duplicate
        if imp.purpose == ImportPurpose.REGISTRATIONS:
            self.stdout.write(f"Đã đăng ký {new} người; {present} người đã đăng ký từ trước.")
        else:
            self.stdout.write(f"Đã ghi {new} kết quả; {present} kết quả đã có, bỏ qua.")
