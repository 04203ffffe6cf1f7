"""API of movements (scoped by movements/lookups.py): the movements and their years, a
part's targets against results with its parts, adjusting a part, launching the parts
below (202: a background task; its progress at /api/movements/launches/{id})."""

from django.db.models import Prefetch
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from nhandao.lib.api import FormInvalid
from nhandao.lib.pagination import Pagination
from nhandao.movements import actions, fairs, forms, needs, results
from nhandao.movements.lookups import get_fair, get_launch, get_part
from nhandao.movements.models import Edition, Movement

router = Router(tags=["Phong trào"])


class EditionRow(Schema):
    year: int
    theme: str
    campaign_id: int


class MovementRow(Schema):
    id: int
    code: str
    name: str
    kind: str
    editions: list[EditionRow]

    @staticmethod
    def resolve_editions(movement):
        return list(movement.editions.all())


class PartIn(Schema):
    launch_date: str
    receiving_end: str = ""
    theme: str = ""
    targets: dict[str, str | int | None] = {}


class LaunchIn(Schema):
    depth: str = "children"


def _row_json(rollup, row) -> dict:
    out = {"campaign_id": row.campaign_id, "organisation_id": row.organisation_id,
           "name": row.name, "targets": {}, "results": {}, "last_year": None}  # fmt: skip
    for kind, _label in rollup.kinds:
        out["targets"][kind] = row.targets.get(kind)
        out["results"][kind] = None if kind in results.NO_SOURCE else row.results.get(kind, 0)
    if row.last_year is not None:
        out["last_year"] = {k: row.last_year.get(k, 0) for k, _ in rollup.kinds}
    return out


def part_json(campaign, edition) -> dict:
    rollup = results.rollup(campaign, edition)
    return {
        "campaign_id": campaign.pk,
        "code": campaign.code,
        "movement": edition.movement.code,
        "year": edition.year,
        "theme": campaign.theme,
        "launch_date": campaign.launch_date.isoformat(),
        "receiving_end": campaign.receiving_end.isoformat() if campaign.receiving_end else None,
        **_row_json(rollup, rollup.own),
        "parts_targets": {k: rollup.parts_targets.get(k, 0) for k, _ in rollup.kinds},
        "parts": [_row_json(rollup, row) for row in rollup.parts],
        "tet_left_behind": rollup.tet_left_behind,
    }


@router.get("/movements", response=list[MovementRow], summary="Phong trào và các năm")
@paginate(Pagination)
def list_movements(request):
    movements = Movement.objects.for_user(request.auth)
    return movements.prefetch_related(
        Prefetch("editions", queryset=Edition.objects.order_by("-year"))
    )


@router.get("/movements/parts/{campaign_id}", response=dict, summary="Chỉ tiêu và kết quả")
def part_detail(request, campaign_id: int):
    return part_json(*get_part(request.auth, campaign_id))


@router.post("/movements/parts/{campaign_id}", response=dict, summary="Điều chỉnh chỉ tiêu")
def part_adjust(request, campaign_id: int, payload: PartIn):
    campaign, edition = get_part(request.auth, campaign_id, "edit")
    data = {"launch_date": payload.launch_date, "receiving_end": payload.receiving_end,
            "theme": payload.theme or campaign.theme}  # fmt: skip
    for kind, value in payload.targets.items():
        data[f"target_{kind}"] = "" if value is None else str(value)
    form = forms.PartForm(data, campaign=campaign)
    unknown = set(payload.targets) - {k for k, _ in forms.TargetKind.choices}
    if unknown or not form.is_valid():
        for kind in sorted(unknown):
            form.add_error(None, f"Không có loại chỉ tiêu “{kind}”.")
        raise FormInvalid(form)
    actions.adjust_part(
        request.auth,
        campaign,
        launch_date=form.cleaned_data["launch_date"],
        receiving_end=form.cleaned_data["receiving_end"],
        theme=form.cleaned_data["theme"],
        targets=form.targets(),
    )
    return part_json(campaign, edition)


