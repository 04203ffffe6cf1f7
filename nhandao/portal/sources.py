"""The portal's ONE contact surface with the other apps (campaigns, donations, audit ledger,
relief). Everything the public site shows is read here, already reduced to public data:

- campaigns that are not drafts;
- money received from the donations register, money used and balances from the ledger;
- statement lines of the public bank accounts, donors as the bank showed them unless the
  donor asked for anonymity;
- never a beneficiary's personal data (only counts and aggregates per level and province).
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.cache import cache
from django.db.models import Count, Exists, Q, Sum

from nhandao.audit.models import LedgerAccount
from nhandao.campaigns.models import Campaign, CampaignKind, CampaignStatus
from nhandao.donations.lookups import later_review_of_same_row
from nhandao.donations.models import (
    BankAccount,
    Channel,
    Donation,
    Donor,
    DonorKind,
    ReviewLine,
    ReviewStatus,
    Statement,
    StatementLine,
    StatementStatus,
)
from nhandao.lib.money import format_vnd
from nhandao.lib.text import search_key
from nhandao.orgs.models import AdminLevel, AdminMap, AdminUnit
from nhandao.portal.masking import mask_accounts
from nhandao.relief import figures
from nhandao.relief import public as relief_public

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
    """What the portal shows of a campaign's money. Every amount is read from the one
    figures module (nhandao.relief.figures: `money`); the lists by day and by goods item are
    breakdowns of the same donations, shown for the chart."""

    money: figures.CampaignFigures
    received: int = 0
    received_count: int = 0
    by_channel: list = field(default_factory=list)
    by_day: list = field(default_factory=list)
    by_org: list = field(default_factory=list)
    goods: list = field(default_factory=list)
    allocated: int = 0  # executed allocation decisions (to organisations and to uses)
    spent: int = 0
    distributed: int = 0
    in_stock: int = 0
    balance: int = 0
    allocated_by_level: list = field(default_factory=list)
    allocated_by_province: list = field(default_factory=list)
    distributed_by_level: list = field(default_factory=list)
    distributed_by_province: list = field(default_factory=list)
    people_reached: int | None = None
    households_reached: int | None = None
    relief_available: bool = False
    relief: dict = field(default_factory=dict)

    @property
    def difference(self) -> int:
        """The campaign's equation, received = spent + distributed + in stock + balance (its
        own moves between organisations cancel): zero when it adds up."""
        return self.money.whole.difference

    @property
    def reconciled(self) -> bool:
        return self.money.reconciled

    @property
    def levels(self) -> list[dict]:
        return [
            {"level": level, "label": figures.LEVEL_LABELS[level], "flows": flows}
            for level, flows in self.money.levels.items()
        ]

    @property
    def provinces(self) -> list[dict]:
        return self.money.provinces


def received_by_campaign(campaign_ids) -> dict[int, int]:
    """What each campaign (its parts included) received: the same figure as its page."""
    return figures.received_by_campaign(list(campaign_ids))


def campaign_figures(campaign) -> Figures:
    """Both sides of the money for a campaign and its parts, from the figures module."""
    money = figures.campaign_figures(campaign)
    total = money.total
    f = Figures(money=money)
    f.received, f.received_count = total.received, total.count
    f.by_channel = [
        {"code": code, "label": Channel(code).label, "amount": getattr(total, code)}
        for code in figures.CHANNELS
        if getattr(total, code)
    ]
    donations = Donation.objects.active().filter(campaign_id__in=campaign.subtree_ids())
    f.by_day = list(
        donations.values("received_on")
        .annotate(amount=Sum("amount"), count=Count("pk"))
        .order_by("received_on")
    )
    f.by_org = [
        {"org": r.name, "amount": r.flows.received, "count": r.flows.count}
        for r in sorted(money.rows, key=lambda r: -r.flows.received)
        if r.flows.received
    ]
    f.goods = list(
        donations.filter(channel=Channel.IN_KIND)
        .values("goods_item", "goods_unit")
        .annotate(quantity=Sum("goods_quantity"), amount=Sum("amount"))
        .order_by("-amount")[:50]
    )
    f.allocated, f.spent = money.allocated, total.spent
    f.distributed, f.in_stock, f.balance = total.distributed, total.in_stock, total.balance
    levels = [(figures.LEVEL_LABELS[k], v) for k, v in money.levels.items()]
    f.allocated_by_level = [
        {"level": k, "amount": v.allocated_in} for k, v in levels if v.allocated_in
    ]
    # "đã chi, phân phối": spent on a use plus handed out to people
    f.distributed_by_level = [
        {"level": k, "amount": v.spent + v.distributed}
        for k, v in levels
        if v.spent + v.distributed
    ]
    provinces = sorted(money.provinces, key=lambda p: -p["flows"].allocated_in)
    f.allocated_by_province = [
        {"code": p["code"], "province": p["name"], "amount": p["flows"].allocated_in}
        for p in provinces
        if p["flows"].allocated_in
    ]
    f.distributed_by_province = [
        {
            "code": p["code"],
            "province": p["name"],
            "amount": p["flows"].spent + p["flows"].distributed,
        }
        for p in money.provinces
        if p["flows"].spent + p["flows"].distributed
    ]
    f.relief = relief_public.campaign_figures(campaign)
    f.relief_available = bool(f.relief["allocations"] or money.lines_reached)
    if f.relief_available:
        f.people_reached, f.households_reached = money.people_reached, money.households_reached
    return f


def campaign_money(campaign, start=None, end=None):
    """The figures module's answer for a public campaign (so-lieu.json, the province pages);
    with a period (either end open), the period's figures (opening, moved, closing)."""
    if start is None and end is None:
        return figures.campaign_figures(campaign)
    return figures.period_figures(campaign, start, end)


