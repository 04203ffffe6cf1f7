"""`nhandao import_members PATH --org CODE [--dry-run]`: a member list (.xlsx or .csv, the
template's Vietnamese headers, docs/howto.md), checked then committed, all or nothing."""

from nhandao.people.management.commands._list_import import ListImportCommand
from nhandao.people.models import ListKind


class Command(ListImportCommand):
    help = "Nhập danh sách hội viên từ tệp Excel hoặc CSV (tất cả hoặc không dòng nào)."
    kind = ListKind.MEMBERS
