"""`nhandao deadlines [--days N] [--notify]`: what must be done within N days (7 by default)
or is late — reports still being written, data-subject requests near their legal deadline —
one line each, soonest first, then a count; nothing: one line saying so. --notify also tells
who must act (kind "deadlines", once a day per record). Sources: lib/deadlines.py."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from nhandao.lib import deadlines


class Command(BaseCommand):
    help = "In các hạn sắp đến hoặc đã qua (báo cáo, yêu cầu về dữ liệu cá nhân)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="số ngày tới (mặc định 7)")
        parser.add_argument(
            "--notify", action="store_true", help="gửi thông báo cho người phải thực hiện"
        )

    def handle(self, days, notify=False, **options):
        if not 0 <= days <= 365:
            raise CommandError("--days phải từ 0 đến 365.")
        now = timezone.now()
        rows = deadlines.due(now, days)
        for row in rows:
            self.stdout.write(row.line(now))
        if rows:
            self.stdout.write(f"{len(rows)} việc cần nhắc.")
        else:
            self.stdout.write(f"Không có việc nào đến hạn trong {days} ngày tới.")
        if notify:
            self.stdout.write(f"Đã gửi {deadlines.send(now, rows)} thông báo.")
