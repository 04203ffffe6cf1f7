"""`nhandao checkpoint`: append a signed checkpoint of every chain to the public log
(/cong-khai/so-quy/diem-moc.json). Run at least daily by a timer (docs/howto.md); statement
imports take one themselves."""

from django.core.management.base import BaseCommand, CommandError

from nhandao.audit.checkpoints import ChainBroken
from nhandao.audit.models import CheckpointReason
from nhandao.donations.checkpoints import take


class Command(BaseCommand):
    help = "Lập điểm mốc (đầu mọi chuỗi băm, có chữ ký) và công bố vào nhật ký điểm mốc."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reason",
            choices=[c.value for c in CheckpointReason],
            default=CheckpointReason.DAILY,
            help="lý do (mặc định: daily)",
        )

    def handle(self, *args, **options):
        try:
            checkpoint = take(options["reason"])
        except ChainBroken as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Điểm mốc {checkpoint.number} / checkpoint {checkpoint.number}: "
            f"{checkpoint.heads.count()} tài khoản đổi / accounts moved, "
            f"nhật ký #{checkpoint.audit_seq}, "
            f"{checkpoint.signatures.count()} chữ ký / signatures, mã {checkpoint.hash[:16]}…"
        )
