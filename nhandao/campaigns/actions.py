"""Everything that changes campaigns. Atomic, audited; callers checked access and validated
input with campaigns/forms.py."""

from django.db import transaction

from nhandao.audit.actions import record, snapshot
from nhandao.campaigns.models import (
    TRANSITIONS,
    Campaign,
    CampaignExtension,
    CampaignStatus,
    CampaignStatusChange,
)
from nhandao.lib.errors import Refused
from nhandao.lib.text import nfc, search_key

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


class TransitionError(Refused):
    """A status move that TRANSITIONS does not list (on the form's `to_status`)."""

    def __init__(self, message: str):
        super().__init__(message, field="to_status")


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
    CampaignStatusChange.objects.create(
        campaign=campaign,
        from_status="",
        to_status=campaign.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note="Tạo chiến dịch",
    )
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


def allowed_moves(campaign: Campaign) -> tuple[str, ...]:
    return TRANSITIONS.get(campaign.status, ())


@transaction.atomic
def set_status(actor, campaign: Campaign, to_status: str, note: str = "") -> Campaign:
    """The one way to change a campaign's status: only moves listed in TRANSITIONS."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if to_status not in allowed_moves(campaign):
        target = (
            CampaignStatus(to_status).label if to_status in CampaignStatus.values else to_status
        )
        raise TransitionError(
            f"Không thể chuyển chiến dịch từ “{campaign.get_status_display()}” sang “{target}”."
        )
    before = campaign.status
    campaign.status = to_status
    campaign.save(update_fields=["status"])
    CampaignStatusChange.objects.create(
        campaign=campaign,
        from_status=before,
        to_status=to_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note[:255],
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
