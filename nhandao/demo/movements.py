"""Demo movements (issue #22): Tháng Nhân đạo and Tết Nhân ái as yearly movements of the
Central Committee. This year's Tháng Nhân đạo (receiving now) and the coming Tết Nhân ái
(launched in a week) are the campaigns the campaigns demo built: they become the movements'
editions, get their targets beyond money, and are launched at every level of the demo
network (every province chapter, every commune chapter below). Last year's Tháng Nhân đạo
is closed with a result in Hà Nội, so this year's page shows it beside.
"""

from django.db.models import Q

from nhandao.campaigns import actions as campaigns
from nhandao.campaigns.models import Campaign, CampaignKind, CampaignStatus
from nhandao.demo import dates
from nhandao.donations import actions as donations
from nhandao.movements import actions, fairs
from nhandao.movements.models import Edition, Movement, Target
from nhandao.relief import coverage

DEFAULTS_MONTH = {
    ("province", "money"): 20_000_000_000,
    ("province", "gifts"): 40_000,
    ("province", "people"): 50_000,
    ("commune", "money"): 150_000_000,
    ("commune", "gifts"): 300,
    ("commune", "people"): 400,
}
DEFAULTS_TET = {
    ("province", "gifts"): 60_000,
    ("province", "households"): 50_000,
    ("commune", "gifts"): 500,
    ("commune", "households"): 400,
}


def _adopt(actor, movement, campaign, year, targets):
    """Make an existing national campaign (and its parts) the movement's edition."""
    edition = Edition.objects.create(
        movement=movement, year=year, theme=campaign.theme, campaign=campaign
    )
    Target.objects.bulk_create(
        Target(campaign=campaign, kind=k, value=v, proposed=v) for k, v in targets.items()
    )
    for part in campaign.parts.select_related("organisation"):
        level = "province" if part.organisation.level == "province" else "commune"
        proposed = {k: v for (lv, k), v in movement_defaults(movement).items() if lv == level}
        theme = part.theme or campaign.theme
        actions.adjust_part(
            actor,
            part,
            launch_date=part.launch_date,
            receiving_end=part.receiving_end,
            theme=theme,
            targets=proposed,
        )
    return edition


def movement_defaults(movement):
    return {(d.level, d.kind): d.value for d in movement.defaults.all()}


def _launch_everywhere(actor, campaign):
    launch = actions.launch_parts(actor, campaign, depth="all")
    actions.run_launch(launch.pk)  # in the demo's own transaction (its task finds it done)


def _last_year_month(actor, movement, rc_central, rc_hanoi):
    """Last year's Tháng Nhân đạo, closed: its national campaign and Hà Nội's part with what
    Hà Nội received (the result shown beside this year's)."""
    year = dates.today().year - 1
    edition = actions.launch_edition(
        actor,
        movement,
        year=year,
        theme="Hành trình nhân đạo – Trao nhận yêu thương",
        targets={"money": 780_000_000_000, "gifts": 1_400_000, "people": 1_600_000},
    )
    hanoi = campaigns.create_campaign(
        actor,
        code=f"{edition.campaign.code}-{rc_hanoi.code}",
        name=f"{edition.campaign.name} – {rc_hanoi.name}",
        kind=CampaignKind.HUMANITARIAN_MONTH,
        organisation=rc_hanoi,
        parent=edition.campaign,
        theme=edition.campaign.theme,
        launch_date=edition.campaign.launch_date,
        receiving_end=edition.campaign.receiving_end,
        target_amount=38_000_000_000,
    )
    Target.objects.bulk_create(
        [
            Target(campaign=hanoi, kind="money", value=38_000_000_000),
            Target(campaign=hanoi, kind="gifts", value=55_000),
        ]
    )
    campaigns.set_status(actor, hanoi, CampaignStatus.RECEIVING)
    donations.record_donation(
        actor,
        organisation=rc_hanoi,
        campaign=hanoi,
        channel="transfer",
        received_on=edition.campaign.launch_date,
        amount=41_500_000,
        donor_name="Ngân hàng TMCP Ngoại thương Việt Nam – Chi nhánh Hà Nội",
    )
    for campaign in (hanoi, edition.campaign):
        campaign.refresh_from_db()
        for status in (CampaignStatus.DISTRIBUTING, CampaignStatus.CLOSED):
            campaign = campaigns.set_status(actor, campaign, status)


