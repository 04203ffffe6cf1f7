"""The typhoon Yagi appeal and its Vietcombank account, as the tests of the shared bank
statements need them (tests/fixtures/saoke/, slices of ../shared/data/saoke, see SOURCE.md)."""

from datetime import date
from pathlib import Path

from nhandao.campaigns import actions as campaign_actions
from nhandao.campaigns.models import CampaignKind, CampaignStatus
from nhandao.donations import actions

FIXTURES = Path(__file__).parent / "fixtures" / "saoke"
VCB = "vcb_0011001932418_slice.csv"


def create_yagi(cast, **extra):
    """The Front's Yagi appeal, launched 01/09/2024 and receiving."""
    fields = {
        "code": "YAGI-2024",
        "name": "Ủng hộ đồng bào bị thiệt hại do bão Yagi",
        "kind": CampaignKind.APPEAL,
        "organisation": cast.front,
        "launch_date": date(2024, 9, 1),
        "target_amount": 1_000_000_000_000,
        **extra,
    }
    campaign = campaign_actions.create_campaign(cast.root, **fields)
    campaign_actions.set_status(cast.root, campaign, CampaignStatus.RECEIVING)
    campaign.refresh_from_db()
    return campaign


def create_vcb(cast, campaign):
    """The real account of the Central relief board (held here by the Front's central
    committee), with the campaign as its default."""
    return actions.create_bank_account(
        cast.root,
        bank="VCB",
        number="0011001932418",
        holder="MTTQ VN - Ban Cuu tro TW",
        organisation=cast.front,
        campaign=campaign,
    )
