"""Open data per campaign: CSV, XLSX, JSON and HXL-tagged CSV. No personal data beyond what
the bank published (and never the messages of donors who asked for anonymity).

Datasets:
- nhan-theo-ngay: money received per day, channel and receiving organisation;
- dong-sao-ke: the statement lines as the bank published them (account numbers masked);
- phan-bo: money allocated down the levels, per level and province (aggregated);
- phan-phoi: money distributed (spent), per level and province (aggregated).
"""

import json
from datetime import date

from django.db.models import Count, Sum

from nhandao.donations.models import Channel, Donation, StatementLine
from nhandao.lib import exports
from nhandao.lib.downloads import CSV, JSON, XLSX, attachment
from nhandao.portal import sources
from nhandao.portal.masking import mask_accounts

DATASETS = {
    "nhan-theo-ngay": "Tiền nhận theo ngày và hình thức",
    "dong-sao-ke": "Các dòng sao kê (như ngân hàng công bố)",
    "phan-bo": "Phân bổ theo cấp và tỉnh",
    "phan-phoi": "Phân phối (chi) theo cấp và tỉnh",
}
FORMATS = {"csv": "CSV", "xlsx": "Excel", "json": "JSON", "hxl.csv": "HXL"}
XLSX_MAX_ROWS = 200_000


class Table:
    def __init__(self, name, columns, tags, rows):
        self.name, self.columns, self.tags, self.rows = name, columns, tags, rows


def received_by_day(campaign) -> Table:
    rows = (
        Donation.objects.active()
        .filter(campaign_id__in=campaign.subtree_ids())
        .values(
            "received_on", "channel", "organisation__code", "organisation__name", "organisation_id"
        )
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by("received_on", "channel", "organisation__code")
    )
    orgs = {}

    def province(org_id):
        if org_id not in orgs:
            from nhandao.orgs.models import Organisation

            org = Organisation.objects.select_related("admin_unit__province").get(pk=org_id)
            orgs[org_id] = sources.province_of(org)
        return orgs[org_id]

    def gen():
        for r in rows:
            p = province(r["organisation_id"])
            yield [
                r["received_on"],
                Channel(r["channel"]).label,
                r["count"],
                r["amount"],
                "VND",
                r["organisation__name"],
                r["organisation__code"],
                p.code if p else "",
                p.name if p else "",
            ]

    return Table(
        "nhan-theo-ngay",
        [
            "Ngày",
            "Hình thức",
            "Số khoản",
            "Số tiền",
            "Tiền tệ",
            "Tổ chức tiếp nhận",
            "Mã tổ chức",
            "Mã tỉnh",
            "Tỉnh",
        ],
        [
            "#date",
            "#meta+channel",
            "#indicator+donations+num",
            "#value+received",
            "#currency",
            "#org+name",
            "#org+code",
            "#adm1+code",
            "#adm1+name",
        ],
        gen(),
    )


def statement_lines(campaign) -> Table:
    accounts = sources.public_account_ids(campaign)
    ids = campaign.subtree_ids()
    qs = (
        StatementLine.objects.filter(bank_account_id__in=accounts, campaign_id__in=ids)
        .order_by("booked_on", "id")
        .values_list(
            "id",
            "booked_on",
            "reference",
            "direction",
            "amount",
            "description",
            "bank_account__bank",
            "bank_account__number",
        )
    )

    def gen():
        batch = []
        for row in qs.iterator(chunk_size=5000):
            batch.append(row)
            if len(batch) >= 5000:
                yield from _lines(batch)
                batch = []
        yield from _lines(batch)

    return Table(
        "dong-sao-ke",
        [
            "Ngày",
            "Số tham chiếu",
            "Chiều",
            "Số tiền",
            "Tiền tệ",
            "Nội dung",
            "Ngân hàng",
            "Số tài khoản nhận",
        ],
        [
            "#date",
            "#meta+ref",
            "#meta+direction",
            "#value",
            "#currency",
            "#description",
            "#org+bank",
            "#meta+account",
        ],
        gen(),
    )


def _lines(batch):
    if not batch:
        return
    anonymous = sources.anonymous_line_ids([r[0] for r in batch])
    for pk, day, ref, direction, amount, text, bank, number in batch:
        shown = sources.ANONYMOUS_TEXT if pk in anonymous else mask_accounts(text, {number})
        yield [day, ref, "vào" if direction == "C" else "ra", amount, "VND", shown, bank, number]


def _by_province(rows, value_tag, label) -> Table:
    return Table(
        label,
        ["Cấp", "Tỉnh", "Mã tỉnh", "Số tiền", "Tiền tệ"],
        ["#meta+level", "#adm1+name", "#adm1+code", value_tag, "#currency"],
        ([r["level"], r["province"], r["code"], r["amount"], "VND"] for r in rows),
    )


def allocations(campaign) -> Table:
    f = sources.campaign_figures(campaign)
    return _by_province(
        _level_province(f.allocated_by_level, f.allocated_by_province),
        "#value+allocated",
        "phan-bo",
    )


def distributions(campaign) -> Table:
    f = sources.campaign_figures(campaign)
    return _by_province(
        _level_province(f.distributed_by_level, f.distributed_by_province),
        "#value+distributed",
        "phan-phoi",
    )


def _level_province(by_level, by_province):
    """One row per level (province blank) then one per province (level blank)."""
    rows = [
        {"level": r["level"], "province": "", "code": "", "amount": r["amount"]} for r in by_level
    ]
    rows += [
        {"level": "", "province": r["province"], "code": r["code"], "amount": r["amount"]}
        for r in by_province
    ]
    return rows


BUILDERS = {
    "nhan-theo-ngay": received_by_day,
    "dong-sao-ke": statement_lines,
    "phan-bo": allocations,
    "phan-phoi": distributions,
}


def _text(value):
    return value.isoformat() if isinstance(value, date) else value


def _csv_stream(table: Table, hxl: bool):
    """Through lib/exports (formula-safe); open data keeps ISO dates, and HXL no BOM."""
    rows = ([_text(v) for v in row] for row in table.rows)
    return exports.csv_chunks(table.columns, rows, tags=table.tags if hxl else None, bom=not hxl)


def _json_stream(table: Table, campaign):
    keys = [t.lstrip("#").replace("+", "_") for t in table.tags]
    head = {
        "campaign": campaign.code,
        "dataset": table.name,
        "columns": table.columns,
        "hxl": table.tags,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": ['
    for i, row in enumerate(table.rows):
        item = dict(zip(keys, (_text(v) for v in row), strict=True))
        yield ("," if i else "") + json.dumps(item, ensure_ascii=False)
    yield "]}"


def xlsx_bytes(table: Table) -> bytes:
    def rows():
        yield table.tags
        for i, row in enumerate(table.rows):
            if i >= XLSX_MAX_ROWS:
                yield [f"… còn nữa: tải bản CSV để có đủ (tối đa {XLSX_MAX_ROWS} dòng ở đây)"]
                return
            yield row

    return exports.xlsx_bytes([exports.Sheet(table.name[:31], table.columns, rows())])


def response(campaign, dataset: str, fmt: str):
    table = BUILDERS[dataset](campaign)
    name = f"{campaign.code}-{dataset}"
    if fmt == "xlsx":
        return attachment(xlsx_bytes(table), f"{name}.xlsx", XLSX)
    if fmt == "json":
        return attachment(_json_stream(table, campaign), f"{name}.json", JSON, inline=True)
    hxl = fmt == "hxl.csv"
    return attachment(_csv_stream(table, hxl), f"{name}.{fmt}", CSV)
