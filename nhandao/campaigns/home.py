"""Campaign deadlines on the home page: what closes in the next 14 days, who is late."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from nhandao.campaigns.models import Campaign, CampaignStatus
from nhandao.lib.cockpit import SOON, URGENT, Figure, Late, Waiting
from nhandao.orgs import access

S = CampaignStatus
HORIZON_DAYS = 14
# what the deadlines and the lines of the home page read: a national user's home page builds
# every open campaign (hundreds), and building all their columns was a third of its time
DEADLINE_FIELDS = (
    "name",
    "status",
    "kind",
    "launch_date",
    "receiving_end",
    "distribution_end",
    "organisation",
)


def _deadlines(campaigns, today, *related):
    """(campaign, what closes, date) of receiving or distributing campaigns, by date."""
    out = []
    open_ = campaigns.filter(status__in=(S.RECEIVING, S.DISTRIBUTING)).with_deadlines()
    for campaign in open_.only(*DEADLINE_FIELDS, *related):
        if campaign.status == S.RECEIVING:
            out.append((campaign, "tiếp nhận", campaign.receiving_closes_on()))
        out.append((campaign, "phân phối", campaign.distribution_closes_on()))
    return sorted((d for d in out if d[2] is not None), key=lambda d: d[2])


def _own(user):
    """Campaigns organised within the user's reach (not the ones launched above it)."""
    return Campaign.objects.filter(access.reach_q(user, "view", via="organisation"))


def waiting(user) -> list[Waiting]:
    if not access.can_anywhere(user, "view"):
        return []
    today = timezone.localdate()
    deadlines = _deadlines(_own(user), today)
    overdue = [d for d in deadlines if d[2] < today]
    soon = [d for d in deadlines if today <= d[2] <= today + timedelta(days=HORIZON_DAYS)]
    out = []
    for found, label, urgency in (
        (overdue, "Chiến dịch đã quá hạn", URGENT),
        (soon, f"Hạn chiến dịch trong {HORIZON_DAYS} ngày tới", SOON),
    ):
        if not found:
            continue
        campaign, what, day = found[0]
        hint = f"Gần nhất: {campaign.name} — hết hạn {what} {day:%d/%m/%Y}"
        campaigns = {c.pk for c, _, _ in found}
        url = (
            reverse("campaign_detail", args=[campaign.pk])
            if len(campaigns) == 1
            else reverse("campaign_list")
        )
        out.append(Waiting(label, len(campaigns), url, urgency, hint))
    return out


def figures(user, org) -> list[Figure]:
    if org is None:
        return []
    running = Campaign.objects.filter(
        access.subtree_q(org, via="organisation"), status__in=(S.RECEIVING, S.DISTRIBUTING)
    ).count()
    return [Figure("Chiến dịch đang chạy", f"{running}", reverse("campaign_list"))]


def late(user, org) -> list[Late]:
    """Organisations below `org` whose campaigns passed a deadline while still open."""
    if org is None or not access.can(user, "view", org):
        return []
    today = timezone.localdate()
    below = Campaign.objects.filter(access.subtree_q(org, via="organisation")).exclude(
        organisation=org
    )
    out = []
    for campaign, what, day in _deadlines(
        below.select_related("organisation"), today, "organisation__name"
    ):
        if day < today:
            out.append(
                Late(
                    campaign.organisation.name,
                    f"{campaign.name}: quá hạn {what} từ {day:%d/%m/%Y}",
                    reverse("campaign_detail", args=[campaign.pk]),
                )
            )
    return out
