"""`nhandao members_on ORG_CODE [DATE] [--exact] [--rebuild]`: how many members an
organisation (with its subtree, merged predecessors included) had on a date (dd/mm/yyyy;
default today), from the summary or, with --exact, from the membership rows.
`--rebuild` first rebuilds the summary from the rows (after a bulk load or a repair)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from nhandao.lib.dates import DateError, parse_date
from nhandao.orgs.models import Organisation
from nhandao.people import membership as ms


class Command(BaseCommand):
    help = "Số hội viên của một tổ chức (cả cấp dưới) vào một ngày."

    def add_arguments(self, parser):
        parser.add_argument("org_code", help="mã tổ chức, ví dụ CTD-1")
        parser.add_argument("date", nargs="?", help="ngày dd/mm/yyyy (mặc định: hôm nay)")
        parser.add_argument("--exact", action="store_true", help="đếm trực tiếp từ quá trình")
        parser.add_argument("--rebuild", action="store_true", help="dựng lại bảng tổng hợp")

    def handle(self, org_code, date, exact, rebuild, **options):
        org = Organisation.objects.filter(code=org_code).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã “{org_code}”.")
        try:
            day = parse_date(date) if date else timezone.localdate()
        except DateError as exc:
            raise CommandError(str(exc)) from exc
        if rebuild:
            rows = ms.rebuild_counts()
            self.stdout.write(f"Đã dựng lại bảng tổng hợp: {rows} dòng.")
        count = ms.members_on(org, day).count() if exact else ms.count_on(org, day)
        how = "đếm từ quá trình sinh hoạt" if exact else "theo bảng tổng hợp"
        self.stdout.write(f"{org.name} ({org.code}) ngày {day:%d/%m/%Y}: {count} hội viên ({how}).")
