"""Movements (issue #22): a yearly movement launched at every level with inherited dates,
theme and proposed targets; targets beyond money against results from the data, rolled up;
Tết Nhân ái's rule per commune; the bad input of the issue."""

from datetime import date

import pytest

from nhandao.campaigns.models import Campaign, CampaignStatus
from nhandao.lib.errors import Refused
from nhandao.movements import actions, results
from nhandao.movements.models import Launch, LaunchStatus, Target


def make_movement(cast, **kw):
    fields = {
        "code": "TND",
        "name": "Tháng Nhân đạo",
        "kind": "humanitarian_month",
        "start_month": 5,
        "start_day": 1,
        "end_month": 5,
        "end_day": 31,
    }
    fields.update(kw)
    defaults = {("commune", "gifts"): 50}
    return actions.create_movement(
        cast.tw_manager, organisation=cast.central, defaults=defaults, **fields
    )


@pytest.fixture
def movement(cast):
    return make_movement(cast)


@pytest.fixture
def edition(cast, movement):
    return actions.launch_edition(
        cast.tw_manager,
        movement,
        year=2026,
        theme="Hành trình nhân đạo – Trao nhận yêu thương",
        targets={"money": 1_000_000_000, "gifts": 1000, "people": 2000},
    )


def launch(actor, campaign, tasks, depth="children"):
    run = actions.launch_parts(actor, campaign, depth=depth)
    tasks.run()
    run.refresh_from_db()
    return run


def test_a_year_is_launched_with_the_usual_dates_and_its_targets(cast, edition):
    campaign = edition.campaign
    assert campaign.code == "TND2026"
    assert (campaign.launch_date, campaign.receiving_end) == (date(2026, 5, 1), date(2026, 5, 31))
    assert campaign.status == CampaignStatus.RECEIVING
    assert campaign.theme.startswith("Hành trình")
    assert actions.targets_of(campaign) == {"money": 1_000_000_000, "gifts": 1000, "people": 2000}


def test_each_level_launches_its_parts_which_inherit_dates_theme_and_targets(cast, edition, tasks):
    national = edition.campaign
    run = launch(cast.tw_manager, national, tasks)
    assert (run.status, run.done, run.total) == (LaunchStatus.DONE, 2, 2)
    provinces = {c.organisation_id: c for c in national.parts.all()}
    assert set(provinces) == {cast.hanoi.pk, cast.tuyen_quang.pk}
    hanoi = provinces[cast.hanoi.pk]
    assert hanoi.theme == national.theme and hanoi.launch_date == national.launch_date
    assert hanoi.receiving_end == national.receiving_end
    assert hanoi.status == CampaignStatus.RECEIVING
    # no default for provinces: the national target shared between the two provinces
    assert actions.targets_of(hanoi) == {"money": 500_000_000, "gifts": 500, "people": 1000}
    # the province launches its communes (Ba Đình and Ngọc Hà; the merged Quán Thánh is not)
    run = launch(cast.hn_officer, hanoi, tasks)
    communes = {c.organisation_id: c for c in hanoi.parts.all()}
    assert set(communes) == {cast.ba_dinh.pk, cast.ngoc_ha.pk}
    # the commune default (50 gifts) wins over the share
    assert actions.targets_of(communes[cast.ba_dinh.pk])["gifts"] == 50
    assert actions.targets_of(communes[cast.ba_dinh.pk])["money"] == 250_000_000


def test_the_centre_launches_every_level_at_once(cast, edition, tasks):
    run = launch(cast.tw_manager, edition.campaign, tasks, depth="all")
    assert run.done == run.total == 5  # 2 provinces + 3 communes
    ba_dinh = Campaign.objects.get(organisation=cast.ba_dinh)
    assert ba_dinh.parent.organisation == cast.hanoi
    assert ba_dinh.parent.parent == edition.campaign
    # launching again adds nothing
    with pytest.raises(Refused, match="đã có phần"):
        actions.launch_parts(cast.tw_manager, edition.campaign, depth="all")
