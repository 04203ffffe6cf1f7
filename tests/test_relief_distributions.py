# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""Distribution rounds: beneficiary lines from the registry, all-or-nothing validation, reach,
confirmation of receipt (money out of the fund, a support record in the registry), overlap
warnings across organisations with a manager's recorded override, and the round pipeline."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from nhandao.audit.models import LedgerEntry
from nhandao.beneficiaries.models import SupportRecord
from nhandao.relief import actions, public
from nhandao.relief.models import DistributionLine, DistributionSummary, LineStatus
from nhandao.relief.rules import OverlapWarning, ReliefError
from tests.test_relief_fixtures import (  # noqa: F401  (fixtures)
    DAY,
    allocate,
    balance,
    donate,
    earlier_support,
    funded,
    hanoi_round,
    household,
    unit,
    yagi,
)


@pytest.fixture
def ba_dinh_unit(db):
    return unit("4")


@pytest.fixture
def households(cast, ba_dinh_unit):
    return [
        household(cast, ba_dinh_unit, cast.ba_dinh, "Nguyễn Thị Hoa"),
        household(cast, ba_dinh_unit, cast.ba_dinh, "Trần Văn Nam"),
        household(cast, ba_dinh_unit, cast.hanoi, "Lê Thị Mai", status="near_poor"),
    ]


@pytest.fixture
def hn_round(cast, funded, ba_dinh_unit):
    allocate(cast, funded, cast.hanoi, 5_000_000)
    return hanoi_round(
        cast,
        funded,
        name="Trao tiền hỗ trợ Ba Đình",
        place="Nhà văn hóa phường",
        commune=ba_dinh_unit,
    )


def test_the_poor_households_of_a_commune_become_lines_of_a_round(cast, hn_round, households):
    lines = actions.add_lines_from_registry(
        cast.hn_officer, hn_round, value=1_000_000, statuses=("poor",)
    )
    assert {line.recipient_name for line in lines} == {"Nguyễn Thị Hoa", "Trần Văn Nam"}
    both = actions.add_lines_from_registry(
        cast.hn_officer, hn_round, value=500_000, statuses=("poor", "near_poor")
    )
    assert [line.recipient_name for line in both] == ["Lê Thị Mai"]  # the others are present


def test_confirming_a_line_pays_from_the_fund_and_writes_the_support_history(
    cast, hn_round, households
):
    actions.add_lines_from_registry(cast.hn_officer, hn_round, value=1_000_000)
    actions.set_round_status(cast.hn_officer, hn_round, "open")
    line = hn_round.lines.first()
    line = actions.confirm_line(cast.hn_officer, line, method="signature")
    assert line.status == LineStatus.RECEIVED
    assert balance(cast.hanoi, hn_round.campaign) == 4_000_000
    support = SupportRecord.objects.get(pk=line.support_record_id)
    assert (support.household_id, support.kind, support.value) == (
        line.household_id,
        "cash",
        1_000_000,
    )
    summary = DistributionSummary.objects.get()
    assert (summary.lines, summary.households, summary.value) == (1, 1, 1_000_000)
    reached = public.people_reached(hn_round.campaign)
    assert reached["households"] == 1 and reached["value"] == 1_000_000


def test_a_household_outside_the_organisations_reach_is_refused(cast, funded, households):
    allocate(cast, funded, cast.tuyen_quang, 1_000_000)
    rnd = actions.create_round(
        cast.tq_officer,
        organisation=cast.tuyen_quang,
        campaign=funded,
        kind="cash",
        name="Tuyên Quang",
        date=DAY,
    )
    with pytest.raises(ReliefError, match="nằm ngoài phạm vi quản lý và địa bàn"):
        actions.add_lines(cast.tq_officer, rnd, [("Dòng 1", households[0], None, 100_000, None)])
    assert DistributionLine.objects.count() == 0


def test_duplicate_lines_are_rejected_and_nothing_is_added(cast, hn_round, households):
    entries = [
        ("Dòng 2", households[0], None, 100_000, None),
        ("Dòng 3", households[1], None, 100_000, None),
        ("Dòng 4", households[0], None, 100_000, None),
    ]
    with pytest.raises(ReliefError, match="Dòng 4: trùng hộ “Nguyễn Thị Hoa” với Dòng 2"):
        actions.add_lines(cast.hn_officer, hn_round, entries)
    assert DistributionLine.objects.count() == 0
    actions.add_lines(cast.hn_officer, hn_round, entries[:1])
    with pytest.raises(ReliefError, match="đã có trong danh sách của đợt này"):
        actions.add_lines(cast.hn_officer, hn_round, entries[:1])


def test_opening_a_round_beyond_the_fund_is_refused(cast, hn_round, households):
    actions.add_lines_from_registry(cast.hn_officer, hn_round, value=3_000_000)
    with pytest.raises(ReliefError, match=r"Vượt số dư: danh sách cần 6\.000\.000 ₫"):
        actions.set_round_status(cast.hn_officer, hn_round, "open")
    hn_round.refresh_from_db()
    assert hn_round.status == "draft"


