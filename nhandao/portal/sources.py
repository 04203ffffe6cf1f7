"""The portal's ONE contact surface with the other apps (campaigns, donations, audit ledger,
relief). Everything the public site shows is read here, already reduced to public data:

- campaigns that are not drafts;
- money received from the donations register, money used and balances from the ledger;
- statement lines of the public bank accounts, donors as the bank showed them unless the
  donor asked for anonymity;
- never a beneficiary's personal data (only counts and aggregates per level and province).
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.core.cache import cache
from django.db.models import Count, Q, Sum

from nhandao.audit.models import EntryKind, LedgerAccount, LedgerEntry
from nhandao.campaigns.models import Campaign, CampaignKind, CampaignStatus
from nhandao.donations.models import (
    BankAccount,
    Channel,
    Donation,
    Donor,
    DonorKind,
    Statement,
    StatementLine,
)
from nhandao.orgs.models import AdminLevel, AdminMap, AdminUnit, OrgLevel

ANONYMOUS_TEXT = "Nhà hảo tâm đề nghị ẩn danh"
KINDS = CampaignKind.choices
STATUSES = [(v, label) for v, label in CampaignStatus.choices if v != CampaignStatus.DRAFT]


# --- campaigns -----------------------------------------------------------------------------


def public_campaigns():
    return Campaign.objects.exclude(status=CampaignStatus.DRAFT).select_related(
        "organisation__admin_unit__province"
    )


def public_campaign(pk_or_code):
    """A public campaign by id or code, or None."""
    qs = public_campaigns()
    text = str(pk_or_code)
    if text.isdigit() and len(text) < 19:
        return qs.filter(pk=int(text)).first()
    return qs.filter(code=text.upper()[:40]).first()


def provinces():
    """The 34 provinces of the current map (for the filter)."""
    return AdminUnit.objects.filter(map=AdminMap.NEW, level=AdminLevel.PROVINCE).order_by(
        "name_key"
    )


def filter_campaigns(qs, *, kind="", year=None, province="", status=""):
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(launch_date__year=year)
    if status:
        qs = qs.filter(status=status)
    if province:
        unit = Q(
            organisation__admin_unit__code=province,
            organisation__admin_unit__level=AdminLevel.PROVINCE,
        )
        qs = qs.filter(unit | Q(organisation__admin_unit__province__code=province))
    return qs


def campaign_years():
    return sorted({d.year for d in public_campaigns().dates("launch_date", "year")}, reverse=True)


def received_by_campaign(campaign_ids) -> dict[int, int]:
    rows = (
        Donation.objects.active()
        .filter(campaign_id__in=list(campaign_ids))
        .values("campaign_id")
        .annotate(amount=Sum("amount"))
    )
    return {r["campaign_id"]: r["amount"] or 0 for r in rows}


def province_of(org):
    unit = org.admin_unit if org is not None else None
    if unit is None:
        return None
    if unit.level == AdminLevel.PROVINCE:
        return unit
    return unit.province


# --- how to give ---------------------------------------------------------------------------


def giving_accounts(campaign):
    """The campaign's own accounts (published for giving), with their VietQR payloads."""
    from nhandao.donations.vietqr import qr_svg_data_uri, vietqr_payload

    out = []
    for account in BankAccount.objects.filter(campaign=campaign).order_by("bank", "number"):
        payload = vietqr_payload(account, campaign)
        out.append(
            {
                "bank": account.get_bank_display(),
                "number": account.number,
                "holder": account.holder,
                "memo": campaign.transfer_memo,
                "qr": qr_svg_data_uri(payload, scale=4) if payload else "",
            }
        )
    return out


# --- figures -------------------------------------------------------------------------------


@dataclass
class Figures:
    received: int = 0
    received_count: int = 0
    by_channel: list = field(default_factory=list)
    by_day: list = field(default_factory=list)
    by_org: list = field(default_factory=list)
    goods: list = field(default_factory=list)
    allocated: int = 0  # left the campaign's accounts: allocated to others or spent
    balance: int = 0
    ledger_received: int = 0
    allocated_by_level: list = field(default_factory=list)
    allocated_by_province: list = field(default_factory=list)
    distributed: int = 0
    distributed_by_level: list = field(default_factory=list)
    distributed_by_province: list = field(default_factory=list)
    people_reached: int | None = None
    households_reached: int | None = None
    relief_available: bool = False
    relief: dict = field(default_factory=dict)

    @property
    def difference(self) -> int:
        """received − (allocated + balance): zero when the register and the ledger agree."""
        return self.received - (self.allocated + self.balance)

    @property
    def reconciled(self) -> bool:
        return self.difference == 0


def _level_label(level):
    return OrgLevel(level).label if level in OrgLevel.values else level


