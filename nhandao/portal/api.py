"""The public JSON API under /api/public/: campaigns, statement search, self-check.

No authentication (auth=None), the same forms and rules as the HTML pages, the same rate
limits (a Vietnamese 429), and the same public data only."""

from datetime import date

from django.http import Http404
from django.urls import reverse
from ninja import Query, Router, Schema

from nhandao.lib import ratelimit
from nhandao.lib.api import FormInvalid, Throttled, json_response
from nhandao.lib.pagination import MAX_YEAR, MIN_YEAR
from nhandao.portal import forms, search, sources

router = Router(tags=["Công khai"])


class PublicCampaignOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    organiser: str
    launch_date: date
    receiving_end: date | None
    received: int
    url: str


class PublicLineOut(Schema):
    booked_on: date
    reference: str
    direction: str
    amount: int
    description: str
    bank: str
    account: str
    campaign: str


class SearchOut(Schema):
    lines: list[PublicLineOut]
    count: int | None
    count_more: bool
    estimate: int | None = None  # not counted: estimated from a sample of lines
    count_at_least: int | None = None  # not counted in time: at least this many
    count_text: str = ""
    advice: str = ""  # many matches: what to add to narrow them
    suggestion: str = ""  # "có phải bạn tìm …": the words read again
    next: str
    message: str


class UseOut(Schema):
    campaign: str
    received: int
    allocated: int
    distributed: int
    balance: int
    reconciled: bool
    people_reached: int | None


class CheckOut(SearchOut):
    uses: list[UseOut]


class PublicDecisionOut(Schema):
    decision_no: str
    decision_date: date
    from_org: str
    to: str | None
    purpose: str | None
    amount: int
    document_url: str | None


class DetailOut(PublicCampaignOut):
    goods_dropoff: str
    decisions: list[PublicDecisionOut]
    received_count: int
    by_channel: list[dict]
    by_day: list[dict]
    by_org: list[dict]
    allocated: int
    balance: int
    difference: int
    reconciled: bool
    distributed: int
    allocated_by_province: list[dict]
    distributed_by_province: list[dict]
    people_reached: int | None
    spent: int
    in_stock: int
    figures: dict  # so-lieu.json: the same document, levels and provinces reconciled


def _slow_down(request, kind: str) -> None:
    """429 (lib.api.Throttled) once this client has searched too often."""
    wait = ratelimit.hit(request, kind)
    if wait:
        raise Throttled(ratelimit.MESSAGE.format(seconds=wait), wait)


def _campaign_out(campaign, received: int) -> dict:
    return {
        "code": campaign.code,
        "name": campaign.name,
        "kind": campaign.kind,
        "kind_label": campaign.get_kind_display(),
        "status": campaign.status,
        "status_label": campaign.get_status_display(),
        "organiser": campaign.organisation.name,
        "launch_date": campaign.launch_date,
        "receiving_end": campaign.receiving_closes_on(),
        "received": received,
        "url": reverse("portal_campaign", args=[campaign.code]),
    }


@router.get("/public/campaigns", response=list[PublicCampaignOut], auth=None)
def campaigns(
    request,
    kind: str = "",
    year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR),
    province: str = "",
    status: str = "",
):
    """Public campaigns (not drafts), filtered by kind, year, province code and status."""
    qs = sources.filter_campaigns(
        sources.public_campaigns(),
        kind=kind[:20],
        year=year,
        province=province[:10],
        status=status[:12],
    )[:200]
    items = list(qs)
    received = sources.received_by_campaign(c.pk for c in items)
    return [_campaign_out(c, received.get(c.pk, 0)) for c in items]


