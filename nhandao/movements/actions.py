"""Everything that changes movements: launching a year's national campaign, launching the
parts of one level (a background task with progress), adjusting a part's dates and targets.
Atomic (a launch: one batch at a time, so that its progress shows and a re-run only adds
the missing parts), audited; callers checked access and validated with forms.py."""

import math
from datetime import date

from django.db import transaction
from django.utils import timezone

from nhandao.audit.actions import record
from nhandao.campaigns import actions as campaigns
from nhandao.campaigns.lookups import can_act
from nhandao.campaigns.models import Campaign, CampaignStatus, CampaignStatusChange
from nhandao.lib.errors import Refused
from nhandao.lib.tasks import enqueue_on_commit
from nhandao.lib.text import search_key
from nhandao.movements.models import (
    DefaultTarget,
    Edition,
    Launch,
    LaunchStatus,
    Movement,
    Target,
    TargetKind,
)
from nhandao.orgs import access
from nhandao.orgs.models import Organisation, OrgLevel, OrgStatus

BATCH = 500  # parts created per transaction (the launch's progress moves by this much)

# the level below each level, for launching parts
CHILD_LEVEL = {OrgLevel.CENTRAL: (OrgLevel.PROVINCE,), OrgLevel.PROVINCE: (OrgLevel.COMMUNE,)}
TARGET_LEVEL = {OrgLevel.CENTRAL: "central", OrgLevel.PROVINCE: "province"}


def _target_level(org: Organisation) -> str:
    return TARGET_LEVEL.get(org.level, "commune")


def check_targets(targets: dict) -> dict[str, int]:
    """{kind: value} with known kinds and values ≥ 0, else a refusal naming the target."""
    labels = dict(TargetKind.choices)
    out = {}
    for kind, value in targets.items():
        if kind not in labels:
            raise Refused(f"Không có loại chỉ tiêu “{kind}”.", field="targets")
        if value is None or value == "":
            continue
        value = int(value)
        if value < 0:
            raise Refused(
                f"Chỉ tiêu “{labels[kind]}” không được nhỏ hơn 0 (đã nhập {value}).",
                field=f"target_{kind}",
            )
        out[kind] = value
    return out


def edition_of(campaign: Campaign) -> Edition | None:
    """The yearly edition a campaign belongs to (its root campaign's), or None."""
    root = campaign
    while root.parent_id is not None:
        root = Campaign.objects.only("pk", "parent_id").get(pk=root.parent_id)
    return Edition.objects.filter(campaign_id=root.pk).select_related("movement").first()


def targets_of(campaign: Campaign) -> dict[str, int]:
    return dict(Target.objects.filter(campaign=campaign).values_list("kind", "value"))


@transaction.atomic
def create_movement(actor, *, organisation, defaults=None, **fields) -> Movement:
    movement = Movement(organisation=organisation, **fields)
    movement.code = movement.code.strip().upper()
    movement.save()
    for (level, kind), value in (defaults or {}).items():
        if value < 0:
            raise Refused("Chỉ tiêu đề xuất không được nhỏ hơn 0.", field=f"default_{kind}")
        DefaultTarget.objects.create(movement=movement, level=level, kind=kind, value=value)
    record(actor, "movement.create", movement, after={"code": movement.code})
    return movement


@transaction.atomic
def launch_edition(
    actor,
    movement: Movement,
    *,
    year: int,
    theme: str = "",
    launch_date: date | None = None,
    receiving_end: date | None = None,
    targets: dict | None = None,
) -> Edition:
    """The year's national campaign of the movement, launched (receiving), with its targets
    (given, else the movement's defaults for the central level)."""
    if Edition.objects.filter(movement=movement, year=year).exists():
        raise Refused(f"{movement.name} năm {year} đã được phát động.", field="year")
    start, end = movement.usual_dates(year)
    launch_date = launch_date or start
    receiving_end = receiving_end or end
    if receiving_end < launch_date:
        raise Refused("Ngày kết thúc phải sau ngày phát động.", field="receiving_end")
    defaults = dict(
        movement.defaults.filter(level="central").values_list("kind", "value")
    )  # fmt: skip
    chosen = check_targets(targets if targets is not None else defaults)
    code = f"{movement.code}{year}"
    if Campaign.objects.filter(code=code).exists():
        raise Refused(f"Đã có chiến dịch mã {code}.", field="year")
    campaign = campaigns.create_campaign(
        actor,
        code=code,
        name=f"{movement.name} năm {year}",
        kind=movement.kind,
        organisation=movement.organisation,
        theme=theme,
        launch_date=launch_date,
        receiving_end=receiving_end,
        distribution_end=receiving_end,
        target_amount=chosen.get("money"),
        target_gifts=chosen.get("gifts"),
        target_people=chosen.get("people"),
    )
    campaign = campaigns.set_status(
        None, campaign, CampaignStatus.RECEIVING, note="Phát động phong trào"
    )
    Target.objects.bulk_create(
        Target(campaign=campaign, kind=k, value=v, proposed=defaults.get(k))
        for k, v in chosen.items()
    )
    edition = Edition.objects.create(movement=movement, year=year, theme=theme, campaign=campaign)
    record(
        actor,
        "movement.launch",
        edition,
        organisation=movement.organisation,
        after={"year": year, "campaign": campaign.pk, "targets": chosen},
    )
    return edition


