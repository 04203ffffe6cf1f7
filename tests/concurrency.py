"""Run one action from many threads at the same instant (PostgreSQL tests of the row locks)."""

import threading

from django.db import connections


def all_at_once(action, items, refused=Exception) -> list[str]:
    """`action(item)` for every item, each in its own thread and connection, released
    together by a barrier; "ok" for each that went through, else the refusal's text (an
    exception of type `refused`; any other is raised in its thread and fails the test)."""
    results, barrier = [], threading.Barrier(len(items))

    def run(item):
        try:
            barrier.wait()
            action(item)
            results.append("ok")
        except refused as exc:
            results.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
