"""The one place a campaign's money figures come from (issue #14): for a campaign (its parts
included) × an organisation's subtree (or all), what each organisation received by channel,
allocated down, received from above, moved up, spent on a Decree 93 use, distributed (cash,
and goods out of stock at cost), holds in stock and holds as balance — and the people and
households reached. The portal list and page, so-lieu.json, the open data, the internal
campaign page and the API all read `campaign_figures()`; nothing recomputes them elsewhere.

Sources, one per figure, none grouped twice:
- money in (by channel): the donations register, through its totals (DonationTotal: active
  donations per organisation × campaign × channel, kept by the actions and the statement
  import); it is also derived from the ledger (balance − flows) and the two are compared
  (`register_matches_ledger`, and the organisation's `reconciled`);
- balance: the ledger head of each account (audit/ledger.py);
- allocated in/out, spent, to stock, cash distributed: the ledger's entries other than
  donations (`ledger_moves()`, through a partial index: a few per decision or hand-out
  line), classified by kind and by the relief action that wrote them (`source`);
  `ledger_flows()` reads every entry in Python, independently, and the tests hold the two
  equal;
- goods: the stock card (StockMove), valued at cost: what the ledger paid for them (a
  purchase or an in-kind donation moved into a warehouse), carried at the average cost of
  the warehouse × item × campaign when goods are moved or handed out. Goods moved to
  another organisation's warehouse count as allocated out of the sender and into the
  receiver, so every organisation's equation holds;
- people and households reached: DistributionSummary.

Every organisation, every level and the campaign satisfy
    received + allocated_in = allocated_out + spent + distributed + in_stock + balance
(`reconciled`); a difference is published, never hidden.
"""

import operator
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from django.db import connections
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from nhandao.audit.models import EntryKind, LedgerAccount, LedgerEntry
from nhandao.campaigns.models import Campaign
from nhandao.donations.models import Channel, Donation, DonationTotal
from nhandao.orgs.models import AdminLevel, Organisation, OrgLevel
from nhandao.relief.models import (
    Allocation,
    AllocationStatus,
    Direction,
    DistributionLine,
    DistributionSummary,
    LineStatus,
    MoveKind,
    StockMove,
)

# The three public levels; a district (before 2025) and a grassroots branch are reported
# with the communes (the level that hands out relief), a province-level body with provinces.
LEVELS = ("central", "province", "commune")
LEVEL_LABELS = {"central": "Trung ương", "province": "Tỉnh/thành phố", "commune": "Xã/phường"}
LEVEL_OF = {  # plain strings: the values read from the database are plain strings
    OrgLevel.CENTRAL.value: "central",
    OrgLevel.PROVINCE.value: "province",
    OrgLevel.DISTRICT.value: "commune",
    OrgLevel.COMMUNE.value: "commune",
    OrgLevel.BRANCH.value: "commune",
}
CHANNELS = ("transfer", "cash", "in_kind", "other")
MONEY_FIELDS = (
    "received",
    "allocated_in",
    "allocated_out",
    "spent",
    "distributed",
    "in_stock",
    "balance",
)
# Which relief action wrote a SPEND entry (its `source`), so the ledger alone can be read
# back into flows (ledger_flows) and compared with FundFlow.
SPEND_SOURCES = {
    "relief-allocation:": "spent",
    "relief-stock": "to_stock",
    "relief-line:": "distributed_cash",
}


