"""What `import_members` and `import_volunteers` share: a list through the same frame as the
upload page (people/importers.py): kept, checked (the preview), then committed, each step
the worker's own task run in this process (lib.tasks.run_here), so the command works whether
a worker runs or not. `--dry-run` stops after the check and leaves the list previewed (an
officer may confirm it on its page). The very same file again answers with its earlier
import and writes nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nhandao.lib.errors import Refused
from nhandao.lib.imports import ImportStatus, error_text
from nhandao.orgs.models import Organisation
from nhandao.people import importers

NOUNS = {"members": "hội viên", "volunteers": "tình nguyện viên"}


class ListImportCommand(BaseCommand):
    kind = ""  # ListKind value

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--org", metavar="CODE", required=True, help="mã đơn vị nhập")
        parser.add_argument("--dry-run", action="store_true",
                            help="chỉ kiểm tra, chưa ghi (xác nhận sau trên trang)")  # fmt: skip

    def handle(self, *args, path, org, dry_run=False, **options):
        file = Path(path)
        organisation = Organisation.objects.filter(code=org).first()
        if organisation is None:
            raise CommandError(f"Không có tổ chức mã “{org}”.")
        if not file.is_file():
            raise CommandError(f"Không có tệp {path}.")
        try:
            imp = importers.start(None, organisation, self.kind, file.name, file.read_bytes(),
                                  queue=False)  # fmt: skip
        except Refused as refused:
            raise CommandError(refused.message) from None
        # check, then import: the list a dry run left previewed is committed now
        waiting = imp.repeated and imp.status == ImportStatus.PREVIEWED and not dry_run
        if imp.repeated and not waiting:
            self.stdout.write(imp.repeat_message())
            return
        if not waiting:
            imp = importers.check_here(imp)
        for warning in imp.warnings[:20]:
            self.stdout.write(f"Cảnh báo: {error_text(warning)}")
        if imp.status == ImportStatus.FAILED:
            for error in imp.errors[:50]:
                self.stderr.write(error_text(error))
            raise CommandError(f"{len(imp.errors)} lỗi; không nhập dòng nào.")
        noun = NOUNS[self.kind]
        if dry_run:
            self.stdout.write(
                f"Đã kiểm tra {imp.rows_read} dòng: sẽ nhập {imp.rows_accepted} {noun} "
                f"({imp.people_created} hồ sơ mới); {imp.rows_duplicate} người đã có. Chưa ghi "
                f"gì; xác nhận tại /nhap-danh-sach/{imp.pk}/."
            )
            return
        imp = importers.commit_here(None, imp)
        if imp.status != ImportStatus.DONE:
            for error in imp.errors[:50]:
                self.stderr.write(error_text(error))
            raise CommandError(f"{len(imp.errors)} lỗi; không nhập dòng nào.")
        self.stdout.write(
            f"Đã nhập {imp.rows_accepted} {noun} ({imp.people_created} hồ sơ mới); "
            f"{imp.rows_duplicate} người đã có, bỏ qua; {imp.likely_duplicates} người có thể "
            "trùng (đã báo, không tự gộp)."
        )
