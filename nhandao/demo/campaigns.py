"""Demo campaigns and money: the typhoon Yagi appeal of September 2024 with the real
accounts of the published statements (Vietcombank 0011001932418 of the Central relief board,
Agribank 1500201113838 of the Hanoi Front committee, VietinBank 111602391111 of the Central
relief mobilisation board) and slices of those statements imported (dated 2024, as the
statements are; VietinBank's as the PDF the bank published, its lines linked to their page);
a Tháng Nhân đạo of this year receiving now with cash and in-kind donations and receipts, a
Tết Nhân ái about to launch, and a flood appeal in distribution (dates counted from the day
the demo is built: dates.py).

Everything goes through the actions and the importer, as in real use.
"""

from datetime import date
from pathlib import Path

from nhandao.campaigns import actions
from nhandao.campaigns.models import CampaignKind, CampaignStatus
from nhandao.demo import dates
from nhandao.donations import actions as donations
from nhandao.donations import importers, receipts

DATA = Path(__file__).resolve().parent / "data"
VCB_SLICE = "vcb_0011001932418_2024-09-01_2024-09-10_slice.csv"
AGRIBANK_SLICE = "agribank_1500201113838_2024-09-09_2024-09-12_slice.csv"
# a PDF as the bank published it: the public search links its lines to "trang N"
VIETINBANK_PDF = "vietinbank_111602391111_2024-09-10_2024-09-12_page12.pdf"


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
    vietinbank = donations.create_bank_account(
        actor,
        bank="VIETINBANK",
        number="111602391111",
        holder="BAN VAN DONG CUU TRO TRUNG UONG",
        organisation=relief,
        campaign=yagi,
    )
    _import(actor, vcb, VCB_SLICE)
    _import(actor, agribank, AGRIBANK_SLICE)
    _import(actor, vietinbank, VIETINBANK_PDF)
    for campaign in (yagi, yagi_hn):
        _through(
            actor,
            campaign,
            CampaignStatus.DISTRIBUTING,
            CampaignStatus.CLOSED,
            CampaignStatus.PUBLISHED,
        )

    # Tháng Nhân đạo of this year, receiving now (its deadline in ten days), with the Hanoi
    # chapter's part and counter gifts of the past weeks.
    rc_central, rc_hanoi = network["rc_central"], network["rc_province"]["1"]
    year = dates.today().year
    month = actions.create_campaign(
        actor,
        code=f"TND-{year}",
        name=f"Tháng Nhân đạo năm {year}",
        kind=CampaignKind.HUMANITARIAN_MONTH,
        organisation=rc_central,
        theme="Hành trình nhân đạo – Lan tỏa yêu thương",
        launch_date=dates.days(-20),
        receiving_end=dates.days(10),
        target_amount=800_000_000_000,
        target_gifts=1_500_000,
        target_people=1_700_000,
        transfer_memo=f"TND{year}",
    )
    month_hn = actions.create_campaign(
        actor,
        code=f"TND-{year}-HN",
        name=f"Tháng Nhân đạo năm {year} – Hà Nội",
        kind=CampaignKind.HUMANITARIAN_MONTH,
        organisation=rc_hanoi,
        parent=month,
        launch_date=dates.days(-20),
        receiving_end=dates.days(10),
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
            received_on=dates.days(-18),
            amount=50_000_000,
            donor=donor,
            donor_name=donor.name,
        ),
        dict(
            channel="in_kind",
            received_on=dates.days(-14),
            amount=36_000_000,
            donor=donor,
            donor_name=donor.name,
            goods_item="Gạo tẻ",
            goods_quantity=2400,
            goods_unit="kg",
        ),
        dict(
            channel="cash",
            received_on=dates.days(-11),
            amount=2_000_000,
            donor_name="Trường THPT Chu Văn An",
            earmark_kind="purpose",
            earmark_ref="Học bổng cho học sinh nghèo vượt khó",
        ),
        dict(channel="cash", received_on=dates.days(-6), amount=500_000, donor_name=""),
    ]
    recorded = [
        donations.record_donation(actor, organisation=rc_hanoi, campaign=month_hn, **g)
        for g in gifts
    ]
    receipts.issue(actor, recorded[0])
    receipts.issue(actor, recorded[1])
    return {
        "yagi": yagi,
        "yagi_hn": yagi_hn,
        "month": month,
        "tet": _tet_coming(actor, rc_central, rc_hanoi),
        "appeal": _appeal_in_distribution(actor, rc_hanoi),
        "vcb": vcb,
        "agribank": agribank,
    }


def _tet_coming(actor, rc_central, rc_hanoi):
    """Tết Nhân ái, launched in a week (a draft to prepare), with the Hanoi part."""
    launch = dates.days(7)
    today = dates.today()
    spring = today.year + (1 if today.month >= 2 else 0)  # the coming Tết (late Jan–Feb)
    tet = actions.create_campaign(
        actor,
        code=f"TET-{spring}",
        name=f"Tết Nhân ái Xuân {spring}",
        kind=CampaignKind.TET,
        organisation=rc_central,
        theme="Tết vì người nghèo và nạn nhân chất độc da cam",
        launch_date=launch,
        receiving_end=dates.days(55),
        target_gifts=2_000_000,
        transfer_memo=f"TET{spring}",
    )
    actions.create_campaign(
        actor,
        code=f"TET-{spring}-HN",
        name=f"Tết Nhân ái Xuân {spring} – Hà Nội",
        kind=CampaignKind.TET,
        organisation=rc_hanoi,
        parent=tet,
        launch_date=launch,
        receiving_end=dates.days(55),
        target_gifts=80_000,
    )
    return tet


def _appeal_in_distribution(actor, rc_hanoi):
    """A flood appeal of the Hanoi Red Cross: received for a month, closed to gifts a week
    ago, now in distribution with its Decree 93 deadline in nine days (relief.py spends it)."""
    launch = dates.days(-40)
    appeal = actions.create_campaign(
        actor,
        code=f"MUALU-{launch:%m%Y}",
        name=f"Ủng hộ đồng bào bị thiệt hại do mưa lũ tháng {launch:%m/%Y}",
        kind=CampaignKind.APPEAL,
        organisation=rc_hanoi,
        theme="Chung tay cùng đồng bào vùng lũ",
        launch_date=launch,
        receiving_end=dates.days(-8),
        distribution_end=dates.days(9),
        target_amount=5_000_000_000,
        transfer_memo=f"MUALU{launch:%m%Y}",
    )
    _through(actor, appeal, CampaignStatus.RECEIVING)
    for day, amount, name in [
        (-38, 120_000_000, "Công ty CP Thực phẩm Hà Thành"),
        (-35, 45_000_000, "Trường THPT Chu Văn An"),
        (-30, 8_500_000, "Hội Cựu chiến binh phường Ba Đình"),
        (-21, 30_000_000, "Ngân hàng TMCP Đông Á – chi nhánh Hà Nội"),
        (-12, 2_000_000, ""),
    ]:
        donations.record_donation(
            actor,
            organisation=rc_hanoi,
            campaign=appeal,
            channel="cash",
            received_on=dates.days(day),
            amount=amount,
            donor_name=name,
        )
    return _through(actor, appeal, CampaignStatus.DISTRIBUTING)
