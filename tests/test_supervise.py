"""The supervisor that keeps `nhandao demo`'s worker running (lib/supervise.py): a child that
exits or is killed is started again after its back-off, logged; stopping ends the child and
the restarts. Children are tiny Python processes; back-offs are hundredths of a second, and
the waits below only bound how long a broken supervisor may hang the test."""

import logging
import os
import signal
import subprocess
import sys
import time

import pytest

from nhandao.lib.supervise import Supervisor

WAIT = 30  # seconds: a limit for a broken supervisor, not a speed requirement


def wait_until(condition):
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the supervisor did not get there")
        time.sleep(0.01)


def python(code, *args):
    return [sys.executable, "-c", code, *map(str, args)]


COUNT_AND_EXIT = (
    "import pathlib, sys; p = pathlib.Path(sys.argv[1]); "
    "p.write_text((p.read_text() if p.exists() else '') + 'x'); sys.exit(3)"
)
SLEEP = "import time; time.sleep(60)"


def test_a_child_that_exits_is_started_again_after_a_growing_logged_back_off(tmp_path, caplog):
    runs = tmp_path / "runs"
    supervisor = Supervisor(python(COUNT_AND_EXIT, runs), name="child", backoff=(0.01, 0.02, 0.03))
    with caplog.at_level(logging.WARNING, logger="nhandao.lib.supervise"):
        supervisor.start()
        wait_until(lambda: runs.exists() and len(runs.read_text()) >= 5)
        supervisor.stop()
    assert supervisor.starts >= 5
    messages = [r.getMessage() for r in caplog.records]
    assert all("exited with status 3; starting it again in" in m for m in messages)
    delays = [m.rsplit(" in ", 1)[1] for m in messages[:4]]
    assert delays == ["0.01 s", "0.02 s", "0.03 s", "0.03 s"]


def test_a_killed_child_is_replaced_and_stopping_ends_the_new_one(caplog):
    supervisor = Supervisor(python(SLEEP), name="worker", backoff=(0.01,))
    supervisor.start()
    wait_until(lambda: supervisor.process is not None)
    first = supervisor.process
    os.kill(first.pid, signal.SIGKILL)  # an abort, an out-of-memory kill
    wait_until(lambda: supervisor.process is not first)
    second = supervisor.process
    assert second.poll() is None  # running
    assert supervisor.stop() == -signal.SIGTERM
    assert first.returncode == -signal.SIGKILL and supervisor.starts == 2
    assert f"worker (pid {first.pid}) exited with status -9" in caplog.text


def test_a_child_that_ignores_sigterm_is_killed_on_stop(tmp_path):
    ready = tmp_path / "ready"
    stubborn = (
        "import pathlib, signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "pathlib.Path(sys.argv[1]).touch(); time.sleep(60)"
    )
    supervisor = Supervisor(python(stubborn, ready), name="stubborn", stop_timeout=0.5)
    supervisor.start()
    wait_until(ready.exists)
    assert supervisor.stop() == -signal.SIGKILL and supervisor.starts == 1


def test_a_child_that_stays_up_resets_the_back_off(tmp_path, caplog):
    runs = tmp_path / "runs"
    supervisor = Supervisor(
        python(COUNT_AND_EXIT, runs), name="child", backoff=(0.01, 5), stable_after=0
    )
    with caplog.at_level(logging.WARNING, logger="nhandao.lib.supervise"):
        supervisor.start()
        wait_until(lambda: runs.exists() and len(runs.read_text()) >= 3)
        supervisor.stop()
    # each child counts as stable (stable_after 0): always the first back-off, never 5 s
    assert {m.rsplit(" in ", 1)[1] for m in caplog.messages} == {"0.01 s"}


PARENT = """
import sys, time
from nhandao.lib.supervise import Supervisor
with Supervisor([sys.executable, "-c", "import time; time.sleep(60)"], name="child") as child:
    while child.process is None:
        time.sleep(0.01)
    print(child.process.pid, flush=True)
    time.sleep(60)
"""


def test_a_parent_told_to_stop_with_sigterm_stops_its_child_too():
    parent = subprocess.Popen(python(PARENT), stdout=subprocess.PIPE, text=True)  # noqa: S603
    child_pid = int(parent.stdout.readline())
    parent.send_signal(signal.SIGTERM)  # `kill`, or a service manager stopping `make run`
    assert parent.wait(timeout=WAIT) == 128 + signal.SIGTERM
    with pytest.raises(ProcessLookupError):
        os.kill(child_pid, 0)