@dataclass
class Flows:
    """One organisation's (or a group's) money for a campaign, in đồng."""

    transfer: int = 0
    cash: int = 0
    in_kind: int = 0
    other: int = 0
    count: int = 0  # donations received
    allocated_in: int = 0  # money allocated to it, and goods moved into its warehouses
    allocated_out: int = 0  # money it allocated down or moved up, goods it sent away
    goods_in: int = 0  # of allocated_in: goods received from another warehouse, at cost
    goods_out: int = 0  # of allocated_out: goods sent to another organisation, at cost
    spent: int = 0  # allocations to a Decree 93 use
    to_stock: int = 0  # paid into stock (purchases, in-kind donations moved into a warehouse)
    distributed_cash: int = 0
    distributed_goods: int = 0  # at cost
    in_stock: int = 0  # at cost
    balance: int = 0  # ledger heads
    ledger_received: int = 0  # net donations as the ledger has them
    to_stock_card: int = 0  # what the stock card says was paid into stock
    # of in_stock: purchases approved and paid (an allocation into stock, decision 0023)
    # whose goods have not been received yet; to_stock = to_stock_card + ordered
    ordered: int = 0
    # a period's figures (period_figures): what the organisation held the day before the
    # period began, in money (the ledger) and in goods (at cost, goods on order included);
    # zero for the whole campaign
    opening_balance: int = 0
    opening_in_stock: int = 0

    @property
    def received(self) -> int:
        return self.transfer + self.cash + self.in_kind + self.other

    @property
    def distributed(self) -> int:
        return self.distributed_cash + self.distributed_goods

    @property
    def difference(self) -> int:
        """(opening + received + allocated in) − (allocated out + spent + distributed + in
        stock + balance): zero when the organisation's books add up (the opening is zero
        for the whole campaign: everything starts empty)."""
        opening = self.opening_balance + self.opening_in_stock
        return (opening + self.received + self.allocated_in) - (
            self.allocated_out + self.spent + self.distributed + self.in_stock + self.balance
        )

    @property
    def reconciled(self) -> bool:
        return self.difference == 0

    @property
    def register_matches_ledger(self) -> bool:
        return self.received == self.ledger_received

    @classmethod
    def total_of(cls, many: list["Flows"]) -> "Flows":
        """The sum of many, field by field (thousands of organisations per campaign: the
        columns are summed by C code, not one attribute at a time)."""
        if not many:
            return cls()
        columns = zip(*map(_FIELD_VALUES, (flows.__dict__ for flows in many)), strict=True)
        return cls(*map(sum, columns))

    def add(self, other: "Flows") -> None:
        mine, theirs = self.__dict__, other.__dict__  # thousands of rows per campaign: no getattr
        for name in FLOW_FIELDS:
            mine[name] += theirs[name]

    def public(self, period: bool = False) -> dict:
        """The figures so-lieu.json publishes for a level (and the pages show); for a
        period, with what was held at its opening."""
        opening = {name: getattr(self, name) for name in OPENING_FIELDS} if period else {}
        return {
            **opening,
            **{name: getattr(self, name) for name in MONEY_FIELDS},
            "reconciled": self.reconciled,
        }


FLOW_FIELDS = tuple(Flows.__dataclass_fields__)
OPENING_FIELDS = ("opening_balance", "opening_in_stock")
# held at a date, not moved over a period: a period takes them at its end (and its opening
# from the day before its start); every other field is moved and a period takes the change
HELD_FIELDS = ("balance", "in_stock", "ordered")
_FIELD_VALUES = operator.itemgetter(*FLOW_FIELDS)


@dataclass
class OrgRow:
    organisation_id: int
    name: str
    level: str  # one of LEVELS
    path: str
    province_id: int | None
    province: str
    province_code: str = ""
    flows: Flows = field(default_factory=Flows)


