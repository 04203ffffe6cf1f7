"""`nhandao db_worker`: django_tasks_db's worker (same options), with three additions:

- its default worker id names this machine and process ("host:pid:start", lib.workers), so
  that the tasks it claims can be told dead if it dies;
- it sweeps the tasks of dead processes of this machine when it starts (a worker restarted
  after a crash fails the import that killed its predecessor instead of leaving it
  "running"), then every SWEEP_EVERY seconds in a thread of its own;
- it waits out a locked SQLite database instead of dying: django_tasks_db opens its claim
  transaction (BEGIN EXCLUSIVE) outside its own handling of "database is locked", so an
  import holding the write lock longer than the 20 s busy timeout (a 200,000-line statement
  does) crashed every idle worker — seen under `make run`, where the supervisor restarted it.

This command overrides django_tasks_db's because nhandao.lib comes before django_tasks_db in
INSTALLED_APPS (the first app wins).
"""

import logging
import os
import threading
import time

from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker
from django_tasks_db.utils import is_locked_database_exception

from nhandao.lib import workers

log = logging.getLogger("nhandao.lib.workers")


def sweep_safely() -> int:
    """workers.sweep(), logging instead of raising: a sweep that failed (SQLite still locked
    by a long import after its 20 s timeout) is simply tried again next time."""
    try:
        return workers.sweep()
    except Exception:
        log.exception("sweeping the tasks of dead processes failed; will try again")
        return 0


def beat_every(seconds: float, worker: str, stop: threading.Event) -> None:
    """The heartbeat /healthz reads; a failed beat (SQLite locked) is logged, not fatal."""
    while True:
        try:
            workers.beat(worker)
        except Exception:
            log.exception("heartbeat failed; will try again")
        finally:
            connection.close()  # this thread's own connection
        if stop.wait(seconds):
            return


def sweep_every(seconds: float, stop: threading.Event) -> None:
    while not stop.wait(seconds):
        try:
            sweep_safely()
        finally:
            connection.close()  # this thread's own connection


class Worker(db_worker.Worker):
    def run(self) -> None:
        while True:
            try:
                return super().run()
            except OperationalError as error:
                if not (self.running and is_locked_database_exception(error)):
                    raise
                log.warning("database locked (a long import?): trying again in 1 s")
                time.sleep(1)


class Command(db_worker.Command):
    help = (
        "Chạy hàng đợi tác vụ nền; khi khởi động và mỗi phút, đánh dấu thất bại các tác vụ "
        "mà tiến trình chạy chúng đã chết."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=workers.worker_id())

    def handle(self, *, verbosity, queue_name, exclude_queues, batch, reload, **options):
        # django_tasks_db's handle(), with our Worker and the sweep
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        swept = sweep_safely()
        if swept:
            self.stderr.write(f"Đã đánh dấu thất bại {swept} tác vụ có tiến trình đã dừng.")
        stop = threading.Event()
        if not batch:
            threading.Thread(
                target=sweep_every,
                args=(workers.SWEEP_EVERY, stop),
                name="sweep-dead-tasks",
                daemon=True,
            ).start()
            threading.Thread(
                target=beat_every,
                args=(workers.BEAT_EVERY, options["worker_id"], stop),
                name="heartbeat",
                daemon=True,
            ).start()
        worker = Worker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            batch=batch,
            interval=options["interval"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        try:
            if reload and not batch:  # --reload (default: DEBUG) restarts it on code changes
                if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                    worker.configure_signals()  # only in the reloader's child
                run_with_reloader(worker.run)
            else:
                worker.configure_signals()
                worker.run()
        finally:
            stop.set()
