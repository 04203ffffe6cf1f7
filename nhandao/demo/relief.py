"""Demo relief: the typhoon Yagi incident, allocations from the Central relief board's Yagi
fund (the real Vietcombank statement slice imported by the campaigns demo) to provincial
Front committees, one allocation waiting for approval, one returned to its maker for an
explanation and one above the two-approver threshold, the Hà Nội Red Cross passing Yagi
money to a commune chapter, a distribution round in that commune where one household had
cash from the Women's Union three days earlier (an overlap warning, one overridden by a
manager with a reason, one still waiting), and a warehouse with in-kind goods and rice
bought with Yagi money through an approved purchase.

Damage, needs and allocation figures are illustrative (shares of the demo fund), not the
official Yagi figures. Everything goes through relief/actions.py with the demo logins, so
the demo carries the same ledger entries, history and audit events as real use.
"""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from nhandao.beneficiaries import actions as registry
from nhandao.campaigns.models import Campaign
from nhandao.demo import dates
from nhandao.donations import actions as donations
from nhandao.orgs.models import AdminUnit, Organisation
from nhandao.relief import actions
from nhandao.relief.models import AllowedUse, Item
from nhandao.relief.rules import OverlapWarning

# Provinces (new-map codes) receiving Yagi money in the demo, with their share of the fund.
SHARES = [("1", 18), ("8", 14), ("15", 14), ("4", 8), ("22", 10), ("31", 8), ("19", 8)]
PENDING = ("20", 4)  # Lạng Sơn: proposed, waiting for a checker
DAY = date(2024, 9, 14)


def _user(name):
    return get_user_model().objects.get(username=name)


