"""Movements as a user may reach them (pages and API share these): the scoped getters."""

from django.http import Http404

from nhandao.campaigns.lookups import get_campaign
from nhandao.campaigns.models import Campaign
from nhandao.movements.models import Edition, Launch, Movement
from nhandao.orgs import access


def get_movement(user, pk, perm: str = "view") -> Movement:
    """A movement of an organisation within reach or above it, else 404; `perm` at its
    organisation (403)."""
    movements = Movement.objects.for_user(user).select_related("organisation")
    movement = access.get_within(movements, pk, "Không tìm thấy phong trào.")
    if perm != "view":
        access.require(user, perm, movement.organisation)
    return movement


def get_part(user, pk, perm: str = "view"):
    """A campaign of a movement (the national one or a part) the user reaches, else 404;
    `perm` at its organiser (403). Returns (campaign, edition)."""
    from nhandao.movements.actions import edition_of

    campaign = get_campaign(user, pk, perm)
    edition = edition_of(campaign)
    if edition is None:
        raise Http404("Chiến dịch này không thuộc phong trào nào.")
    return campaign, edition


def visible_editions(user, movements):
    """The years of `movements` whose campaign the user may open (a national campaign still
    in draft is its organiser's alone), so no page links to a 404."""
    campaigns = Campaign.objects.for_user(user).values("pk")
    return Edition.objects.filter(movement__in=movements, campaign__in=campaigns).select_related(
        "campaign"
    )


def get_launch(user, pk) -> Launch:
    launches = Launch.objects.for_user(user).select_related("campaign")
    return access.get_within(launches, pk, "Không tìm thấy đợt phát động.")


def editions_for(user):
    return Edition.objects.for_user(user)


def get_fair(user, pk, perm: str = "view"):
    """A fair of an organisation within reach, else 404; `perm` there (403)."""
    from nhandao.movements.models import Fair

    fairs = Fair.objects.for_user(user).select_related("organisation", "campaign", "commune")
    fair = access.get_within(fairs, pk, "Không tìm thấy hội chợ.")
    if perm != "view":
        access.require(user, perm, fair.organisation)
    return fair
