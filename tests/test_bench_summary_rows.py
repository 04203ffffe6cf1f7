# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""bench/bench_summary_rows.py measures a per-account summary built in SQL: the summary it
builds must be the ledger's (per account: the sum of its rows is the balance; transfers keep
their counterparty), or its figures in docs/benchmarks.md would say nothing."""

import importlib.util
from pathlib import Path

import pytest
from django.db import connection

from nhandao.audit.models import LedgerAccount
from tests.test_relief_fixtures import allocate, donate, yagi  # noqa: F401

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "bench_summary_rows.py"


def bench():
    spec = importlib.util.spec_from_file_location("bench_summary_rows", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the bench reads SQLite")
def test_the_summary_the_bench_measures_is_the_ledgers(cast, yagi):
    from nhandao.donations import actions as donation_actions

    donate(cast.central, yagi, 10_000_000)
    mistake = donate(cast.central, yagi, 1_000_000)
    donation_actions.reverse_donation(cast.root, mistake, "Ghi nhầm")
    allocate(cast, yagi, cast.hanoi, 4_000_000)
    module = bench()
    with connection.cursor() as cursor:
        for statement in module.ENDS:
            cursor.execute(statement)
        cursor.execute(module.SUMMARY)
        cursor.execute(
            "SELECT account_id, kind, reversed_kind, counterparty, SUM(amount) FROM summary "
            "GROUP BY 1, 2, 3, 4"
        )
        rows = cursor.fetchall()
        for statement in ("DROP TABLE temp.summary", "DROP TABLE temp.ends"):
            cursor.execute(statement)
    central = LedgerAccount.objects.get(organisation=cast.central, campaign=yagi)
    hanoi = LedgerAccount.objects.get(organisation=cast.hanoi, campaign=yagi)
    balance = {}
    for account, _kind, _reversed, _counterparty, amount in rows:
        balance[account] = balance.get(account, 0) + amount
    assert balance == {central.pk: central.balance(), hanoi.pk: hanoi.balance()}
    assert (central.pk, "transfer_out", "", hanoi.pk, -4_000_000) in rows
    assert (hanoi.pk, "transfer_in", "", central.pk, 4_000_000) in rows
    assert (central.pk, "reversal", "donation", 0, -1_000_000) in rows
