"""API of campaigns (scoped by access.py; validation by campaigns/forms.py).

A campaign's detail, with what it received, is served by donations/api.py (donations sit
above campaigns)."""

from datetime import date

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from nhandao.campaigns import actions, forms
from nhandao.campaigns.lookups import get_campaign
from nhandao.campaigns.models import PIPELINE, Campaign
from nhandao.lib.api import FormInvalid
from nhandao.lib.pagination import Pagination

router = Router(tags=["Chiến dịch"])


class CampaignOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    status: str
    status_label: str  # the status in words (the pipeline's label)
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

    @staticmethod
    def resolve_status_label(campaign) -> str:
        # a Campaign, or the dict of a detail built on this schema (donations/api.py)
        status = campaign["status"] if isinstance(campaign, dict) else campaign.status
        return PIPELINE.label(status)


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
@paginate(Pagination)
def list_campaigns(request, q: str = "", status: str = ""):
    campaigns = Campaign.objects.for_user(request.auth)
    if q:
        campaigns = campaigns.search(q)
    if status:
        campaigns = campaigns.filter(status=status)
    return campaigns.order_by("-launch_date", "code")


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
    return actions.set_status(request.auth, campaign, payload.to_status, payload.note)
