# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""Allocations (phân bổ): maker–checker, the ledger moves the money, balances never go below
zero, earmarked money only to its earmark, unconditional money only to the Decree 93 uses,
money can move up, and a refused request writes nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from nhandao.audit import ledger
from nhandao.audit.models import AuditEvent, LedgerEntry
from nhandao.relief import actions
from nhandao.relief.models import Allocation, AllocationStatus, FundFlow
from nhandao.relief.rules import ReliefError
from tests.test_relief_fixtures import (  # noqa: F401  (fixtures)
    DAY,
    allocate,
    balance,
    donate,
    funded,
    make_campaign,
    use,
    yagi,
)


def propose(actor, org, campaign, amount, **kw):
    return actions.propose_allocation(
        actor,
        organisation=org,
        campaign=campaign,
        amount=amount,
        decision_no="123/QĐ-CTĐ",
        decision_date=DAY,
        **kw,
    )


def test_an_approved_allocation_moves_the_money_from_the_parent_fund_to_the_child(cast, funded):
    allocation = propose(cast.root, cast.central, funded, 4_000_000, target_organisation=cast.hanoi)
    assert allocation.status == AllocationStatus.PROPOSED
    assert balance(cast.central, funded) == 10_000_000  # nothing moves on a proposal
    allocation = actions.approve_allocation(cast.tw_manager, allocation)
    assert allocation.status == AllocationStatus.EXECUTED
    assert balance(cast.central, funded) == 6_000_000
    assert balance(cast.hanoi, funded) == 4_000_000
    assert allocation.out_entry.transfer == allocation.in_entry.transfer
    assert [h.to_status for h in allocation.history.all()] == ["proposed", "executed"]
    flows = {f.organisation_id: f for f in FundFlow.objects.all()}
    assert flows[cast.central.pk].allocated_out == 4_000_000
    assert flows[cast.hanoi.pk].allocated_in == 4_000_000
    assert ledger.verify(allocation.out_entry.account).ok


def test_whoever_proposes_cannot_approve(cast, funded):
    allocation = propose(
        cast.tw_manager, cast.central, funded, 1_000_000, target_organisation=cast.hanoi
    )
    with pytest.raises(ReliefError, match="Người đề xuất không được tự duyệt"):
        actions.approve_allocation(cast.tw_manager, allocation)
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.PROPOSED
    assert balance(cast.hanoi, funded) == 0


def test_an_officer_without_approval_rights_cannot_approve(cast, funded):
    allocation = propose(cast.root, cast.central, funded, 1_000_000, target_organisation=cast.hanoi)
    with pytest.raises(PermissionDenied, match="không có quyền duyệt"):
        actions.approve_allocation(cast.hn_officer, allocation)


def test_above_the_threshold_a_second_different_approver_is_needed(cast, funded):
    actions.set_threshold(cast.root, cast.central, 2_000_000)
    allocation = propose(cast.root, cast.central, funded, 3_000_000, target_organisation=cast.hanoi)
    assert allocation.needs_second
    allocation = actions.approve_allocation(cast.tw_manager, allocation)
    assert allocation.status == AllocationStatus.FIRST_APPROVED
    assert balance(cast.hanoi, funded) == 0
    with pytest.raises(ReliefError, match="khác người đã duyệt lần 1"):
        actions.approve_allocation(cast.tw_manager, allocation)
    second = cast.front_manager  # no reach over the Red Cross: refused too
    with pytest.raises(PermissionDenied, match="không có quyền duyệt"):
        actions.approve_allocation(second, allocation)
    from nhandao.orgs import actions as org_actions
    from nhandao.orgs.models import RoleKind

    deputy = type(cast.tw_manager).objects.create_user("tw_deputy", password="x-Y-z-123456789")
    org_actions.grant_role(cast.root, deputy, cast.central, RoleKind.MANAGER)
    allocation = actions.approve_allocation(deputy, allocation)
    assert allocation.status == AllocationStatus.EXECUTED
    assert balance(cast.hanoi, funded) == 3_000_000
    assert [h.to_status for h in allocation.history.all()] == [
        "proposed",
        "first_approved",
        "executed",
    ]


def test_below_the_threshold_one_approver_is_enough(cast, funded):
    actions.set_threshold(cast.root, cast.central, 2_000_000)
    allocation = allocate(cast, funded, cast.hanoi, 2_000_000)
    assert not allocation.needs_second and allocation.status == AllocationStatus.EXECUTED


def test_over_allocation_is_refused_with_the_balance_and_nothing_is_written(cast, funded):
    events = AuditEvent.objects.count()
    with pytest.raises(
        ReliefError,
        match=r"Vượt số dư: .* còn 10\.000\.000 ₫, không thể phân bổ "
        r"10\.000\.001 ₫",
    ):
        propose(cast.root, cast.central, funded, 10_000_001, target_organisation=cast.hanoi)
    assert Allocation.objects.count() == 0 and AuditEvent.objects.count() == events


