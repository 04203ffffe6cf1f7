"""Background tasks as production runs them (docs/decisions/0003-tasks-after-commit.md):
queued once the action's transaction commits, worked by `nhandao db_worker`; a command that
imports in its own process, claimed so that no worker runs it too; an import whose task
raised, or whose process died, marked failed with a Vietnamese reason instead of "running"
forever."""

import os
import subprocess
import sys

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from nhandao.audit.models import AuditEvent
from nhandao.beneficiaries import importers as list_importers
from nhandao.beneficiaries import tasks as list_tasks
from nhandao.beneficiaries.models import DedupRun, ImportBatch, ImportStatus, Person
from nhandao.donations import actions
from nhandao.donations import tasks as donation_tasks
from nhandao.donations.models import Statement, StatementLine, StatementStatus
from nhandao.lib import tasks as lib_tasks
from nhandao.lib import workers
from tests.saoke import FIXTURES, VCB, create_vcb, create_yagi
from tests.test_beneficiaries_import import GOOD

VCB_LINES = 360


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def vcb(cast):
    return create_vcb(cast, create_yagi(cast))


def upload(cast, vcb):
    """The VCB slice recorded as a pending statement, as the upload page records it."""
    data = (FIXTURES / VCB).read_bytes()
    return actions.create_statement(cast.root, vcb, filename=VCB, data=data)