@dataclass
class CampaignFigures:
    campaign_id: int
    code: str
    as_of: date
    rows: list[OrgRow]
    total: Flows
    allocated: int  # executed allocation decisions: to organisations and to uses
    spent_by_use: list[dict]
    people_reached: int
    households_reached: int
    lines_reached: int
    # (sender, receiver) → money allocated and goods moved (at cost) between organisations
    transfers: dict = field(default_factory=dict)
    # a period (period_figures): its first and last day, either open; None for the whole
    start: date | None = None
    end: date | None = None

    @property
    def is_period(self) -> bool:
        return self.start is not None or self.end is not None

    def grouped(self, key) -> dict:
        """The rows summed by `key(row)` (rows whose key is None left out). Money and goods
        moved between two organisations of the same group are inside it: they leave both
        its allocated in and out, so a province's allocated_in is what reached it from
        outside and nothing is counted twice (the equation keeps holding: both sides lose
        the same amount)."""
        members: dict = defaultdict(list)
        key_of = {}
        for row in self.rows:
            k = key(row)
            key_of[row.organisation_id] = k
            if k is not None:
                members[k].append(row.flows)
        groups = {k: Flows.total_of(flows) for k, flows in members.items()}
        for (sender, receiver), amount in self.transfers.items():
            k = key_of.get(sender)
            if k is not None and k == key_of.get(receiver):
                groups[k].allocated_in -= amount
                groups[k].allocated_out -= amount
        return groups

    @cached_property
    def levels(self) -> dict[str, Flows]:
        found = self.grouped(lambda row: row.level)
        return {level: found.get(level, Flows()) for level in LEVELS}

    @property
    def level_rows(self) -> list[dict]:
        """The levels with their Vietnamese names, for the pages."""
        return [
            {"level": level, "label": LEVEL_LABELS[level], "flows": flows}
            for level, flows in self.levels.items()
        ]

    @cached_property
    def provinces(self) -> list[dict]:
        """Per province (organisations whose unit lies in it; central bodies apart)."""
        names = {r.province_id: (r.province, r.province_code) for r in self.rows}
        found = self.grouped(lambda row: row.province_id)
        return sorted(
            (
                {"id": pk, "name": names[pk][0], "code": names[pk][1], "flows": f}
                for pk, f in found.items()
            ),
            key=lambda g: g["name"],
        )

    @cached_property
    def whole(self) -> Flows:
        """The campaign as one: moves between its organisations cancel out."""
        return self.grouped(lambda row: 0).get(0, Flows())

    def communes_of(self, province_id: int) -> list[OrgRow]:
        return [r for r in self.rows if r.province_id == province_id and r.level == "commune"]

    @property
    def reconciled(self) -> bool:
        return (
            self.total.reconciled
            and all(f.reconciled for f in self.levels.values())
            and all(p["flows"].reconciled for p in self.provinces)
        )

    def public(self) -> dict:
        """so-lieu.json (issue #14 item 2)."""
        t, period = self.total, self.is_period
        extra = {}
        if period:
            extra = {
                "period": {
                    "start": self.start.isoformat() if self.start else None,
                    "end": self.end.isoformat() if self.end else None,
                },
                "opening_balance": t.opening_balance,
                "opening_in_stock": t.opening_in_stock,
            }
        return {
            "code": self.code,
            "as_of": self.as_of.isoformat(),
            **extra,
            "received": {
                "total": t.received,
                "transfer": t.transfer,
                "cash": t.cash,
                "in_kind": t.in_kind,
                "other": t.other,
            },
            "allocated": self.allocated,
            "spent": t.spent,
            "distributed": t.distributed,
            "in_stock": t.in_stock,
            "balance": t.balance,
            "people_reached": self.people_reached,
            "households_reached": self.households_reached,
            "reconciled": self.reconciled,
            "levels": [
                {"level": level, "label": LEVEL_LABELS[level], **flows.public(period)}
                for level, flows in self.levels.items()
            ],
            "provinces": [{"name": p["name"], **p["flows"].public(period)} for p in self.provinces],
        }


ORG_COLUMNS = (
    "pk",
    "name",
    "level",
    "path",
    "admin_unit__level",
    "admin_unit_id",
    "admin_unit__name",
    "admin_unit__code",
    "admin_unit__province_id",
    "admin_unit__province__name",
    "admin_unit__province__code",
)


