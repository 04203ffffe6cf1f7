"""Incidents with needs in kind (issue #22 item 5): each affected commune's needs in goods
and services (movements.NeedKind, kept as data) against what was allocated and distributed.

- Money: allocated = executed allocations linked to the incident whose receiving organisation
  works in the commune (relief.Allocation); distributed = confirmed cash lines of the
  incident's rounds in the commune. Per province, relief.incidents.needs_vs_allocated gives
  the money brought into the province.
- Goods: lines of the incident's rounds in the commune whose item matches a need kind (the
  item's folded name is in the kind's list, same unit): planned and confirmed lines count as
  allocated, confirmed lines as distributed.
- What cannot be matched: kinds without goods (houses to repair, people to evacuate) show the
  need alone; goods sent whose item matches no kind are listed apart.
"""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum

from nhandao.lib.errors import Refused
from nhandao.lib.text import search_key
from nhandao.movements.models import IncidentNeed, NeedKind
from nhandao.orgs import access
from nhandao.relief.models import (
    Allocation,
    AllocationStatus,
    DistributionLine,
    IncidentArea,
    LineStatus,
)


def _quantity(kind: NeedKind, raw) -> Decimal:
    if raw in (None, ""):
        return Decimal(0)
    try:
        value = (
            Decimal(str(raw).strip().replace(".", "").replace(",", "."))
            if kind.money
            else (Decimal(str(raw).strip().replace(",", ".")))
        )
    except InvalidOperation:
        raise Refused(f"{kind.name}: “{raw}” không phải là một số.", field=kind.code) from None
    if not value.is_finite():
        raise Refused(f"{kind.name}: “{raw}” không phải là một số.", field=kind.code)
    if value < 0:
        raise Refused(f"{kind.name}: nhu cầu không được âm.", field=kind.code)
    if kind.money and value != value.to_integral_value():
        raise Refused(f"{kind.name}: số tiền tính bằng đồng, không có phần lẻ.", field=kind.code)
    if value >= Decimal("1e14"):
        raise Refused(f"{kind.name}: số quá lớn.", field=kind.code)
    return value


@transaction.atomic
def set_needs(actor, incident, commune, quantities: dict) -> list[IncidentNeed]:
    """Record a commune's needs for an incident, one quantity per need kind code (blank or 0
    clears it). Refuses a commune outside the incident's affected area, a commune outside
    the actor's area (where they may "edit"), an unknown kind, a negative or malformed
    quantity — all before anything is written."""
    if (
        commune is None
        or not IncidentArea.objects.filter(incident=incident, commune=commune).exists()
    ):
        raise Refused(
            f"“{commune}” không nằm trong địa bàn bị ảnh hưởng của “{incident}”; "
            "hãy ghi nhận xã vào sự cố trước.",
            field="commune",
        )
    if not access.in_area(actor, commune, "edit"):
        raise Refused(
            f"“{commune}” nằm ngoài địa bàn bạn được cập nhật; chỉ xã hoặc tỉnh của xã nhập "
            "nhu cầu.",
            field="commune",
        )
    kinds = {k.code: k for k in NeedKind.objects.all()}
    unknown = sorted(set(quantities) - set(kinds))
    if unknown:
        raise Refused(f"Không có loại nhu cầu “{', '.join(unknown)}”.")
    values = {code: _quantity(kinds[code], raw) for code, raw in quantities.items()}
    saved = []
    for code, value in values.items():
        kind = kinds[code]
        if value == 0:
            IncidentNeed.objects.filter(incident=incident, commune=commune, kind=kind).delete()
            continue
        need, _ = IncidentNeed.objects.update_or_create(
            incident=incident,
            commune=commune,
            kind=kind,
            defaults={"quantity": value, "entered_by": actor},
        )
        saved.append(need)
    return saved


def _org_commune(org):
    unit = org.admin_unit
    return unit.pk if unit is not None and unit.level == "commune" else None


def response(incident) -> dict:
    """Per affected commune: each need kind with needed / allocated / distributed, plus goods
    sent that match no need kind. Aggregated, non-personal (the public page shows it)."""
    kinds = list(NeedKind.objects.all())
    by_key = {}
    for kind in kinds:
        for key in kind.item_keys():
            by_key[(key, search_key(kind.unit))] = kind.code
    areas = list(
        IncidentArea.objects.filter(incident=incident)
        .select_related("commune__province")
        .order_by("commune__province__name", "commune__name")
    )
    ids = [a.commune_id for a in areas]
    cells = defaultdict(lambda: {"need": Decimal(0), "allocated": Decimal(0), "sent": Decimal(0)})
    for n in IncidentNeed.objects.filter(incident=incident, commune_id__in=ids):
        cells[(n.commune_id, n.kind_id)]["need"] += n.quantity
    code_pk = {k.code: k.pk for k in kinds}
    money_pk = next((k.pk for k in kinds if k.money), None)
    unmatched = defaultdict(Decimal)
    # money allocated to organisations of the commune
    for a in Allocation.objects.filter(
        incident=incident, status=AllocationStatus.EXECUTED, target_organisation__isnull=False
    ).select_related("target_organisation__admin_unit"):
        commune = _org_commune(a.target_organisation)
        if commune in ids and money_pk:
            cells[(commune, money_pk)]["allocated"] += a.amount
    lines = (
        DistributionLine.objects.filter(round__incident=incident, commune_id__in=ids)
        .exclude(status=LineStatus.CANCELLED)
        .values("commune_id", "status", "round__item__name_key", "round__item__unit",
                "round__item__name")
        .annotate(value=Sum("value"), quantity=Sum("quantity"))
    )  # fmt: skip
    for r in lines:
        received = r["status"] == LineStatus.RECEIVED
        if r["round__item__name_key"] is None:  # money handed out
            if money_pk and received:
                cells[(r["commune_id"], money_pk)]["sent"] += r["value"] or 0
            continue
        code = by_key.get((r["round__item__name_key"], search_key(r["round__item__unit"])))
        qty = r["quantity"] or Decimal(0)
        if code is None:
            unmatched[(r["round__item__name"], r["round__item__unit"])] += qty
            continue
        cell = cells[(r["commune_id"], code_pk[code])]
        cell["allocated"] += qty
        if received:
            cell["sent"] += qty
    rows = []
    for area in areas:
        needs = []
        for kind in kinds:
            cell = cells.get((area.commune_id, kind.pk))
            if cell is None:
                continue
            matched = kind.money or bool(kind.item_keys())
            needs.append(
                {
                    "kind": kind,
                    "need": cell["need"],
                    "allocated": cell["allocated"] if matched else None,
                    "distributed": cell["sent"] if matched else None,
                    "gap": max(cell["need"] - cell["sent"], 0) if matched else None,
                }
            )
        rows.append({"area": area, "commune": area.commune, "needs": needs})
    return {
        "kinds": kinds,
        "communes": rows,
        "unmatched": [
            {"item": name, "unit": unit, "quantity": q} for (name, unit), q in unmatched.items()
        ],
        "unmatchable": [k for k in kinds if not k.money and not k.item_keys()],
    }