def seed(actor, network) -> dict:
    yagi = Campaign.objects.filter(code="YAGI-2024").first()
    if yagi is None:
        return {}
    relief = network["relief_central"]
    maker, checker = _user("mttq.ketoan"), _user("mttq.lanhdao")
    incident = actions.create_incident(
        actor,
        organisation=relief,
        kind="storm",
        name="Bão số 3 (Yagi)",
        start=date(2024, 9, 6),
        end=date(2024, 9, 12),
        description="Bão số 3 và hoàn lưu sau bão gây mưa lũ, sạt lở ở các tỉnh phía Bắc "
        "(số liệu thiệt hại trong bản demo là minh họa).",
        campaigns=[yagi],
    )
    fund = actions.balance_of(relief, yagi)
    actions.set_threshold(actor, relief, fund // 6)
    allocated = {}
    for code, share in SHARES:
        target = network["front_province"][code]
        amount = fund * share // 100
        allocation = actions.propose_allocation(
            maker,
            organisation=relief,
            campaign=yagi,
            amount=amount,
            decision_no=f"{40 + len(allocated)}/QĐ-BCTTW",
            decision_date=DAY,
            target_organisation=target,
            incident=incident,
            note="Hỗ trợ khắc phục hậu quả bão số 3",
        )
        allocation = actions.approve_allocation(checker, allocation)
        if allocation.status != "executed":  # above the threshold: a second approver
            actions.approve_allocation(actor, allocation, "Duyệt lần 2")
        allocated[code] = amount
        first = (
            AdminUnit.objects.filter(map="2025-07", level="commune", province__code=code)
            .order_by("code")
            .first()
        )
        actions.set_incident_area(
            actor,
            incident,
            first,
            houses_damaged=20 * share,
            houses_destroyed=share // 2,
            needs_amount=amount * 2,
            needs_note="Lương thực, nước uống, sửa chữa nhà ở",
        )
    code, share = PENDING
    actions.propose_allocation(
        maker,
        organisation=relief,
        campaign=yagi,
        amount=fund * share // 100,
        decision_no="48/QĐ-BCTTW",
        decision_date=DAY,
        target_organisation=network["front_province"][code],
        incident=incident,
    )
    sanitation = actions.propose_allocation(
        maker,
        organisation=relief,
        campaign=yagi,
        amount=fund // 100,
        decision_no="49/QĐ-BCTTW",
        decision_date=DAY,
        purpose=AllowedUse.objects.get(code="sanitation"),
    )
    # returned to its maker for an explanation: the accountant's work to answer
    actions.return_allocation(
        checker,
        sanitation,
        "Bổ sung danh sách xã được khử khuẩn và dự toán hóa chất trước khi duyệt.",
    )
    rounds = _hanoi_round(actor, network, yagi)
    today = _appeal_today(network)
    return {"incident": incident, "allocated": allocated, **rounds, **today}


def _appeal_today(network) -> dict:
    """The flood appeal in distribution (campaigns.py): the Hà Nội Red Cross passes money to
    the demo commune, whose handout is today (a round open, nobody confirmed yet), and
    proposes money for the neighbouring commune, waiting for its leader's approval."""
    rc_hanoi = network["rc_province"]["1"]
    commune_org = network["communes"].get("4")
    appeal = Campaign.objects.filter(
        organisation=rc_hanoi, kind="appeal", status="distributing", code__startswith="MUALU-"
    ).first()
    if appeal is None or commune_org is None:
        return {}
    lead, accountant, officer = _user("hn.lanhdao"), _user("hn.ketoan"), _user("xa.canbo")
    rnd = actions.create_round(
        officer,
        organisation=commune_org,
        campaign=appeal,
        kind="cash",
        name="Hỗ trợ hộ nghèo bị thiệt hại do mưa lũ",
        date=dates.today(),
        place=f"Nhà văn hóa {commune_org.admin_unit.name}",
        commune=commune_org.admin_unit,
    )
    homes = list(
        actions.eligible_households(rnd, statuses=("poor",), year=dates.poverty_year())[:8]
    )
    per_home = 1_500_000
    if homes:
        allocation = actions.propose_allocation(
            accountant,
            organisation=rc_hanoi,
            campaign=appeal,
            amount=per_home * len(homes),
            decision_no=f"{dates.days(-3):%d}/QĐ-CTĐHN",
            decision_date=dates.days(-3),
            target_organisation=commune_org,
        )
        actions.approve_allocation(lead, allocation)
        actions.add_lines(officer, rnd, [(f"Hộ #{h.pk}", h, None, per_home, None) for h in homes])
        actions.set_round_status(officer, rnd, "open")
    sibling = (
        Organisation.objects.filter(parent=commune_org.parent, level=commune_org.level)
        .exclude(pk=commune_org.pk)
        .order_by("code")
        .first()
    )
    pending = None
    if sibling is not None:
        pending = actions.propose_allocation(
            accountant,
            organisation=rc_hanoi,
            campaign=appeal,
            amount=20_000_000,
            decision_no=f"{dates.today():%d}/QĐ-CTĐHN",
            decision_date=dates.today(),
            target_organisation=sibling,
            note="Hỗ trợ các hộ bị ngập nhà",
        )
    return {"appeal": appeal, "handout_today": rnd, "pending_today": pending}


def _hanoi_round(actor, network, yagi) -> dict:
    """The Hà Nội Red Cross receives Yagi money, passes some to a commune chapter, which
    distributes cash to the poor and near-poor households of the registry."""
    rc_hanoi = network["rc_province"]["1"]
    commune_org = network["communes"].get("4")
    if commune_org is None:
        return {}
    for day, amount, name in [
        (date(2024, 9, 10), 20_000_000, "Công ty CP Thực phẩm Hà Thành"),
        (date(2024, 9, 11), 15_000_000, "Trường THPT Chu Văn An"),
        (date(2024, 9, 12), 5_000_000, "Nhà hảo tâm ẩn danh"),
    ]:
        donations.record_donation(
            actor,
            organisation=rc_hanoi,
            campaign=yagi,
            channel="transfer",
            received_on=day,
            amount=amount,
            donor_name=name,
        )
    lead, accountant, officer = _user("hn.lanhdao"), _user("hn.ketoan"), _user("xa.canbo")
    rnd = actions.create_round(
        officer,
        organisation=commune_org,
        campaign=yagi,
        kind="cash",
        name="Hỗ trợ hộ nghèo, cận nghèo bị ảnh hưởng bão số 3",
        date=date(2024, 9, 20),
        place=f"Nhà văn hóa {commune_org.admin_unit.name}",
        commune=commune_org.admin_unit,
    )
    year = dates.poverty_year()  # the certification the registry's demo households carry
    homes = list(actions.eligible_households(rnd, statuses=("poor", "near_poor"), year=year)[:12])
    if not homes:
        return {"round": rnd}
    per_home = 1_000_000
    allocation = actions.propose_allocation(
        accountant,
        organisation=rc_hanoi,
        campaign=yagi,
        amount=per_home * len(homes),
        decision_no="112/QĐ-CTĐHN",
        decision_date=date(2024, 9, 16),
        target_organisation=commune_org,
    )
    actions.approve_allocation(lead, allocation)
    actions.add_lines(officer, rnd, [(f"Hộ #{h.pk}", h, None, per_home, None) for h in homes])
    union = Organisation.objects.filter(code="HLHPN-1").first() or network["front_province"]["1"]
    for home in homes[:2]:  # the Women's Union gave cash three days earlier
        registry.record_support(
            actor,
            organisation=union,
            household=home,
            date=date(2024, 9, 17),
            kind="cash",
            value=500_000,
            note="Hỗ trợ khẩn cấp sau bão",
        )
    actions.set_round_status(officer, rnd, "open")
    lines = list(rnd.lines.order_by("pk"))
    for line in lines[:-1]:
        try:
            actions.confirm_line(officer, line, method="signature")
        except OverlapWarning:
            if line.household_id == homes[0].pk:
                actions.confirm_line(
                    lead,
                    line,
                    method="id_checked",
                    override_reason="Nhà bị tốc mái hoàn toàn; khoản của Hội LHPN chỉ đủ "
                    "mua lương thực",
                )
    store = actions.create_warehouse(
        actor, organisation=rc_hanoi, name="Kho Hội CTĐ Hà Nội", address="Quận Ba Đình cũ"
    )
    commune_store = actions.create_warehouse(
        actor, organisation=commune_org, name=f"Kho {commune_org.name}"
    )
    noodles, _ = Item.objects.get_or_create(name_key="mi tom", unit="thùng",
                                            defaults={"name": "Mì tôm"})  # fmt: skip
    gift = donations.record_donation(
        actor,
        organisation=rc_hanoi,
        campaign=yagi,
        channel="in_kind",
        received_on=date(2024, 9, 12),
        amount=24_000_000,
        donor_name="Công ty CP Thực phẩm Hà Thành",
        goods_item="Mì tôm",
        goods_quantity=Decimal("200"),
        goods_unit="thùng",
    )
    actions.receive_goods(actor, store, noodles, 200, date=date(2024, 9, 13), donation=gift)
    actions.transfer_goods(
        actor, store, commune_store, noodles, 50, date=date(2024, 9, 18), campaign=yagi
    )
    # rice bought with Yagi money (decision 0023): the accountant proposes the purchase on a
    # Decree 93 use, the leader approves it (the money is spent), the goods receipt names it
    rice, _ = Item.objects.get_or_create(name_key="gao", unit="kg", defaults={"name": "Gạo"})
    purchase = actions.propose_allocation(
        accountant,
        organisation=rc_hanoi,
        campaign=yagi,
        amount=6_000_000,
        decision_no="17/QĐ-CTĐHN-MS",
        decision_date=date(2024, 9, 15),
        purpose=AllowedUse.objects.get(code="food_water_medicine"),
        into_stock=True,
        note="Mua 400 kg gạo cấp cho các hộ bị ngập",
    )
    purchase = actions.approve_allocation(lead, purchase)
    actions.receive_goods(accountant, store, rice, 400, date=date(2024, 9, 16), purchase=purchase)
    return {"round": rnd, "warehouse": store, "purchase": purchase}
