"""Read-only, aggregated, non-personal relief figures per campaign, for the public portal
(issue #4) and the reconciliation pages. No names of people, no household ids: only
organisations, administrative units, counts and amounts in đồng.

Every figure comes from the summary tables the actions keep (FundFlow per ledger account,
DistributionSummary per campaign × organisation × commune × kind), the executed allocations
and the ledger heads (one indexed row per account) — never from grouping raw donations or
lines, so a campaign with millions of donations answers in milliseconds.

Functions take a campaign and cover that campaign and its parts at lower levels.
"""

from django.db.models import OuterRef, Subquery, Sum

from nhandao.audit.models import LedgerAccount, LedgerEntry
from nhandao.lib.text import search_key
from nhandao.relief.models import (
    Allocation,
    AllocationStatus,
    DistributionKind,
    DistributionLine,
    DistributionSummary,
    FundFlow,
    LineStatus,
)

# Allocations the public sees: approved and carried out (a proposal, a first approval
# still waiting for the second, a refusal or a cancellation is not a public decision).
PUBLIC_STATUSES = (AllocationStatus.EXECUTED,)


def _ids(campaign) -> list[int]:
    return campaign.subtree_ids()


def public_allocations(campaign):
    """The campaign's (and its parts') allocations that are public."""
    return Allocation.objects.filter(campaign_id__in=_ids(campaign), status__in=PUBLIC_STATUSES)


def decision_document(campaign, allocation_id: int):
    """The decision file of a public allocation of this campaign, or None (not public, not of
    this campaign, or no file)."""
    allocation = public_allocations(campaign).filter(pk=allocation_id).first()
    if allocation is None or not allocation.decision_file:
        return None
    return allocation


def allocations(campaign) -> list[dict]:
    """Public allocations, decision by decision (organisations only)."""
    rows = (
        public_allocations(campaign)
        .select_related("organisation", "target_organisation__admin_unit", "purpose")
        .order_by("decision_date", "pk")
    )
    out = []
    for a in rows:
        target = a.target_organisation
        out.append(
            {
                "id": a.pk,
                "decision_no": a.decision_no,
                "decision_date": a.decision_date,
                "from": a.organisation.name,
                "from_level": a.organisation.level,
                "to": target.name if target else None,
                "to_level": target.level if target else None,
                "purpose": None if target else str(a.purpose or a.purpose_text),
                "direction": a.direction,
                "amount": a.amount,
                "has_document": bool(a.decision_file),
            }
        )
    return out


def allocated_by_level(campaign) -> list[dict]:
    """Totals per (from level, to level, direction)."""
    rows = (
        public_allocations(campaign)
        .values("organisation__level", "target_organisation__level", "direction")
        .annotate(total=Sum("amount"))
        .order_by("organisation__level", "target_organisation__level")
    )
    return [
        {
            "from_level": r["organisation__level"],
            "to_level": r["target_organisation__level"],
            "direction": r["direction"],
            "amount": r["total"],
        }
        for r in rows
    ]


def _province_of(org) -> tuple[int | None, str]:
    unit = org.admin_unit if org else None
    if unit is None:
        return None, ""
    province = unit if unit.level == "province" else unit.province
    return (province.pk, province.name) if province else (None, "")


def allocated_by_province(campaign) -> list[dict]:
    """Money allocated into each province from outside it (e.g. the central fund)."""
    totals: dict[int, dict] = {}
    rows = (
        public_allocations(campaign)
        .filter(target_organisation__isnull=False)
        .select_related(
            "organisation__admin_unit__province", "target_organisation__admin_unit__province"
        )
    )
    for a in rows:
        pid, name = _province_of(a.target_organisation)
        if pid is None or _province_of(a.organisation)[0] == pid:
            continue
        row = totals.setdefault(
            pid, {"province_id": pid, "province": name, "amount": 0, "decisions": 0}
        )
        row["amount"] += a.amount
        row["decisions"] += 1
    return sorted(totals.values(), key=lambda r: -r["amount"])


def distributions_by_commune(campaign) -> list[dict]:
    """Per commune: lines received (lượt), households, persons, value, and per kind."""
    rows = (
        DistributionSummary.objects.filter(campaign_id__in=_ids(campaign))
        .values(
            "commune_id", "commune__name", "commune__province_id", "commune__province__name", "kind"
        )
        .annotate(
            lines=Sum("lines"),
            households=Sum("households"),
            persons=Sum("persons"),
            value=Sum("value"),
        )
        .order_by("commune__province__name", "commune__name")
    )
    labels = dict(DistributionKind.choices)
    out: dict = {}
    for r in rows:
        key = r["commune_id"]
        row = out.setdefault(
            key,
            {
                "commune_id": key,
                "commune": r["commune__name"] or "Không rõ địa bàn",
                "province": r["commune__province__name"] or "",
                "province_id": r["commune__province_id"],
                "lines": 0,
                "households": 0,
                "persons": 0,
                "value": 0,
                "by_kind": {},
            },
        )
        for f in ("lines", "households", "persons", "value"):
            row[f] += r[f] or 0
        row["by_kind"][labels.get(r["kind"], r["kind"])] = {
            "lines": r["lines"],
            "value": r["value"],
        }
    return list(out.values())


