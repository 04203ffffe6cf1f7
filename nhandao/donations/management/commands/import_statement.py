"""`nhandao import_statement PATH [--account NUMBER] [--campaign CODE] [--layout NAME]`

Imports a bank statement (CSV, XLSX, or PDF read by its template: importers/pdf.py) as the
system user, in this process (whether a
worker runs or not; a worker running meanwhile does not import it too: actions.import_statement),
and prints ONE JSON object: lines, credit_lines, credits_total, debits_total, added,
already_present, rejected (and same_file_as: the earlier statement, when this very file was
imported into the account before: nothing is added). Exit status 1 when the file was
refused or the import failed (the reasons go to standard error).
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nhandao.campaigns.models import Campaign
from nhandao.donations import actions
from nhandao.donations.importers import LAYOUTS, account_in_filename
from nhandao.donations.importers.pdf import TEMPLATES
from nhandao.donations.models import BankAccount, StatementStatus


class Command(BaseCommand):
    help = "Nhập sao kê ngân hàng (CSV/XLSX/PDF) và in kết quả dạng JSON."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--account", help="số tài khoản (mặc định: số trong tên tệp)")
        parser.add_argument("--campaign", help="mã chiến dịch mặc định cho các khoản ghi có")
        parser.add_argument(
            "--layout",
            default="auto",
            choices=["auto", *LAYOUTS, *(f"pdf-{name}" for name in TEMPLATES)],
            help="mẫu sao kê (mặc định: tự nhận diện)",
        )

    def handle(self, *args, path, account=None, campaign=None, layout="auto", **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Không có tệp {path}.")
        number = account or account_in_filename(file.name)
        if not number:
            raise CommandError("Hãy chỉ rõ --account (tên tệp không chứa số tài khoản).")
        accounts = list(BankAccount.objects.filter(number=number).select_related("organisation"))
        if len(accounts) != 1:
            raise CommandError(
                f"Tài khoản {number} chưa được khai báo (hoặc trùng ở nhiều ngân hàng)."
            )
        chosen = None
        if campaign:
            chosen = Campaign.objects.filter(code=campaign.strip().upper()).first()
            if chosen is None:
                raise CommandError(f"Không có chiến dịch mã {campaign}.")
        statement = actions.import_statement(
            None,
            accounts[0],
            filename=file.name,
            data=file.read_bytes(),
            campaign=chosen,
            layout=layout,
        )
        summary = statement.repeat_summary() if statement.repeated else statement.summary()
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
        if statement.status != StatementStatus.DONE:
            for error in statement.errors[:50]:
                where = f"dòng {error['row']}, cột {error['column']}: " if error["row"] else ""
                self.stderr.write(f"{where}{error['reason']}")
            sys.exit(1)