def province_detail(campaign, province_id: int) -> dict | None:
    """A province of a campaign: its organisations' figures (communes aggregated per
    organisation) and, per commune, what was handed out and to whom (names only with
    consent). None when the campaign has no figures in that province."""
    money = figures.campaign_figures(campaign)
    province = next((p for p in money.provinces if p["id"] == province_id), None)
    if province is None:
        return None
    communes = [
        r
        for r in relief_public.distributions_by_commune(campaign)
        if r["province_id"] == province_id
    ]
    return {
        "province": province,
        "organisations": [r for r in money.rows if r.province_id == province_id],
        "communes": relief_public.recipients_disclosure(
            campaign, [r["commune_id"] for r in communes]
        ),
    }


def decision_document(campaign, allocation_id: int):
    """A public allocation of this campaign that has a decision file, or None."""
    return relief_public.decision_document(campaign, allocation_id)


USE_SECONDS = 60  # the self-check's "use of the money" is reused this long per campaign


def money_use(campaign) -> dict:
    """What a campaign's money has been used for so far (for the donor self-check), kept
    USE_SECONDS in the shared cache. Computed on every answer it cost the whole campaign's
    figures each time — about 6 s per self-check through the public API over two million
    lines (issue #24): an unauthenticated request costing seconds of server time."""
    key = f"portal:use:{campaign.pk}"
    found = cache.get(key)
    if found is None:
        found = _money_use(campaign)
        cache.set(key, found, USE_SECONDS)
    return found


