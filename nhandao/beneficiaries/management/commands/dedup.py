"""`nhandao dedup`: full duplicate run; `nhandao dedup --export PATH`: clusters per person."""

from django.core.management.base import BaseCommand

from nhandao.beneficiaries import dedup


class Command(BaseCommand):
    help = "Dò trùng toàn bộ danh sách đối tượng (CCCD + Splink), hoặc xuất cụm trùng ra CSV."

    def add_arguments(self, parser):
        parser.add_argument(
            "--export",
            metavar="PATH",
            help="ghi mỗi người một dòng: person_id, external_id, cluster_id",
        )
        parser.add_argument("--threads", type=int, default=None)

    def handle(self, *args, **options):
        if options["export"]:
            count = dedup.export_clusters(options["export"])
            self.stdout.write(f"Đã ghi {count} người vào {options['export']}.")
            return
        run = dedup.run_dedup(threads=options["threads"])
        self.stdout.write(
            f"Đã dò {run.persons} người: {run.pairs} cặp có thể trùng "
            f"({run.new_pairs} cặp mới) trong {run.seconds:.1f} giây."
        )
