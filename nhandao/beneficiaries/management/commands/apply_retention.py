"""`nhandao apply_retention [--dry-run]`: apply the retention rules (beneficiaries/retention.py)."""

from django.core.management.base import BaseCommand

from nhandao.beneficiaries import retention


class Command(BaseCommand):
    help = "Áp dụng thời hạn lưu trữ: xoá hoặc ẩn danh hoá hồ sơ đã quá hạn lưu."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="chỉ đếm, không thay đổi gì")

    def handle(self, *args, dry_run=False, **options):
        title = "Thời hạn lưu trữ" + (" (chạy thử: không thay đổi gì)" if dry_run else "")
        self.stdout.write(title)
        for outcome in retention.apply(dry_run=dry_run):
            self.stdout.write(outcome.line(dry_run))
