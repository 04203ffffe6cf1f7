"""`nhandao blood_refresh [--kind whole|red_cells|platelets|plasma]`: recompute every donor's
"likely eligible from" with the interval table as it is now (after a change the signals did
not see: SQL, a restore), through the worker's own code (lib.tasks.run_here). Prints
`Đã tính lại ngày có thể hiến lại: 12 người hiến thay đổi.`"""

from django.core.management.base import BaseCommand, CommandError

from nhandao.blood.models import Kind
from nhandao.blood.tasks import refresh_dates_after_rule_change
from nhandao.lib.tasks import run_here


class Command(BaseCommand):
    help = "Tính lại ngày có thể hiến lại của người hiến theo bảng khoảng cách hiện hành."

    def add_arguments(self, parser):
        parser.add_argument("--kind", default="", metavar="LOẠI", help=", ".join(Kind.values))

    def handle(self, *args, kind, **options):
        if kind and kind not in Kind.values:
            raise CommandError(f"Loại “{kind}” không có; chọn một trong: {', '.join(Kind.values)}.")
        result = run_here(refresh_dates_after_rule_change, kind)
        if result.status != "SUCCESSFUL":
            raise CommandError("Không tính lại được; xem nhật ký của tiến trình.")
        changed = result.return_value["donors_changed"]
        self.stdout.write(f"Đã tính lại ngày có thể hiến lại: {changed} người hiến thay đổi.")
