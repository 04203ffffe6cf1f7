# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""Decree 93/2021: a relief appeal distributes by its deadline (at most 20 days after
receiving ends). No round of such a campaign is created, opened or confirmed with a date after
it; the round page warns when the deadline comes within the campaign's warning window.

The Yagi appeal of the fixtures was launched on 08/09/2024 without a planned end: receiving
closes 90 days later (07/12/2024), distribution on 27/12/2024."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from nhandao.campaigns.models import Campaign
from nhandao.relief import actions
from nhandao.relief.models import DistributionRound
from nhandao.relief.rules import ReliefError
from tests.test_relief_fixtures import (  # noqa: F401  (fixtures)
    DAY,
    allocate,
    donate,
    funded,
    hanoi_round,
    household,
    make_campaign,
    unit,
    yagi,
)

DEADLINE = date(2024, 12, 27)
HANOI_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


def round_of(cast, campaign, day, name="Trao quà"):
    return hanoi_round(cast, campaign, name=name, day=day)


@pytest.fixture
def hanoi_funds(cast, funded):
    allocate(cast, funded, cast.hanoi, 5_000_000)
    return funded


def test_the_deadline_is_the_one_the_campaign_computes(funded):
    assert funded.distribution_closes_on() == DEADLINE


def test_a_round_dated_after_the_deadline_is_refused_naming_the_date(cast, hanoi_funds):
    with pytest.raises(ReliefError) as caught:
        round_of(cast, hanoi_funds, date(2024, 12, 28))
    assert str(caught.value) == (
        f"Chiến dịch “{hanoi_funds}” phải kết thúc phân phối chậm nhất ngày 27/12/2024 "
        "(Nghị định 93/2021/NĐ-CP); không thể cấp phát ngày 28/12/2024."
    )
    assert not DistributionRound.objects.exists()
    assert round_of(cast, hanoi_funds, DEADLINE).date == DEADLINE  # the last day is allowed


def test_a_planned_distribution_end_earlier_than_the_law_is_the_deadline(cast):
    early = make_campaign(cast.root, cast.central, code="LULU", distribution_end=date(2024, 10, 31))
    with pytest.raises(ReliefError, match="chậm nhất ngày 31/10/2024"):
        round_of(cast, early, date(2024, 11, 1))


def test_campaigns_outside_decree_93_have_no_such_limit(cast):
    tet = make_campaign(cast.root, cast.central, code="TET", kind="tet")
    donate(cast.central, tet, 2_000_000)
    allocate(cast, tet, cast.hanoi, 1_000_000)
    assert round_of(cast, tet, date(2025, 6, 1)).status == "draft"


def test_opening_a_round_after_the_deadline_moved_earlier_is_refused(cast, hanoi_funds):
    home = household(cast, unit("4"), cast.ba_dinh, "Nguyễn Thị Hoa")
    rnd = round_of(cast, hanoi_funds, date(2024, 11, 20))
    actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", home, None, 500_000, None)])
    Campaign.objects.filter(pk=hanoi_funds.pk).update(distribution_end=date(2024, 11, 15))
    with pytest.raises(ReliefError, match="chậm nhất ngày 15/11/2024.*ngày 20/11/2024"):
        actions.set_round_status(cast.hn_officer, rnd, "open")
    rnd.refresh_from_db()
    assert rnd.status == "draft"


def test_a_receipt_dated_after_the_deadline_is_refused(cast, hanoi_funds):
    home = household(cast, unit("4"), cast.ba_dinh, "Nguyễn Thị Hoa")
    rnd = round_of(cast, hanoi_funds, date(2024, 12, 20))
    actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", home, None, 500_000, None)])
    actions.set_round_status(cast.hn_officer, rnd, "open")
    line = rnd.lines.get()
    with pytest.raises(ReliefError, match="không thể cấp phát ngày 30/12/2024"):
        actions.confirm_line(
            cast.hn_officer, line, method="signature", received_on=date(2024, 12, 30)
        )
    line.refresh_from_db()
    assert line.status == "planned" and line.support_record_id is None
    confirmed = actions.confirm_line(cast.hn_officer, line, method="signature")
    assert confirmed.status == "received" and confirmed.received_on == date(2024, 12, 20)


def test_the_round_page_through_the_form_shows_the_refusal(cast, login, hanoi_funds):
    response = login(cast.hn_officer).post(
        reverse("relief_round_create"),
        {
            "organisation": "CTD-1",
            "campaign": hanoi_funds.code,
            "kind": "cash",
            "name": "Trao muộn",
            "date": "05/01/2025",
        },
    )
    assert response.status_code == 200
    assert "chậm nhất ngày 27/12/2024" in response.content.decode()
    assert not DistributionRound.objects.exists()


def page_on(client, rnd, day):
    with time_machine.travel(datetime(*day, 9, 0, tzinfo=HANOI_TIME), tick=False):
        return client.get(reverse("relief_round", args=[rnd.pk])).content.decode()


def test_the_round_page_warns_within_the_warning_window(cast, login, hanoi_funds):
    rnd = round_of(cast, hanoi_funds, date(2024, 12, 24))
    client = login(cast.hn_officer)
    assert 'id="deadline-warning"' not in page_on(client, rnd, (2024, 12, 19))  # 8 days left
    page = page_on(client, rnd, (2024, 12, 20))  # 7 days: the campaign's warning window
    assert (
        "Hạn kết thúc phân phối của chiến dịch là ngày 27/12/2024 (còn 7 ngày, Nghị định "
        "93/2021/NĐ-CP)" in page
    )
    assert "(hôm nay," in page_on(client, rnd, (2024, 12, 27))
    assert "Đã quá hạn kết thúc phân phối của chiến dịch (27/12/2024" in page_on(
        client, rnd, (2024, 12, 28)
    )


def test_a_finished_round_or_another_kind_of_campaign_shows_no_warning(cast, login, hanoi_funds):
    rnd = round_of(cast, hanoi_funds, date(2024, 12, 24))
    actions.set_round_status(cast.hn_officer, rnd, "cancelled")
    client = login(cast.hn_officer)
    assert 'id="deadline-warning"' not in page_on(client, rnd, (2024, 12, 26))
    tet = make_campaign(
        cast.root, cast.central, code="TET", kind="tet", distribution_end=date(2025, 1, 20)
    )
    donate(cast.central, tet, 2_000_000)
    allocate(cast, tet, cast.hanoi, 1_000_000)
    tet_round = round_of(cast, tet, date(2025, 1, 18))
    assert 'id="deadline-warning"' not in page_on(client, tet_round, (2025, 1, 17))
