# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""Stock (goods in from in-kind donations and purchases, out to distributions and transfers,
never negative, a stock card per item), who was left behind (coverage per commune, the Tết
rule), incidents (needs versus allocated per province) and the public reconciliation."""

from decimal import Decimal

import pytest

from nhandao.donations import actions as donation_actions
from nhandao.relief import actions, coverage, public
from nhandao.relief.models import Item, StockLevel, StockMove
from nhandao.relief.rules import ReliefError
from tests.test_relief_fixtures import (  # noqa: F401  (fixtures)
    DAY,
    allocate,
    balance,
    donate,
    funded,
    hanoi_round,
    household,
    make_campaign,
    unit,
    yagi,
)


@pytest.fixture
def rice(db):
    return Item.objects.create(name="Gạo", unit="kg")


@pytest.fixture
def store(cast):
    return actions.create_warehouse(
        cast.hn_officer, organisation=cast.hanoi, name="Kho Hội CTĐ Hà Nội"
    )


def test_goods_from_an_in_kind_donation_enter_the_warehouse_and_leave_the_money_account(
    cast, yagi, store, rice
):
    donation = donation_actions.record_donation(
        cast.root,
        organisation=cast.hanoi,
        campaign=yagi,
        channel="in_kind",
        received_on=DAY,
        amount=15_000_000,
        goods_item="Gạo",
        goods_quantity=Decimal("1000"),
        goods_unit="kg",
    )
    assert balance(cast.hanoi, yagi) == 15_000_000  # the valuation, as the donations app books it
    move = actions.receive_goods(cast.hn_officer, store, rice, 1000, date=DAY, donation=donation)
    assert move.balance_after == 1000 and move.value == 15_000_000 and move.campaign == yagi
    assert balance(cast.hanoi, yagi) == 0  # now held as goods, not as money
    with pytest.raises(ReliefError, match="đã được nhập kho trước đó"):
        actions.receive_goods(cast.hn_officer, store, rice, 1000, date=DAY, donation=donation)
    figures = public.reconciliation(yagi)
    assert (
        figures["totals"]["received"] == 15_000_000 and figures["totals"]["to_stock"] == 15_000_000
    )
    assert figures["balanced"]


def test_stock_never_goes_below_zero_and_the_stock_card_keeps_every_move(cast, yagi, store, rice):
    actions.receive_goods(cast.hn_officer, store, rice, 100, date=DAY, campaign=yagi)
    commune_store = actions.create_warehouse(
        cast.root, organisation=cast.ba_dinh, name="Kho phường"
    )
    actions.transfer_goods(cast.hn_officer, store, commune_store, rice, 60, date=DAY, campaign=yagi)
    with pytest.raises(
        ReliefError,
        match="Vượt tồn kho: kho “Kho Hội CTĐ Hà Nội” còn 40 kg Gạo, không thể xuất 41 kg",
    ):
        actions.transfer_goods(
            cast.hn_officer, store, commune_store, rice, 41, date=DAY, campaign=yagi
        )
    card = list(
        StockMove.objects.filter(warehouse=store, item=rice).values_list(
            "quantity", "balance_after"
        )
    )
    assert card == [(Decimal("100"), Decimal("100")), (Decimal("-60"), Decimal("40"))]
    assert actions.stock_of(commune_store, rice, yagi) == 60
    assert all(level.quantity >= 0 for level in StockLevel.objects.all())


def test_a_goods_round_takes_its_lines_out_of_stock_and_refuses_beyond_stock(
    cast, yagi, store, rice
):
    actions.receive_goods(cast.hn_officer, store, rice, 25, date=DAY, campaign=yagi)
    ba_dinh = unit("4")
    homes = [household(cast, ba_dinh, cast.ba_dinh, n) for n in ("Phạm Văn An", "Đỗ Thị Bình")]
    rnd = hanoi_round(cast, yagi, name="Cấp gạo", kind="gift", warehouse=store, item=rice)
    actions.add_lines_from_registry(cast.hn_officer, rnd, value=150_000, quantity=10)
    line = rnd.lines.first()
    line.quantity = 20  # the list says 2 × 20 kg, the warehouse holds 25 kg
    line.save()
    with pytest.raises(ReliefError, match="Vượt tồn kho: danh sách cần 30 kg Gạo"):
        actions.set_round_status(cast.hn_officer, rnd, "open")
    line.quantity = 10
    line.save()
    actions.set_round_status(cast.hn_officer, rnd, "open")
    for line in rnd.lines.all():
        actions.confirm_line(cast.hn_officer, line, method="paper_list")
    assert actions.stock_of(store, rice, yagi) == 5
    assert {s.kind for h in homes for s in h.supports.all()} == {"gift"}


def test_coverage_counts_the_eligible_households_left_behind_per_commune(cast, yagi):
    ba_dinh, ngoc_ha = unit("4"), unit("8")
    reached = household(cast, ba_dinh, cast.ba_dinh, "Nguyễn Văn Một")
    household(cast, ba_dinh, cast.ba_dinh, "Nguyễn Văn Hai")
    household(cast, ba_dinh, cast.ba_dinh, "Nguyễn Văn Ba", status="near_poor")
    household(cast, ba_dinh, cast.ba_dinh, "Không nghèo", status="none")
    household(cast, ngoc_ha, cast.ngoc_ha, "Trần Thị Bốn")
    donate(cast.hanoi, yagi, 1_000_000)
    rnd = hanoi_round(cast, yagi, name="Quà")
    actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", reached, None, 500_000, None)])
    actions.set_round_status(cast.hn_officer, rnd, "open")
    actions.confirm_line(cast.hn_officer, rnd.lines.get(), method="signature")
    rows = {c.commune_name: c for c in coverage.by_commune(yagi, unit("1", level="province"))}
    bd = rows["Phường Ba Đình"]
    assert (bd.eligible, bd.reached, bd.left_behind) == (3, 1, 2)
    assert (bd.poor, bd.poor_left_behind) == (2, 1)  # the Tết rule's number
    assert rows["Phường Ngọc Hà"].left_behind == 1
    names = [h.head.full_name for h in coverage.left_behind(yagi, ba_dinh)]
    assert sorted(names) == ["Nguyễn Văn Ba", "Nguyễn Văn Hai"]


def test_needs_versus_allocated_per_province_for_an_incident(cast, funded):
    incident = actions.create_incident(
        cast.root,
        organisation=cast.central,
        kind="storm",
        name="Bão số 3 (Yagi)",
        start=DAY,
        campaigns=[funded],
    )
    actions.set_incident_area(
        cast.root, incident, unit("4"), needs_amount=8_000_000, houses_damaged=12
    )
    with pytest.raises(ReliefError, match="không được âm"):
        actions.set_incident_area(cast.root, incident, unit("8"), needs_amount=-1)
    allocate(cast, funded, cast.hanoi, 3_000_000, incident=incident)
    from nhandao.relief import incidents

    rows = incidents.needs_vs_allocated(incident)
    assert rows == [
        {
            "province_id": unit("1", level="province").pk,
            "province": "Thành phố Hà Nội",
            "needs": 8_000_000,
            "allocated": 3_000_000,
            "gap": 5_000_000,
            "communes": 1,
        }
    ]


def test_the_reconciliation_holds_at_each_level(cast, funded):
    donate(cast.ba_dinh, funded, 500_000)
    allocate(cast, funded, cast.hanoi, 4_000_000)
    down = actions.propose_allocation(
        cast.hn_accountant,
        organisation=cast.hanoi,
        campaign=funded,
        amount=1_500_000,
        decision_no="9",
        decision_date=DAY,
        target_organisation=cast.ba_dinh,
    )
    actions.approve_allocation(cast.hn_manager, down)
    figures = public.reconciliation(funded)
    rows = {r["organisation"]: r for r in figures["rows"]}
    central, hanoi, ba_dinh = (
        rows[cast.central.name],
        rows[cast.hanoi.name],
        rows[cast.ba_dinh.name],
    )
    assert (central["received"], central["allocated_out"], central["balance"]) == (
        10_000_000,
        4_000_000,
        6_000_000,
    )
    assert (hanoi["allocated_in"], hanoi["allocated_out"], hanoi["balance"]) == (
        4_000_000,
        1_500_000,
        2_500_000,
    )
    assert (ba_dinh["received"], ba_dinh["allocated_in"], ba_dinh["balance"]) == (
        500_000,
        1_500_000,
        2_000_000,
    )
    assert central["below_used_and_held"] == 4_000_000  # what it passed down is held below
    assert figures["totals"]["received"] == 10_500_000 and figures["balanced"]
    by_province = public.allocated_by_province(funded)
    assert by_province == [
        {
            "province_id": unit("1", level="province").pk,
            "province": "Thành phố Hà Nội",
            "amount": 4_000_000,
            "decisions": 1,
        }
    ]


def test_a_purchase_from_campaign_money_is_approved_by_another_before_it_spends(
    cast, yagi, store, rice
):
    """Issue #14 item 8 (decision 0023): an officer no longer pays stock from appeal money at
    once; a purchase is an allocation into stock on a Decree 93 use, proposed by one person,
    approved by another, whose approval spends; the goods receipt names it."""
    from django.core.exceptions import PermissionDenied

    from nhandao.audit.models import LedgerEntry
    from nhandao.relief import figures
    from nhandao.relief.models import AllowedUse

    donate(cast.hanoi, yagi, 5_000_000)
    with pytest.raises(TypeError):  # the old way: paying at once from the goods-in form
        actions.receive_goods(
            cast.hn_officer, store, rice, 300, date=DAY, campaign=yagi, value=4_500_000,
            pay_from_campaign=True,
        )  # fmt: skip
    food = AllowedUse.objects.get(code="food_water_medicine")
    buy = {
        "organisation": cast.hanoi,
        "campaign": yagi,
        "decision_no": "QĐ-MUA-1",
        "decision_date": DAY,
        "into_stock": True,
    }
    with pytest.raises(PermissionDenied):  # an officer (edit rights) may not propose spending
        actions.propose_allocation(cast.hn_officer, amount=4_500_000, purpose=food, **buy)
    with pytest.raises(ReliefError, match="Điều 11 Nghị định 93") as refused:
        actions.propose_allocation(cast.hn_accountant, amount=4_500_000, **buy)
    assert refused.value.field == "purpose"
    with pytest.raises(ReliefError, match="Vượt số dư"):
        actions.propose_allocation(cast.hn_accountant, amount=6_000_000, purpose=food, **buy)
    proposal = actions.propose_allocation(cast.hn_accountant, amount=4_500_000, purpose=food, **buy)
    assert balance(cast.hanoi, yagi) == 5_000_000  # nothing moves on a proposal
    with pytest.raises(ReliefError, match="chưa được duyệt"):
        actions.receive_goods(cast.hn_officer, store, rice, 300, date=DAY, purchase=proposal)
    with pytest.raises(PermissionDenied):  # approving needs "approve"
        actions.approve_allocation(cast.hn_accountant, proposal)
    own = actions.propose_allocation(cast.hn_manager, amount=100_000, purpose=food, **buy)
    with pytest.raises(ReliefError, match="không được tự duyệt"):  # and another person
        actions.approve_allocation(cast.hn_manager, own)
    actions.cancel_allocation(cast.hn_manager, own)
    assert balance(cast.hanoi, yagi) == 5_000_000 and StockMove.objects.count() == 0
    purchase = actions.approve_allocation(cast.hn_manager, proposal)
    assert purchase.status == "executed" and balance(cast.hanoi, yagi) == 500_000
    entry = LedgerEntry.objects.get(pk=purchase.out_entry_id)
    assert (entry.amount, entry.source) == (-4_500_000, f"relief-stock:{purchase.pk}")
    paid = figures.campaign_figures(yagi)  # paid, not delivered: goods on order, in stock
    assert (paid.total.spent, paid.total.to_stock, paid.total.in_stock) == (0, 4_500_000, 4_500_000)
    assert paid.total.ordered == 4_500_000 and paid.reconciled
    assert paid.spent_by_use == []  # a purchase is not spending on a use until handed out
    other = actions.create_warehouse(cast.root, organisation=cast.ba_dinh, name="Kho Ba Đình")
    with pytest.raises(ReliefError, match="hàng nhập vào kho của tổ chức đó"):
        actions.receive_goods(cast.root, other, rice, 300, date=DAY, purchase=purchase)
    move = actions.receive_goods(cast.hn_officer, store, rice, 300, date=DAY, purchase=purchase)
    assert (move.kind, move.value, move.campaign) == ("in_purchase", 4_500_000, yagi)
    assert move.ledger_entry_id == purchase.out_entry_id and move.purchase == purchase
    assert balance(cast.hanoi, yagi) == 500_000  # the receipt spends nothing more
    with pytest.raises(ReliefError, match="đã được nhập kho trước đó"):
        actions.receive_goods(cast.hn_officer, store, rice, 300, date=DAY, purchase=purchase)
    got = figures.campaign_figures(yagi)
    assert (got.total.to_stock, got.total.to_stock_card, got.total.ordered) == (
        4_500_000,
        4_500_000,
        0,
    )
    assert got.total.in_stock == 4_500_000 and got.reconciled
    assert public.reconciliation(yagi)["totals"]["to_stock"] == 4_500_000


def test_the_coverage_api_counts_per_commune_within_reach(cast, login, yagi):
    household(cast, unit("4"), cast.ba_dinh, "Nguyễn Văn Một")
    donate(cast.hanoi, yagi, 1_000)  # the appeal's money reached Hà Nội: its users may query it
    url = f"/api/relief/coverage?campaign={yagi.code}&province=1"
    rows = login(cast.hn_viewer).get(url).json()
    assert [(r["commune"], r["eligible"], r["left_behind"]) for r in rows] == [
        ("Phường Ba Đình", 1, 1)
    ]
    assert (
        login(cast.hn_viewer)
        .get(f"/api/relief/coverage?campaign={yagi.code}&province=8")
        .status_code
        == 403
    )
