"""`nhandao db_worker`: django_tasks_db's worker (same options), with two additions
(lib.workers):

- its default worker id names this machine and process ("host:pid:start"), so that the
  tasks it claims can be told dead if it dies;
- it sweeps the tasks of dead processes of this machine when it starts (a worker restarted
  after a crash fails the import that killed its predecessor instead of leaving it
  "running"), then every SWEEP_EVERY seconds in a thread of its own.

This command overrides django_tasks_db's because nhandao.lib comes before django_tasks_db in
INSTALLED_APPS (the first app wins).
"""

import logging
import threading

from django.db import connection
from django_tasks_db.management.commands import db_worker

from nhandao.lib import workers

log = logging.getLogger("nhandao.lib.workers")


def sweep_every(seconds: float, stop: threading.Event) -> None:
    while not stop.wait(seconds):
        try:
            workers.sweep()
        except Exception:
            # e.g. SQLite still locked by a long import after its 20 s timeout: next time
            log.exception("sweeping dead tasks failed; trying again in %s s", seconds)
        finally:
            connection.close()  # this thread's own connection


class Command(db_worker.Command):
    help = (
        "Chạy hàng đợi tác vụ nền; khi khởi động và mỗi phút, đánh dấu thất bại các tác vụ "
        "mà tiến trình chạy chúng đã chết."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=workers.worker_id())

    def handle(self, *args, **options):
        swept = workers.sweep()
        if swept:
            self.stderr.write(f"Đã đánh dấu thất bại {swept} tác vụ có tiến trình đã dừng.")
        stop = threading.Event()
        if not options["batch"]:
            threading.Thread(
                target=sweep_every,
                args=(workers.SWEEP_EVERY, stop),
                name="sweep-dead-tasks",
                daemon=True,
            ).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