def people_reached(campaign) -> dict:
    agg = DistributionSummary.objects.filter(campaign_id__in=_ids(campaign)).aggregate(
        lines=Sum("lines"),
        households=Sum("households"),
        persons=Sum("persons"),
        value=Sum("value"),
    )
    return {k: v or 0 for k, v in agg.items()}


def _accounts(campaign):
    head = LedgerEntry.objects.filter(account=OuterRef("pk")).order_by("-seq")
    return (
        LedgerAccount.objects.filter(campaign_id__in=_ids(campaign))
        .annotate(balance=Subquery(head.values("balance_after")[:1]))
        .select_related("organisation")
        .order_by("organisation__path", "earmark")
    )


def reconciliation(campaign) -> dict:
    """Per organisation: received (net donations) + allocated in = allocated out + spent on
    purposes + goods bought/received into stock + distributed + balance. And the campaign
    totals, where transfers between levels cancel out:
    received = spent + to_stock + distributed + balance."""
    flows = {f.account_id: f for f in FundFlow.objects.filter(campaign_id__in=_ids(campaign))}
    per_org: dict[int, dict] = {}
    for account in _accounts(campaign):
        f = flows.get(account.pk)
        balance = account.balance or 0
        moved = {
            k: getattr(f, k) if f else 0
            for k in ("allocated_in", "allocated_out", "spent", "to_stock", "distributed")
        }
        received = (
            balance
            - moved["allocated_in"]
            + moved["allocated_out"]
            + moved["spent"]
            + moved["to_stock"]
            + moved["distributed"]
        )
        org = account.organisation
        row = per_org.setdefault(
            org.pk,
            {
                "organisation_id": org.pk,
                "organisation": org.name,
                "level": org.level,
                "path": org.path,
                "received": 0,
                "balance": 0,
                "earmarked_balance": 0,
                **dict.fromkeys(moved, 0),
            },
        )
        row["received"] += received
        row["balance"] += balance
        if account.earmark:
            row["earmarked_balance"] += balance
        for k, v in moved.items():
            row[k] += v
    rows = sorted(per_org.values(), key=lambda r: r["path"])
    keys = (
        "received",
        "allocated_in",
        "allocated_out",
        "spent",
        "to_stock",
        "distributed",
        "balance",
    )
    totals = dict.fromkeys(keys, 0)
    by_path = {row["path"]: row for row in rows}
    for row in rows:
        row["below_used_and_held"] = 0
    for row in rows:
        for k in keys:
            totals[k] += row[k]
        # what came from above and is now used or held here counts for every ancestor
        net = row["spent"] + row["to_stock"] + row["distributed"] + row["balance"] - row["received"]
        ids = row["path"].strip("/").split("/")[:-1]
        for depth in range(len(ids)):
            ancestor = by_path.get("/" + "/".join(ids[: depth + 1]) + "/")
            if ancestor is not None:
                ancestor["below_used_and_held"] += net
    used = totals["spent"] + totals["to_stock"] + totals["distributed"]
    return {
        "rows": rows,
        "totals": dict(totals),
        "balanced": totals["received"] == used + totals["balance"]
        and totals["allocated_in"] == totals["allocated_out"],
    }


def balance(campaign) -> int:
    return sum(a.balance or 0 for a in _accounts(campaign))


def campaign_figures(campaign) -> dict:
    """Everything the portal's campaign page needs, in one call."""
    return {
        "allocations": allocations(campaign),
        "allocated_by_level": allocated_by_level(campaign),
        "allocated_by_province": allocated_by_province(campaign),
        "distributions_by_commune": distributions_by_commune(campaign),
        "people_reached": people_reached(campaign),
        "reconciliation": reconciliation(campaign),
    }


# Decree 93 art. 14 asks for the list of recipients to be made public; a name is shown only
# where the person (for a household: its head) agreed to publication: consent recorded with
# a purpose that says so ("công khai"). Everyone else is counted, never named.
PUBLISH_CONSENT = "cong khai"


def _may_publish(person) -> bool:
    """Consented, and not since restricted or erased at the person's request (a
    data-subject request withdraws what the consent allowed)."""
    return bool(
        person is not None
        and person.restricted_at is None
        and person.consent_at
        and PUBLISH_CONSENT in search_key(person.consent_purpose)
    )


def recipients_disclosure(campaign, commune_ids) -> list[dict]:
    """Per commune: lines received, households, persons and value per kind (the summaries),
    and the names of recipients who consented to publication (others only counted)."""
    by_commune = {
        r["commune_id"]: {**r, "names": [], "unnamed": 0}
        for r in distributions_by_commune(campaign)
        if r["commune_id"] in set(commune_ids)
    }
    lines = (
        DistributionLine.objects.filter(
            campaign_id__in=_ids(campaign),
            commune_id__in=list(by_commune),
            status=LineStatus.RECEIVED,
        )
        .select_related("person", "household__head")
        .order_by("commune_id", "recipient_name", "pk")
    )
    for line in lines:
        person = line.person or (line.household.head if line.household_id else None)
        row = by_commune[line.commune_id]
        if _may_publish(person):
            row["names"].append({"name": person.full_name, "value": line.value})
        else:
            row["unnamed"] += 1
    return list(by_commune.values())
