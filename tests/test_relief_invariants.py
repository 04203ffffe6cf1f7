"""Ledger invariants under relief, as properties: random sequences of donations, allocations
(down and up) and cash distributions keep every balance ≥ 0, match a simple model of the
funds exactly, keep every hash chain valid and the campaign reconciliation balanced. And 50
concurrent allocations on one fund on PostgreSQL never overdraw it."""

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nhandao.audit import ledger
from nhandao.audit.models import LedgerAccount
from nhandao.relief import actions, public
from nhandao.relief.models import Allocation, AllocationStatus
from nhandao.relief.rules import ReliefError
from tests.concurrency import all_at_once
from tests.test_relief_fixtures import DAY, donate, household, make_campaign, unit

ORGS = ["central", "hanoi", "tuyen_quang", "ba_dinh"]
PARENT = {"hanoi": "central", "tuyen_quang": "central", "ba_dinh": "hanoi"}
EDGES = [(child, parent) for child, parent in PARENT.items()] + [
    (parent, child) for child, parent in PARENT.items()
]

amounts = st.integers(min_value=1, max_value=5_000_000)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("donate"), st.sampled_from(ORGS), amounts),
        st.tuples(st.just("allocate"), st.sampled_from(EDGES), amounts),
        st.tuples(st.just("distribute"), st.sampled_from(["hanoi", "ba_dinh"]), amounts),
    ),
    min_size=1,
    max_size=12,
)


@pytest.fixture
def world(cast):
    campaign = make_campaign(cast.root, cast.central)
    homes = [household(cast, unit("4"), cast.ba_dinh, f"Hộ thử {i}") for i in range(12)]
    return campaign, homes


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_random_sequences_keep_every_balance_non_negative_and_consistent(cast, world, ops):
    campaign, homes = world
    with transaction.atomic():
        model = dict.fromkeys(ORGS, 0)
        donated = distributed = 0
        for n, (op, where, amount) in enumerate(ops):
            if op == "donate":
                donate(getattr(cast, where), campaign, amount)
                model[where] += amount
                donated += amount
            elif op == "allocate":
                source, target = where
                try:
                    allocation = actions.propose_allocation(
                        cast.root,
                        organisation=getattr(cast, source),
                        campaign=campaign,
                        amount=amount,
                        decision_no=f"QĐ {n}",
                        decision_date=DAY,
                        target_organisation=getattr(cast, target),
                    )
                    actions.approve_allocation(cast.tw_manager, allocation)
                except ReliefError:
                    assert amount > model[source]  # refused only when the fund is short
                else:
                    assert amount <= model[source]
                    model[source] -= amount
                    model[target] += amount
            else:
                org = getattr(cast, where)
                rnd = actions.create_round(
                    cast.root,
                    organisation=org,
                    campaign=campaign,
                    kind="cash",
                    name=f"Đợt {n}",
                    date=DAY,
                )
                actions.add_lines(cast.root, rnd, [("Dòng 1", homes[n], None, amount, None)])
                try:
                    actions.set_round_status(cast.root, rnd, "open")
                except ReliefError:
                    assert amount > model[where]
                    continue
                line = rnd.lines.get()
                actions.confirm_line(
                    cast.root, line, method="signature", override_reason="kiểm thử"
                )
                model[where] -= amount
                distributed += amount
            for name in ORGS:
                assert actions.balance_of(getattr(cast, name), campaign) == model[name] >= 0
        accounts = LedgerAccount.objects.filter(campaign=campaign)
        assert all(ledger.verify(a).ok for a in accounts)
        figures = public.reconciliation(campaign)
        assert figures["balanced"]
        assert figures["totals"]["received"] == donated
        assert figures["totals"]["distributed"] == distributed
        assert figures["totals"]["balance"] == donated - distributed
        transaction.set_rollback(True)


# ---- concurrency (PostgreSQL) ------------------------------------------------------------


ON_POSTGRESQL = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]


@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="needs PostgreSQL: SQLite serialises writers "
    "(no race to test) and cannot empty the append-only tables afterwards",
)
def test_fifty_concurrent_allocations_on_one_fund_never_overdraw(
    reload_map_afterwards, transactional_db, cast
):
    campaign = make_campaign(cast.root, cast.central)
    donate(cast.central, campaign, 10_500_000)
    targets = [cast.hanoi, cast.tuyen_quang]
    proposals = [
        actions.propose_allocation(
            cast.root,
            organisation=cast.central,
            campaign=campaign,
            amount=1_000_000,
            decision_no=f"QĐ {i}",
            decision_date=DAY,
            target_organisation=targets[i % 2],
        )
        for i in range(50)
    ]
    results = all_at_once(
        lambda p: actions.approve_allocation(cast.tw_manager, p), proposals, ReliefError
    )
    assert results.count("ok") == 10
    assert all("Số dư không đủ" in r for r in results if r != "ok")
    assert actions.balance_of(cast.central, campaign) == 500_000
    received = sum(actions.balance_of(t, campaign) for t in targets)
    assert received == 10_000_000
    assert Allocation.objects.filter(status=AllocationStatus.EXECUTED).count() == 10
    for account in LedgerAccount.objects.filter(campaign=campaign):
        assert ledger.verify(account).ok
        assert account.entries.filter(balance_after__lt=0).count() == 0