def _fetch(qs) -> list[tuple]:
    """The rows of a values_list() queryset straight from the database cursor: a campaign
    has thousands of organisations, and Django's per-row machinery cost more than the
    queries (docs/benchmarks.md). Only for columns that need no conversion (integers,
    text, sums of integers)."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _organisations(campaign_ids, wanted):
    """(pk, name, level, path, (province id, name, code) or None) of the organisations in
    `wanted`: those with an account of the campaign in one query by subquery (a list of
    thousands of ids costs more to compile than to run), then any other (goods only)."""
    accounts = LedgerAccount.objects.filter(campaign_id__in=campaign_ids).values("organisation_id")
    found = _fetch(
        Organisation.objects.filter(pk__in=accounts).values_list(*ORG_COLUMNS).order_by()
    )
    seen = {row[0] for row in found}
    others = [pk for pk in wanted if pk not in seen]
    if others:
        found += _fetch(
            Organisation.objects.filter(pk__in=others).values_list(*ORG_COLUMNS).order_by()
        )
    for pk, name, level, path, unit_level, unit, u_name, u_code, prov, p_name, p_code in found:
        if pk not in wanted:
            continue
        if unit is None or level == OrgLevel.CENTRAL:
            province = None
        elif unit_level == AdminLevel.PROVINCE:
            province = (unit, u_name, u_code)
        else:
            province = (prov, p_name, p_code) if prov else None
        yield pk, name, level, path, province


def _within(qs, within: Organisation | None, via: str):
    if within is None:
        return qs
    return qs.filter(**{f"{via}__path__startswith": within.path})


def stock_at_cost(
    campaign_ids, as_of: date | None = None
) -> tuple[dict[int, dict[str, int]], dict[tuple, int]]:
    """Per warehouse organisation: to_stock (paid in through the ledger), goods_in /
    goods_out (moved between organisations), distributed_goods and in_stock, all at cost.
    One walk of the stock card in order (moves are few: one per delivery or hand-out line);
    a move out takes its share of the level's cost, the last unit out takes what is left.
    With `as_of`, the card's moves dated up to that day only."""
    moves = StockMove.objects.filter(campaign_id__in=campaign_ids)
    if as_of is not None:
        moves = moves.filter(date__lte=as_of)
    moves = moves.order_by("pk").values_list(
        "warehouse_id",
        "warehouse__organisation_id",
        "item_id",
        "campaign_id",
        "kind",
        "quantity",
        "value",
        "ledger_entry_id",
        "transfer_ref",
    )
    held: dict[tuple, list] = defaultdict(lambda: [0, 0, None])  # qty, cost, organisation
    sending: dict[str, tuple[int, int]] = {}  # transfer_ref → (cost, sending organisation)
    per_org: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    pairs: dict[tuple, int] = defaultdict(int)  # (sender, receiver) → cost of goods moved
    for wh, org, item, camp, kind, qty, value, entry_id, ref in moves:
        level = held[(wh, item, camp)]
        level[2] = org
        if qty > 0:
            if kind == MoveKind.IN_TRANSFER:
                cost, sender = sending.pop(ref, (0, org))
                if sender != org:
                    per_org[sender]["goods_out"] += cost
                    per_org[org]["goods_in"] += cost
                    pairs[(sender, org)] += cost
            else:  # goods paid through the ledger carry their price; anything else costs 0
                cost = int(value) if entry_id else 0
                per_org[org]["to_stock"] += cost
            level[0] += qty
            level[1] += cost
        else:
            taken = -qty
            cost = level[1] if taken >= level[0] else round(level[1] * taken / level[0])
            level[0] -= taken
            level[1] -= cost
            if kind == MoveKind.OUT_TRANSFER:
                sending[ref] = (cost, org)
            else:
                per_org[org]["distributed_goods"] += cost
    for _qty, cost, org in held.values():
        per_org[org]["in_stock"] += cost
    return {org: dict(values) for org, values in per_org.items()}, dict(pairs)


def _heads(campaign_ids, within, as_of: date | None = None):
    """(account, organisation, balance) of the campaign's accounts: the ledger heads; with
    `as_of`, the sum of the entries booked up to that day (an entry may be booked on an
    earlier day than the one before it, so no head is the balance of a past day)."""
    if as_of is not None:
        booked = LedgerEntry.objects.filter(
            account__campaign_id__in=campaign_ids, booked_on__lte=as_of
        )
        rows = _fetch(
            _within(booked, within, "account__organisation")
            .values_list("account_id", "account__organisation_id")
            .annotate(balance=Sum("amount"))
            .order_by()
        )
        # PostgreSQL sums bigints as numeric (Decimal from the cursor; the ORM would convert)
        return [(account, org, int(balance)) for account, org, balance in rows]
    head = LedgerEntry.objects.filter(account=OuterRef("pk")).order_by("-seq")
    accounts = LedgerAccount.objects.filter(campaign_id__in=campaign_ids).annotate(
        head_balance=Subquery(head.values("balance_after")[:1])
    )
    return _fetch(
        _within(accounts, within, "organisation").values_list(
            "pk", "organisation_id", "head_balance"
        )
    )


