"""Targets against results, per part and rolled up (issue #22 item 2). Results are read from
the data, never typed: money from the donations register's totals (DonationTotal, the
source relief/figures.py reads for "received"), gifts, houses, livelihoods, scholarships and
health-insurance cards from the received distribution lines' summaries
(DistributionSummary, by kind), people and households reached likewise (as figures.py
counts them). A part's result is its whole subtree's; a level's parts are listed with
their targets, results and last year's results of the same organisation. Tết Nhân ái's
rule per commune comes from relief/coverage.py.

Three grouped queries per campaign tree, whatever the number of parts."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from nhandao.beneficiaries.models import Sponsorship
from nhandao.campaigns.models import Campaign, CampaignKind
from nhandao.donations.models import DonationTotal
from nhandao.movements.models import Edition, Target, TargetKind
from nhandao.orgs.models import AdminMap
from nhandao.relief.models import DistributionSummary

# DistributionSummary kinds → the target each counts toward (its lines)
KIND_TARGET = {
    "gift": "gifts",
    "house": "houses",
    "livelihood": "livelihoods",
    "scholarship": "scholarships",
    "health_insurance": "health_insurance",
}
# targets that have no source in the data yet (blood lands with issue #18)
NO_SOURCE = {"blood_units"}


def _tree(root_id: int) -> list[tuple[int, int | None, int]]:
    """(pk, parent id, organisation id) of a campaign and every part below it."""
    rows = list(
        Campaign.objects.filter(pk=root_id).values_list("pk", "parent_id", "organisation_id")
    )
    frontier = [root_id]
    while frontier:
        found = list(
            Campaign.objects.filter(parent_id__in=frontier).values_list(
                "pk", "parent_id", "organisation_id"
            )
        )
        rows += found
        frontier = [r[0] for r in found]
    return rows


def results_by_campaign(ids: list[int]) -> dict[int, Counter]:
    """Each campaign's own results (not its parts'), by target kind."""
    out: dict[int, Counter] = defaultdict(Counter)
    money = (
        DonationTotal.objects.filter(campaign_id__in=ids)
        .values_list("campaign_id")
        .annotate(amount=Sum("amount"))
    )
    for campaign_id, amount in money:
        out[campaign_id]["money"] += amount or 0
    lines = (
        DistributionSummary.objects.filter(campaign_id__in=ids)
        .values_list("campaign_id", "kind")
        .annotate(lines=Sum("lines"), households=Sum("households"), persons=Sum("persons"))
    )
    for campaign_id, kind, n, households, persons in lines:
        counts = out[campaign_id]
        if kind in KIND_TARGET:
            counts[KIND_TARGET[kind]] += n or 0
        counts["households"] += households or 0
        counts["people"] += persons or 0
    # humanitarian addresses given a sponsor under the campaign (beneficiaries.Sponsorship)
    addresses = (
        Sponsorship.objects.filter(campaign_id__in=ids)
        .values_list("campaign_id")
        .annotate(n=Count("address_id", distinct=True))
    )
    for campaign_id, n in addresses:
        out[campaign_id]["addresses"] += n
    return out


@dataclass
class Row:
    campaign_id: int
    organisation_id: int
    name: str
    targets: dict = field(default_factory=dict)
    results: Counter = field(default_factory=Counter)
    last_year: Counter | None = None
    left_behind: int | None = None  # Tết: poor and near-poor households without a gift

    def percent(self, kind: str) -> int | None:
        target = self.targets.get(kind)
        if not target:
            return None
        return int(100 * self.results.get(kind, 0) / target)


@dataclass
class Rollup:
    campaign: Campaign
    edition: Edition
    kinds: list[tuple[str, str]]  # (kind, label) shown: those with a target somewhere
    own: Row  # the campaign itself: its targets, its subtree's results
    parts: list[Row]  # the parts one level below
    parts_targets: Counter  # the sum of the parts' targets
    last_year_campaign: Campaign | None = None
    tet_rule: list = field(default_factory=list)  # relief.coverage.CommuneCoverage rows

    @property
    def tet_left_behind(self) -> int | None:
        if not self.tet_rule:
            return None
        return sum(c.left_behind for c in self.tet_rule)

    def behind(self) -> list[tuple[str, str, int]]:
        """(kind, label, percent) of the own targets below the time elapsed."""
        return [(k, lbl, p) for k, lbl in self.kinds if (p := self.own.percent(k)) is not None]


def _rolled(root_id: int) -> tuple[dict[int, Counter], dict[int, tuple[int, int | None, int]]]:
    """Results of each campaign of the tree including its parts, and the tree's rows."""
    tree = _tree(root_id)
    own = results_by_campaign([pk for pk, _, _ in tree])
    rows = {pk: (pk, parent, org) for pk, parent, org in tree}
    total: dict[int, Counter] = defaultdict(Counter)
    for pk, _parent, _org in tree:
        results = own.get(pk)
        if not results:
            continue
        node = pk
        while node is not None:  # add to itself and every ancestor inside the tree
            total[node].update(results)
            node = rows[node][1] if node != root_id else None
    return total, rows


