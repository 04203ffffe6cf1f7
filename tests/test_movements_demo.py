"""The demo movements: this year's Tháng Nhân đạo and the coming Tết Nhân ái exist at every
level of the network with targets, last year's month beside this year's, and a Tết fair
with a voucher for each poor household of the ward."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from nhandao.campaigns.models import Campaign
from nhandao.demo import campaigns as campaigns_demo
from nhandao.demo import movements as demo
from nhandao.movements import actions, results
from tests.test_relief_fixtures import household, unit


def test_the_demo_launches_both_movements_at_every_level_with_a_fair(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = date(2026, 12, 4)
    network = {
        "relief_central": cast.front, "front_central": cast.front, "rc_central": cast.central,
        "rc_province": {"1": cast.hanoi}, "front_province": {"1": cast.hanoi},
        "communes": {"4": cast.ba_dinh, "8": cast.ngoc_ha},
    }  # fmt: skip
    with time_machine.travel(datetime(2026, 12, 4, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        campaigns_demo.seed(cast.root, network)
        for name in ("Nguyễn Văn Một", "Lê Hai"):
            household(cast, unit("4"), cast.ba_dinh, name, year=today.year)
        seeded = demo.seed(cast.root, network)
    for key in ("month", "tet"):
        national = seeded[key].campaign
        orgs = set(
            Campaign.objects.filter(pk__in=national.subtree_ids()).values_list(
                "organisation__code", flat=True
            )
        )
        assert orgs == {"CTD-TW", "CTD-1", "CTD-8", "CTD-X4", "CTD-X8", cast.tq_commune.code}
        ba_dinh = Campaign.objects.get(pk__in=national.subtree_ids(), organisation=cast.ba_dinh)
        assert actions.targets_of(ba_dinh)  # proposed targets at the commune level
    month = seeded["month"]
    hanoi = month.campaign.parts.get(organisation=cast.hanoi)
    rollup = results.rollup(hanoi, month)
    assert rollup.own.results["money"] > 0  # the counter gifts of the campaigns demo
    assert rollup.own.last_year["money"] == 41_500_000  # last year's month, beside
    tet = results.rollup(seeded["tet"].campaign.parts.get(organisation=cast.hanoi), seeded["tet"])
    assert tet.tet_left_behind == 2
    assert seeded["fair"].vouchers.count() == 2 and seeded["fair"].stalls.count() == 2