@router.post(
    "/movements/parts/{campaign_id}/launch", response={202: dict}, summary="Phát động cấp dưới"
)
def part_launch(request, campaign_id: int, payload: LaunchIn):
    campaign, _edition = get_part(request.auth, campaign_id, "edit")
    form = forms.LaunchForm({"depth": payload.depth})
    if not form.is_valid():
        raise FormInvalid(form)
    launch = actions.launch_parts(request.auth, campaign, depth=form.cleaned_data["depth"])
    return Status(202, _launch_json(launch))


def _launch_json(launch) -> dict:
    return {"id": launch.pk, "campaign_id": launch.campaign_id, "status": launch.status,
            "done": launch.done, "total": launch.total, "error": launch.error}  # fmt: skip


@router.get("/movements/launches/{launch_id}", response=dict, summary="Tiến độ phát động")
def launch_detail(request, launch_id: int):
    return _launch_json(get_launch(request.auth, launch_id))


# --- Tết fairs ------------------------------------------------------------------------------


class RedeemIn(Schema):
    code: str
    stall: int | None = None
    request_id: str = ""
    override_reason: str = ""


@router.get("/movements/fairs/{fair_id}", response=dict, summary="Một hội chợ Tết: phiếu quà")
def fair_detail(request, fair_id: int):
    fair = get_fair(request.auth, fair_id)
    return {"id": fair.pk, "name": fair.name, "date": fair.date.isoformat(),
            "gift_value": fair.gift_value, **fairs.counts(fair),
            "stalls": [{"id": s.pk, "name": s.name} for s in fair.stalls.all()]}  # fmt: skip


@router.post("/movements/fairs/{fair_id}/redeem", response=dict, summary="Đổi một phiếu quà")
def fair_redeem(request, fair_id: int, payload: RedeemIn):
    """Idempotent per `request_id`: the same scan sent again answers the same redemption."""
    fair = get_fair(request.auth, fair_id, "edit")
    form = forms.RedeemForm(payload.dict(), fair=fair)
    if not form.is_valid():
        raise FormInvalid(form)
    data = form.cleaned_data
    voucher = fairs.redeem(request.auth, fair, data["code"], stall=data["stall"],
                           request_id=data["request_id"],
                           override_reason=data["override_reason"])  # fmt: skip
    return {"code": voucher.code, "redeemed_at": voucher.redeemed_at.isoformat(),
            "stall": voucher.stall_id, "line": voucher.line_id}  # fmt: skip


def _exact(value) -> str | None:
    """A quantity as text, exact ("1500", "12.5"): kilograms and đồng alike, never a float."""
    return None if value is None else format(value.normalize() if hasattr(value, "normalize")
                                             else value, "f")  # fmt: skip


@router.get(
    "/movements/incidents/{incident_id}/needs",
    response=dict,
    summary="Nhu cầu của một sự cố theo xã: cần, đã phân bổ, đã trao, còn thiếu",
)
def incident_needs(request, incident_id: int):
    """The page /phong-trao/su-co/<id>/nhu-cau/ as data: aggregated per commune, nothing
    personal. Quantities are exact text; `allocated`, `distributed` and `gap` are null for a
    need no goods item answers (services, evacuation)."""
    from nhandao.relief.lookups import get_incident

    incident = get_incident(request.auth, incident_id)
    data = needs.response(incident)
    return {
        "incident": {"id": incident.pk, "name": incident.name},
        "communes": [
            {
                "code": row["commune"].code,
                "name": row["commune"].name,
                "province": row["commune"].province.name if row["commune"].province else "",
                "needs": [
                    {
                        "kind": n["kind"].code,
                        "label": n["kind"].name,
                        "unit": n["kind"].unit,
                        **{k: _exact(n[k]) for k in ("need", "allocated", "distributed", "gap")},
                    }
                    for n in row["needs"]
                ],  # fmt: skip
            }
            for row in data["communes"]
        ],
        "unmatched": [{**u, "quantity": _exact(u["quantity"])} for u in data["unmatched"]],
    }
