"""`nhandao import_volunteers PATH --org CODE [--dry-run]`: a volunteer list (.xlsx or .csv,
the template's Vietnamese headers, docs/howto.md), checked then committed, all or nothing;
a volunteer already recorded who is named with a team joins that team."""

from nhandao.people.management.commands._list_import import ListImportCommand
from nhandao.people.models import ListKind


class Command(ListImportCommand):
    help = "Nhập danh sách tình nguyện viên từ tệp Excel hoặc CSV (tất cả hoặc không dòng nào)."
    kind = ListKind.VOLUNTEERS