def campaign_figures(campaign) -> Figures:
    """Both sides of the money for a campaign and its parts at lower levels."""
    ids = campaign.subtree_ids()
    f = Figures()
    donations = Donation.objects.active().filter(campaign_id__in=ids)
    total = donations.aggregate(amount=Sum("amount"), count=Count("pk"))
    f.received, f.received_count = total["amount"] or 0, total["count"]
    f.by_channel = [
        {
            "code": r["channel"],
            "label": Channel(r["channel"]).label,
            "amount": r["amount"],
            "count": r["count"],
        }
        for r in donations.values("channel")
        .annotate(amount=Sum("amount"), count=Count("pk"))
        .order_by("-amount")
    ]
    f.by_day = list(
        donations.values("received_on")
        .annotate(amount=Sum("amount"), count=Count("pk"))
        .order_by("received_on")
    )
    f.by_org = [
        {
            "org": r["organisation__name"],
            "code": r["organisation__code"],
            "amount": r["amount"],
            "count": r["count"],
        }
        for r in donations.values("organisation__name", "organisation__code")
        .annotate(amount=Sum("amount"), count=Count("pk"))
        .order_by("-amount")
    ]
    f.goods = list(
        donations.filter(channel=Channel.IN_KIND)
        .values("goods_item", "goods_unit")
        .annotate(quantity=Sum("goods_quantity"), amount=Sum("amount"))
        .order_by("-amount")[:50]
    )

    # The ledger side: per kind, and per receiving account for transfers and spending.
    entries = LedgerEntry.objects.filter(account__campaign_id__in=ids)
    sums = {
        (r["kind"], r["reverses__kind"]): r["amount"]
        for r in entries.values("kind", "reverses__kind").annotate(amount=Sum("amount"))
    }
    donated = sums.get((EntryKind.DONATION, None), 0) + sums.get(
        (EntryKind.REVERSAL, EntryKind.DONATION), 0
    )
    f.ledger_received = donated
    f.balance = sum(sums.values())
    f.allocated = donated - f.balance  # spent, or moved out of the campaign's accounts

    accounts = {
        a.pk: a
        for a in LedgerAccount.objects.filter(campaign_id__in=ids).select_related(
            "organisation__admin_unit__province"
        )
    }
    moved_in = (
        entries.filter(kind=EntryKind.TRANSFER_IN)
        .values("account_id")
        .annotate(amount=Sum("amount"))
    )
    spent = (
        entries.filter(
            Q(kind=EntryKind.SPEND) | Q(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.SPEND)
        )
        .values("account_id")
        .annotate(amount=Sum("amount"))
    )
    f.allocated_by_level, f.allocated_by_province = _group(moved_in, accounts, campaign, 1)
    f.distributed_by_level, f.distributed_by_province = _group(spent, accounts, campaign, -1)
    f.distributed = sum(r["amount"] for r in f.distributed_by_level)
    relief = relief_summary(campaign, ids)
    if relief is not None:
        f.relief = relief
        people = relief.get("people_reached") or {}
        f.relief_available = bool(relief.get("allocations") or people.get("lines"))
        f.people_reached = people.get("persons") if f.relief_available else None
        f.households_reached = people.get("households") if f.relief_available else None
    return f


def _group(rows, accounts, campaign, sign):
    """Sum rows of (account_id, amount) by the receiving organisation's level and province,
    leaving out the organiser's own accounts (money that has not gone down a level)."""
    by_level, by_province = defaultdict(int), defaultdict(int)
    for row in rows:
        account = accounts.get(row["account_id"])
        own = account is None or account.organisation_id == campaign.organisation_id
        if own and sign > 0:
            continue
        org = account.organisation if account else None
        amount = sign * (row["amount"] or 0)
        if not amount or org is None:
            continue
        by_level[_level_label(org.level)] += amount
        province = province_of(org)
        by_province[(province.code, province.name) if province else ("", "Trung ương")] += amount
    return (
        [{"level": k, "amount": v} for k, v in sorted(by_level.items(), key=lambda i: -i[1])],
        [
            {"code": k[0], "province": k[1], "amount": v}
            for k, v in sorted(by_province.items(), key=lambda i: -i[1])
        ],
    )


def relief_summary(campaign, ids=None) -> dict | None:
    """Allocation decisions, distributions per commune and people reached, from the relief
    app (nhandao.relief.public: aggregates only, no personal data); None until it exists."""
    if not apps.is_installed("nhandao.relief"):
        return None
    try:
        from nhandao.relief import public
    except ImportError:
        return None
    return public.campaign_figures(campaign)


def decision_document(campaign, allocation_id: int):
    """A public allocation of this campaign that has a decision file, or None."""
    if not apps.is_installed("nhandao.relief"):
        return None
    from nhandao.relief import public

    return public.decision_document(campaign, allocation_id)


def money_use(campaign) -> dict:
    """What a campaign's money has been used for so far (for the donor self-check)."""
    f = campaign_figures(campaign)
    return {
        "received": f.received,
        "allocated": f.allocated,
        "distributed": f.distributed,
        "balance": f.balance,
        "allocated_by_province": f.allocated_by_province[:10],
        "people_reached": f.people_reached,
        "reconciled": f.reconciled,
    }


