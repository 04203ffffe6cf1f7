"""Membership as a dated history, transfers approved by both sides, the 2025 merger, and
fees with receipts and shares through the ledger (issue #20)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from nhandao.audit import ledger
from nhandao.lib.errors import Refused
from nhandao.orgs import actions as org_actions
from nhandao.orgs.models import MERGER_DAY, OrgLevel
from nhandao.people import actions as people
from nhandao.people import membership as ms
from nhandao.people.models import (
    EndReason,
    FeeMonth,
    FeePayment,
    FeePaymentStatus,
    Membership,
    MembershipTransfer,
    StartVia,
    TransferStatus,
)

D = date


BORN = D(1990, 5, 1)


def person(actor, org, name="Nguyễn Văn An", born=BORN):
    return people.create_individual(actor, organisation=org, full_name=name, birth_date=born)


def both_counts(org, day):
    exact = ms.members_on(org, day).count()
    assert ms.count_on(org, day) == exact, "the summary and the rows disagree"
    return exact


def test_membership_on_a_date_over_transfers_merges_and_ends(cast):
    root = cast.root
    # Quán Thánh (merged into Ba Đình on 1/7/2025) had two members before the merger
    a = person(root, cast.quan_thanh, "Lê Thị Hoa")
    b = person(root, cast.quan_thanh, "Trần Văn Bình")
    ma = ms.join(root, a, cast.quan_thanh, kind="member", started_on=D(2020, 3, 1))
    ms.join(root, b, cast.quan_thanh, kind="member", started_on=D(2021, 3, 1))
    # Ba Đình's own member, who leaves; Ngọc Hà's member
    c = person(root, cast.ba_dinh, "Phạm Văn Cường")
    mc = ms.join(root, c, cast.ba_dinh, kind="member", started_on=D(2025, 8, 1))
    ms.end(root, mc, ended_on=D(2025, 12, 31), reason=EndReason.LEFT)
    d = person(root, cast.ngoc_ha, "Đỗ Thị Dung")
    md = ms.join(root, d, cast.ngoc_ha, kind="member", started_on=D(2025, 9, 1))

    assert ms.carry_merged_members(root, cast.quan_thanh) == 2
    assert ms.carry_merged_members(root, cast.quan_thanh) == 0  # nothing left open
    carried = Membership.objects.get(individual=a, ended_on__isnull=True)
    assert carried.organisation == cast.ba_dinh and carried.started_via == StartVia.MERGER
    assert carried.started_on == MERGER_DAY and carried.previous == ma
    ma.refresh_from_db()
    assert ma.ended_on == MERGER_DAY - timedelta(1) and ma.end_reason == EndReason.MERGER

    # Ngọc Hà's member moves to Ba Đình on 1/2/2026
    transfer = ms.request_transfer(cast.ngoc_ha_officer, md, to_org=cast.ba_dinh,
                                   effective_on=D(2026, 2, 1))  # fmt: skip
    ms.approve_transfer(cast.ba_dinh_officer, transfer)

    # exact, and the summary agrees, on every day that matters
    assert both_counts(cast.quan_thanh, D(2021, 3, 1)) == 2
    assert both_counts(cast.quan_thanh, MERGER_DAY - timedelta(1)) == 2
    assert both_counts(cast.quan_thanh, MERGER_DAY) == 0
    assert both_counts(cast.ba_dinh, D(2020, 3, 1)) == 1  # its predecessor's history counts
    assert both_counts(cast.ba_dinh, MERGER_DAY - timedelta(1)) == 2
    assert both_counts(cast.ba_dinh, MERGER_DAY) == 2  # the merger moves no one out
    assert both_counts(cast.ba_dinh, D(2025, 12, 31)) == 3
    assert both_counts(cast.ba_dinh, D(2026, 1, 1)) == 2  # Cường's last day was 31/12
    assert both_counts(cast.ngoc_ha, D(2026, 1, 31)) == 1
    assert both_counts(cast.ngoc_ha, D(2026, 2, 1)) == 0
    assert both_counts(cast.ba_dinh, D(2026, 2, 1)) == 3
    assert both_counts(cast.hanoi, D(2026, 2, 1)) == 3  # a move within Hà Nội changes nothing
    assert both_counts(cast.central, D(2025, 12, 31)) == 4
    assert both_counts(cast.central, D(2019, 12, 31)) == 0
    # the summary rebuilt from the rows answers the same
    ms.rebuild_counts()
    assert ms.count_on(cast.ba_dinh, D(2026, 2, 1)) == 3


def test_the_monthly_summary_equals_the_rows_on_every_day_across_month_ends(cast):
    """Starts and ends on first and last days of months, within one month, a day apart: the
    count from the monthly summary plus the month's own rows equals the exact count on every
    day of four months, for a commune, its province and the country (kept by the actions,
    then rebuilt)."""
    import random

    from nhandao.people.models import MembershipCount

    rng = random.Random(20)
    days = [D(2026, 1, 1) + timedelta(days=i) for i in range(120)]
    edges = [d for d in days if d.day in (1, 2, 28, 29, 30, 31)]
    for i in range(24):
        org = cast.ba_dinh if i % 3 else cast.ngoc_ha
        start = rng.choice(edges if i % 2 else days)
        m = ms.join(cast.root, person(cast.root, org, f"Hội viên {i}"), org, kind="member",
                    started_on=start)  # fmt: skip
        if i % 4 != 3:
            last = start + timedelta(days=rng.choice([0, 1, 2, 27, 30, 31, 45]))
            ms.end(cast.root, m, ended_on=last, reason="left")
    assert MembershipCount.objects.count() <= 2 * 6  # two communes, at most six months each
    for rebuilt in (False, True):
        if rebuilt:
            ms.rebuild_counts()
        for day in [D(2025, 12, 31), *days, D(2026, 6, 1)]:
            for org in (cast.ba_dinh, cast.hanoi, cast.central):
                both_counts(org, day)


def test_transfer_needs_both_sides_and_queues_are_scoped(cast):
    m = ms.join(cast.root, person(cast.root, cast.ba_dinh), cast.ba_dinh, kind="member",
                started_on=D(2025, 8, 1))  # fmt: skip
    transfer = ms.request_transfer(cast.ba_dinh_officer, m, to_org=cast.ngoc_ha,
                                   effective_on=D(2026, 1, 1), reason="Chuyển nơi ở")  # fmt: skip
    # the requesting side agreed with the request; the receiving side's queue shows it
    assert transfer.from_approved_by == cast.ba_dinh_officer and transfer.to_approved_at is None
    assert list(ms.transfer_queue(cast.ngoc_ha_officer)) == [transfer]
    assert list(ms.transfer_queue(cast.ba_dinh_officer)) == []
    assert list(ms.transfer_queue(cast.tq_officer)) == []  # another province sees nothing
    assert list(ms.transfers_for(cast.tq_officer)) == []
    with pytest.raises(PermissionDenied):
        ms.approve_transfer(cast.tq_officer, transfer)
    ms.approve_transfer(cast.ba_dinh_officer, transfer)  # its side again: still waiting
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING
    assert Membership.objects.get(pk=m.pk).ended_on is None
    ms.approve_transfer(cast.ngoc_ha_officer, transfer)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.DONE
    new = Membership.objects.get(individual=m.individual, ended_on__isnull=True)
    assert (new.organisation, new.started_on, new.previous_id) == (cast.ngoc_ha, D(2026, 1, 1),
                                                                   m.pk)  # fmt: skip
    with pytest.raises(Refused, match="đã được xử lý"):
        ms.approve_transfer(cast.ngoc_ha_officer, transfer)


def test_transfer_bad_input_writes_nothing(cast):
    m = ms.join(cast.root, person(cast.root, cast.ba_dinh), cast.ba_dinh, kind="member",
                started_on=D(2025, 8, 1))  # fmt: skip
    # to a commune of another province, out of the officer's reach
    with pytest.raises(Refused, match="ngoài phạm vi") as refused:
        ms.request_transfer(cast.ba_dinh_officer, m, to_org=cast.tq_commune,
                            effective_on=D(2026, 1, 1))  # fmt: skip
    assert refused.value.field == "to_org"
    # to a merged chapter
    with pytest.raises(Refused, match="ngoài phạm vi"):
        ms.request_transfer(cast.ba_dinh_officer, m, to_org=cast.quan_thanh,
                            effective_on=D(2026, 1, 1))  # fmt: skip
    # by another commune's officer
    with pytest.raises(PermissionDenied):
        ms.request_transfer(cast.ngoc_ha_officer, m, to_org=cast.ngoc_ha,
                            effective_on=D(2026, 1, 1))  # fmt: skip
    with pytest.raises(Refused, match="Ngày chuyển phải sau"):
        ms.request_transfer(cast.ba_dinh_officer, m, to_org=cast.ngoc_ha,
                            effective_on=D(2025, 8, 1))  # fmt: skip
    assert not MembershipTransfer.objects.exists()
    # the province moves a member across provinces (it reaches neither? the centre does)
    t = ms.request_transfer(cast.tw_admin, m, to_org=cast.tq_commune, effective_on=D(2026, 1, 1))
    assert t.to_org == cast.tq_commune


def test_join_refusals(cast):
    root = cast.root
    old = person(root, cast.ba_dinh, "Vũ Văn Già", born=D(1980, 1, 1))
    with pytest.raises(Refused, match="từ 16 đến 30 tuổi") as refused:
        ms.join(root, old, cast.ba_dinh, kind="youth", started_on=D(2025, 8, 1))
    assert refused.value.field == "kind"
    young = person(root, cast.ba_dinh, "Lý Thị Trẻ", born=D(2005, 1, 1))
    ms.join(root, young, cast.ba_dinh, kind="youth", started_on=D(2025, 8, 1))
    with pytest.raises(Refused, match="đang sinh hoạt tại"):
        ms.join(root, young, cast.ngoc_ha, kind="member", started_on=D(2025, 9, 1))
    with pytest.raises(Refused, match="ngừng hoạt động"):
        ms.join(root, old, cast.quan_thanh, kind="member", started_on=D(2025, 9, 1))
    with pytest.raises(PermissionDenied):
        ms.join(cast.ngoc_ha_officer, old, cast.ba_dinh, kind="member", started_on=D(2025, 9, 1))
    assert Membership.objects.filter(individual=old).count() == 0


def test_suspension_and_resume(cast):
    root = cast.root
    m = ms.join(root, person(root, cast.ba_dinh), cast.ba_dinh, kind="member",
                started_on=D(2024, 8, 1))  # fmt: skip
    with pytest.raises(Refused, match="ghi rõ lý do") as refused:
        ms.end(root, m, ended_on=D(2025, 1, 31), reason=EndReason.SUSPENDED)
    assert refused.value.field == "note"
    ms.end(root, m, ended_on=D(2025, 1, 31), reason=EndReason.SUSPENDED, note="Đi làm xa")
    again = ms.resume(root, Membership.objects.get(pk=m.pk), started_on=D(2025, 9, 1))
    assert again.started_via == StartVia.RESUME and again.previous_id == m.pk
    assert both_counts(cast.ba_dinh, D(2025, 3, 1)) == 0
    assert both_counts(cast.ba_dinh, D(2025, 9, 1)) == 1


# ---- fees ------------------------------------------------------------------------------

SHARES = {"branch": 50, "commune": 30, "province": 15, "central": 5}


@pytest.fixture
def fees(cast):
    ms.set_schedule(cast.tw_manager, year=2026, amount_per_month=1_000,
                    exemption_cap_percent=10, shares=SHARES)  # fmt: skip
    branch = org_actions.create_organisation(
        cast.root, parent=cast.ba_dinh, code="CTD-X4-CH1", name="Chi hội Tổ dân phố 1",
        kind=cast.ba_dinh.kind, level=OrgLevel.BRANCH, admin_unit=None, partner_type="",
    )  # fmt: skip
    return branch


def balance(org):
    return ledger.account_for(org, earmark=ms.FEE_EARMARK).balance()


def test_fee_shares_move_up_through_the_ledger(cast, fees):
    branch = fees
    m = ms.join(cast.root, person(cast.root, branch), branch, kind="member",
                started_on=D(2025, 1, 1))  # fmt: skip
    p = ms.record_payment(cast.ba_dinh_accountant, m, year=2026, months=[1, 2, 3, 4, 5, 6],
                          paid_on=D(2026, 7, 1))  # fmt: skip
    assert p.amount == 6_000 and p.receipt_number == "HP-CTD-X4-CH1-2026-00001"
    assert (balance(branch), balance(cast.ba_dinh), balance(cast.hanoi),
            balance(cast.central)) == (3_000, 1_800, 900, 300)  # fmt: skip
    # at a commune without branches, the commune keeps the branch's share too
    m2 = ms.join(cast.root, person(cast.root, cast.ngoc_ha, "Hà Văn Hai"), cast.ngoc_ha,
                 kind="member", started_on=D(2025, 1, 1))  # fmt: skip
    p2 = ms.record_payment(cast.root, m2, year=2026, months=[1], paid_on=D(2026, 7, 1))
    assert p2.receipt_number == "HP-CTD-X8-2026-00001"  # numbered per organisation
    assert balance(cast.ngoc_ha) == 800 and balance(cast.hanoi) == 1_050

    # a month paid twice is refused, nothing written
    with pytest.raises(Refused, match="đã nộp hội phí tháng 3, 6/2026") as refused:
        ms.record_payment(cast.ba_dinh_accountant, m, year=2026, months=[3, 6, 7],
                          paid_on=D(2026, 7, 2))  # fmt: skip
    assert refused.value.field == "months"
    assert FeePayment.objects.count() == 2 and balance(branch) == 3_000

    # annulled, never deleted: the money comes back down, the months are free again
    ms.annul_payment(cast.ba_dinh_accountant, p, "Ghi nhầm người nộp")
    p.refresh_from_db()
    assert p.status == FeePaymentStatus.ANNULLED and FeePayment.objects.count() == 2
    assert (balance(branch), balance(cast.ba_dinh), balance(cast.hanoi),
            balance(cast.central)) == (0, 0, 150, 50)  # fmt: skip
    assert not FeeMonth.objects.filter(payment=p, valid=True).exists()
    with pytest.raises(Refused, match="đã bị hủy"):
        ms.annul_payment(cast.ba_dinh_accountant, p, "lần nữa")
    again = ms.record_payment(cast.ba_dinh_accountant, m, year=2026, months=[3],
                              paid_on=D(2026, 7, 2))  # fmt: skip
    assert again.receipt_number.endswith("-00002")  # numbers are never reused
    assert all(
        ledger.verify(a).ok
        for a in [
            ledger.account_for(o, earmark=ms.FEE_EARMARK)
            for o in (branch, cast.ba_dinh, cast.hanoi)
        ]
    )


def test_fee_refusals(cast, fees):
    m = ms.join(cast.root, person(cast.root, cast.ba_dinh), cast.ba_dinh, kind="member",
                started_on=D(2026, 3, 1))  # fmt: skip
    with pytest.raises(Refused, match="không sinh hoạt .* trong tháng 1, 2/2026"):
        ms.record_payment(cast.root, m, year=2026, months=[1, 2, 3], paid_on=D(2026, 7, 1))
    with pytest.raises(Refused, match="Chưa có mức hội phí năm 2027"):
        ms.record_payment(cast.root, m, year=2027, months=[1], paid_on=D(2026, 7, 1))
    with pytest.raises(PermissionDenied):
        ms.record_payment(cast.ba_dinh_officer, m, year=2026, months=[3], paid_on=D(2026, 7, 1))
    with pytest.raises(PermissionDenied):
        ms.set_schedule(cast.hn_manager, year=2027, amount_per_month=2_000,
                        exemption_cap_percent=10, shares=SHARES)  # fmt: skip
    with pytest.raises(Refused, match="cộng lại đúng 100"):
        ms.set_schedule(cast.tw_manager, year=2027, amount_per_month=2_000,
                        exemption_cap_percent=10, shares={"commune": 60})  # fmt: skip
    assert FeePayment.objects.count() == 0


def test_exemptions_above_the_cap_are_refused(cast, fees):
    members = [
        ms.join(
            cast.root,
            person(cast.root, cast.ba_dinh, f"Hội Viên {i}"),
            cast.ba_dinh,
            kind="member",
            started_on=D(2025, 1, 1),
        )  # fmt: skip
        for i in range(20)
    ]
    ms.exempt(cast.ba_dinh_officer, members[0], year=2026, reason="Hoàn cảnh khó khăn")
    ms.exempt(cast.ba_dinh_officer, members[1], year=2026, reason="Người cao tuổi")
    with pytest.raises(Refused, match="Vượt mức miễn tối đa 10 %.*20 hội viên.*tối đa 2"):
        ms.exempt(cast.ba_dinh_officer, members[2], year=2026, reason="Ốm đau")


def test_arrears_of_a_commune(cast, fees):
    root = cast.root
    a = ms.join(root, person(root, cast.ba_dinh, "An"), cast.ba_dinh, kind="member",
                started_on=D(2025, 1, 1))  # fmt: skip
    ms.join(root, person(root, cast.ba_dinh, "Bình"), cast.ba_dinh, kind="member",
                started_on=D(2026, 5, 10))  # fmt: skip
    c = ms.join(root, person(root, cast.ba_dinh, "Cúc"), cast.ba_dinh, kind="member",
                started_on=D(2025, 1, 1))  # fmt: skip
    ms.record_payment(root, a, year=2026, months=[1, 2, 3, 4, 5, 6], paid_on=D(2026, 6, 1))
    ms.end(root, c, ended_on=D(2026, 3, 20), reason=EndReason.LEFT)  # owes January–March
    rows = ms.arrears(cast.ba_dinh, 2026, D(2026, 6, 30))
    assert [(r["individual"].full_name, r["due"], r["paid"], r["owed"]) for r in rows] == [
        ("Cúc", 3, 0, 3_000),
        ("Bình", 2, 0, 2_000),
    ]
    # the fee history follows a member who moves: paid months count wherever they were paid
    t = ms.request_transfer(root, a, to_org=cast.ngoc_ha, effective_on=D(2026, 6, 1))
    ms.approve_transfer(root, t)
    assert [r["individual"].full_name for r in ms.arrears(cast.ngoc_ha, 2026, D(2026, 6, 30))] == []


def test_members_on_command_prints_the_documented_lines(cast, capsys):
    from pathlib import Path

    from django.core.management import CommandError, call_command

    for name in ("Lê Thị Hoa", "Trần Văn Bình"):
        ms.join(cast.root, person(cast.root, cast.quan_thanh, name), cast.quan_thanh,
                kind="member", started_on=D(2020, 3, 1))  # fmt: skip
    ms.carry_merged_members(cast.root, cast.quan_thanh)
    call_command("members_on", "CTD-X4", "31/12/2025")
    call_command("members_on", "CTD-X4", "31/12/2025", "--exact")
    printed = capsys.readouterr().out.strip().splitlines()
    howto = (Path(__file__).parent.parent / "docs" / "howto.md").read_text(encoding="utf-8")
    documented = howto.split("## Members on a date (issue #20)")[1].split("```")[1]
    assert printed == [line for line in documented.strip().splitlines() if not line.startswith("$")]
    with pytest.raises(CommandError, match="Không có tổ chức"):
        call_command("members_on", "KHONG-CO")
