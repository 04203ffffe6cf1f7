"""Pages of relief: allocations, distribution rounds, coverage, stock, incidents.

Each view: parse input (forms.py) → access check (orgs/access.py) → one action → render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from nhandao.beneficiaries.models import Household
from nhandao.campaigns.actions import allowed_moves
from nhandao.campaigns.lookups import can_act, get_campaign
from nhandao.donations.lookups import campaign_debits
from nhandao.donations.models import Donation
from nhandao.donations.vietqr import qr_svg_data_uri, vietqr_payload
from nhandao.lib.downloads import DOCX, XLSX, attachment
from nhandao.lib.errors import Refused
from nhandao.lib.exports import export_response
from nhandao.lib.imports import ImportStatus
from nhandao.lib.listing import Sort, listing, sorted_by
from nhandao.lib.views import show_refused
from nhandao.orgs import access
from nhandao.relief import (
    actions,
    coverage,
    exports,
    forms,
    importers,
    incidents,
    lookups,
    public,
    rules,
)
from nhandao.relief import figures as money_figures
from nhandao.relief.models import (
    ALLOCATION_PIPELINE,
    Allocation,
    AllocationStatus,
    DistributionRound,
    Incident,
    LineStatus,
    StockLevel,
    StockMove,
    Warehouse,
)


def _form_page(request, form, title, submit="Lưu", multipart=False):
    return render(
        request,
        "relief/form.html",
        {"form": form, "title": title, "submit": submit, "multipart": multipart},
    )


@login_required
def home(request):
    user = request.user
    context = {
        "campaigns": lookups.relief_campaigns(user).order_by("-launch_date")[:30],
        "allocations": Allocation.objects.for_user(user).select_related(
            "organisation", "target_organisation", "purpose", "campaign"
        )[:20],
        "pending": Allocation.objects.for_user(user)
        .filter(status__in=[AllocationStatus.PROPOSED, AllocationStatus.FIRST_APPROVED])
        .count(),
        "returned": Allocation.objects.for_user(user)
        .filter(status=AllocationStatus.RETURNED)
        .count(),
        "rounds": DistributionRound.objects.for_user(user).select_related(
            "organisation", "campaign"
        )[:20],
        "incidents": Incident.objects.all()[:10],
        "warehouses": Warehouse.objects.for_user(user).select_related("organisation")[:20],
    }
    return render(request, "relief/home.html", context)


@login_required
def campaign(request, pk):
    camp = lookups.get_relief_campaign(request.user, pk)
    bound = "tu" in request.GET or "den" in request.GET
    period_form = forms.PeriodForm(request.GET if bound else None)
    start, end = period_form.period()
    if start or end:  # opening, moved and closing per organisation (the portal's numbers)
        money = money_figures.period_figures(camp, start, end)
    else:
        money = money_figures.campaign_figures(camp)  # the same numbers as the portal
    context = {
        "campaign": camp,
        "money": money,
        "period_form": period_form,
        "by_province": public.allocated_by_province(camp),
        "by_commune": public.distributions_by_commune(camp)[:200],
        "reached": public.people_reached(camp),
        "allocations": Allocation.objects.for_user(request.user)
        .filter(campaign=camp)
        .select_related("organisation", "target_organisation", "purpose"),
        "rounds": DistributionRound.objects.for_user(request.user)
        .filter(campaign=camp)
        .select_related("organisation"),
    }
    return render(request, "relief/campaign.html", context)


@login_required
def campaign_detail(request, pk):
    """A campaign (the back office's page) with its targets against what it received (by
    channel, day and part: relief.figures, the portal's numbers), its receiving accounts'
    VietQR and its latest donations; status moves for its editors."""
    camp = get_campaign(request.user, pk)
    period_form = forms.PeriodForm(request.GET or None)
    start, end = period_form.period()
    recent = (
        Donation.objects.for_user(request.user)
        .filter(campaign=camp)
        .select_related("donor")
        .order_by("-received_on", "-pk")[:20]
    )
    accounts = list(camp.bank_accounts.all())
    for account in accounts:
        account.qr_payload = vietqr_payload(account, camp)
        account.qr_svg = qr_svg_data_uri(account.qr_payload)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": camp,
            "totals": money_figures.received_totals(camp, start, end),
            "period_form": period_form,
            "parts": money_figures.received_by_part(camp),
            "warnings": camp.warnings(timezone.localdate()),
            "history": camp.history.select_related("actor"),
            "extensions": camp.extensions.select_related("decided_by"),
            "co_organisers": camp.co_organisers.all(),
            "moves": allowed_moves(camp, request.user),
            "can_edit": can_act(request.user, "edit", camp),
            "recent": recent,
            "accounts": accounts,
            "debits": campaign_debits(request.user, camp),
        },
    )


# ---- allocations ----------------------------------------------------------------------------


@login_required
def allocation_create(request):
    access.require_anywhere(request.user, "money")
    initial = {
        "campaign": request.GET.get("campaign", ""),
        "organisation": request.GET.get("org", ""),
    }
    form = forms.AllocationForm(
        request.POST or None, request.FILES or None, actor=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            allocation = actions.propose_allocation(request.user, **form.action_fields())
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã lập đề xuất phân bổ; chờ người khác duyệt.")
            return redirect("relief_allocation", pk=allocation.pk)
    return _form_page(request, form, "Đề xuất phân bổ", submit="Gửi đề xuất", multipart=True)


ALLOCATION_SORTS = [
    Sort("moi", "Quyết định mới nhất", ("-decision_date", "-pk"), column="ngay", descending=True),
    Sort("cu", "Quyết định cũ nhất", ("decision_date", "pk"), column="ngay"),
    Sort(
        "lon",
        "Số tiền lớn nhất",
        ("-amount", "-decision_date", "-pk"),
        column="tien",
        descending=True,
    ),  # fmt: skip
    Sort("nho", "Số tiền nhỏ nhất", ("amount", "-decision_date", "-pk"), column="tien"),
    Sort(
        "tu", "Đơn vị phân bổ A–Z", ("organisation__name_key", "-decision_date", "-pk"), column="tu"
    ),  # fmt: skip
    Sort(
        "tu-za",
        "Đơn vị phân bổ Z–A",
        ("-organisation__name_key", "-decision_date", "-pk"),
        column="tu",
        descending=True,
    ),  # fmt: skip
]


@login_required
def allocation_list(request):
    qs = Allocation.objects.for_user(request.user).select_related(
        "organisation", "target_organisation", "purpose", "campaign"
    )
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    qs, _ = sorted_by(request, qs, ALLOCATION_SORTS)  # the export in the order shown
    if request.GET.get("format") in ("csv", "xlsx"):
        header = ["Số quyết định", "Ngày quyết định", "Chiến dịch", "Từ", "Đến / nội dung",
                  "Số tiền (đồng)", "Tình trạng"]  # fmt: skip
        rows = ([a.decision_no, a.decision_date, a.campaign.code, a.organisation.name,
                 a.recipient_label, a.amount, a.get_status_display()]
                for a in qs[:100_000])  # fmt: skip
        return export_response(request, "phan-bo", header, rows)
    shown = listing(request, qs, ALLOCATION_SORTS)
    return render(
        request,
        "relief/allocation_list.html",
        {
            "page": shown.page,
            "listing": shown,
            "status": status,
            "statuses": AllocationStatus.choices,
        },
    )


@login_required
def allocation_detail(request, pk):
    allocation = lookups.get_allocation(
        request.user,
        pk,
        Allocation.objects.select_related(
            "organisation",
            "target_organisation",
            "purpose",
            "campaign",
            "proposed_by",
            "first_approver",
            "second_approver",
            "incident",
        ),
        read_only=True,
    )
    return render(
        request,
        "relief/allocation_detail.html",
        {
            "a": allocation,
            # linked only for those who may open it (a supervisor reading through a grant,
            # the other party of a programme before the money reached it, may not)
            "campaign_linked": lookups.relief_campaigns(request.user)
            .filter(pk=allocation.campaign_id)
            .exists(),
            "history": allocation.history.select_related("actor"),
            "moves": actions.allocation_moves(allocation, request.user),
        },
    )


@login_required
@require_POST
def allocation_move(request, pk):
    """One button of the allocation's page: the move to the status it names."""
    allocation = lookups.get_allocation(request.user, pk)
    try:
        allocation = actions.move_allocation(
            request.user, allocation, request.POST.get("to", ""), request.POST.get("note", "")
        )
        messages.success(request, f"Phân bổ: {ALLOCATION_PIPELINE.label(allocation.status)}.")
    except Refused as exc:
        show_refused(request, exc)
    return redirect("relief_allocation", pk=pk)


# the decision links of earlier pages and scripts, as the move each one names
DECISIONS = {
    "duyet": None,  # approve: the next approval step, whichever it is
    "tu-choi": AllocationStatus.REJECTED,
    "tra-lai": AllocationStatus.RETURNED,
    "gui-lai": AllocationStatus.PROPOSED,
    "huy": AllocationStatus.CANCELLED,
}


@login_required
@require_POST
def allocation_decide(request, pk, decision):
    if decision not in DECISIONS:
        raise Http404()
    allocation = lookups.get_allocation(request.user, pk)
    note = request.POST.get("note", "")
    try:
        if DECISIONS[decision] is None:
            allocation = actions.approve_allocation(request.user, allocation, note)
        else:
            allocation = actions.move_allocation(
                request.user, allocation, DECISIONS[decision], note
            )
        messages.success(request, f"Phân bổ: {ALLOCATION_PIPELINE.label(allocation.status)}.")
    except Refused as exc:
        show_refused(request, exc)
    return redirect("relief_allocation", pk=pk)


# ---- distribution rounds ------------------------------------------------------------------


@login_required
def round_create(request):
    access.require_anywhere(request.user, "edit")
    initial = {"campaign": request.GET.get("campaign", "")}
    form = forms.RoundForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rnd = actions.create_round(request.user, **form.action_fields())
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã lập đợt cấp phát. Hãy thêm người nhận.")
            return redirect("relief_round", pk=rnd.pk)
    return _form_page(request, form, "Lập đợt cấp phát", submit="Lập đợt")


@login_required
def round_detail(request, pk):
    rnd = lookups.get_round(
        request.user,
        pk,
        queryset=DistributionRound.objects.select_related(
            "organisation", "campaign", "commune", "warehouse", "item"
        ),
    )
    lines = rnd.lines.select_related("household", "person", "commune", "support_record")
    page = Paginator(lines, 100).get_page(request.GET.get("page"))
    warnings = actions.overlap_warnings(rnd, page) if rnd.handing_out else {}
    duplicates = actions.duplicate_notes(rnd, page, request.user) if rnd.handing_out else {}
    totals = rnd.lines.aggregate(
        planned=Coalesce(Sum("value", filter=Q(status=LineStatus.PLANNED)), 0),
        received=Coalesce(Sum("value", filter=Q(status=LineStatus.RECEIVED)), 0),
    )
    can_edit = access.can(request.user, "edit", rnd.organisation)
    return render(
        request,
        "relief/round_detail.html",
        {
            "rnd": rnd,
            "page": page,
            "warnings": warnings,
            "duplicates": duplicates,
            "totals": totals,
            "can_edit": can_edit,
            "moves": actions.round_moves(rnd, request.user),
            "can_override": access.can(request.user, "approve", rnd.organisation),
            "filter_form": forms.RegistryFilterForm(
                initial={
                    "commune": rnd.commune.code if rnd.commune_id else "",
                    "statuses": ["poor"],
                }
            ),
            "import_form": forms.ImportForm(),
            "confirm_form": forms.ConfirmForm(),
            "history": rnd.history.select_related("actor"),
            "imports": rnd.imports.defer("preview", "errors", "warnings").select_related(
                "uploaded_by"
            )[:10]
            if can_edit
            else [],
            "deadline_warning": rules.distribution_deadline_warning(
                rnd.campaign, timezone.localdate()
            )
            if rnd.takes_recipients
            else None,
        },
    )


def _editable_round(request, pk):
    return lookups.get_round(request.user, pk, "edit")


@login_required
@require_POST
def round_add_filter(request, pk):
    rnd = _editable_round(request, pk)
    form = forms.RegistryFilterForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            lines = actions.add_lines_from_registry(
                request.user,
                rnd,
                value=d["value"],
                quantity=d.get("quantity"),
                commune=d.get("commune"),
                statuses=d["statuses"],
                year=d.get("year"),
            )
            messages.success(request, f"Đã thêm {len(lines)} hộ vào danh sách.")
        except Refused as exc:
            show_refused(request, exc)
    else:
        for field, errs in form.errors.items():
            for e in errs:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}: {e}"
                )
    return redirect("relief_round", pk=pk)