def test_two_proposals_that_together_exceed_the_fund_cannot_both_be_executed(cast, funded):
    first = propose(cast.root, cast.central, funded, 6_000_000, target_organisation=cast.hanoi)
    second = propose(
        cast.root, cast.central, funded, 6_000_000, target_organisation=cast.tuyen_quang
    )
    actions.approve_allocation(cast.tw_manager, first)
    entries = LedgerEntry.objects.count()
    with pytest.raises(ReliefError, match="Số dư không đủ"):
        actions.approve_allocation(cast.tw_manager, second)
    second.refresh_from_db()
    assert second.status == AllocationStatus.PROPOSED and second.history.count() == 1
    assert LedgerEntry.objects.count() == entries
    assert balance(cast.central, funded) == 4_000_000 and balance(cast.tuyen_quang, funded) == 0


def test_an_allocation_goes_only_down_to_a_child_or_up_to_a_parent(cast, funded):
    allocate(cast, funded, cast.hanoi, 5_000_000)
    with pytest.raises(ReliefError, match="không phải tổ chức cấp dưới hay cấp trên"):
        propose(cast.root, cast.hanoi, funded, 1_000_000, target_organisation=cast.tuyen_quang)


def test_a_commune_can_pass_what_it_collected_up_to_its_province(cast, yagi):
    donate(cast.ba_dinh, yagi, 700_000)
    allocation = actions.propose_allocation(
        cast.ba_dinh_accountant,
        organisation=cast.ba_dinh,
        campaign=yagi,
        amount=700_000,
        decision_no="05/CTĐ-BĐ",
        decision_date=DAY,
        target_organisation=cast.hanoi,
    )
    assert allocation.direction == "up"
    actions.approve_allocation(cast.hn_manager, allocation)
    assert balance(cast.ba_dinh, yagi) == 0 and balance(cast.hanoi, yagi) == 700_000


def test_earmarked_money_goes_only_towards_its_locality(cast, yagi):
    donate(cast.central, yagi, 3_000_000, earmark_kind="unit", earmark_ref="Hà Nội")
    key = "unit:ha noi"
    with pytest.raises(ReliefError, match="chỉ định cho địa phương “Hà Nội” chỉ được chuyển"):
        propose(
            cast.root,
            cast.central,
            yagi,
            1_000_000,
            target_organisation=cast.tuyen_quang,
            source_earmark=key,
        )
    allocation = allocate(cast, yagi, cast.hanoi, 1_000_000, source_earmark=key)
    assert allocation.in_entry.account.earmark == key  # still earmarked at the province
    assert balance(cast.hanoi, yagi, key) == 1_000_000 and balance(cast.hanoi, yagi) == 0
    # and on down to a commune of Hà Nội
    down = actions.propose_allocation(
        cast.hn_accountant,
        organisation=cast.hanoi,
        campaign=yagi,
        amount=400_000,
        decision_no="7",
        decision_date=DAY,
        target_organisation=cast.ba_dinh,
        source_earmark=key,
    )
    actions.approve_allocation(cast.hn_manager, down)
    assert balance(cast.ba_dinh, yagi, key) == 400_000


def test_earmarked_money_cannot_be_spent_on_another_purpose(cast, yagi):
    donate(cast.central, yagi, 2_000_000, earmark_kind="purpose", earmark_ref="xây nhà")
    with pytest.raises(ReliefError, match="chỉ được chi đúng mục đích"):
        propose(
            cast.root,
            cast.central,
            yagi,
            500_000,
            purpose=use("food_water_medicine"),
            source_earmark="purpose:xay nha",
        )
    ok = propose(
        cast.root,
        cast.central,
        yagi,
        500_000,
        purpose_text="Xây nhà cho hộ bị sập",
        source_earmark="purpose:xay nha",
    )
    actions.approve_allocation(cast.tw_manager, ok)
    assert balance(cast.central, yagi, "purpose:xay nha") == 1_500_000


def test_unconditional_appeal_money_is_spent_only_on_the_decree_93_uses(cast, funded):
    with pytest.raises(ReliefError, match="Điều 11 Nghị định 93/2021"):
        propose(cast.root, cast.central, funded, 100_000, purpose_text="Tổ chức hội nghị")
    allocation = propose(cast.root, cast.central, funded, 100_000, purpose=use("evacuation"))
    actions.approve_allocation(cast.tw_manager, allocation)
    assert balance(cast.central, funded) == 9_900_000
    assert FundFlow.objects.get(organisation=cast.central).spent == 100_000


def test_a_proposal_can_be_rejected_with_a_reason_or_cancelled_by_its_maker(cast, funded):
    a = propose(cast.root, cast.central, funded, 100_000, target_organisation=cast.hanoi)
    with pytest.raises(ReliefError, match="Cần ghi lý do"):
        actions.reject_allocation(cast.tw_manager, a, " ")
    actions.reject_allocation(cast.tw_manager, a, "Chưa đủ hồ sơ")
    with pytest.raises(ReliefError, match="Không thể chuyển phân bổ"):
        actions.approve_allocation(cast.tw_manager, a)
    b = propose(cast.root, cast.central, funded, 100_000, target_organisation=cast.hanoi)
    actions.cancel_allocation(cast.root, b)
    b.refresh_from_db()
    assert b.status == AllocationStatus.CANCELLED
    assert balance(cast.hanoi, funded) == 0


def test_only_money_roles_may_propose(cast, funded):
    with pytest.raises(PermissionDenied, match="không có quyền đề xuất"):
        propose(cast.hn_officer, cast.hanoi, funded, 1, target_organisation=cast.ba_dinh)
