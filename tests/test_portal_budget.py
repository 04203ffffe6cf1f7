"""The search's time budget on PostgreSQL outside a transaction, as in a web request: the
settings and the query go in one message, which PostgreSQL runs as one implicit transaction,
so the settings must not outlive it. The test runs in a thread of its own, whose connection,
like a web request's, is in autocommit (the test's own connection is inside a transaction)."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from nhandao.portal import search

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]


def setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


def in_autocommit():
    assert connection.get_autocommit() and not connection.in_atomic_block
    before = setting("statement_timeout")
    with search._Budget(0.3, enable_sort="off") as budget:
        sql = "SELECT current_setting('enable_sort'), current_setting('statement_timeout')"
        assert budget.fetchall(sql, []) == [("off", "300ms")]
        assert setting("enable_sort") == "on"  # the next message: back to the default
    assert setting("statement_timeout") == before
    with pytest.raises(search.SearchTooBroad), search._Budget(0.01) as budget:
        budget.fetchall("SELECT pg_sleep(1)", [])
    assert setting("enable_sort") == "on" and connection.get_autocommit()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL's settings and statement_timeout")
def test_in_autocommit_the_settings_last_for_one_query(db):
    failures = []

    def request():
        try:
            in_autocommit()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=request)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]