def rollup(campaign: Campaign, edition: Edition, *, tet_rule: bool = True) -> Rollup:
    total, rows = _rolled(campaign.pk)
    children = [r for r in rows.values() if r[1] == campaign.pk]
    ids = [campaign.pk] + [r[0] for r in children]
    targets: dict[int, dict] = defaultdict(dict)
    for campaign_id, kind, value in Target.objects.filter(campaign_id__in=ids).values_list(
        "campaign_id", "kind", "value"
    ):
        targets[campaign_id][kind] = value
    names = dict(
        Campaign.objects.filter(pk__in=ids).values_list("pk", "organisation__name")
    )  # fmt: skip
    own = Row(campaign.pk, campaign.organisation_id, campaign.organisation.name,
              targets[campaign.pk], total.get(campaign.pk, Counter()))  # fmt: skip
    parts = [
        Row(pk, org, names.get(pk, ""), targets.get(pk, {}), total.get(pk, Counter()))
        for pk, _parent, org in children
    ]
    parts.sort(key=lambda r: r.name)
    parts_targets: Counter = Counter()
    for row in parts:
        parts_targets.update(row.targets)
    used = set(own.targets) | set(parts_targets)
    kinds = [(k, lbl) for k, lbl in TargetKind.choices if k in used]
    out = Rollup(campaign, edition, kinds, own, parts, parts_targets)
    _last_year(out)
    if tet_rule and campaign.kind == CampaignKind.TET:
        out.tet_rule = _tet_rule(campaign, list(rows))
    return out


def own_progress(campaign: Campaign) -> Row:
    """The campaign's own targets and what its whole tree reached, nothing else: the home
    page asks only "is this part behind?", so no parts' rows, names or last year (which the
    full `rollup` reads, walking last year's tree too). No target with a source: no tree read."""
    targets = dict(Target.objects.filter(campaign=campaign).values_list("kind", "value"))
    reached: Counter = Counter()
    if set(targets) - NO_SOURCE:
        for counts in results_by_campaign([pk for pk, _, _ in _tree(campaign.pk)]).values():
            reached.update(counts)
    return Row(campaign.pk, campaign.organisation_id, "", targets, reached)


def _last_year(out: Rollup) -> None:
    """Last year's results of the same organisations, beside this year's."""
    previous = (
        Edition.objects.filter(movement=out.edition.movement, year=out.edition.year - 1)
        .select_related("campaign")
        .first()
    )
    if previous is None:
        return
    total, rows = _rolled(previous.campaign_id)
    by_org = {org: pk for pk, _parent, org in rows.values()}
    mine = by_org.get(out.own.organisation_id)
    if mine is None:
        return
    out.last_year_campaign = Campaign.objects.filter(pk=mine).first()
    out.own.last_year = total.get(mine, Counter())
    for row in out.parts:
        pk = by_org.get(row.organisation_id)
        row.last_year = total.get(pk, Counter()) if pk else None


class _Lineage:
    """What relief/coverage.py asks of a campaign (its ids, its launch date), for a part: the
    part, every part below it and the levels above it (the national campaign and the
    province's part). Not the whole national tree: a commune's households are reached by its
    own part, its province's or the centre's, and 3,000 ids cost more to compile than to
    run."""

    def __init__(self, campaign: Campaign, tree_ids: list[int]):
        self.pk, self.launch_date = campaign.pk, campaign.launch_date
        self.ids = list(tree_ids)
        parent = campaign.parent_id
        while parent is not None:
            self.ids.append(parent)
            parent = Campaign.objects.filter(pk=parent).values_list("parent_id", flat=True)[0]

    def subtree_ids(self) -> list[int]:
        return self.ids


def _tet_rule(campaign: Campaign, tree_ids: list[int]) -> list:
    """Per commune of the organisation's area (a province or a commune on the new map):
    poor and near-poor households of the registry without a gift of this year's Tết
    Nhân ái (relief/coverage.py, over _Lineage)."""
    from nhandao.relief import coverage

    unit = campaign.organisation.admin_unit
    if unit is None or unit.map != AdminMap.NEW or unit.level not in ("province", "commune"):
        return []
    return coverage.by_commune(_Lineage(campaign, tree_ids), unit)