def _money_use(campaign) -> dict:
    """The same figures as the campaign's page (campaign_figures()), read from the figures
    module alone: its summaries (the donations totals, the ledger heads, the relief
    summaries), which the actions and the import keep current in the same transaction as
    what they summarise. The page's other parts (donations by day and goods, aggregated
    over every donation; the relief tables) are not needed here: computing them made the
    first self-check of each minute per campaign cost the whole page (issue #24)."""
    money = figures.campaign_figures(campaign)
    total = money.total
    provinces = sorted(money.provinces, key=lambda p: -p["flows"].allocated_in)
    relief = money.lines_reached or relief_public.public_allocations(campaign).exists()
    return {
        "received": total.received,
        "allocated": money.allocated,
        "distributed": total.distributed,
        "balance": total.balance,
        "allocated_by_province": [
            {"code": p["code"], "province": p["name"], "amount": p["flows"].allocated_in}
            for p in provinces
            if p["flows"].allocated_in
        ][:10],
        "people_reached": money.people_reached if relief else None,
        "reconciled": money.reconciled,
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


def boilerplate_phrases() -> dict[int, tuple[str, ...]]:
    """account id → the boilerplate phrases learned from its lines (donations/boilerplate.py),
    for the accounts that have some."""
    found = BankAccount.objects.order_by("pk").values_list("pk", "search_boilerplate")
    return {pk: tuple(phrases) for pk, phrases in found if phrases}


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


# --- the PDF a public line came from (issue #23) -------------------------------------------


def public_pdf_statement(pk: int):
    """A statement whose PDF may be served: imported (done), a PDF, of a public account."""
    statement = (
        Statement.objects.filter(
            pk=pk, status=StatementStatus.DONE, bank_account_id__in=public_account_ids()
        )
        .exclude(file="")
        .first()
    )
    if statement is None or not statement.file_name.lower().endswith(".pdf"):
        return None
    return statement


def with_pdf_pages(lines: list[dict]) -> list[dict]:
    """Each public line read from a PDF gets its statement and page (`pdf_statement`,
    `pdf_page`) for the link “trang N” to the PDF the bank published; one query a page."""
    ids = [line["id"] for line in lines]
    found = {
        pk: (statement_id, page)
        for pk, statement_id, page, name in StatementLine.objects.filter(
            pk__in=ids, page__isnull=False
        ).values_list("pk", "statement_id", "page", "statement__file_name")
        if name.lower().endswith(".pdf")
    }
    return [
        {
            **line,
            "pdf_statement": found[line["id"]][0],
            "pdf_page": found[line["id"]][1],
            "pdf_page_text": format_vnd(found[line["id"]][1], symbol=False),  # 1.234
        }
        if line["id"] in found
        else line
        for line in lines
    ]


# --- lines waiting for an officer's check (issue #23) --------------------------------------

PENDING_SHOWN = 20  # lines waiting for a check shown under a search's results
PENDING_SCANNED = 2000  # the newest open review lines looked at (they are few; a bound)
PENDING_TEXT = "Đang chờ kiểm tra"


def _read_amount(values: dict) -> tuple[str, int | None]:
    """(direction, amount) as the bank's columns were read: ("", None) when unreadable."""
    for name, direction in (("credit", "C"), ("debit", "D"), ("amount", "")):
        digits = "".join(ch for ch in str(values.get(name) or "") if ch.isdigit())
        if digits and int(digits[:15]):
            return direction, int(digits[:15])
    return "", None


def _read_day(values: dict) -> date | None:
    text = str(values.get("date") or "").strip()[:10]
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007 (a calendar day)
    except ValueError:
        return None


def pending_lines(
    *,
    words=(),
    reference="",
    amount=None,
    amount_min=None,
    amount_max=None,
    date_from=None,
    date_to=None,
    campaign=None,
    direction="",
    limit: int = PENDING_SHOWN,
) -> list[dict]:
    """Lines of public statements that an import set aside for an officer's check
    (donations.ReviewLine, still open): shown to the public marked "đang chờ kiểm tra", as
    they were read (a date or an amount may be missing), never counted in any figure (they
    are in no ledger). Each given condition must hold on what was read: a line whose amount
    could not be read is found by its words, not by an amount. The message is masked like a
    line's (account numbers); a line waiting for a check has no donor yet, so no donor's
    wish for anonymity can apply to it.

    A line an officer has corrected is no longer shown: it is posted by the next import of
    its file, after which the ordinary search finds it."""
    accounts = public_account_ids(campaign)
    if not accounts:
        return []
    found = (
        ReviewLine.objects.filter(
            status=ReviewStatus.OPEN,
            bank_account_id__in=accounts,
            statement__status=StatementStatus.DONE,
        )
        .exclude(Exists(later_review_of_same_row()))
        .select_related("bank_account", "statement")
        .order_by("-pk")[:PENDING_SCANNED]
    )
    words = [w for w in words if w]
    reference_key = search_key(reference).replace(" ", "") if reference else ""
    out = []
    for line in found:
        values = line.values or {}
        text = str(values.get("description") or "")
        read_direction, read_amount = _read_amount(values)
        day = _read_day(values)
        folded = search_key(text)
        held = folded.split()
        if words and not all(
            w in held or (i == len(words) - 1 and any(h.startswith(w) for h in held))
            for i, w in enumerate(words)
        ):
            continue
        if reference_key and reference_key not in search_key(
            str(values.get("reference") or "") + " " + text
        ).replace(" ", ""):
            continue
        wanted = [amount, amount_min, amount_max]
        if any(v is not None for v in wanted) and read_amount is None:
            continue
        if amount is not None and read_amount != amount:
            continue
        if amount_min is not None and read_amount < amount_min:
            continue
        if amount_max is not None and read_amount > amount_max:
            continue
        if (date_from or date_to) and day is None:
            continue
        if (date_from and day < date_from) or (date_to and day > date_to):
            continue
        if direction and read_direction and read_direction != direction:
            continue
        account = line.bank_account
        is_pdf = line.statement.file_name.lower().endswith(".pdf") and line.page
        out.append(
            {
                "id": line.pk,
                "booked_on": day,
                "date_text": str(values.get("date") or ""),
                "direction": read_direction,
                "amount": read_amount,
                "reference": str(values.get("reference") or ""),
                "description": mask_accounts(text, frozenset([account.number])),
                "bank": account.bank,
                "account": account.number,
                "pdf_statement": line.statement_id if is_pdf else None,
                "pdf_page": line.page if is_pdf else None,
                "pdf_page_text": format_vnd(line.page, symbol=False) if is_pdf else "",
                "status": PENDING_TEXT,
            }
        )
        if len(out) >= limit:
            break
    return out


def earmarked(campaign) -> list[dict]:
    """Earmarked money of a campaign and its parts, per earmark (decision 0026): received
    from donors, and where it went — moved on to another organisation's account of the same
    earmark, or spent on it — and what is left. Labels only (a household or person earmark
    is named by its number). One grouped query."""
    from nhandao.audit.models import EntryKind, LedgerEntry

    ids = [campaign.pk, *Campaign.objects.filter(parent=campaign).values_list("pk", flat=True)]
    rows = (
        LedgerEntry.objects.filter(account__campaign_id__in=ids)
        .exclude(account__earmark="")
        .values("account__earmark", "account__earmark_label", "kind")
        .annotate(total=Sum("amount"))
    )
    out: dict[str, dict] = {}
    for row in rows:
        item = out.setdefault(row["account__earmark"], {
            "label": row["account__earmark_label"] or row["account__earmark"],
            "received": 0, "spent": 0, "moved": 0, "balance": 0,
        })  # fmt: skip
        total, kind = row["total"] or 0, row["kind"]
        item["balance"] += total
        if kind in (EntryKind.DONATION, EntryKind.REVERSAL):
            item["received"] += total
        elif kind == EntryKind.SPEND:
            item["spent"] -= total
        elif kind == EntryKind.TRANSFER_OUT:
            item["moved"] -= total
        elif kind == EntryKind.TRANSFER_IN:
            item["moved"] += total
    return sorted(out.values(), key=lambda item: item["label"])
