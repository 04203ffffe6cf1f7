"""Everything that changes campaigns. Atomic, audited; callers checked access and validated
input with campaigns/forms.py."""

from django.db import transaction

from nhandao.audit.actions import record, snapshot
from nhandao.campaigns.lookups import can_act
from nhandao.campaigns.models import (
    PIPELINE,
    Campaign,
    CampaignExtension,
    CampaignStatusChange,
    TransitionError,
)
from nhandao.lib.pipeline import Moves
from nhandao.lib.text import nfc, search_key

__all__ = ["TransitionError", "allowed_moves", "create_campaign", "set_status"]

FIELDS = [
    "code",
    "name",
    "kind",
    "organisation",
    "parent",
    "theme",
    "launch_date",
    "receiving_end",
    "distribution_end",
    "target_amount",
    "target_gifts",
    "target_people",
    "transfer_memo",
    "goods_dropoff",
    "auto_receipts",
    "status",
]


def _normalise(campaign: Campaign) -> None:
    campaign.name = nfc(campaign.name)
    campaign.name_key = search_key(campaign.name)
    campaign.code = campaign.code.strip().upper()
    campaign.transfer_memo = (campaign.transfer_memo or "").strip().upper()


@transaction.atomic
def create_campaign(actor, *, co_organisers=(), **fields) -> Campaign:
    campaign = Campaign(**fields)
    _normalise(campaign)
    campaign.save()
    if co_organisers:
        campaign.co_organisers.set(co_organisers)
    CampaignStatusChange.log(campaign, campaign.status, actor=actor, note="Tạo chiến dịch")
    after = snapshot(campaign, FIELDS)
    after["co_organisers"] = sorted(o.pk for o in co_organisers)
    record(actor, "campaign.create", campaign, after=after)
    return campaign


@transaction.atomic
def update_campaign(actor, campaign: Campaign, *, co_organisers=None, **fields) -> Campaign:
    before = snapshot(campaign, FIELDS)
    for name, value in fields.items():
        setattr(campaign, name, value)
    _normalise(campaign)
    campaign.save()
    if co_organisers is not None:
        campaign.co_organisers.set(co_organisers)
    record(actor, "campaign.update", campaign, before=before, after=snapshot(campaign, FIELDS))
    return campaign


def _can(actor, campaign: Campaign):
    """How the pipeline asks for a permission: at the organiser or a co-organiser."""
    return lambda perm: can_act(actor, perm, campaign)


def allowed_moves(campaign: Campaign, user) -> Moves:
    """The moves `user` may make on the campaign now (one button each on its page)."""
    return PIPELINE.moves_for(campaign, can=_can(user, campaign))


@transaction.atomic
def set_status(actor, campaign: Campaign, to_status: str, note: str = "") -> Campaign:
    """The one way to change a campaign's status: a move of PIPELINE that the actor may make
    (actor None: the system, e.g. a command, acts without a permission check)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = PIPELINE.move(
        campaign,
        to_status,
        actor=actor,
        history=CampaignStatusChange,
        note=note,
        can=_can(actor, campaign) if actor is not None else None,
    )
    record(
        actor,
        "campaign.status",
        campaign,
        before={"status": before},
        after={"status": to_status, "note": note},
    )
    return campaign


@transaction.atomic
def extend_receiving(
    actor, campaign: Campaign, *, new_receiving_end, decided_by, decision_ref, decided_on
) -> CampaignExtension:
    extension = CampaignExtension.objects.create(
        campaign=campaign,
        new_receiving_end=new_receiving_end,
        decided_by=decided_by,
        decision_ref=decision_ref,
        decided_on=decided_on,
    )
    before = {
        "receiving_end": campaign.receiving_end.isoformat() if campaign.receiving_end else None
    }
    campaign.receiving_end = new_receiving_end
    campaign.save(update_fields=["receiving_end"])
    record(
        actor,
        "campaign.extend",
        campaign,
        before=before,
        after={
            "receiving_end": new_receiving_end.isoformat(),
            "decided_by": decided_by.pk,
            "decision_ref": decision_ref,
        },
    )
    return extension