@router.get("/public/campaigns/{code}", response=DetailOut, auth=None)
def campaign(request, code: str):
    found = sources.public_campaign(code[:40])
    if found is None:
        raise Http404("Không có chiến dịch công khai với mã này.")
    f = sources.campaign_figures(found)
    out = _campaign_out(found, f.received)
    out.update(
        {
            "goods_dropoff": found.goods_dropoff,
            "decisions": [
                {
                    "decision_no": a["decision_no"],
                    "decision_date": a["decision_date"],
                    "from_org": a["from"],
                    "to": a["to"],
                    "purpose": a["purpose"],
                    "amount": a["amount"],
                    "document_url": reverse("portal_decision", args=[found.code, a["id"]])
                    if a["has_document"]
                    else None,
                }
                for a in f.relief.get("allocations", [])
            ],
            "received_count": f.received_count,
            "by_channel": f.by_channel,
            "by_day": [
                {"date": r["received_on"].isoformat(), "amount": r["amount"], "count": r["count"]}
                for r in f.by_day
            ],
            "by_org": f.by_org,
            "allocated": f.allocated,
            "balance": f.balance,
            "difference": f.difference,
            "reconciled": f.reconciled,
            "distributed": f.distributed,
            "allocated_by_province": f.allocated_by_province,
            "distributed_by_province": f.distributed_by_province,
            "people_reached": f.people_reached,
            "spent": f.spent,
            "in_stock": f.in_stock,
            "figures": f.money.public(),
        }
    )
    return out


def _lines(result: search.Result) -> dict:
    return {
        "lines": [
            {
                "booked_on": r["booked_on"],
                "reference": r["reference"],
                "direction": r["direction"],
                "amount": r["amount"],
                "description": r["description"],
                "bank": r["bank"],
                "account": r["account"],
                "campaign": r["campaign_code"],
            }
            for r in result.lines
        ],
        "count": result.count,
        "count_more": result.count_more,
        "estimate": result.estimate,
        "count_at_least": result.count_at_least,
        "count_text": result.count_text,
        "advice": result.advice,
        "suggestion": result.suggestion,
        "next": result.next_cursor,
        "message": result.message,
    }


@router.get("/public/search", response=SearchOut, auth=None)
def search_lines(
    request,
    q: str = "",
    ref: str = "",
    amount: str = "",
    amount_min: str = "",
    amount_max: str = "",
    date_from: str = "",
    date_to: str = "",
    campaign: str = "",
    sort: str = "",
    after: str = "",
):
    """Tra cứu sao kê. `after` is the `next` of the previous page (keyset pages)."""
    _slow_down(request, "search")
    form = forms.SearchForm(
        {
            "q": q,
            "ref": ref,
            "amount": amount,
            "amount_min": amount_min,
            "amount_max": amount_max,
            "date_from": date_from,
            "date_to": date_to,
            "campaign": campaign,
            "sort": sort,
            "after": after,
        }
    )
    if not form.is_valid():
        raise FormInvalid(form)
    # Rendered as is: the busiest endpoint, and ninja's validation of 50 lines against
    # SearchOut cost about as much as the SQL of a cached page. SearchOut still documents the
    # answer, and tests check that every answer validates against it.
    return json_response(request, _lines(search.run_cached(form.query())))


@router.get("/public/self-check", response=CheckOut, auth=None)
def self_check(request, ref: str = "", amount: str = "", day: str = "", name: str = ""):
    """Kiểm tra khoản ủng hộ của tôi: the reference, or amount + day + part of the name."""
    _slow_down(request, "check")
    form = forms.CheckForm({"ref": ref, "amount": amount, "day": day, "name": name})
    if not form.is_valid():
        raise FormInvalid(form)
    result = search.run_cached(form.query())
    out = _lines(result)
    ids = {r["campaign_id"] for r in result.lines if r["campaign_id"]}
    out["uses"] = []
    for found in sources.public_campaigns().filter(pk__in=ids):
        use = sources.money_use(found)
        out["uses"].append(
            {
                "campaign": found.code,
                **{
                    k: use[k]
                    for k in (
                        "received",
                        "allocated",
                        "distributed",
                        "balance",
                        "reconciled",
                        "people_reached",
                    )
                },
            }
        )
    return out
