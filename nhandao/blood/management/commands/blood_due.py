"""`nhandao blood_due --on YYYY-MM-DD [--province CODE]`: one JSON object per line for
every donor likely eligible on that day: donor (code), last_donation (date), last_type,
eligible_from (date). The province is a new-map province code."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from nhandao.blood import due
from nhandao.orgs.models import AdminMap, AdminUnit


class Command(BaseCommand):
    help = "Liệt kê người hiến có thể hiến lại vào một ngày (mỗi dòng một đối tượng JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--on", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--province", metavar="CODE", default="")

    def handle(self, *args, on, province, **options):
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise CommandError(f"Ngày “{on}” không đúng dạng YYYY-MM-DD.") from None
        if (
            province
            and not AdminUnit.objects.filter(
                map=AdminMap.NEW, level="province", code=province
            ).exists()
        ):
            raise CommandError(f"Không có tỉnh/thành mã “{province}” trên bản đồ mới.")
        rows = (
            due.due(day, province or None)
            .order_by()
            .values_list("code", "last_donation_on", "last_kind", "eligible_from")
        )
        write = self.stdout.write
        for code, last, kind, eligible in rows.iterator(chunk_size=5000):
            write(
                json.dumps(
                    {
                        "donor": code,
                        "last_donation": last.isoformat(),
                        "last_type": kind,
                        "eligible_from": eligible.isoformat(),
                    },
                    ensure_ascii=False,
                )
            )