def _received_as_of(campaign_ids, within, as_of: date):
    """(organisation, channel, amount, count) of the donations the ledger held on `as_of`:
    booked up to that day, less those whose reversal was booked up to that day (the
    donation totals carry no dates; the register is read through its ledger entries, so a
    donation and its reversal fall on the days the ledger has them)."""
    register = _within(
        Donation.objects.filter(campaign_id__in=campaign_ids), within, "organisation"
    )
    fields = ("organisation_id", "channel")
    booked = (
        register.filter(ledger_entry__booked_on__lte=as_of)
        .values_list(*fields)
        .annotate(amount=Sum("amount"), count=Count("pk"))
        .order_by()
    )
    reversed_ = (
        register.filter(ledger_entry__reversed_by__booked_on__lte=as_of)
        .values_list(*fields)
        .annotate(amount=Sum("amount"), count=Count("pk"))
        .order_by()
    )
    out: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for sign, rows in ((1, booked), (-1, reversed_)):
        for org, channel, amount, count in rows:
            out[(org, channel)][0] += sign * (amount or 0)
            out[(org, channel)][1] += sign * count
    return [(org, channel, amount, count) for (org, channel), (amount, count) in out.items()]


def campaign_figures(
    campaign, *, within: Organisation | None = None, as_of: date | None = None
) -> CampaignFigures:
    """The figures of `campaign` and its parts, for every organisation (or those of the
    subtree of `within`), grouped by organisation; levels, provinces and the total are sums
    of these rows and nothing else. With `as_of`, everything up to the end of that day by
    the dates the books carry (ledger entries by the day they are booked, the stock card by
    its moves' dates, decisions by their date, hand-outs by the day received): slower, it
    reads the donations' entries instead of their totals (period_figures)."""
    ids = campaign.subtree_ids()
    per_org: dict[int, Flows] = defaultdict(Flows)
    if as_of is None:
        received = _fetch(
            _within(
                DonationTotal.objects.filter(campaign_id__in=ids), within, "organisation"
            ).values_list("organisation_id", "channel", "amount", "count")
        )
    else:
        received = _received_as_of(ids, within, as_of)
    for org, channel, amount, count in received:
        values = per_org[org].__dict__  # thousands of rows: no getattr/setattr
        values[channel if channel in CHANNELS else "other"] += amount
        values["count"] += count
    for _account, org, balance in _heads(ids, within, as_of):
        per_org[org].balance += balance or 0
    orgs_in_reach = None
    if within is not None:
        orgs_in_reach = set(
            Organisation.objects.filter(path__startswith=within.path).values_list("pk", flat=True)
        )
    transfers: dict[tuple, int] = defaultdict(int)
    for org, name, amount in ledger_moves(ids, transfers, as_of):
        if orgs_in_reach is None or org in orgs_in_reach:
            per_org[org].__dict__[name] += amount
    stock, goods_pairs = stock_at_cost(ids, as_of)
    for org, goods in stock.items():
        if orgs_in_reach is not None and org not in orgs_in_reach:
            continue
        row = per_org[org]
        row.goods_in += goods.get("goods_in", 0)
        row.goods_out += goods.get("goods_out", 0)
        row.allocated_in += goods.get("goods_in", 0)
        row.allocated_out += goods.get("goods_out", 0)
        row.distributed_goods += goods.get("distributed_goods", 0)
        row.in_stock += goods.get("in_stock", 0)
        # to_stock is what the ledger paid into stock; the stock card must agree with it
        row.to_stock_card += goods.get("to_stock", 0)
    for org, amount in _ordered(ids, within, as_of):
        # paid for, not delivered yet: held as goods on order (in stock, at cost)
        per_org[org].ordered += amount
        per_org[org].in_stock += amount
    for row in per_org.values():
        # net donations as the ledger has them: what is left once every other flow is known
        row.ledger_received = (
            row.balance
            - (row.allocated_in - row.goods_in)
            + (row.allocated_out - row.goods_out)
            + row.spent
            + row.to_stock
            + row.distributed_cash
        )
    rows = [
        OrgRow(
            organisation_id=pk,
            name=name,
            level=LEVEL_OF.get(level, "commune"),
            path=path,
            province_id=province[0] if province else None,
            province=province[1] if province else "",
            province_code=province[2] if province else "",
            flows=per_org[pk],
        )
        for pk, name, level, path, province in _organisations(ids, per_org)
    ]
    order = {level: i for i, level in enumerate(LEVELS)}
    rows.sort(key=lambda r: (order[r.level], r.province, r.name))
    total = Flows.total_of([row.flows for row in rows])
    decisions = _within(
        Allocation.objects.filter(campaign_id__in=ids, status=AllocationStatus.EXECUTED),
        within,
        "organisation",
    )
    if as_of is not None:  # an executed decision's entries are booked on its date
        decisions = decisions.filter(decision_date__lte=as_of)
    allocated = decisions.aggregate(amount=Sum("amount"))["amount"] or 0
    spent_by_use = [
        {"use": r["purpose__name"] or r["purpose_text"], "amount": r["amount"]}
        for r in decisions.filter(direction=Direction.PURPOSE, into_stock=False)
        .values("purpose__name", "purpose_text")
        .annotate(amount=Sum("amount"))
        .order_by("-amount")
    ]
    for pair, cost in goods_pairs.items():
        transfers[pair] += cost
    if as_of is None:
        people = _within(
            DistributionSummary.objects.filter(campaign_id__in=ids), within, "organisation"
        ).aggregate(lines=Sum("lines"), households=Sum("households"), persons=Sum("persons"))
    else:  # the summaries carry no dates: the lines received up to that day, counted alike
        people = _within(
            DistributionLine.objects.filter(
                round__campaign_id__in=ids,
                status=LineStatus.RECEIVED,
                received_on__lte=as_of,
            ),
            within,
            "round__organisation",
        ).aggregate(
            lines=Count("pk"),
            households=Count("pk", filter=Q(household__isnull=False)),
            persons=Count("pk", filter=Q(household__isnull=True)),
        )
    return CampaignFigures(
        campaign_id=campaign.pk,
        code=campaign.code,
        as_of=as_of or timezone.localdate(),
        rows=rows,
        total=total,
        allocated=allocated,
        spent_by_use=spent_by_use,
        people_reached=people["persons"] or 0,
        households_reached=people["households"] or 0,
        lines_reached=people["lines"] or 0,
        transfers=dict(transfers),
    )


