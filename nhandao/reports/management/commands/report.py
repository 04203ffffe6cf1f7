"""`nhandao report ORG_CODE PERIOD [--format json|xlsx|docx] [--out PATH]`: an organisation's
report for a period, as the page shows it (opened as a draft if nobody has yet)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from nhandao.lib.errors import Refused
from nhandao.orgs.models import Organisation
from nhandao.reports import actions, building, outputs


class Command(BaseCommand):
    help = "In báo cáo của một tổ chức cho một kỳ (JSON, hoặc ghi tệp Excel/Word)."

    def add_arguments(self, parser):
        parser.add_argument("org_code", help="mã tổ chức, ví dụ CTD-1")
        parser.add_argument("period", help="kỳ báo cáo: 2026, 2026-H1 hoặc 2026-H2")
        parser.add_argument("--format", choices=["json", "xlsx", "docx"], default="json")
        parser.add_argument("--out", help="tệp ghi ra (mặc định: in JSON ra màn hình)")

    def handle(self, org_code, period, format, out, **options):
        org = Organisation.objects.filter(code=org_code).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã “{org_code}”.")
        try:
            report = actions.open_report(None, org, period)
        except Refused as exc:
            raise CommandError(exc.message) from exc
        if format == "json":
            text = json.dumps(building.as_json(report), ensure_ascii=False, indent=2)
            if out:
                with open(out, "w", encoding="utf-8") as handle:
                    handle.write(text + "\n")
            else:
                self.stdout.write(text)
            return
        if format == "xlsx":
            data, warning = outputs.xlsx_bytes(report), ""
        else:
            data, warning = outputs.docx_bytes(report)
        path = out or f"{outputs.basename(report)}.{format}"
        with open(path, "wb") as handle:
            handle.write(data)
        if warning:
            sys.stderr.write(warning + "\n")
        self.stdout.write(f"Đã ghi {path}")
