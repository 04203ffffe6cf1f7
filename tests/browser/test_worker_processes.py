"""The command line and the worker as separate processes on the demo site's database (no
browser): `nhandao import_statement` prints the real figures while the site's `db_worker`
runs, and the worker does not import the file too; an import killed with SIGKILL is failed
with its reason by the next worker that starts, instead of staying "running"; on SQLite, the
worker outlives a write lock held longer than its busy timeout, as a long import holds it."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import time

import pytest

from tests.browser.conftest import NHANDAO
from tests.saoke import FIXTURES, VCB

ACCOUNT = "0011001932418"  # the demo's Vietcombank account of the Central relief board
IMPORT_TASK = "nhandao.donations.tasks.import_statement"
WAIT = 120  # seconds: a limit for a hung process, not a speed requirement


def query(database_url: str, sql: str, *params) -> list[tuple]:
    """Rows read straight from the site's database (SQLite file or PostgreSQL)."""
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
            return connection.execute(sql.replace("%s", "?"), params).fetchall()
    import psycopg

    with psycopg.connect(database_url) as connection:
        return connection.execute(sql, params).fetchall()


def statement(site, filename) -> tuple | None:
    rows = query(
        site.database_url,
        "SELECT id, status, errors FROM donations_statement WHERE file_name = %s",
        filename,
    )
    return rows[0] if rows else None


def task_rows(site, statement_id) -> list[tuple]:
    """(status, worker ids, exception class) of the import tasks of one statement."""
    rows = query(
        site.database_url,
        "SELECT status, worker_ids, exception_class_path, args_kwargs "
        "FROM django_tasks_database_dbtaskresult WHERE task_path = %s",
        IMPORT_TASK,
    )
    return [
        (status, as_json(worker_ids), exception)
        for status, worker_ids, exception, args_kwargs in rows
        if as_json(args_kwargs)["args"][0] == statement_id
    ]


def as_json(value):
    """A JSON column's value (text on SQLite, already decoded on PostgreSQL)."""
    return json.loads(value) if isinstance(value, str) else value


def test_the_command_prints_the_real_figures_while_a_worker_runs_and_imports_once(
    demo_site, tmp_path
):
    # the demo imported this very file: re-saved with CRLF line ends (another checksum, so
    # not answered by the demo's statement) it is read and imported line by line
    resaved = tmp_path / VCB
    resaved.write_bytes((FIXTURES / VCB).read_bytes().replace(b"\n", b"\r\n"))
    command = subprocess.Popen(  # noqa: S603
        [NHANDAO, "import_statement", str(resaved), "--account", ACCOUNT],
        env=demo_site.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = command.communicate(timeout=WAIT)
    assert command.returncode == 0, err
    printed = json.loads(out)
    assert list(printed) == [
        "lines", "credit_lines", "credits_total", "debits_total", "added", "already_present",
        "rejected",
    ]  # fmt: skip
    assert (printed["lines"], printed["credit_lines"]) == (360, 359)
    assert (printed["credits_total"], printed["debits_total"]) == (87_663_313, 55_000)
    # the demo imported a slice of the same statement: its lines are recognised, not added
    assert printed["added"] + printed["already_present"] == 360 and printed["rejected"] == 0
    statement_id, status, _ = statement(demo_site, VCB)
    assert status == "done"
    (task,) = task_rows(demo_site, statement_id)  # one run, by the command itself
    assert task[0] == "SUCCESSFUL"
    assert task[1] == [f"{socket.gethostname()[:40]}:{command.pid}:{task[1][0].rsplit(':')[-1]}"]


def big_statement(path, lines: int) -> None:
    """A Vietcombank-layout statement long enough that its import is still running when the
    test kills it."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write("page,date,doc_no,debit_vnd,credit_vnd,details\n")
        for n in range(lines):
            handle.write(f"{n // 50 + 1},2024-09-06,7777.{n:06d},,10000,UNG HO BAO YAGI {n}\n")


def test_an_import_killed_mid_way_is_failed_by_the_next_worker_to_start(demo_site, tmp_path):
    name = f"vcb_{ACCOUNT}_killed.csv"
    big_statement(tmp_path / name, 150_000)
    command = subprocess.Popen(  # noqa: S603
        [NHANDAO, "import_statement", str(tmp_path / name), "--account", ACCOUNT],
        env=demo_site.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + WAIT
    while (found := statement(demo_site, name)) is None or found[1] != "committing":
        if command.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the import never ran: {found}")
        time.sleep(0.02)
    os.kill(command.pid, signal.SIGKILL)
    command.wait()
    statement_id = found[0]

    # a worker starting sweeps (the site's own worker may have swept first: every minute)
    subprocess.run(  # noqa: S603
        [NHANDAO, "db_worker", "--batch", "--no-startup-delay"],
        env=demo_site.env,
        capture_output=True,
        timeout=WAIT,
        check=True,
    )
    _, status, errors = statement(demo_site, name)
    assert status == "failed"
    assert as_json(errors)[0]["reason"] == (
        "Tiến trình nhập bị dừng đột ngột; chưa ghi gì. Hãy thử lại."
    )
    ((task_status, _, exception),) = task_rows(demo_site, statement_id)
    assert task_status == "FAILED" and exception == "nhandao.lib.workers.WorkerDied"
    written = query(
        demo_site.database_url,
        "SELECT count(*) FROM donations_statementline WHERE statement_id = %s",
        statement_id,
    )
    assert written == [(0,)]


def test_the_worker_outlives_a_write_lock_held_longer_than_its_busy_timeout(demo_site):
    if not demo_site.database_url.startswith("sqlite:///"):
        pytest.skip("SQLite's single write lock")
    path = demo_site.database_url.removeprefix("sqlite:///")
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")  # what a 200,000-line import holds for ~30 s
    time.sleep(25)  # longer than the 20 s busy timeout after which the worker's claim fails
    connection.execute("ROLLBACK")
    connection.close()
    assert demo_site.worker.poll() is None  # still running (it used to exit with status 1)
