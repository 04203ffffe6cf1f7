"""`nhandao rotate_keys [--new-kek] [--rewrap] [--signing CODE ... | --signing-all]`

- `--new-kek`: print a new key-encryption key to store (nothing is changed);
- `--rewrap`: wrap every signing key again under the current KEK (NHANDAO_KEK, the old one
  kept in NHANDAO_KEK_PREVIOUS until this has run); also moves keys of the first releases
  (wrapped with SECRET_KEY) under the KEK;
- `--signing CODE`, `--signing-all`: retire the organisations' signing keys and create new
  ones; retired keys stay published, so what they signed still verifies.

Steps for operators: deploy/HUONG-DAN.md ("Đổi khóa").
"""

from django.core.management.base import BaseCommand, CommandError

from nhandao.audit.actions import record
from nhandao.donations.models import SigningKey
from nhandao.donations.receipts import keys
from nhandao.lib import kek
from nhandao.orgs.models import Organisation


class Command(BaseCommand):
    help = "Đổi khóa mã hóa khóa (KEK) hoặc khóa ký của tổ chức."

    def add_arguments(self, parser):
        parser.add_argument("--new-kek", action="store_true", help="in một KEK mới")
        parser.add_argument("--rewrap", action="store_true", help="bọc lại theo KEK hiện tại")
        parser.add_argument("--signing", nargs="+", metavar="CODE", help="mã tổ chức đổi khóa ký")
        parser.add_argument("--signing-all", action="store_true", help="đổi khóa ký mọi tổ chức")

    def handle(self, *args, new_kek=False, rewrap=False, signing=None, signing_all=False, **o):
        if not (new_kek or rewrap or signing or signing_all):
            raise CommandError("Chọn --new-kek, --rewrap, --signing CODE hoặc --signing-all.")
        if new_kek:
            self.stdout.write(kek.generate())
        if rewrap:
            count = keys.rewrap_all()
            self.stdout.write(f"Đã bọc lại {count} khóa ký bằng KEK {kek.current().kek_id}.")
        if signing or signing_all:
            if signing_all:
                orgs = Organisation.objects.filter(
                    pk__in=SigningKey.objects.filter(retired_at=None).values("organisation")
                )
            else:
                orgs = Organisation.objects.filter(code__in=signing)
                missing = set(signing) - set(orgs.values_list("code", flat=True))
                if missing:
                    raise CommandError(f"Không có tổ chức mã {', '.join(sorted(missing))}.")
            for org in orgs.order_by("code"):
                new = keys.rotate_signing_key(org)
                record(None, "signing_key.rotate", new, after={"key_id": new.key_id})
                self.stdout.write(f"{org.code}: khóa ký mới {new.key_id}.")
