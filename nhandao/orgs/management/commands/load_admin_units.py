from django.core.management.base import BaseCommand

from nhandao.orgs.mapdata import load_admin_units


class Command(BaseCommand):
    help = "Nạp bản đồ hành chính (trước và sau 01/07/2025) và bảng chuyển đổi. Chạy lại không sao."

    def handle(self, *args, **options):
        counts = load_admin_units()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
