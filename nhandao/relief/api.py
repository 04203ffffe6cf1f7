"""API of relief: same forms, same actions and same access rules as the pages.

A refused request answers 422 with the Vietnamese reason (the frame's shape, lib/api.py); a
rejected list also gives `import_id`, whose rejected rows GET /relief/imports/{id} lists. An
overlap warning answers 409 with the earlier supports (`overlaps`): a manager confirms again
with `override_reason`.
"""

from datetime import date, datetime

from django.utils import timezone
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from nhandao.campaigns.api import CampaignOut
from nhandao.campaigns.lookups import get_campaign
from nhandao.lib.api import ErrorOut, FormInvalid
from nhandao.lib.pagination import MAX_ID, MAX_YEAR, MIN_YEAR
from nhandao.orgs import access
from nhandao.relief import actions, coverage, forms, importers, lookups, public
from nhandao.relief import figures as money_figures
from nhandao.relief.models import (
    ALLOCATION_PIPELINE,
    ROUND_PIPELINE,
    Allocation,
)

router = Router(tags=["Cứu trợ"])


class ChannelTotal(Schema):
    code: str
    channel: str
    amount: int
    count: int


class DayTotal(Schema):
    received_on: date
    amount: int
    count: int


class CampaignDetailOut(CampaignOut):
    co_organisers: list[str]
    receiving_closes_on: date | None
    distribution_closes_on: date | None
    warnings: list[str]
    received: int
    donations: int
    by_channel: list[ChannelTotal]
    by_day: list[DayTotal]
    # with start/end: the campaign's figures over the period (so-lieu.json's document with
    # the opening balance and stock of every level and province), else null
    period: dict | None = None


def _detail(campaign, start=None, end=None):
    figures = money_figures.received_totals(campaign, start, end)
    return {
        **CampaignOut.from_orm(campaign).dict(),
        "co_organisers": [o.code for o in campaign.co_organisers.all()],
        "receiving_closes_on": campaign.receiving_closes_on(),
        "distribution_closes_on": campaign.distribution_closes_on(),
        "warnings": campaign.warnings(timezone.localdate()),
        "received": figures["amount"],
        "donations": figures["count"],
        "by_channel": figures["by_channel"],
        "by_day": figures["by_day"],
        "period": money_figures.period_figures(campaign, start, end).public()
        if start is not None or end is not None
        else None,
    }


@router.get(
    "/campaigns/{campaign_id}",
    response={200: CampaignDetailOut, 422: ErrorOut},
    tags=["Chiến dịch"],
    summary="Một chiến dịch và số đã nhận (theo hình thức, theo ngày); start–end: số liệu của "
    "khoảng đó (đầu kỳ, phát sinh, cuối kỳ)",
)
def campaign_detail(request, campaign_id: int, start: date | None = None, end: date | None = None):
    campaign = get_campaign(request.auth, campaign_id)
    period = forms.PeriodForm({"tu": start or "", "den": end or ""})
    if not period.is_valid():
        raise FormInvalid(period)
    return _detail(campaign, *period.period())


class ImportRefusedOut(ErrorOut):
    import_id: int | None = None


class OverlapOut(ErrorOut):
    overlaps: list[dict]


class AllocationIn(Schema):
    organisation: str
    campaign: str
    amount: int
    decision_no: str
    decision_date: date
    target_organisation: str | None = None
    purpose: int | None = None
    purpose_text: str | None = None
    source_earmark: str | None = None
    incident: int | None = None
    note: str | None = None
    into_stock: bool = False  # a purchase of goods for a warehouse (decision 0023)


class AllocationOut(Schema):
    id: int
    organisation_id: int
    campaign_id: int
    direction: str
    target_organisation_id: int | None
    purpose: str | None
    amount: int
    decision_no: str
    decision_date: date
    status: str
    status_label: str  # the status in words (the pipeline's label)
    needs_second: bool
    into_stock: bool


def allocation_out(a) -> dict:
    return {
        "id": a.pk,
        "organisation_id": a.organisation_id,
        "campaign_id": a.campaign_id,
        "direction": a.direction,
        "target_organisation_id": a.target_organisation_id,
        "purpose": (str(a.purpose) if a.purpose_id else a.purpose_text) or None,
        "amount": a.amount,
        "decision_no": a.decision_no,
        "decision_date": a.decision_date,
        "status": a.status,
        "status_label": ALLOCATION_PIPELINE.label(a.status),
        "needs_second": a.needs_second,
        "into_stock": a.into_stock,
    }