def seed(actor, network) -> dict:
    rc_central, rc_hanoi = network["rc_central"], network["rc_province"]["1"]
    year = dates.today().year
    month = Movement.objects.create(
        code="TND",
        name="Tháng Nhân đạo",
        kind=CampaignKind.HUMANITARIAN_MONTH,
        organisation=rc_central,
        start_month=5,
        start_day=1,
        end_month=5,
        end_day=31,
        description="Phát động hằng năm từ 1 đến 31/5, chủ đề do Trung ương Hội chọn mỗi năm.",
    )
    tet = Movement.objects.create(
        code="TNA",
        name="Tết Nhân ái",
        kind=CampaignKind.TET,
        organisation=rc_central,
        start_month=12,
        start_day=15,
        end_month=2,
        end_day=15,
        description="“Không có người nghèo, người khó khăn nào không nhận được quà Tết” – "
        "mô hình “Hội chợ – Tặng quà – Vui Tết”.",
    )
    for movement, defaults in ((month, DEFAULTS_MONTH), (tet, DEFAULTS_TET)):
        for (level, kind), value in defaults.items():
            movement.defaults.create(level=level, kind=kind, value=value)
    _last_year_month(actor, month, rc_central, rc_hanoi)
    this_month = Campaign.objects.get(code=f"TND-{year}")
    coming_tet = Campaign.objects.get(
        Q(code__startswith="TET-"), kind=CampaignKind.TET, parent__isnull=True
    )
    spring = int(coming_tet.code.split("-")[1])
    editions = {
        "month": _adopt(
            actor,
            month,
            this_month,
            year,
            {
                "money": 800_000_000_000,
                "gifts": 1_500_000,
                "people": 1_700_000,
                "houses": 2_000,
            },
        ),  # fmt: skip
        "tet": _adopt(
            actor,
            tet,
            coming_tet,
            spring,
            {
                "gifts": 2_000_000,
                "households": 1_800_000,
                "money": 1_000_000_000_000,
            },
        ),  # fmt: skip
    }
    for edition in editions.values():
        _launch_everywhere(actor, edition.campaign)
    editions["fair"] = _fair(actor, network, editions["tet"])
    editions["incident_needs"] = _incident_needs(actor)
    return editions


def _incident_needs(actor) -> list:
    """The needs in kind of the communes the relief demo's typhoon hit (issue #22 item 5),
    set from their damage figures."""
    from nhandao.movements import needs
    from nhandao.relief.models import Incident

    incident = Incident.objects.filter(name="Bão số 3 (Yagi)").first()
    if incident is None:
        return []
    saved = []
    for area in incident.areas.select_related("commune"):
        houses = area.houses_damaged + area.houses_destroyed
        saved += needs.set_needs(
            actor, incident, area.commune,
            {"rice": houses * 15, "water": houses * 40, "tarpaulin": houses,
             "house_repair": area.houses_damaged, "evacuate": houses * 3,
             "money": area.needs_amount},
        )  # fmt: skip
    return saved


def _fair(actor, network, edition):
    """Ba Đình's Tết fair, in three weeks: stalls of sponsors, a voucher for each poor and
    near-poor household of the ward (to redeem on the day)."""
    commune = network["communes"].get("4") or next(iter(network["communes"].values()))
    campaign = Campaign.objects.get(pk__in=edition.campaign.subtree_ids(), organisation=commune)
    fair = fairs.create_fair(
        actor, campaign=campaign, organisation=commune,
        name=f"Hội chợ – Tặng quà – Vui Tết {commune.name.removeprefix('Hội Chữ thập đỏ ')}",
        place="Nhà văn hóa phường, 3 Ngọc Hà", date=dates.days(21), commune=commune.admin_unit,
        gift_value=500_000,
        stalls=[
            {"name": "Gian gạo, dầu ăn", "sponsor": "Công ty CP Thực phẩm Hà Thành",
             "goods": "Gạo 10 kg, dầu ăn 1 lít", "value": 15_000_000},
            {"name": "Gian bánh kẹo, quần áo", "sponsor": "Trường THPT Chu Văn An",
             "goods": "Bánh chưng, mứt Tết, áo ấm", "value": 8_000_000},
        ],
    )  # fmt: skip
    # the sponsors' money for the vouchers, received ahead (the round opens only when the
    # ward's fund covers every voucher)
    homes = coverage.households(campaign, commune.admin_unit).count()
    donations.record_donation(
        actor, organisation=commune, campaign=campaign, channel="transfer",
        received_on=dates.today(), amount=fair.gift_value * homes,
        donor_name="Công ty CP Thực phẩm Hà Thành",
    )  # fmt: skip
    fairs.issue_vouchers(actor, fair)
    return fair
