"""API of campaigns (scoped by access.py; validation by campaigns/forms.py)."""

from datetime import date

from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from nhandao.api import FormInvalid
from nhandao.campaigns import actions, forms
from nhandao.campaigns.figures import totals
from nhandao.campaigns.lookups import get_campaign
from nhandao.campaigns.models import Campaign

router = Router(tags=["Chiến dịch"])


class CampaignOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    status: str
    organisation_id: int
    parent_id: int | None
    theme: str
    launch_date: date
    receiving_end: date | None
    distribution_end: date | None
    target_amount: int | None
    target_gifts: int | None
    target_people: int | None
    transfer_memo: str
    goods_dropoff: str
    auto_receipts: bool


class ChannelTotal(Schema):
    code: str
    channel: str
    amount: int
    count: int


class DayTotal(Schema):
    received_on: date
    amount: int
    count: int


class CampaignDetailOut(CampaignOut):
    co_organisers: list[str]
    receiving_closes_on: date | None
    distribution_closes_on: date | None
    warnings: list[str]
    received: int
    donations: int
    by_channel: list[ChannelTotal]
    by_day: list[DayTotal]


class CampaignIn(Schema):
    code: str
    name: str
    kind: str
    organisation: str
    co_organisers: list[str] = []
    parent: str = ""
    theme: str = ""
    launch_date: date
    receiving_end: date | None = None
    distribution_end: date | None = None
    target_amount: int | None = None
    target_gifts: int | None = None
    target_people: int | None = None
    transfer_memo: str = ""
    goods_dropoff: str = ""
    auto_receipts: bool = False


class StatusIn(Schema):
    to_status: str
    note: str = ""


@router.get("/campaigns", response=list[CampaignOut], summary="Chiến dịch trong phạm vi của bạn")
@paginate(PageNumberPagination)
def list_campaigns(request, q: str = "", status: str = ""):
    campaigns = Campaign.objects.for_user(request.auth)
    if q:
        campaigns = campaigns.search(q)
    if status:
        campaigns = campaigns.filter(status=status)
    return campaigns.order_by("-launch_date", "code")


def _detail(campaign):
    figures = totals(campaign)
    return {
        **CampaignOut.from_orm(campaign).dict(),
        "co_organisers": [o.code for o in campaign.co_organisers.all()],
        "receiving_closes_on": campaign.receiving_closes_on(),
        "distribution_closes_on": campaign.distribution_closes_on(),
        "warnings": campaign.warnings(timezone.localdate()),
        "received": figures["amount"],
        "donations": figures["count"],
        "by_channel": figures["by_channel"],
        "by_day": figures["by_day"],
    }


@router.get("/campaigns/{campaign_id}", response=CampaignDetailOut)
def campaign_detail(request, campaign_id: int):
    return _detail(get_campaign(request.auth, campaign_id))


@router.post("/campaigns", response={201: CampaignOut}, summary="Tạo chiến dịch")
def create_campaign(request, payload: CampaignIn):
    data = payload.dict()
    data["co_organisers"] = ",".join(data["co_organisers"])
    form = forms.CampaignForm(data, actor=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    return Status(201, actions.create_campaign(request.auth, **form.action_fields()))


@router.post(
    "/campaigns/{campaign_id}/status",
    response=CampaignOut,
    summary="Chuyển tình trạng (theo bảng chuyển tiếp)",
)
def move_campaign(request, campaign_id: int, payload: StatusIn):
    campaign = get_campaign(request.auth, campaign_id, "edit")
    form = forms.StatusForm(payload.dict(), actor=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    try:
        return actions.set_status(request.auth, campaign, payload.to_status, payload.note)
    except actions.TransitionError as exc:
        form.add_error("to_status", str(exc))
        raise FormInvalid(form) from exc
