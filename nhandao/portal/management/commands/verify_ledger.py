"""`nhandao verify_ledger FILE`: verify a signed ledger file offline (no database needed)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nhandao.portal.ledger_export import verify_bytes


class Command(BaseCommand):
    help = "Kiểm chứng tệp sổ quỹ đã ký (xuất từ cổng công khai), không cần kết nối mạng."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .json tải từ trang chiến dịch")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        report = verify_bytes(path.read_bytes())
        if not report.ok:
            raise CommandError(report.message)
        self.stdout.write(report.message)