def period_figures(
    campaign,
    start: date | None,
    end: date | None,
    *,
    within: Organisation | None = None,
) -> CampaignFigures:
    """The figures of a period [start, end] (either may be open): for every organisation,
    what it held the day before `start` (opening balance and stock), what moved in the
    period (received, allocated in/out, spent, distributed: the figures up to `end` less
    those up to the day before `start`) and what it held at `end` (balance, in stock), so
    that opening + received + allocated in = allocated out + spent + distributed + in stock
    + balance over the period too. Periods that follow one another add up to the whole:
    the figures of one end where the next begin."""
    close = campaign_figures(campaign, within=within, as_of=end)
    if start is None:
        opening = None
    else:
        opening = campaign_figures(campaign, within=within, as_of=start - timedelta(days=1))
    before = {row.organisation_id: row.flows for row in opening.rows} if opening else {}
    rows = [row for row in close.rows]
    known = {row.organisation_id for row in rows}
    rows += [row for row in (opening.rows if opening else []) if row.organisation_id not in known]
    period_rows = [
        OrgRow(
            organisation_id=row.organisation_id,
            name=row.name,
            level=row.level,
            path=row.path,
            province_id=row.province_id,
            province=row.province,
            province_code=row.province_code,
            flows=_moved(
                row.flows if row.organisation_id in known else Flows(),
                before.get(row.organisation_id, Flows()),
            ),
        )
        for row in rows
    ]
    order = {level: i for i, level in enumerate(LEVELS)}
    period_rows.sort(key=lambda r: (order[r.level], r.province, r.name))
    transfers = dict(close.transfers)
    for pair, amount in (opening.transfers if opening else {}).items():
        transfers[pair] = transfers.get(pair, 0) - amount
    spent_by_use: dict[str, int] = defaultdict(int)
    for use in close.spent_by_use:
        spent_by_use[use["use"]] += use["amount"]
    for use in opening.spent_by_use if opening else []:
        spent_by_use[use["use"]] -= use["amount"]

    def less(name):
        return getattr(close, name) - (getattr(opening, name) if opening else 0)

    return CampaignFigures(
        campaign_id=campaign.pk,
        code=campaign.code,
        as_of=close.as_of,
        rows=period_rows,
        total=Flows.total_of([row.flows for row in period_rows]),
        allocated=less("allocated"),
        spent_by_use=sorted(
            ({"use": use, "amount": amount} for use, amount in spent_by_use.items() if amount),
            key=lambda u: -u["amount"],
        ),
        people_reached=less("people_reached"),
        households_reached=less("households_reached"),
        lines_reached=less("lines_reached"),
        transfers={pair: amount for pair, amount in transfers.items() if amount},
        start=start,
        end=end,
    )