def children_of(org: Organisation, depth: str) -> list[Organisation]:
    """The active organisations one level below `org` (depth "all": every level below that
    has parts: provinces, then their communes)."""
    levels = CHILD_LEVEL.get(org.level, ())
    if not levels:
        return []
    found = list(
        Organisation.objects.filter(parent=org, level__in=levels, status=OrgStatus.ACTIVE)
        .select_related("parent")
        .order_by("path")
    )
    if depth == "all":
        for child in list(found):
            found += children_of(child, "all")
    return found


def _missing(campaign: Campaign, depth: str) -> list[Organisation]:
    """The organisations below that have no part of the campaign yet."""
    below = children_of(campaign.organisation, depth)
    have = set(
        Campaign.objects.filter(pk__in=campaign.subtree_ids()).values_list(
            "organisation_id", flat=True
        )
    )
    return [org for org in below if org.pk not in have]


@transaction.atomic
def launch_parts(actor, campaign: Campaign, *, depth: str = "children") -> Launch:
    """One level launches its parts below (a background task: lib.tasks, after commit)."""
    if not can_act(actor, "edit", campaign):
        access.require(actor, "edit", campaign.organisation)
    if edition_of(campaign) is None:
        raise Refused("Chiến dịch này không thuộc phong trào nào.", field="campaign")
    if campaign.status not in (CampaignStatus.RECEIVING, CampaignStatus.DRAFT):
        raise Refused(
            f"Chiến dịch đang ở tình trạng “{campaign.get_status_display()}”: "
            "không phát động thêm cấp dưới.",
            field="campaign",
        )
    running = Launch.objects.filter(
        campaign=campaign, status__in=(LaunchStatus.QUEUED, LaunchStatus.RUNNING)
    ).first()
    if running is not None:
        return running
    missing = _missing(campaign, depth)
    if not missing:
        raise Refused("Mọi đơn vị cấp dưới đã có phần của chiến dịch này.", field="campaign")
    launch = Launch.objects.create(
        campaign=campaign,
        organisation=campaign.organisation,
        depth=depth,
        total=len(missing),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(actor, "movement.launch_parts", launch, after={"depth": depth, "total": len(missing)})
    from nhandao.movements.tasks import launch_parts_task

    enqueue_on_commit(launch_parts_task, launch.pk)
    return launch


def _proposed(movement: Movement, level: str, parent_targets: dict, siblings: int) -> dict:
    """A part's proposed targets: the movement's default for its level, else the parent's
    target shared evenly among the parts (rounded up)."""
    defaults = {
        k: v for (lv, k), v in _defaults_cache(movement).items() if lv == level
    }  # fmt: skip
    out = {}
    for kind, value in parent_targets.items():
        out[kind] = defaults.get(kind, math.ceil(value / max(siblings, 1)))
    return out


def _defaults_cache(movement: Movement) -> dict:
    if not hasattr(movement, "_defaults"):
        movement._defaults = {
            (lv, k): v for lv, k, v in movement.defaults.values_list("level", "kind", "value")
        }
    return movement._defaults


def run_launch(launch_id: int) -> Launch:
    """The task's body: create the missing parts, parents before children, BATCH per
    transaction, the progress saved after each."""
    launch = Launch.objects.select_related("campaign__organisation").get(pk=launch_id)
    if not launch.in_progress:
        return launch
    Launch.objects.filter(pk=launch.pk).update(status=LaunchStatus.RUNNING)
    root = launch.campaign
    edition = edition_of(root)
    missing = _missing(root, launch.depth)
    # each existing campaign of the tree by its organisation (a part's parent is the part of
    # the organisation's parent)
    part_of = {
        c.organisation_id: c
        for c in Campaign.objects.filter(pk__in=root.subtree_ids()).select_related("organisation")
    }
    targets: dict[int, dict] = {}  # campaign id → its targets
    for campaign_id, kind, value in Target.objects.filter(
        campaign_id__in=[c.pk for c in part_of.values()]
    ).values_list("campaign_id", "kind", "value"):
        targets.setdefault(campaign_id, {})[kind] = value
    siblings: dict[int, int] = {}
    for org in missing:
        siblings[org.parent_id] = siblings.get(org.parent_id, 0) + 1
    done = launch.done
    for start in range(0, len(missing), BATCH):
        batch = missing[start : start + BATCH]
        with transaction.atomic():
            created = _create_parts(launch, edition, batch, part_of, targets, siblings)
            done += len(created)
            Launch.objects.filter(pk=launch.pk).update(done=done)
    Launch.objects.filter(pk=launch.pk).update(
        status=LaunchStatus.DONE, done=done, finished_at=timezone.now()
    )
    launch.refresh_from_db()
    return launch


def _create_parts(launch, edition, orgs, part_of, targets, siblings) -> list[Campaign]:
    # a batch may hold a province and its communes: create level by level
    movement, root = edition.movement, edition.campaign
    created: list[Campaign] = []
    for level_orgs in _by_depth(orgs):
        parts = []
        for org in level_orgs:
            parent = part_of[org.parent_id]
            parts.append(
                Campaign(
                    code=f"{root.code}-{org.code}"[:40],
                    name=f"{root.name} – {org.name}"[:200],
                    name_key=search_key(f"{root.name} – {org.name}"[:200]),
                    kind=parent.kind,
                    organisation=org,
                    parent=parent,
                    theme=parent.theme,
                    launch_date=parent.launch_date,
                    receiving_end=parent.receiving_end,
                    distribution_end=parent.distribution_end,
                    status=parent.status,
                )
            )
        Campaign.objects.bulk_create(parts, batch_size=BATCH)
        history, rows = [], []
        for part in parts:
            part_of[part.organisation_id] = part
            level = _target_level(part.organisation)
            parent = part.parent
            proposed = _proposed(
                movement, level, targets.get(parent.pk, {}), siblings.get(parent.organisation_id, 1)
            )
            targets[part.pk] = proposed
            part.target_amount = proposed.get("money")
            rows += [
                Target(campaign=part, kind=k, value=v, proposed=v) for k, v in proposed.items()
            ]
            history.append(
                CampaignStatusChange(
                    campaign=part,
                    to_status=part.status,
                    actor=launch.created_by,
                    note="Phát động theo cấp trên",
                )
            )
        Campaign.objects.bulk_update(parts, ["target_amount"], batch_size=BATCH)
        Target.objects.bulk_create(rows, batch_size=BATCH)
        CampaignStatusChange.objects.bulk_create(history, batch_size=BATCH)
        created += parts
    record(
        launch.created_by,
        "movement.parts_created",
        launch,
        organisation=launch.organisation,
        after={"parts": [p.pk for p in created]},
    )
    return created


def _by_depth(orgs):
    depth = {}
    for org in orgs:
        depth.setdefault(org.path.count("/"), []).append(org)
    return [depth[d] for d in sorted(depth)]


def mark_failed(launch_id: int, reason: str) -> None:
    Launch.objects.filter(
        pk=launch_id, status__in=(LaunchStatus.QUEUED, LaunchStatus.RUNNING)
    ).update(status=LaunchStatus.FAILED, error=reason, finished_at=timezone.now())


@transaction.atomic
def adjust_part(
    actor,
    campaign: Campaign,
    *,
    launch_date: date,
    receiving_end: date | None,
    targets: dict,
    theme: str | None = None,
) -> Campaign:
    """A level adjusts its part: dates within the parent's, targets ≥ 0."""
    chosen = check_targets(targets)
    parent = campaign.parent
    if receiving_end is not None and receiving_end < launch_date:
        raise Refused("Ngày kết thúc phải sau ngày phát động.", field="receiving_end")
    if parent is not None:
        p_start, p_end = parent.launch_date, parent.receiving_end
        if launch_date < p_start or (p_end and launch_date > p_end):
            raise Refused(
                f"Ngày phát động {launch_date:%d/%m/%Y} nằm ngoài thời gian của cấp trên "
                f"({_period(parent)}).",
                field="launch_date",
            )
        if p_end and (receiving_end is None or receiving_end > p_end):
            raise Refused(
                f"Ngày kết thúc phải trong thời gian của cấp trên ({_period(parent)}).",
                field="receiving_end",
            )
    before = {"launch_date": str(campaign.launch_date), "targets": targets_of(campaign)}
    fields = {"launch_date": launch_date, "receiving_end": receiving_end}
    if campaign.distribution_end and receiving_end and campaign.distribution_end < receiving_end:
        fields["distribution_end"] = receiving_end
    if theme is not None:
        fields["theme"] = theme
    if "money" in chosen:
        fields["target_amount"] = chosen["money"]
    campaigns.update_campaign(actor, campaign, **fields)
    for kind, value in chosen.items():
        Target.objects.update_or_create(campaign=campaign, kind=kind, defaults={"value": value})
    record(
        actor,
        "movement.adjust",
        campaign,
        before=before,
        after={"launch_date": str(launch_date), "targets": chosen},
    )
    return campaign


def _period(c: Campaign) -> str:
    end = f"{c.receiving_end:%d/%m/%Y}" if c.receiving_end else "…"
    return f"{c.launch_date:%d/%m/%Y} – {end}"
