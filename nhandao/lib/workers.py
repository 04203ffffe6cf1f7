"""Who is running a background task, whether that process is still alive, and the sweep that
fails the tasks (and their imports) of processes that died.

A process that runs tasks claims each task row (django_tasks_db's DBTaskResult: status
RUNNING, its worker id appended to `worker_ids`) under a worker id naming its machine and
itself: "host:pid:start", where start is the process's start time in clock ticks after boot
(/proc/<pid>/stat). `nhandao db_worker` uses it by default, and so does a command that runs
its import in its own process (lib.tasks.run_here).

The rule, applied by `sweep()`: a task row is dead when
  - its status is RUNNING,
  - the last worker id that claimed it has that form and names this machine, and
  - no process with that pid *and that start time* runs here (the pid alone is not enough:
    pids are reused, within minutes on a machine whose pid_max is 32768, and after a reboot).
A row claimed on another machine is left to that machine's workers (each one sweeps its own
machine when it starts and every SWEEP_EVERY seconds); a row claimed under a worker id of
another form (`db_worker --worker-id NAME`) cannot be judged and is never touched.

A dead row is marked FAILED as the worker would have marked it; the task's own `resume`
(lib.tasks.import_task) may queue it again to go on from where it stopped (a long PDF
statement's reading); otherwise its `mark_failed` marks its import failed with
STOPPED_REASON ("Tiến trình nhập bị dừng đột ngột; chưa ghi gì. Hãy thử lại."), unless the
import had finished.
Nothing was written by the dead import: its transaction died with its database connection.
"""

import logging
import os
import socket
from datetime import datetime, timedelta

from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from nhandao.lib.tasks import STOPPED_REASON

log = logging.getLogger(__name__)

SWEEP_EVERY = 60  # seconds between two sweeps of a running worker


class WorkerDied(Exception):
    """Recorded on a task row whose process died while running it (never raised)."""


def host() -> str:
    # the worker id must stay under 64 characters (django_tasks_db's limit)
    return socket.gethostname()[:40]


def start_time(pid: int) -> str | None:
    """The process's start time (clock ticks after boot) as text; "0" where the system has no
    /proc (then only the pid is compared); None when no such process exists."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read().decode("ascii", "replace")
    except FileNotFoundError:
        if not os.path.isdir("/proc/self"):
            return "0" if _pid_exists(pid) else None
        return None
    # the name in parentheses may contain spaces: fields are counted after its last ")";
    # starttime is field 22 of stat(5), the 20th after the name
    return stat[stat.rindex(")") + 2 :].split()[19]


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_id(pid: int | None = None) -> str:
    """This process's worker id ("host:pid:start"), or that of another process of this
    machine."""
    pid = pid or os.getpid()
    return f"{host()}:{pid}:{start_time(pid)}"


def is_dead(claimed_by: str) -> bool:
    """Whether the process that took a task under this worker id is known to be gone (False
    when it cannot be known here: another machine, or a worker id of another form)."""
    parts = claimed_by.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != host() or not parts[1].isdigit():
        return False
    return start_time(int(parts[1])) != parts[2]


def dead_tasks() -> list[DBTaskResult]:
    """RUNNING task rows whose process died (the module docstring's rule). One query over
    the running rows, then a look at /proc for each: cheap enough to repeat every minute."""
    running = DBTaskResult.objects.running().defer("return_value", "traceback")
    return [row for row in running if row.worker_ids and is_dead(row.worker_ids[-1])]


def sweep() -> int:
    """Mark the dead task rows FAILED and their imports failed; returns how many rows."""
    swept = 0
    for row in dead_tasks():
        with transaction.atomic():
            now = timezone.now()
            # claimed with a filtered update: two workers sweeping at once fail a row once
            taken = DBTaskResult.objects.filter(pk=row.pk, status=row.status).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                return_value=None,
                exception_class_path=f"{WorkerDied.__module__}.{WorkerDied.__qualname__}",
                traceback=_died_note(row.worker_ids[-1], now),
            )
            if not taken:
                continue
            _mark_import_failed(row)
        swept += 1
        log.warning("task %s (%s): its process %s died", row.pk, row.task_path, row.worker_ids[-1])
    return swept


def _died_note(claimed_by: str, now: datetime) -> str:
    return f"WorkerDied: process {claimed_by} no longer runs (found {now.isoformat()})\n"


def _mark_import_failed(row: DBTaskResult) -> None:
    try:
        task = row.task
    except (ImportError, SuspiciousOperation):  # no such task in the code: nothing to mark
        return
    resume = getattr(task.func, "resume", None)
    if resume is not None and resume(row.args_kwargs["args"], row.args_kwargs["kwargs"]):
        return  # queued again to go on from where it stopped (lib.tasks.import_task)
    mark_failed = getattr(task.func, "mark_failed", None)
    if mark_failed is not None:
        mark_failed(row.args_kwargs["args"][0], STOPPED_REASON)


# --- heartbeat (read by /healthz, lib/health.py) -------------------------------------------

BEAT_EVERY = 15  # seconds between two heartbeats of a running worker


def beat(worker: str) -> None:
    """Record that this worker is alive now; its rows of dead workers are removed by age."""
    from nhandao.lib.models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker_id=worker[:64], defaults={"beat_at": now})
    WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