def _moved(close: Flows, opening: Flows) -> Flows:
    """A period's flows of one organisation: what is held (balance, stock) at its end, what
    was held at its opening, and the change of everything that moves."""
    out = Flows()
    values, at_end, before = out.__dict__, close.__dict__, opening.__dict__
    for name in FLOW_FIELDS:
        if name in HELD_FIELDS:
            values[name] = at_end[name]
        elif name not in OPENING_FIELDS:
            values[name] = at_end[name] - before[name]
    out.opening_balance, out.opening_in_stock = opening.balance, opening.in_stock
    return out


def _ordered(campaign_ids, within, as_of: date | None = None):
    """(organisation, amount) of the purchases approved (executed: paid) whose goods have not
    been received yet (with `as_of`: paid by that day — the decision's date, on which its
    spending is booked — and not received by then)."""
    waiting = Allocation.objects.filter(
        campaign_id__in=campaign_ids,
        status=AllocationStatus.EXECUTED,
        into_stock=True,
    )
    if as_of is None:
        waiting = waiting.filter(receipt__isnull=True)
    else:
        waiting = waiting.filter(decision_date__lte=as_of).filter(
            Q(receipt__isnull=True) | Q(receipt__date__gt=as_of)
        )
    return (
        _within(waiting, within, "organisation")
        .values_list("organisation_id")
        .annotate(amount=Sum("amount"))
        .order_by()
    )


def spend_class(source: str) -> str:
    """Which Flows field a SPEND entry (or its reversal) goes to, by the `source` the relief
    action wrote (SPEND_SOURCES); anything else is spent on a use."""
    for prefix, name in SPEND_SOURCES.items():
        if source.startswith(prefix):
            return name
    return "spent"


def ledger_moves(
    campaign_ids, transfers: dict, as_of: date | None = None
) -> list[tuple[int, str, int]]:
    """Every ledger entry of the campaign's accounts that is not a donation (through the
    partial index ledger_moves_idx: a few per decision or hand-out line), as (organisation,
    Flows field, amount ≥ 0 moved); `transfers` gets (sender, receiver) → amount from the
    two entries of each transfer. Reversals of donations are left to the balance. One walk
    of the index, classified here (two grouped queries cost more: docs/benchmarks.md).
    With `as_of`, the entries booked up to that day."""
    entries = LedgerEntry.objects.filter(account__campaign_id__in=campaign_ids)
    if as_of is not None:
        entries = entries.filter(booked_on__lte=as_of)
    entries = (
        entries.exclude(kind=EntryKind.DONATION)
        .values_list(
            "account__organisation_id", "kind", "transfer", "reverses__kind", "source", "amount"
        )
        .order_by()
    )
    sums: dict[tuple, int] = defaultdict(int)
    ends: dict[str, dict] = defaultdict(dict)
    transfer_in, transfer_out, spend = EntryKind.TRANSFER_IN, EntryKind.TRANSFER_OUT, "spend"
    for org, kind, link, reversed_kind, source, amount in _fetch(entries):
        if kind == transfer_in:
            sums[(org, "allocated_in")] += amount
            ends[link]["to"], ends[link]["amount"] = org, amount
        elif kind == transfer_out:
            sums[(org, "allocated_out")] -= amount
            ends[link]["from"] = org
        elif kind == spend or reversed_kind == spend:
            sums[(org, spend_class(source))] -= amount
        elif reversed_kind == transfer_in:
            sums[(org, "allocated_in")] += amount
        elif reversed_kind == transfer_out:  # the reversal of a transfer out: money back
            sums[(org, "allocated_out")] -= amount
    for end in ends.values():
        if "from" in end and "to" in end:
            pair = (end["from"], end["to"])
            transfers[pair] = transfers.get(pair, 0) + end["amount"]
    return [(org, name, amount) for (org, name), amount in sums.items()]


def received_by_campaign(campaign_ids: list[int]) -> dict[int, int]:
    """Received by each campaign with its parts (campaign_figures().total.received, for many
    campaigns at once): one grouped query, rolled up the parts' tree here."""
    parent_of = dict(Campaign.objects.values_list("pk", "parent_id"))
    wanted = set(campaign_ids)
    out = dict.fromkeys(wanted, 0)
    covered = {pk for pk in parent_of if _ancestors(pk, parent_of) & wanted}
    rows = (
        DonationTotal.objects.filter(campaign_id__in=list(covered))
        .values("campaign_id")
        .annotate(amount=Sum("amount"))
        .values_list("campaign_id", "amount")
    )
    for pk, amount in rows:
        for ancestor in _ancestors(pk, parent_of) & wanted:
            out[ancestor] += amount or 0
    return out