# --- statement lines -----------------------------------------------------------------------


IDS_SECONDS = 30  # how long the small lists below are reused (a new campaign shows within it)


def public_account_ids(campaign=None) -> list[int]:
    """Bank accounts whose statements are public: a non-draft campaign's own account, or an
    account whose statements were imported for a non-draft campaign."""
    key = f"portal:accounts:{campaign.pk if campaign is not None else 'all'}"
    found = cache.get(key)
    if found is not None:
        return found
    public = public_campaigns()
    if campaign is not None:
        public = public.filter(pk__in=campaign.subtree_ids())
    own = BankAccount.objects.filter(campaign__in=public).values_list("pk", flat=True)
    via = Statement.objects.filter(campaign__in=public).values_list("bank_account_id", flat=True)
    found = sorted(set(own) | set(via))
    cache.set(key, found, IDS_SECONDS)
    return found


def hidden_account_ids(public: list[int]) -> list[int]:
    """Bank accounts whose lines are not public (usually none): excluded from searches."""
    digest = hashlib.sha256(",".join(map(str, public)).encode()).hexdigest()[:32]
    key = f"portal:hidden:{digest}"
    found = cache.get(key)
    if found is None:
        found = list(BankAccount.objects.exclude(pk__in=public).values_list("pk", flat=True))
        cache.set(key, found, IDS_SECONDS)
    return found


def draft_campaign_ids() -> list[int]:
    found = cache.get("portal:drafts")
    if found is None:
        found = list(
            Campaign.objects.filter(status=CampaignStatus.DRAFT).values_list("pk", flat=True)
        )
        cache.set("portal:drafts", found, IDS_SECONDS)
    return found


def lines_table() -> str:
    return StatementLine._meta.db_table


LINE_FIELDS = [
    "pk",
    "booked_on",
    "booked_time",
    "reference",
    "direction",
    "amount",
    "description",
    "donor_name",
    "bank_account__bank",
    "bank_account__number",
    "bank_account__holder",
    "campaign_id",
    "campaign__code",
    "campaign__name",
    "campaign__status",
    "anonymous",
]


def with_line_details(page_sql: str, order_by: str) -> str:
    """`page_sql` — a page of lines (`l.id` first, then any columns, ORDER BY … LIMIT) —
    followed on each row by the line's public fields (LINE_FIELDS: with its account and
    campaign, and whether the donor asked for anonymity), in the page's order (`order_by`,
    on the page's own columns as `page.…`). One query per page of results: the details were
    a second query, and on PostgreSQL a second round trip, for every search."""
    return f"""
        WITH page AS ({page_sql})
        SELECT page.*, l.id, l.booked_on, l.booked_time, l.reference, l.direction, l.amount,
            l.description, l.donor_name, a.bank, a.number, a.holder, l.campaign_id, c.code,
            c.name, c.status,
            EXISTS (SELECT 1 FROM {Donation._meta.db_table} d
                    JOIN {Donor._meta.db_table} o ON o.id = d.donor_id
                    WHERE d.statement_line_id = l.id AND o.kind = '{DonorKind.ANONYMOUS.value}')
        FROM page
        JOIN {StatementLine._meta.db_table} l ON l.id = page.id
        JOIN {BankAccount._meta.db_table} a ON a.id = l.bank_account_id
        LEFT JOIN {Campaign._meta.db_table} c ON c.id = l.campaign_id
        ORDER BY {order_by}
    """  # noqa: S608 (table names and a choice value from the models)


def line_details(values: tuple) -> dict:
    """The LINE_FIELDS of a row of with_line_details(), from its own columns."""
    row = dict(zip(LINE_FIELDS, values, strict=True))
    if isinstance(row["booked_on"], str):  # SQLite hands back text where the ORM gave a date
        row["booked_on"] = date.fromisoformat(row["booked_on"])
    row["anonymous"] = bool(row["anonymous"])
    return row


def anonymous_line_ids(ids) -> set[int]:
    """Lines whose donor asked for anonymity: their message is not shown."""
    ids = list(ids)
    if not ids:
        return set()
    return set(
        Donation.objects.filter(
            statement_line_id__in=list(ids), donor__kind=DonorKind.ANONYMOUS
        ).values_list("statement_line_id", flat=True)
    )


def campaign_line_accounts(campaign) -> list[int]:
    return list(
        LedgerAccount.objects.filter(campaign_id__in=campaign.subtree_ids()).values_list(
            "pk", flat=True
        )
    )


# --- the checkpoint log --------------------------------------------------------------------


def checkpoint_log(since: int = 0) -> dict:
    """The public checkpoint log (audit/checkpoints.py): every checkpoint after `since`,
    with its heads, signatures and the public keys that verify them. Public by design: it
    holds hashes, sequence numbers, account ids and organisation codes, no personal data."""
    from nhandao.audit.checkpoints import log_document

    return log_document(since)
