"""Demo campaigns and money: the typhoon Yagi appeal of September 2024 with the real
accounts of the published statements (Vietcombank 0011001932418 of the Central relief board,
Agribank 1500201113838 of the Hanoi Front committee) and slices of those statements
imported; a Tháng Nhân đạo campaign with cash and in-kind donations and a receipt.

Everything goes through the actions and the importer, as in real use.
"""

from datetime import date
from pathlib import Path

from nhandao.campaigns import actions
from nhandao.campaigns.models import CampaignKind, CampaignStatus
from nhandao.donations import actions as donations
from nhandao.donations import importers, receipts

DATA = Path(__file__).resolve().parent / "data"
VCB_SLICE = "vcb_0011001932418_2024-09-01_2024-09-10_slice.csv"
AGRIBANK_SLICE = "agribank_1500201113838_2024-09-09_2024-09-12_slice.csv"


def _through(actor, campaign, *statuses):
    for status in statuses:
        campaign = actions.set_status(actor, campaign, status)
    return campaign


def _import(actor, account, filename):
    data = (DATA / filename).read_bytes()
    statement = donations.create_statement(actor, account, filename=filename, data=data)
    importers.run_import(statement, data, actor=actor)
    return statement


def seed(actor, network) -> dict:
    relief, hanoi_front = network["relief_central"], network["front_province"]["1"]
    yagi = actions.create_campaign(
        actor,
        code="YAGI-2024",
        name="Ủng hộ đồng bào bị thiệt hại do bão số 3 (Yagi)",
        kind=CampaignKind.APPEAL,
        organisation=relief,
        co_organisers=[network["front_central"], network["rc_central"]],
        theme="Chung tay khắc phục hậu quả bão số 3 và mưa lũ sau bão",
        launch_date=date(2024, 9, 7),
        receiving_end=date(2024, 12, 5),
        distribution_end=date(2024, 12, 25),
        target_amount=1_000_000_000_000,
        transfer_memo="YAGI2024",
        goods_dropoff=(
            "Kho Ban Cứu trợ Trung ương, 46 Tràng Thi, Hoàn Kiếm, Hà Nội; 7h30–21h hằng ngày.\n"
            "Đang cần: nước uống đóng chai, mì tôm, áo phao, thuốc tiêu chảy, áo mưa."
        ),
    )
    yagi_hn = actions.create_campaign(
        actor,
        code="YAGI-2024-HN",
        name="Hà Nội ủng hộ đồng bào bị thiệt hại do bão Yagi",
        kind=CampaignKind.APPEAL,
        organisation=hanoi_front,
        parent=yagi,
        launch_date=date(2024, 9, 9),
        receiving_end=date(2024, 12, 5),
        distribution_end=date(2024, 12, 25),
        target_amount=300_000_000_000,
    )
    for campaign in (yagi, yagi_hn):
        _through(actor, campaign, CampaignStatus.RECEIVING)
    vcb = donations.create_bank_account(
        actor,
        bank="VCB",
        number="0011001932418",
        holder="MTTQ VN - BAN CUU TRO TW",
        organisation=relief,
        campaign=yagi,
    )
    agribank = donations.create_bank_account(
        actor,
        bank="AGRIBANK",
        number="1500201113838",
        holder="UY BAN MAT TRAN TO QUOC VIET NAM TP HA NOI",
        organisation=hanoi_front,
        campaign=yagi_hn,
    )
    _import(actor, vcb, VCB_SLICE)
    _import(actor, agribank, AGRIBANK_SLICE)
    for campaign in (yagi, yagi_hn):
        _through(
            actor,
            campaign,
            CampaignStatus.DISTRIBUTING,
            CampaignStatus.CLOSED,
            CampaignStatus.PUBLISHED,
        )

    # Tháng Nhân đạo: the national campaign and the Hanoi chapter's part, with counter gifts.
    rc_central, rc_hanoi = network["rc_central"], network["rc_province"]["1"]
    month = actions.create_campaign(
        actor,
        code="TND-2026",
        name="Tháng Nhân đạo năm 2026",
        kind=CampaignKind.HUMANITARIAN_MONTH,
        organisation=rc_central,
        theme="Hành trình nhân đạo – Lan tỏa yêu thương",
        launch_date=date(2026, 5, 1),
        receiving_end=date(2026, 5, 31),
        target_amount=800_000_000_000,
        target_gifts=1_500_000,
        target_people=1_700_000,
        transfer_memo="TND2026",
    )
    month_hn = actions.create_campaign(
        actor,
        code="TND-2026-HN",
        name="Tháng Nhân đạo năm 2026 – Hà Nội",
        kind=CampaignKind.HUMANITARIAN_MONTH,
        organisation=rc_hanoi,
        parent=month,
        launch_date=date(2026, 5, 1),
        receiving_end=date(2026, 5, 31),
        target_amount=40_000_000_000,
        target_gifts=60_000,
    )
    for campaign in (month, month_hn):
        _through(actor, campaign, CampaignStatus.RECEIVING)
    donor = donations.find_or_create_donor(
        actor,
        rc_hanoi,
        name="Công ty CP Thực phẩm Hà Thành",
        kind="business",
        code="0101234567",
        consent_publish=True,
    )
    gifts = [
        dict(
            channel="cash",
            received_on=date(2026, 5, 8),
            amount=50_000_000,
            donor=donor,
            donor_name=donor.name,
        ),
        dict(
            channel="in_kind",
            received_on=date(2026, 5, 12),
            amount=36_000_000,
            donor=donor,
            donor_name=donor.name,
            goods_item="Gạo tẻ",
            goods_quantity=2400,
            goods_unit="kg",
        ),
        dict(
            channel="cash",
            received_on=date(2026, 5, 15),
            amount=2_000_000,
            donor_name="Trường THPT Chu Văn An",
            earmark_kind="purpose",
            earmark_ref="Học bổng cho học sinh nghèo vượt khó",
        ),
        dict(channel="cash", received_on=date(2026, 5, 20), amount=500_000, donor_name=""),
    ]
    recorded = [
        donations.record_donation(actor, organisation=rc_hanoi, campaign=month_hn, **g)
        for g in gifts
    ]
    receipts.issue(actor, recorded[0])
    receipts.issue(actor, recorded[1])
    return {"yagi": yagi, "yagi_hn": yagi_hn, "month": month, "vcb": vcb, "agribank": agribank}