def received_totals(campaign, start: date | None = None, end: date | None = None) -> dict:
    """What the campaign and its parts received: total and count, by channel (the donation
    totals, as campaign_figures reads them), by day (the register grouped by day), and the
    share of the money target reached. The back office's campaign page and
    GET /api/campaigns/{id}. With a period (`start`–`end`, either may be open) the channels
    come from the register's donations received in it (the totals carry no dates) and the
    target's share is left out (a period's share of the whole target says nothing)."""
    ids = campaign.subtree_ids()
    donations = Donation.objects.active().filter(campaign_id__in=ids)
    if start is not None:
        donations = donations.filter(received_on__gte=start)
    if end is not None:
        donations = donations.filter(received_on__lte=end)
    period = start is not None or end is not None
    if period:
        channels = donations.values("channel").annotate(amount=Sum("amount"), count=Count("pk"))
    else:
        channels = (
            DonationTotal.objects.filter(campaign_id__in=ids)
            .values("channel")
            .annotate(amount=Sum("amount"), count=Sum("count"))
        )
    by_channel = [
        {
            "channel": Channel(code).label if code in Channel.values else code,
            "code": code,
            "amount": amount or 0,
            "count": count or 0,
        }
        for code, amount, count in channels.order_by("channel").values_list(
            "channel", "amount", "count"
        )
        if count
    ]
    by_day = list(
        donations.values("received_on")
        .annotate(amount=Sum("amount"), count=Count("pk"))
        .order_by("received_on")
    )
    amount = sum(row["amount"] for row in by_channel)
    target = campaign.target_amount
    return {
        "amount": amount,
        "count": sum(row["count"] for row in by_channel),
        "by_channel": by_channel,
        "by_day": by_day,
        "percent": round(amount * 100 / target, 1) if target and not period else None,
        "start": start,
        "end": end,
    }


def received_by_part(campaign) -> list[tuple[Campaign, int]]:
    """Each direct part of the campaign with what it and its own parts received (the
    received_by_campaign rule: one grouped query over the donation totals)."""
    parts = list(campaign.parts.select_related("organisation").order_by("code"))
    received = received_by_campaign([part.pk for part in parts])
    return [(part, received.get(part.pk, 0)) for part in parts]


def _ancestors(pk, parent_of) -> set[int]:
    """The campaign and every campaign it is a part of."""
    found = set()
    while pk is not None and pk not in found:
        found.add(pk)
        pk = parent_of.get(pk)
    return found


def ledger_flows(
    campaign, start: date | None = None, end: date | None = None
) -> dict[int, dict[str, int]]:
    """The money flows per organisation read from the ledger entries alone (every entry,
    grouped): received (donations net of their reversals), allocated in/out, spent, to
    stock, cash distributed, balance. Slow on a large campaign; the tests and the audit
    compare it with campaign_figures(), which reads the summaries. With a period, the
    entries booked in it; `opening_balance` sums those booked before it and `balance` those
    up to its end."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    entries = (
        LedgerEntry.objects.filter(account__campaign_id__in=campaign.subtree_ids())
        .values_list(
            "account__organisation_id", "kind", "reverses__kind", "source", "amount", "booked_on"
        )
        .iterator(5000)
    )
    for org, kind, reversed_kind, source, amount, booked_on in entries:
        row = out[org]
        if end is not None and booked_on > end:
            continue
        row["balance"] += amount
        if start is not None and booked_on < start:
            row["opening_balance"] += amount
            continue
        if kind == EntryKind.DONATION or (
            kind == EntryKind.REVERSAL and reversed_kind == EntryKind.DONATION
        ):
            row["received"] += amount
        elif kind == EntryKind.TRANSFER_IN:
            row["allocated_in"] += amount
        elif kind == EntryKind.TRANSFER_OUT:
            row["allocated_out"] -= amount
        else:  # SPEND, or the reversal of one (same source)
            row[spend_class(source)] -= amount
    return {org: dict(row) for org, row in out.items()}
