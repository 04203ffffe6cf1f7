"""`nhandao coordination_reminders [--days N] [--notify]`: tasks and findings due within N
days (7 by default) or past due, one line each, then a count; nothing due: one line saying
so. --notify also tells the organisations that must act (once a day per reminder)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from nhandao.coordination import reminders


class Command(BaseCommand):
    help = "In các nhiệm vụ, kết luận giám sát sắp đến hạn hoặc đã quá hạn."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="số ngày tới (mặc định 7)")
        parser.add_argument(
            "--notify", action="store_true", help="gửi thông báo cho đơn vị phải thực hiện"
        )

    def handle(self, days, notify=False, **options):
        if not 0 <= days <= 365:
            raise CommandError("--days phải từ 0 đến 365.")
        today = timezone.localdate()
        rows = reminders.due(today, days)
        for row in rows:
            self.stdout.write(row.line(today))
        if rows:
            self.stdout.write(f"{len(rows)} việc cần nhắc.")
        else:
            self.stdout.write(f"Không có việc nào đến hạn trong {days} ngày tới.")
        if notify:
            self.stdout.write(f"Đã gửi {reminders.send(today, rows)} thông báo.")
