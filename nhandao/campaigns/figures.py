"""A campaign's figures: the money received by it and its parts (pages and API share these)."""

from collections import defaultdict

from django.db.models import Count, Sum

from nhandao.campaigns.models import Campaign


def totals(campaign: Campaign) -> dict:
    """Money received by the campaign and its parts: total, by channel, by day."""
    from nhandao.donations.models import Channel, Donation

    donations = Donation.objects.active().filter(campaign_id__in=campaign.subtree_ids())
    total = donations.aggregate(amount=Sum("amount"), count=Count("pk"))
    by_channel = [
        {
            "channel": Channel(row["channel"]).label,
            "code": row["channel"],
            "amount": row["amount"],
            "count": row["count"],
        }
        for row in donations.values("channel")
        .annotate(amount=Sum("amount"), count=Count("pk"))
        .order_by("channel")
    ]
    by_day = list(
        donations.values("received_on")
        .annotate(amount=Sum("amount"), count=Count("pk"))
        .order_by("received_on")
    )
    amount = total["amount"] or 0
    target = campaign.target_amount
    return {
        "amount": amount,
        "count": total["count"],
        "by_channel": by_channel,
        "by_day": by_day,
        "percent": round(amount * 100 / target, 1) if target else None,
    }


def received_by_part(campaign: Campaign) -> list[tuple[Campaign, int]]:
    """Each direct part of the campaign with the money received by it and by its own parts:
    one grouped query for the whole tree, rolled up here (not totals() once per part)."""
    from nhandao.donations.models import Donation

    parent_of, frontier = {}, [campaign.pk]
    while frontier:
        rows = list(Campaign.objects.filter(parent_id__in=frontier).values_list("pk", "parent_id"))
        parent_of.update(rows)
        frontier = [pk for pk, _ in rows]
    received = (
        Donation.objects.active()
        .filter(campaign_id__in=list(parent_of))
        .values("campaign_id")
        .annotate(amount=Sum("amount"))
        .values_list("campaign_id", "amount")
    )
    by_part = defaultdict(int)
    for pk, amount in received:
        while parent_of[pk] != campaign.pk:  # climb to the direct part
            pk = parent_of[pk]
        by_part[pk] += amount
    parts = campaign.parts.select_related("organisation").order_by("code")
    return [(part, by_part[part.pk]) for part in parts]
