import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from nhandao.demo import build as demo
from nhandao.demo.orgs import DEMO_PASSWORD
from nhandao.lib.supervise import Supervisor


class Command(BaseCommand):
    help = "Dựng cơ sở dữ liệu demo (nếu còn trống) rồi chạy trang web."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="chỉ dựng dữ liệu rồi thoát")
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args, **options):
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_admin_units", stdout=open(os.devnull, "w"))  # noqa: SIM115
        call_command("collectstatic", interactive=False, verbosity=0)
        if demo.is_seeded():
            self.stdout.write("Cơ sở dữ liệu đã có dữ liệu: giữ nguyên.")
            logins = demo.logins()
        else:
            self.stdout.write("Đang dựng dữ liệu demo (bản đồ hành chính, mạng lưới tổ chức)...")
            logins = demo.build()
        address = f"http://{options['host']}:{options['port']}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"nhandao: {address}"))
        self.stdout.write(f"Tài khoản demo (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, role, org in logins:
            self.stdout.write(f"  {username:<16} {role:<28} {org}")
        if options["no_serve"]:
            return
        # Imports and automatic receipts run as background tasks: the demo keeps a worker
        # running next to the site, started again if it dies (lib/supervise.py).
        self.stdout.write("Tác vụ nền: đã chạy kèm `nhandao db_worker` (tự khởi động lại).")
        with Supervisor(
            [sys.executable, "-m", "django", "db_worker"],
            name="db_worker",
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "nhandao.settings"},
        ):
            call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