def test_an_overlap_with_another_organisations_support_warns_before_confirming(
    cast, hn_round, households
):
    # The Front gave the same household cash three days earlier.
    earlier_support(cast, households[0], day=date(2024, 9, 12))
    actions.add_lines(cast.hn_officer, hn_round, [("Dòng 1", households[0], None, 1_000_000, None)])
    actions.set_round_status(cast.hn_officer, hn_round, "open")
    line = hn_round.lines.get()
    entries = LedgerEntry.objects.count()
    with pytest.raises(
        OverlapWarning,
        match="Cảnh báo trùng: “Nguyễn Thị Hoa” đã nhận Tiền mặt "
        r"300\.000 ₫ ngày 12/09/2024 của “Ủy ban Trung ương",
    ):
        actions.confirm_line(cast.hn_officer, line, method="signature")
    with pytest.raises(PermissionDenied, match="Chỉ lãnh đạo"):
        actions.confirm_line(
            cast.hn_officer, line, method="signature", override_reason="Nhà bị sập hoàn toàn"
        )
    assert LedgerEntry.objects.count() == entries
    line.refresh_from_db()
    assert line.status == LineStatus.PLANNED
    line = actions.confirm_line(
        cast.hn_manager, line, method="signature", override_reason="Nhà bị sập hoàn toàn"
    )
    assert line.override_reason == "Nhà bị sập hoàn toàn" and line.overridden_by == cast.hn_manager


def test_support_of_another_kind_or_outside_the_window_is_not_an_overlap(
    cast, hn_round, households
):
    earlier_support(cast, households[0], day=date(2024, 9, 12), kind="gift")
    earlier_support(cast, households[0], day=date(2024, 7, 1))
    actions.add_lines(cast.hn_officer, hn_round, [("Dòng 1", households[0], None, 1_000_000, None)])
    actions.set_round_status(cast.hn_officer, hn_round, "open")
    assert actions.confirm_line(cast.hn_officer, hn_round.lines.get(), method="id_checked")


def test_a_member_of_the_household_receiving_counts_as_an_overlap(cast, hn_round, households):
    head = households[0].head
    earlier_support(cast, day=date(2024, 9, 14), value=200_000, org=cast.ngoc_ha, person=head)
    actions.add_lines(cast.hn_officer, hn_round, [("Dòng 1", households[0], None, 1_000_000, None)])
    actions.set_round_status(cast.hn_officer, hn_round, "open")
    with pytest.raises(OverlapWarning):
        actions.confirm_line(cast.hn_officer, hn_round.lines.get(), method="photo")


def test_the_round_pipeline_is_explicit(cast, hn_round, households):
    with pytest.raises(ReliefError, match="Danh sách cấp phát chưa có người nhận"):
        actions.set_round_status(cast.hn_officer, hn_round, "open")
    actions.add_lines_from_registry(cast.hn_officer, hn_round, value=100_000)
    with pytest.raises(ReliefError, match="Chỉ xác nhận nhận hàng/tiền khi đợt đang cấp phát"):
        actions.confirm_line(cast.hn_officer, hn_round.lines.first(), method="signature")
    with pytest.raises(ReliefError, match="Không thể chuyển đợt cấp phát"):
        actions.set_round_status(cast.hn_officer, hn_round, "closed")
    actions.set_round_status(cast.hn_officer, hn_round, "open")
    actions.confirm_line(cast.hn_officer, hn_round.lines.first(), method="signature")
    actions.set_round_status(cast.hn_officer, hn_round, "closed")
    statuses = sorted(hn_round.lines.values_list("status", flat=True))
    assert statuses == ["cancelled", "received"]
    assert [h.to_status for h in hn_round.history.all()] == ["draft", "open", "closed"]


def test_unconditional_appeal_money_cannot_pay_a_kind_outside_the_decree_list(
    cast, hn_round, households
):
    rnd = hanoi_round(cast, hn_round.campaign, name="Học bổng", kind="scholarship")
    with pytest.raises(ReliefError, match="hình thức “Học bổng” không thuộc danh mục"):
        actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", households[0], None, 100_000, None)])


def test_money_earmarked_for_a_household_pays_only_that_household(cast, yagi, households):
    donate(cast.hanoi, yagi, 2_000_000, earmark_kind="beneficiary", earmark_ref="Nguyễn Thị Hoa")
    rnd = hanoi_round(cast, yagi, name="Chuyển tiền chỉ định", earmark="beneficiary:nguyen thi hoa")
    with pytest.raises(
        ReliefError,
        match="Dòng 1: Tiền chỉ định cho “Nguyễn Thị Hoa” chỉ được cấp cho đúng hộ/người đó",
    ):
        actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", households[1], None, 100_000, None)])
    actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", households[0], None, 2_000_000, None)])
    actions.set_round_status(cast.hn_officer, rnd, "open")
    actions.confirm_line(cast.hn_officer, rnd.lines.get(), method="signature")
    assert balance(cast.hanoi, yagi, "beneficiary:nguyen thi hoa") == 0


