"""Background tasks, the one way the project queues and runs them
(docs/decisions/0003-tasks-after-commit.md):

    enqueue_on_commit(task, *args)   an action queues follow-up work: once its transaction
                                     has committed, never from inside it, never from a view
    @import_task(mark_failed)        a task that runs one import: when it fails, its import
                                     record says so instead of staying "running"
    run_here(task, *args)            a command runs a task in its own process, through the
                                     worker's own code, claimed so that no worker runs it too

Tasks are queued in the database (django_tasks_db) and worked by `nhandao db_worker`, in
tests too (the `tasks` fixture of tests/conftest.py works the queue with that command).
"""

import functools
import logging

from django.db import transaction
from django_tasks import task as django_task

from nhandao.lib.errors import Refused

log = logging.getLogger(__name__)

SYSTEM_ERROR_REASON = "Lỗi hệ thống khi nhập; chưa ghi gì. Hãy báo quản trị."
STOPPED_REASON = "Tiến trình nhập bị dừng đột ngột; chưa ghi gì. Hãy thử lại."


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` when the current transaction commits (at once outside a
    transaction). A worker must never start on a record its action has not committed yet,
    and an action that rolls back must leave no task behind."""
    transaction.on_commit(functools.partial(task.enqueue, *args, **kwargs))


def import_task(mark_failed, resume=None):
    """Decorator of a task whose first argument is the id of an import record (a statement,
    a list) and whose body runs that import. `mark_failed(record_id, reason)` marks the record
    failed with a Vietnamese reason unless it had finished; it is called

    - here, when the body raises: a refusal (lib.errors.Refused) with its own message, any
      other exception with SYSTEM_ERROR_REASON, an interruption (Ctrl-C, a worker told twice
      to stop) with STOPPED_REASON; the error is then raised again so that the task row
      records it as failed;
    - by lib.workers.sweep(), with STOPPED_REASON, when the process running the task died
      (kill -9, an abort): nothing in that process could run, so the sweep finds the task
      by its row.

    `resume(args, kwargs)`, when given, is asked first when the task was stopped (an
    interruption here, a dead process in the sweep): True when it queued the import again to
    go on from where it stopped (donations: a long PDF's reading), and then the import is
    not marked failed.
    """

    def decorate(func):
        @functools.wraps(func)
        def body(record_id, *args, **kwargs):
            try:
                return func(record_id, *args, **kwargs)
            except Refused as refusal:
                mark_failed(record_id, refusal.message)
                raise
            except Exception:
                log.exception("%s(%s) failed", func.__qualname__, record_id)
                mark_failed(record_id, SYSTEM_ERROR_REASON)
                raise
            except BaseException:
                if resume is None or not resume([record_id, *args], kwargs):
                    mark_failed(record_id, STOPPED_REASON)
                raise

        body.mark_failed = mark_failed
        body.resume = resume
        return django_task()(body)

    return decorate


def run_here(task, *args, **kwargs):
    """Run `task(*args, **kwargs)` now, in this process, the way `nhandao db_worker` runs a
    task (django_tasks_db's Worker.run_task: the return value or the error is recorded on the
    task row), and return its finished TaskResult (status SUCCESSFUL or FAILED).

    The row is queued already claimed by this process (its worker id, lib.workers), in one
    transaction: a worker running at the same time never sees it ready, so it cannot run it
    twice; and if this process dies before the end, the sweep finds its claim dead and fails
    the import, as for a worker."""
    from django_tasks_db.management.commands.db_worker import Worker

    from nhandao.lib import workers

    me = workers.worker_id()
    with transaction.atomic():
        row = task.enqueue(*args, **kwargs).db_result
        row.claim(me)
    Worker(
        queue_names=[task.queue_name],
        excluded_queue_names=[],
        interval=0,
        batch=True,
        backend_name=task.backend,
        startup_delay=False,
        max_tasks=1,
        worker_id=me,
    ).run_task(row)
    row.refresh_from_db()
    return row.task_result
