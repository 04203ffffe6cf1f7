"""Keep one child process running: start it, start it again whenever it exits (after a short
back-off, logged), stop it when asked. `nhandao demo` keeps its `db_worker` this way, so that
an import that crashes the worker (an abort in a native library) does not leave every later
import and receipt waiting.

    with Supervisor([sys.executable, "-m", "django", "db_worker"], name="db_worker"):
        serve()

Back-off: BACKOFF seconds after each exit in a row (the last value repeats), back to the first
value once a child has stayed up STABLE_AFTER seconds. Used as a context manager, it also
turns SIGTERM and SIGHUP into SystemExit in the main thread, so that `kill` or a closed
terminal stops the child too instead of leaving it running without its parent (Ctrl-C
already raises KeyboardInterrupt).
"""

import logging
import signal
import subprocess
import threading
import time

log = logging.getLogger(__name__)

BACKOFF = (1, 2, 5, 10, 30)
STABLE_AFTER = 60.0
STOP_TIMEOUT = 10.0  # seconds a child has to stop after SIGTERM before it is killed


class Supervisor:
    def __init__(
        self,
        command: list[str],
        *,
        name: str,
        env: dict | None = None,
        backoff: tuple[float, ...] = BACKOFF,
        stable_after: float = STABLE_AFTER,
        stop_timeout: float = STOP_TIMEOUT,
    ):
        self.command = command
        self.name = name
        self.env = env
        self.backoff = backoff
        self.stable_after = stable_after
        self.stop_timeout = stop_timeout
        self.process: subprocess.Popen | None = None  # the current child
        self.starts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()  # guards starting a child against stop()
        self._thread = threading.Thread(target=self._watch, name=f"supervise-{name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def __enter__(self):
        self._previous_handlers = {}
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGTERM, signal.SIGHUP):
                self._previous_handlers[number] = signal.signal(number, _exit)
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        for number, handler in self._previous_handlers.items():
            signal.signal(number, handler)
        self.stop()

    def stop(self) -> int | None:
        """Stop supervising and stop the child (SIGTERM, then SIGKILL after stop_timeout);
        returns the child's exit status."""
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop within %s s: killed", self.name, self.stop_timeout)
                process.kill()
                process.wait()
        self._thread.join(timeout=self.stop_timeout)
        return process.returncode if process is not None else None

    def _watch(self) -> None:
        failures = 0
        while True:
            with self._lock:
                if self._stopping.is_set():
                    return
                started = time.monotonic()
                self.process = subprocess.Popen(self.command, env=self.env)  # noqa: S603
                self.starts += 1
            status = self.process.wait()
            if self._stopping.is_set():
                return
            failures = 0 if time.monotonic() - started >= self.stable_after else failures + 1
            delay = self.backoff[min(max(failures, 1), len(self.backoff)) - 1]
            log.warning(
                "%s (pid %s) exited with status %s; starting it again in %s s",
                self.name,
                self.process.pid,
                status,
                delay,
            )
            if self._stopping.wait(delay):
                return


def _exit(number, frame):
    raise SystemExit(128 + number)
