"""What waits in movements for a user, for the home page (lib/cockpit.py collects it): the
parts of the user's own organisations that have not launched the level below yet, and those
whose targets are behind the time elapsed (a target reached at a lower share than the share
of the period gone)."""

from django.urls import reverse
from django.utils import timezone

from nhandao.campaigns.models import Campaign, CampaignStatus
from nhandao.lib.cockpit import SOON, Waiting
from nhandao.movements import actions, results
from nhandao.movements.models import Fair, TargetKind, Voucher
from nhandao.orgs import access
from nhandao.orgs.models import Organisation

MAX_PARTS = 5  # the user's own organisations' running parts looked at (a few roles each)


def _own_parts(user):
    """Running movement parts of the organisations where the user's edit roles sit."""
    if access.is_everywhere(user):
        orgs = Organisation.objects.filter(parent__isnull=True)
    else:
        orgs = Organisation.objects.filter(path__in=access.reach_paths(user, "edit"))
    return (
        Campaign.objects.filter(
            organisation__in=orgs,
            status=CampaignStatus.RECEIVING,
            movement_targets__isnull=False,
        )
        .distinct()
        .select_related("organisation")
        .order_by("-launch_date")[:MAX_PARTS]
    )


def behind(campaign, today) -> list[str]:
    """The labels of the campaign's targets behind the share of its period gone by."""
    end = campaign.receiving_end
    if end is None or today <= campaign.launch_date:
        return []
    gone = min(1.0, (today - campaign.launch_date).days / max((end - campaign.launch_date).days, 1))
    own = results.own_progress(campaign)
    return [
        label
        for kind, label in TargetKind.choices
        if kind not in results.NO_SOURCE and (p := own.percent(kind)) is not None and p < 100 * gone
    ]


def waiting(user) -> list[Waiting]:
    if not access.can_anywhere(user, "edit"):
        return []
    today = timezone.localdate()
    to_launch, late = [], []
    for campaign in _own_parts(user):
        edition = actions.edition_of(campaign)
        if edition is None:
            continue
        if not campaign.parts.exists() and actions.children_of(campaign.organisation, "children"):
            to_launch.append(campaign)
        found = behind(campaign, today)
        if found:
            late.append((campaign, found))
    out = []
    listing = reverse("movement_list")
    if to_launch:
        url = reverse("movement_part", args=[to_launch[0].pk]) if len(to_launch) == 1 else listing
        out.append(Waiting("Phong trào chưa phát động cho cấp dưới", len(to_launch), url, SOON,
                           f"Gần nhất: {to_launch[0].name}"))  # fmt: skip
    if late:
        campaign, labels = late[0]
        url = reverse("movement_part", args=[campaign.pk]) if len(late) == 1 else listing
        out.append(Waiting("Chỉ tiêu phong trào chậm so với thời gian", len(late), url, SOON,
                           f"{campaign.name}: {', '.join(labels)}"))  # fmt: skip
    fairs = Fair.objects.for_user(user, "edit").filter(date__gte=today)
    left = Voucher.objects.filter(fair__in=fairs, redeemed_at__isnull=True)
    count = left.count()
    if count:
        fair_ids = list(left.values_list("fair_id", flat=True).distinct()[:2])
        url = reverse("fair_detail", args=fair_ids) if len(fair_ids) == 1 else reverse("fair_list")
        out.append(Waiting("Phiếu quà Tết chờ đổi", count, url, SOON))
    return out
