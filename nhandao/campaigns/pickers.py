"""Pickers over campaigns: the hint under each name, and the search endpoint
(`/tra-cuu/chien-dich?pham-vi=tiep-nhan`) scoped by Campaign.objects.for_user."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.urls import reverse_lazy

from nhandao.campaigns.models import Campaign, CampaignStatus
from nhandao.lib import pickers
from nhandao.lib.widgets import Picker


def campaign_hint(campaign: Campaign) -> str:
    """Status and the dates that matter for choosing: "Đang tiếp nhận · đến 31/12/2026"."""
    hint = campaign.get_status_display()
    if campaign.status == CampaignStatus.RECEIVING and campaign.receiving_end:
        hint += f" · đến {campaign.receiving_end:%d/%m/%Y}"
    elif campaign.status == CampaignStatus.DRAFT:
        hint += f" · phát động {campaign.launch_date:%d/%m/%Y}"
    return f"{hint} · mã {campaign.code}"


def campaign_picker(url=None) -> Picker:
    return Picker(
        url=url or reverse_lazy("pick_campaigns"),
        hint=campaign_hint,
        placeholder="Gõ tên chiến dịch…",
    )


def receiving(queryset):
    return queryset.filter(status=CampaignStatus.RECEIVING)


def search(campaigns, request):
    for term in pickers.terms(request):
        campaigns = campaigns.filter(Q(name_key__contains=term) | Q(code__iexact=term))
    campaigns = campaigns.order_by("-launch_date", "code")
    return pickers.answer((c.code, c.name, campaign_hint(c)) for c in campaigns[: pickers.RESULTS])


@login_required
def search_campaigns(request):
    campaigns = Campaign.objects.for_user(request.user)
    if request.GET.get("pham-vi") == "tiep-nhan":
        campaigns = receiving(campaigns)
    return search(campaigns, request)
