"""Campaigns as a user may reach them (pages and API share these): the scoped getter and who
may act on a campaign. What a campaign received is relief.figures (relief sits above
campaigns and donations; decisions 0010, 0023)."""

from nhandao.campaigns.models import Campaign
from nhandao.orgs import access


def can_act(user, perm: str, campaign: Campaign) -> bool:
    """`perm` at the organiser or at one of the co-organisers."""
    return access.can(user, perm, campaign.organisation) or any(
        access.can(user, perm, org) for org in campaign.co_organisers.all()
    )


def get_campaign(user, pk, perm: str = "view") -> Campaign:
    """A campaign the user reaches, else 404; then `perm` at the organiser or a co-organiser
    (403 without it)."""
    campaigns = Campaign.objects.for_user(user).select_related("organisation", "parent")
    campaign = access.get_within(campaigns, pk, "Không tìm thấy chiến dịch.")
    if perm != "view" and not can_act(user, perm, campaign):
        access.require(user, perm, campaign.organisation)  # 403 with the usual message
    return campaign
