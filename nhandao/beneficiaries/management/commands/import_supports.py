"""`nhandao import_supports PATH --org CODE`: import a support history (CSV or XLSX).

Columns: person_id or external_id, date, kind, value, note (or the Vietnamese headers).
All or nothing; rows already recorded are skipped.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nhandao.beneficiaries import importers
from nhandao.orgs.models import Organisation


class Command(BaseCommand):
    help = "Nhập lịch sử hỗ trợ đối tượng từ tệp CSV hoặc Excel (tất cả hoặc không dòng nào)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--org", metavar="CODE", required=True, help="mã tổ chức hỗ trợ")

    def handle(self, *args, path, org, **options):
        file = Path(path)
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise CommandError(f"Không có tổ chức mã “{org}”.")
        if not file.is_file():
            raise CommandError(f"Không có tệp {path}.")
        try:
            result = importers.import_supports(None, organisation, file.name, file.read_bytes())
        except importers.ImportFileError as error:
            raise CommandError(str(error)) from None
        for e in result["errors"][:50]:
            self.stderr.write(f"Dòng {e['row']}, cột “{e['column']}”: {e['reason']}")
        if result["errors"]:
            raise CommandError(f"{len(result['errors'])} lỗi; không nhập dòng nào.")
        self.stdout.write(f"Đã nhập {result['created']} lần hỗ trợ; {result['known']} đã có.")