def test_a_user_without_edit_rights_cannot_make_a_round(cast, funded):
    with pytest.raises(PermissionDenied, match="không có quyền lập đợt"):
        actions.create_round(
            cast.hn_viewer,
            organisation=cast.hanoi,
            campaign=funded,
            kind="cash",
            name="x",
            date=DAY,
        )


def livelihood_round(cast, campaign):
    return hanoi_round(cast, campaign, name="Trao bò giống sau bão", kind="livelihood")


def test_a_livelihood_round_writes_livelihood_support_records(cast, hn_round, households):
    rnd = livelihood_round(cast, hn_round.campaign)
    actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", households[0], None, 1_500_000, None)])
    actions.set_round_status(cast.hn_officer, rnd, "open")
    line = actions.confirm_line(cast.hn_officer, rnd.lines.get(), method="signature")
    support = SupportRecord.objects.get(pk=line.support_record_id)
    assert (support.kind, support.get_kind_display(), support.value) == (
        "livelihood",
        "Sinh kế khác (thuyền, giống, vốn…)",
        1_500_000,
    )


def test_a_cow_from_the_cow_bank_is_an_overlap_for_a_livelihood_round(cast, hn_round, households):
    # a cow given months earlier (also how livelihood rounds were recorded before the
    # registry had a livelihood kind) is within the livelihood window of a year
    earlier_support(cast, households[0], day=date(2024, 5, 10), kind="cow", value=15_000_000)
    rnd = livelihood_round(cast, hn_round.campaign)
    actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", households[0], None, 1_500_000, None)])
    actions.set_round_status(cast.hn_officer, rnd, "open")
    with pytest.raises(OverlapWarning, match="Bò \\(ngân hàng bò\\) 15\\.000\\.000 ₫"):
        actions.confirm_line(cast.hn_officer, rnd.lines.get(), method="signature")
    # a cash round does not meet the cow
    actions.add_lines(cast.hn_officer, hn_round, [("Dòng 1", households[0], None, 500_000, None)])
    actions.set_round_status(cast.hn_officer, hn_round, "open")
    assert actions.confirm_line(cast.hn_officer, hn_round.lines.get(), method="signature")


def test_every_status_change_writes_a_history_row_with_who_and_why(cast, hn_round, households):
    actions.add_lines_from_registry(cast.hn_officer, hn_round, value=100_000)
    actions.set_round_status(cast.hn_officer, hn_round, "cancelled", "Bão đổi hướng")
    rows = [(h.from_status, h.to_status, h.actor, h.note, str(h)) for h in hn_round.history.all()]
    assert rows == [
        ("", "draft", cast.hn_officer, "Lập đợt", f"{hn_round.pk}: — → draft"),
        (
            "draft",
            "cancelled",
            cast.hn_officer,
            "Bão đổi hướng",
            f"{hn_round.pk}: draft → cancelled",
        ),
    ]
    assert hn_round.history.last().get_to_status_display() == "Đã hủy"
    assert [h.change_text() for h in hn_round.history.all()] == [
        "— → Đang lập danh sách",
        "Đang lập danh sách → Đã hủy",
    ]


def test_a_pages_overlap_warnings_come_from_one_query_and_match_the_rule_line_by_line(
    cast, hn_round, households, django_assert_max_num_queries
):
    hoa, nam, mai = households
    earlier_support(cast, hoa, day=date(2024, 9, 12))  # the household itself
    earlier_support(cast, day=date(2024, 9, 14), org=cast.ngoc_ha, person=nam.head)  # a member
    earlier_support(cast, mai, day=date(2024, 9, 12), kind="gift")  # another kind: no overlap
    actions.add_lines(
        cast.hn_officer,
        hn_round,
        [
            ("Dòng 1", hoa, None, 1_000_000, None),
            ("Dòng 2", nam, None, 1_000_000, None),
            ("Dòng 3", None, hoa.head, 500_000, None),  # a person whose household received
            ("Dòng 4", mai, None, 1_000_000, None),
        ],
    )
    actions.set_round_status(cast.hn_officer, hn_round, "open")
    lines = list(hn_round.lines.select_related("household", "person", "support_record"))
    expected = {
        line.pk: actions.overlap_message(line, found)
        for line in lines
        if (found := actions.overlaps_for(line))
    }
    assert len(expected) == 3
    # a fixed number, whatever the number of lines: the planned lines, the households'
    # members, the records merged into them (one per merge depth), their households, the
    # support records (beneficiaries.support.reach_many, issue #14)
    with django_assert_max_num_queries(5):
        assert actions.overlap_warnings(hn_round, lines) == expected