@router.get("/relief/allocations", response=list[AllocationOut], summary="Phân bổ trong phạm vi")
def list_allocations(
    request, campaign: int | None = Query(None, ge=1, le=MAX_ID), status: str | None = None
):
    qs = Allocation.objects.for_user(request.auth).select_related("purpose")
    if campaign:
        qs = qs.filter(campaign_id=campaign)
    if status:
        qs = qs.filter(status=status)
    return [allocation_out(a) for a in qs[:500]]


@router.post(
    "/relief/allocations",
    response={201: AllocationOut, 422: ErrorOut},
    summary="Đề xuất phân bổ (người lập)",
)
def propose(request, payload: AllocationIn):
    data = {k: v for k, v in payload.dict().items() if v is not None}
    form = forms.AllocationForm(data, actor=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    allocation = actions.propose_allocation(request.auth, **form.action_fields())
    return Status(201, allocation_out(allocation))


class AllocationDecisionIn(Schema):
    note: str = ""


def _decide(request, allocation_id: int, action, note: str):
    """A step of the allocation's pipeline (approve, reject, return, resubmit) on an
    allocation in the user's scope; the action checks who may make it."""
    allocation = lookups.get_allocation(request.auth, allocation_id)
    return Status(200, allocation_out(action(request.auth, allocation, note)))


@router.post(
    "/relief/allocations/{allocation_id}/approve",
    response={200: AllocationOut, 422: ErrorOut},
    summary="Duyệt phân bổ (người khác người lập; trên ngưỡng cần hai người)",
)
def approve(request, allocation_id: int, payload: AllocationDecisionIn):
    return _decide(request, allocation_id, actions.approve_allocation, payload.note)


@router.post(
    "/relief/allocations/{allocation_id}/reject",
    response={200: AllocationOut, 422: ErrorOut},
    summary="Từ chối phân bổ",
)
def reject(request, allocation_id: int, payload: AllocationDecisionIn):
    return _decide(request, allocation_id, actions.reject_allocation, payload.note)


@router.post(
    "/relief/allocations/{allocation_id}/return",
    response={200: AllocationOut, 422: ErrorOut},
    summary="Trả lại đề xuất để người lập giải trình (cần lý do)",
)
def return_(request, allocation_id: int, payload: AllocationDecisionIn):
    return _decide(request, allocation_id, actions.return_allocation, payload.note)


@router.post(
    "/relief/allocations/{allocation_id}/resubmit",
    response={200: AllocationOut, 422: ErrorOut},
    summary="Giải trình và gửi lại đề xuất đã bị trả lại",
)
def resubmit(request, allocation_id: int, payload: AllocationDecisionIn):
    return _decide(request, allocation_id, actions.resubmit_allocation, payload.note)


class LineOut(Schema):
    id: int
    household_id: int | None
    person_id: int | None
    recipient_name: str
    commune_id: int | None
    value: int
    quantity: float | None
    status: str
    receipt_method: str
    override_reason: str


class MoveOut(Schema):
    to_status: str
    label: str


class RoundOut(Schema):
    id: int
    organisation_id: int
    campaign_id: int
    kind: str
    name: str
    date: date
    place: str
    status: str
    status_label: str
    moves: list[MoveOut]  # what the caller may do with the round now
    lines: list[LineOut]


def line_out(line) -> dict:
    return {
        "id": line.pk,
        "household_id": line.household_id,
        "person_id": line.person_id,
        "recipient_name": line.recipient_name,
        "commune_id": line.commune_id,
        "value": line.value,
        "quantity": float(line.quantity) if line.quantity is not None else None,
        "status": line.status,
        "receipt_method": line.receipt_method,
        "override_reason": line.override_reason,
    }


@router.get("/relief/rounds/{round_id}", response=RoundOut, summary="Một đợt cấp phát")
def get_round(request, round_id: int):
    rnd = lookups.get_round(request.auth, round_id)
    return {
        "id": rnd.pk,
        "organisation_id": rnd.organisation_id,
        "campaign_id": rnd.campaign_id,
        "kind": rnd.kind,
        "name": rnd.name,
        "date": rnd.date,
        "place": rnd.place,
        "status": rnd.status,
        "status_label": ROUND_PIPELINE.label(rnd.status),
        "moves": [
            {"to_status": m.target, "label": m.label}
            for m in actions.round_moves(rnd, request.auth)
        ],
        "lines": [line_out(x) for x in rnd.lines.all()[:5000]],
    }


class RowError(Schema):  # lib.imports.row_error
    row: int
    column: str
    value: str
    reason: str


class ImportOut(Schema):
    id: int
    round_id: int
    file_name: str
    checksum: str
    uploaded_at: datetime
    status: str
    status_label: str
    moves: list[str]  # the pipeline's moves from here that a user may ask for
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    rows_duplicate: int
    created: int
    errors: list[RowError]
    detail: str = ""


def import_out(batch, detail: str = "") -> dict:
    fields = ["id", "round_id", "file_name", "checksum", "uploaded_at", "status", "status_label"]
    fields += ["rows_read", "rows_accepted", "rows_rejected", "rows_duplicate", "created", "errors"]
    moves = [move.target for move in batch.allowed_moves()]
    return {name: getattr(batch, name) for name in fields} | {"detail": detail, "moves": moves}


@router.post(
    "/relief/rounds/{round_id}/import",
    response={201: list[LineOut], 200: ImportOut, 422: ImportRefusedOut},
    summary="Nhập danh sách người nhận từ Excel/CSV (tất cả hoặc không dòng nào; "
    "cùng một tệp lần nữa: 200, không thêm gì)",
)
def import_lines(request, round_id: int, file: UploadedFile = File(...)):  # noqa: B008
    rnd = lookups.get_round(request.auth, round_id, "edit")
    batch, _new = importers.start(request.auth, rnd, file.name, file.read())
    if batch.is_done:
        return Status(200, import_out(batch, importers.repeat_message(batch)))
    lines = importers.commit(request.auth, batch)
    return Status(201, [line_out(x) for x in lines])


@router.get(
    "/relief/imports/{import_id}",
    response=ImportOut,
    summary="Một tệp danh sách đã tải lên: tình trạng, số dòng, các dòng lỗi",
)
def get_import(request, import_id: int):
    return import_out(lookups.get_line_import(request.auth, import_id))


class ConfirmIn(Schema):
    method: str
    override_reason: str = ""


@router.post(
    "/relief/lines/{line_id}/confirm",
    response={200: LineOut, 409: OverlapOut, 422: ErrorOut},
    summary="Xác nhận đã nhận (409: cảnh báo trùng, cần lý do của lãnh đạo)",
)
def confirm(request, line_id: int, payload: ConfirmIn):
    line = lookups.get_line(request.auth, line_id, "edit")
    form = forms.ConfirmForm(payload.dict())
    if not form.is_valid():
        raise FormInvalid(form)
    line = actions.confirm_line(
        request.auth,
        line,
        method=form.cleaned_data["method"],
        override_reason=payload.override_reason,
    )
    return Status(200, line_out(line))


@router.get(
    "/relief/campaigns/{campaign_id}/figures",
    summary="Số liệu tổng hợp của chiến dịch (phân bổ, cấp phát theo xã, đối chiếu)",
)
def figures(request, campaign_id: int):
    campaign = lookups.get_relief_campaign(request.auth, campaign_id)
    return public.campaign_figures(campaign)


@router.get("/relief/coverage", summary="Hộ đủ điều kiện chưa nhận hỗ trợ, theo xã")
def coverage_counts(
    request,
    campaign: str,
    province: str,
    commune: str = "",
    year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR),
):
    form = forms.CoverageForm(
        {"campaign": campaign, "province": province, "commune": commune, "year": year},
        actor=request.auth,
    )
    if not form.is_valid():
        raise FormInvalid(form)
    camp, unit = form.cleaned_data["campaign"], form.cleaned_data["area"]
    access.require_area(request.auth, unit)
    return [
        {
            "commune_id": r.commune_id,
            "commune": r.commune_name,
            "eligible": r.eligible,
            "reached": r.reached,
            "left_behind": r.left_behind,
            "poor": r.poor,
            "poor_left_behind": r.poor_left_behind,
        }
        for r in coverage.by_commune(camp, unit, year=year)
    ]