@pytest.fixture
def dead_worker_id():
    """The worker id a process had, taken while it ran, of a process killed since."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # noqa: S603
    claimed_by = workers.worker_id(child.pid)
    child.kill()
    child.wait()
    return claimed_by


def claimed(task, claimed_by, *args):
    """A task row as a worker leaves it while running `task(*args)`."""
    row = task.enqueue(*args).db_result
    row.claim(claimed_by)
    return row


# ---- queued after commit ----


def test_an_action_queues_its_task_only_once_its_transaction_commits(cast, vcb, tasks):
    with transaction.atomic():
        statement = upload(cast, vcb)
        actions.run_statement(cast.root, statement)
    assert not DBTaskResult.objects.exists()  # the test's own transaction has not committed
    tasks.run()
    statement.refresh_from_db()
    assert statement.status == StatementStatus.DONE and statement.rows_accepted == VCB_LINES


def test_an_action_that_rolls_back_leaves_no_task_behind(cast, vcb, tasks):
    with pytest.raises(RuntimeError), transaction.atomic():
        statement = upload(cast, vcb)
        actions.run_statement(cast.root, statement)
        raise RuntimeError("the action failed after queueing")
    tasks.run()
    assert not DBTaskResult.objects.exists() and not Statement.objects.exists()


def test_a_second_click_on_import_queues_nothing_more(cast, vcb, tasks, login):
    statement = upload(cast, vcb)
    client = login(cast.front_manager)
    for _ in range(2):
        assert client.post(f"/sao-ke/{statement.pk}/nhap/").status_code == 302
    statement.refresh_from_db()
    assert statement.status == StatementStatus.QUEUED
    page = client.get(f"/sao-ke/{statement.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page and "Đang chờ đến lượt nhập" in page
    assert 'id="statement-confirm"' not in page  # no preview to confirm again
    tasks.run()
    assert len(tasks.results(donation_tasks.import_statement)) == 1
    statement.refresh_from_db()
    assert statement.status == StatementStatus.DONE and statement.rows_accepted == VCB_LINES


def test_a_statement_whose_task_runs_twice_is_imported_once(cast, vcb, tasks):
    statement = upload(cast, vcb)
    actions.run_statement(cast.root, statement)
    tasks.run()
    donation_tasks.import_statement.enqueue(statement.pk)  # run again, e.g. from the admin
    tasks.run()
    first, second = tasks.results(donation_tasks.import_statement)
    assert first.status == second.status == TaskResultStatus.SUCCESSFUL
    assert first.return_value == second.return_value
    assert first.return_value["added"] == VCB_LINES == StatementLine.objects.count()
    assert AuditEvent.objects.filter(action="statement.import").count() == 1


def test_views_queue_nothing_themselves_the_duplicate_run_is_queued_by_its_action(
    cast, login, tasks
):
    assert login(cast.ba_dinh_officer).post("/trung-lap/chay/").status_code == 403
    response = login(cast.hn_manager).post("/trung-lap/chay/")
    assert response.status_code == 302 and not DedupRun.objects.exists()
    tasks.run()
    (result,) = tasks.results(list_tasks.run_dedup_task)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert DedupRun.objects.get().pk == result.return_value["run"]


# ---- the command line runs its import itself ----


def test_a_command_line_import_runs_in_its_own_process_under_its_own_claim(cast, vcb, capsys):
    call_command("import_statement", str(FIXTURES / VCB), "--account", vcb.number)
    assert '"added": 360' in capsys.readouterr().out
    (row,) = DBTaskResult.objects.all()
    # claimed by this process before it was ever visible as ready: no worker took it
    assert row.worker_ids == [workers.worker_id()]
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value["added"] == VCB_LINES


def test_run_here_leaves_nothing_ready_for_a_worker(cast, vcb, tasks):
    statement = upload(cast, vcb)
    Statement.objects.filter(pk=statement.pk).update(status=StatementStatus.QUEUED)
    result = lib_tasks.run_here(donation_tasks.import_statement, statement.pk)
    assert result.status == TaskResultStatus.SUCCESSFUL and not tasks.ready().exists()
    assert result.return_value["added"] == VCB_LINES


# ---- an import that fails is marked failed ----


def test_an_import_that_raises_is_marked_failed_with_a_vietnamese_reason(cast, vcb, tasks):
    statement = upload(cast, vcb)
    default_storage.delete(statement.file.name)  # the stored file is gone: a system fault
    actions.run_statement(cast.root, statement)
    tasks.run()
    statement.refresh_from_db()
    assert statement.status == StatementStatus.FAILED
    assert statement.errors[0]["reason"] == lib_tasks.SYSTEM_ERROR_REASON
    (result,) = tasks.results(donation_tasks.import_statement)
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "builtins.FileNotFoundError"
    assert not StatementLine.objects.exists()


def test_a_list_whose_commit_is_refused_in_the_worker_keeps_the_refusal(cast, monkeypatch, tasks):
    monkeypatch.setattr(list_importers, "BACKGROUND_FROM", 2)
    batch = list_importers.preview(
        list_importers.start(cast.ba_dinh_officer, cast.ba_dinh, "ds.csv", GOOD.encode())
    )
    assert list_importers.start_commit(cast.ba_dinh_officer, batch)  # queued
    monkeypatch.setattr(list_importers, "DUPLICATE_STOP", 0)  # the rule changed meanwhile
    tasks.run()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and not Person.objects.exists()
    assert batch.errors[0]["reason"].startswith("Nhập thất bại, không dòng nào được ghi: ")
    assert "cần lãnh đạo xác nhận" in batch.errors[0]["reason"]


# ---- a process that dies: the sweep ----


def test_a_worker_starting_fails_the_import_of_a_process_that_died(
    cast, vcb, tasks, dead_worker_id
):
    statement = upload(cast, vcb)
    row = claimed(donation_tasks.import_statement, dead_worker_id, statement.pk)
    Statement.objects.filter(pk=statement.pk).update(status=StatementStatus.COMMITTING)  # claimed
    tasks.work()
    statement.refresh_from_db()
    row.refresh_from_db()
    assert statement.status == StatementStatus.FAILED
    assert statement.errors[0]["reason"] == lib_tasks.STOPPED_REASON
    assert (
        statement.errors[0]["reason"]
        == "Tiến trình nhập bị dừng đột ngột; chưa ghi gì. Hãy thử lại."
    )
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "nhandao.lib.workers.WorkerDied"
    assert dead_worker_id in row.traceback
    assert not StatementLine.objects.exists()


def test_a_dead_process_does_not_fail_an_import_that_had_finished(cast, vcb, dead_worker_id):
    statement = actions.import_statement(
        cast.root, vcb, filename=VCB, data=(FIXTURES / VCB).read_bytes()
    )
    # the process died after the import's commit, before it recorded the task as done
    row = claimed(donation_tasks.import_statement, dead_worker_id, statement.pk)
    assert workers.sweep() == 1
    statement.refresh_from_db()
    row.refresh_from_db()
    assert statement.status == StatementStatus.DONE and statement.rows_accepted == VCB_LINES
    assert row.status == TaskResultStatus.FAILED


def test_lists_being_checked_or_committed_by_a_dead_process_are_marked_failed(cast, dead_worker_id):
    def batch(name, **state):
        data = f"{GOOD}{name},Ngô Văn Long,Nam,1981,,,,,4\n".encode()  # three files
        made = list_importers.start(cast.ba_dinh_officer, cast.ba_dinh, name, data)
        ImportBatch.objects.filter(pk=made.pk).update(**state)
        return made

    checking = batch("a.csv")  # uploaded, being checked: "Đang kiểm tra tệp"
    committing = batch("b.csv", status=ImportStatus.COMMITTING, rows_read=3)
    # its check had finished before the process died
    checked = batch("c.csv", status=ImportStatus.PREVIEWED, rows_read=3)
    claimed(list_tasks.preview_import_task, dead_worker_id, checking.pk)
    claimed(list_tasks.commit_import_task, dead_worker_id, committing.pk, None)
    claimed(list_tasks.preview_import_task, dead_worker_id, checked.pk)
    assert workers.sweep() == 3
    for made in (checking, committing, checked):
        made.refresh_from_db()
    assert checking.status == committing.status == ImportStatus.FAILED
    assert checking.errors == [
        {"row": 0, "column": "", "value": "", "reason": lib_tasks.STOPPED_REASON}
    ]
    assert checked.status == ImportStatus.PREVIEWED and not checked.errors
    history = [(h.from_status, h.to_status) for h in committing.history.all()]
    assert history == [("", "uploaded"), ("committing", "failed")]


def test_tasks_of_a_live_process_of_another_machine_or_of_an_unknown_worker_are_left_alone(
    cast, vcb
):
    statement = upload(cast, vcb)
    for claimed_by in (
        workers.worker_id(),  # this very process, alive
        f"another-machine:{os.getpid()}:1",  # its processes cannot be seen from here
        "night-worker",  # `db_worker --worker-id night-worker`: cannot be judged
    ):
        claimed(donation_tasks.import_statement, claimed_by, statement.pk)
    assert workers.sweep() == 0
    assert DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() == 3


def test_a_pid_taken_by_another_process_does_not_keep_a_dead_task_alive(cast, vcb):
    statement = upload(cast, vcb)
    # the dead worker's pid now belongs to this process, which started at another time
    reused = f"{workers.host()}:{os.getpid()}:{int(workers.start_time(os.getpid())) - 1}"
    claimed(donation_tasks.import_statement, reused, statement.pk)
    assert workers.is_dead(reused) and not workers.is_dead(workers.worker_id())
    assert workers.sweep() == 1