@login_required
@require_POST
def round_import(request, pk):
    """Upload a list: it is kept and checked, and the preview page opens; nothing is added
    to the round before the preview is confirmed."""
    rnd = _editable_round(request, pk)
    form = forms.ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for e in form.errors.get("file", ["Hãy chọn tệp Excel hoặc CSV."]):
            messages.error(request, e)
        return redirect("relief_round", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        batch, new = importers.start(request.user, rnd, upload.name, upload.read())
    except Refused as exc:
        show_refused(request, exc)
        return redirect("relief_round", pk=pk)
    if not new:
        messages.info(request, importers.repeat_message(batch))
    return redirect("relief_line_import", pk=batch.pk)


@login_required
def line_import(request, pk):
    """The preview of an uploaded list (GET); confirm or discard it (POST)."""
    batch = lookups.get_line_import(request.user, pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") in ("discard", ImportStatus.CANCELLED):
                importers.discard(request.user, batch)
                messages.success(request, "Đã bỏ tệp; danh sách của đợt không thay đổi.")
                return redirect("relief_round", pk=batch.round_id)
            lines = importers.commit(request.user, batch)
        except importers.ImportRejected:
            messages.error(request, "Tệp bị từ chối, không dòng nào được nhập (xem các dòng lỗi).")
            return redirect("relief_line_import", pk=pk)
        except Refused as exc:
            show_refused(request, exc)
            return redirect("relief_line_import", pk=pk)
        known = f"; {batch.rows_duplicate} dòng đã có, bỏ qua" if batch.rows_duplicate else ""
        messages.success(request, f"Đã nhập {len(lines)} dòng vào danh sách cấp phát{known}.")
        return redirect("relief_round", pk=batch.round_id)
    return render(
        request,
        "relief/line_import.html",
        {
            "batch": batch,
            "rnd": batch.round,
            "errors": batch.errors[:200],
            "shown": batch.preview[:200],
            "moves": batch.allowed_moves(),
        },
    )


@login_required
def line_import_rejected(request, pk):
    batch = lookups.get_line_import(request.user, pk)
    return attachment(importers.rejected_workbook(batch), f"dong-bi-tu-choi-{batch.pk}.xlsx", XLSX)


@login_required
@require_POST
def round_status(request, pk):
    rnd = _editable_round(request, pk)
    try:
        actions.set_round_status(
            request.user, rnd, request.POST.get("to", ""), request.POST.get("note", "")
        )
        messages.success(request, "Đã cập nhật tình trạng đợt cấp phát.")
    except Refused as exc:
        show_refused(request, exc)
    return redirect("relief_round", pk=pk)


@login_required
@require_POST
def line_confirm(request, pk):
    line = lookups.get_line(request.user, pk, "edit")
    form = forms.ConfirmForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.confirm_line(
                request.user,
                line,
                method=d["method"],
                receipt_file=d.get("receipt_file"),
                override_reason=d.get("override_reason") or "",
            )
            messages.success(request, f"Đã xác nhận “{line.recipient_name}” đã nhận.")
        except Refused as exc:  # an overlap shows as a warning
            show_refused(request, exc)
    else:
        messages.error(request, "Hãy chọn hình thức xác nhận.")
    return redirect("relief_round", pk=line.round_id)


@login_required
@require_POST
def round_confirm_all(request, pk):
    """A signed paper list uploaded: every line still planned is confirmed, all or none
    (an overlap stops the batch so that a manager looks at it)."""
    rnd = _editable_round(request, pk)
    upload = request.FILES.get("receipt_file")
    if upload is None:
        messages.error(request, "Hãy tải lên ảnh hoặc bản quét danh sách có chữ ký.")
        return redirect("relief_round", pk=pk)
    lines = list(rnd.lines.filter(status=LineStatus.PLANNED))
    try:
        done = actions.confirm_lines(request.user, rnd, lines, method="paper_list",
                                     receipt_file=upload)  # fmt: skip
        messages.success(request, f"Đã xác nhận {len(done)} dòng theo danh sách có chữ ký.")
    except Refused as exc:
        messages.error(request, "Chưa xác nhận dòng nào:")
        show_refused(request, exc)
    return redirect("relief_round", pk=pk)


@login_required
def round_export(request, pk, fmt):
    rnd = lookups.get_round(
        request.user,
        pk,
        queryset=DistributionRound.objects.select_related("organisation", "campaign", "item"),
    )
    name = f"danh-sach-cap-phat-{rnd.pk}"
    if fmt == "xlsx":
        return attachment(exports.distribution_xlsx(rnd), f"{name}.xlsx", XLSX)
    if fmt == "docx":
        return attachment(exports.distribution_docx(rnd), f"{name}.docx", DOCX)
    raise Http404()


@login_required
def round_print(request, pk):
    """The whole list on paper (every line, not a page of them) with a signature column, under a
    Decree 30 heading: whoever may open the round may print it, as the page shows the same
    names (no id numbers here, as there are none on the page)."""
    rnd = lookups.get_round(
        request.user,
        pk,
        queryset=DistributionRound.objects.select_related(
            "organisation__parent", "campaign", "item", "commune"
        ),
    )
    rows = exports.printed_lines(rnd)
    return render(
        request,
        "relief/round_print.html",
        {
            "rnd": rnd,
            "rows": rows,
            "total": sum(line.value for _, line, _, _ in rows),
            "place": rnd.commune.name if rnd.commune_id else rnd.place,
        },
    )


@login_required
def import_template(request):
    return attachment(exports.import_template_xlsx(), "mau-danh-sach-cap-phat.xlsx", XLSX)


# ---- coverage -----------------------------------------------------------------------------


@login_required
def coverage_view(request):
    form = forms.CoverageForm(request.GET or None, actor=request.user)
    context = {"form": form}
    if form.is_valid():
        camp, area, year = (form.cleaned_data[k] for k in ("campaign", "area", "year"))
        access.require_area(request.user, area)
        rows = coverage.by_commune(camp, area, year=year)
        listing = coverage.left_behind(camp, area, year=year).filter(
            Q(pk__in=Household.objects.visible_to(request.user).values("pk"))
        )
        if request.GET.get("export") == "xlsx":
            data = exports.coverage_xlsx(camp, area, rows, listing.iterator())
            return attachment(data, f"bao-phu-{camp.code}-{area.code}.xlsx", XLSX)
        context.update(
            campaign=camp,
            area=area,
            year=year or coverage.default_year(camp),
            rows=rows,
            page=Paginator(listing, 50).get_page(request.GET.get("page")),
            totals={
                k: sum(getattr(r, k) for r in rows)
                for k in ("eligible", "reached", "left_behind", "poor", "poor_left_behind")
            },
        )
    return render(request, "relief/coverage.html", context)


# ---- stock --------------------------------------------------------------------------------


@login_required
def warehouse_create(request):
    access.require_anywhere(request.user, "edit")
    form = forms.WarehouseForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        warehouse = actions.create_warehouse(request.user, **form.cleaned_data)
        return redirect("relief_warehouse", pk=warehouse.pk)
    return _form_page(request, form, "Tạo kho", submit="Tạo")


@login_required
def warehouse_detail(request, pk):
    warehouse = lookups.get_warehouse(request.user, pk)
    can_edit = access.can(request.user, "edit", warehouse.organisation)
    goods_form = forms.GoodsInForm(
        request.POST or None, actor=request.user, prefix="in", warehouse=warehouse
    )
    move_form = forms.TransferGoodsForm(request.POST or None, actor=request.user, prefix="out")
    if request.method == "POST":
        access.require(request.user, "edit", warehouse.organisation)
        try:
            if "in-item_name" in request.POST and goods_form.is_valid():
                d = goods_form.cleaned_data
                actions.receive_goods(
                    request.user,
                    warehouse,
                    actions.item_named(d["item_name"], d["unit"]),
                    d["quantity"],
                    date=d["date"],
                    campaign=d.get("campaign"),
                    value=d.get("value") or 0,
                    donation=d.get("donation"),
                    purchase=d.get("purchase"),
                )
                messages.success(request, "Đã nhập kho.")
                return redirect("relief_warehouse", pk=pk)
            if "out-target" in request.POST and move_form.is_valid():
                d = move_form.cleaned_data
                actions.transfer_goods(
                    request.user,
                    warehouse,
                    d["target"],
                    d["item"],
                    d["quantity"],
                    date=d["date"],
                    campaign=d.get("campaign"),
                )
                messages.success(request, "Đã xuất điều chuyển.")
                return redirect("relief_warehouse", pk=pk)
        except Refused as exc:
            show_refused(request, exc)
    levels = StockLevel.objects.filter(warehouse=warehouse).select_related("item", "campaign")
    return render(
        request,
        "relief/warehouse_detail.html",
        {
            "warehouse": warehouse,
            "levels": levels,
            "can_edit": can_edit,
            "goods_form": goods_form,
            "move_form": move_form,
        },
    )


@login_required
def stock_card(request, pk, item_pk):
    warehouse = lookups.get_warehouse(request.user, pk)
    item = lookups.get_item(item_pk)
    moves = StockMove.objects.filter(warehouse=warehouse, item=item).select_related("campaign")
    page = Paginator(moves, 100).get_page(request.GET.get("page"))
    return render(
        request, "relief/stock_card.html", {"warehouse": warehouse, "item": item, "page": page}
    )


# ---- incidents ----------------------------------------------------------------------------


@login_required
def incident_create(request):
    access.require_anywhere(request.user, "edit")
    form = forms.IncidentForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            incident = actions.create_incident(request.user, **form.cleaned_data)
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            return redirect("relief_incident", pk=incident.pk)
    return _form_page(request, form, "Ghi nhận sự cố, thiên tai")


@login_required
def incident_detail(request, pk):
    incident = lookups.get_incident(request.user, pk)
    can_edit = access.can(request.user, "edit", incident.organisation)
    form = forms.IncidentAreaForm(request.POST or None)
    if request.method == "POST":
        access.require(request.user, "edit", incident.organisation)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        commune = d.pop("commune")
        try:
            actions.set_incident_area(request.user, incident, commune, **d)
            messages.success(request, f"Đã cập nhật {commune}.")
            return redirect("relief_incident", pk=pk)
        except Refused as exc:
            show_refused(request, exc, form)
    return render(
        request,
        "relief/incident_detail.html",
        {
            "incident": incident,
            "form": form,
            "can_edit": can_edit,
            "areas": incident.areas.select_related("commune__province").order_by(
                "commune__province__name", "commune__name"
            ),
            "provinces": incidents.needs_vs_allocated(incident),
            "campaigns": incident.campaigns.all(),
        },
    )
