"""Movement pages: the movements and their years, launching a year (the centre), a level's
part of a year (its targets against results, its parts below with last year's results, the
Tết rule per commune), adjusting it, launching the parts below (with progress), the export."""

import uuid

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from nhandao.audit.actions import record as audit_record
from nhandao.campaigns.lookups import can_act
from nhandao.campaigns.models import Campaign
from nhandao.lib import exports
from nhandao.lib.errors import Refused
from nhandao.lib.money import format_vnd
from nhandao.lib.views import show_refused
from nhandao.movements import actions, fairs, forms, needs, results
from nhandao.movements.lookups import (
    get_fair,
    get_launch,
    get_movement,
    get_part,
    visible_editions,
)
from nhandao.movements.models import UNITS, Fair, Launch, Movement
from nhandao.orgs import access


@login_required
def movement_list(request):
    access.require_anywhere(request.user, "view")
    movements = Movement.objects.for_user(request.user).select_related("organisation")
    editions = {}
    for edition in visible_editions(request.user, movements):
        editions.setdefault(edition.movement_id, []).append(edition)
    rows = [(m, editions.get(m.pk, [])[:3]) for m in movements]
    return render(request, "movements/list.html", {"rows": rows})


def _movement_page(request, movement, form=None, status=200):
    can_launch = access.can(request.user, "edit", movement.organisation)
    return render(
        request,
        "movements/movement.html",
        {
            "movement": movement,
            "editions": visible_editions(request.user, [movement]),
            "defaults": movement.defaults.all(),
            "form": (form or forms.EditionForm(movement=movement)) if can_launch else None,
        },
        status=status,
    )


@login_required
def movement_detail(request, pk):
    return _movement_page(request, get_movement(request.user, pk))


@login_required
@require_POST
def movement_launch(request, pk):
    movement = get_movement(request.user, pk, "edit")
    form = forms.EditionForm(request.POST, movement=movement)
    if form.is_valid():
        data = form.cleaned_data
        try:
            edition = actions.launch_edition(
                request.user,
                movement,
                year=data["year"],
                theme=data["theme"],
                launch_date=data["launch_date"],
                receiving_end=data["receiving_end"],
                targets=form.targets() or None,
            )
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, f"Đã phát động {edition}.")
            return redirect("movement_part", pk=edition.campaign_id)
    return _movement_page(request, movement, form, status=422)


def _part_page(request, campaign, edition, form=None, status=200):
    user = request.user
    can_edit = can_act(user, "edit", campaign)
    rollup = results.rollup(campaign, edition)
    rows = _rows(rollup)
    launches = Launch.objects.filter(campaign=campaign)[:3]
    return render(
        request,
        "movements/part.html",
        {
            "campaign": campaign,
            "edition": edition,
            "rollup": rollup,
            "own": [
                (label, target, shown(k, rollup.parts_targets.get(k)), result, percent, last)
                for (k, _), (label, target, result, percent, last) in zip(
                    rollup.kinds, _cells(rollup, rollup.own), strict=True
                )
            ],
            "rows": rows,
            "parts_html": _parts_html(rollup, rows),
            "tet_html": _tet_html(rollup),
            "form": (form or forms.PartForm(campaign=campaign, targets=rollup.own.targets))
            if can_edit
            else None,
            "launch_form": forms.LaunchForm() if can_edit else None,
            "launches": launches,
            "can_launch_all": campaign.parent_id is None,
        },
        status=status,
    )


def shown(kind: str, value) -> str:
    """A target or a result as the page shows it: "1.500.000 ₫", "1.200 suất"."""
    if value is None:
        return "—"
    if kind == "money":
        return format_vnd(value)
    return f"{format_vnd(value, symbol=False)} {UNITS[kind]}"


def _cells(rollup, row):
    """[(label, target, result, percent, last year)] per kind shown, formatted."""
    return [
        (label, shown(k, row.targets.get(k)),
         "chưa có dữ liệu" if k in results.NO_SOURCE else shown(k, row.results.get(k, 0)),
         row.percent(k),
         shown(k, row.last_year.get(k, 0)) if row.last_year is not None else "—")
        for k, label in rollup.kinds
    ]  # fmt: skip


def _parts_html(rollup, rows) -> str:
    """The parts table's rows, built here (126 communes × the kinds: the template language
    would spend most of the page's time on them). Every text is escaped."""
    base = reverse("movement_part", args=[0])[: -len("0/")]
    out = []
    for row, cells, left in rows:
        tds = "".join(
            f'<td class="num">{escape(result)}<div class="muted">/ {escape(target)}'
            f"{f' · {percent}%' if percent is not None else ''}</div>"
            f'<div class="muted">năm trước {escape(last)}</div></td>'
            for _label, target, result, percent, last in cells
        )
        tet = (
            f'<td class="num">{"—" if left is None else int(left)}</td>' if rollup.tet_rule else ""
        )
        out.append(
            f'<tr><td><a href="{base}{int(row.campaign_id)}/">{escape(row.name)}</a></td>'
            f"{tds}{tet}</tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value above escaped or an int


def _tet_html(rollup) -> str:
    return format_html_join(
        "\n",
        '<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
        ((c.commune_name, c.eligible, c.reached, c.left_behind) for c in rollup.tet_rule),
    )


def _rows(rollup):
    """Per part: (row, its cells, its Tết count when known)."""
    left = {}
    if rollup.tet_rule:
        units = dict(
            Campaign.objects.filter(pk__in=[r.campaign_id for r in rollup.parts]).values_list(
                "pk", "organisation__admin_unit_id"
            )
        )
        by_unit = {c.commune_id: c.left_behind for c in rollup.tet_rule}
        left = {pk: by_unit.get(unit) for pk, unit in units.items()}
    return [(row, _cells(rollup, row), left.get(row.campaign_id)) for row in rollup.parts]


@login_required
def part_detail(request, pk):
    campaign, edition = get_part(request.user, pk)
    return _part_page(request, campaign, edition)


@login_required
@require_POST
def part_adjust(request, pk):
    campaign, edition = get_part(request.user, pk, "edit")
    form = forms.PartForm(request.POST, campaign=campaign)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.adjust_part(
                request.user,
                campaign,
                launch_date=data["launch_date"],
                receiving_end=data["receiving_end"],
                theme=data["theme"],
                targets=form.targets(),
            )
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã lưu thời gian và chỉ tiêu.")
            return redirect("movement_part", pk=campaign.pk)
    return _part_page(request, campaign, edition, form, status=422)


@login_required
@require_POST
def part_launch(request, pk):
    campaign, _edition = get_part(request.user, pk, "edit")
    form = forms.LaunchForm(request.POST)
    depth = form.cleaned_data["depth"] if form.is_valid() else "children"
    try:
        launch = actions.launch_parts(request.user, campaign, depth=depth)
    except Refused as exc:
        show_refused(request, exc)
        return redirect("movement_part", pk=campaign.pk)
    return redirect("movement_launch_status", pk=launch.pk)


@login_required
def launch_status(request, pk):
    launch = get_launch(request.user, pk)
    return render(request, "movements/launch.html", {"launch": launch})


@login_required
def part_export(request, pk, fmt):
    campaign, edition = get_part(request.user, pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Không có định dạng này.")
    rollup = results.rollup(campaign, edition, tet_rule=False)
    header = ["Đơn vị"]
    for _kind, label in rollup.kinds:
        header += [f"{label}: chỉ tiêu", f"{label}: kết quả", f"{label}: năm trước"]
    rows = []
    for row in rollup.parts:
        values = [row.name]
        for kind, _label in rollup.kinds:
            last = row.last_year.get(kind, 0) if row.last_year is not None else None
            values += [row.targets.get(kind), row.results.get(kind, 0), last]
        rows.append(values)
    name = f"chi-tieu-{campaign.code.lower()}"
    if fmt == "xlsx":
        return exports.xlsx_response(f"{name}.xlsx", [exports.Sheet("Chỉ tiêu", header, rows)])
    return exports.csv_response(f"{name}.csv", header, rows)


# --- Tết fairs ------------------------------------------------------------------------------


@login_required
def fair_list(request):
    access.require_anywhere(request.user, "view")
    found = Fair.objects.for_user(request.user).select_related("organisation", "commune")
    return render(request, "movements/fairs.html", {"fairs": found[:200]})


@login_required
def fair_detail(request, pk):
    fair = get_fair(request.user, pk)
    sensitive = access.can(request.user, "sensitive", fair.organisation)
    left = fairs.unredeemed(fair)
    if sensitive:
        audit_record(request.user, "fair.view_unredeemed", fair, after={"count": left.count()})
    return render(request, "movements/fair.html", {
        "fair": fair, "counts": fairs.counts(fair), "stalls": fair.stalls.all(),
        "unredeemed": left[:500], "sensitive": sensitive,
        "can_edit": access.can(request.user, "edit", fair.organisation),
    })  # fmt: skip


@login_required
@require_POST
def fair_issue(request, pk):
    fair = get_fair(request.user, pk, "edit")
    try:
        issued = fairs.issue_vouchers(request.user, fair)
    except Refused as exc:
        show_refused(request, exc)
    else:
        messages.success(request, f"Đã phát {len(issued)} phiếu quà.")
    return redirect("fair_detail", pk=fair.pk)


@login_required
def fair_vouchers(request, pk):
    """The vouchers to print, each with its QR (the redemption page's address)."""
    fair = get_fair(request.user, pk, "sensitive")
    vouchers = fair.vouchers.select_related("household__head").order_by("code")
    audit_record(request.user, "fair.print_vouchers", fair, after={"count": vouchers.count()})
    base = request.build_absolute_uri(reverse("fair_redeem", args=[fair.pk]))
    rows = [(v, segno.make(f"{base}?ma={v.code}", error="m").svg_data_uri(scale=3))
            for v in vouchers]  # fmt: skip
    return render(request, "movements/vouchers.html", {"fair": fair, "rows": rows})


@login_required
def fair_redeem(request, pk):
    """The stall's phone: the QR opens this page with the code; confirm; done. A resent POST
    (poor connection) carries the same request id and gets the same answer."""
    fair = get_fair(request.user, pk, "edit")
    done = None
    if request.method == "POST":
        form = forms.RedeemForm(request.POST, fair=fair)
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = fairs.redeem(request.user, fair, data["code"], stall=data["stall"],
                                    request_id=data["request_id"],
                                    override_reason=data["override_reason"])  # fmt: skip
            except Refused as exc:
                show_refused(request, exc, form)
        status = 200 if done else 422
    else:
        form = forms.RedeemForm(fair=fair, initial={"code": request.GET.get("ma", "")})
        status = 200
    if not done:
        form.initial["request_id"] = uuid.uuid4().hex
        if form.is_bound:
            form.data = form.data.copy()
            form.data["request_id"] = form.data.get("request_id") or uuid.uuid4().hex
    return render(request, "movements/redeem.html", {
        "fair": fair, "form": form, "done": done, "counts": fairs.counts(fair),
    }, status=status)  # fmt: skip


# ---- incidents with needs in kind (issue #22 item 5) ------------------------------------


def _needs_form_data(request, incident, editable):
    from nhandao.movements.models import NeedKind

    return {
        "incident": incident,
        "response": needs.response(incident),
        "editable": editable,
        "kinds": NeedKind.objects.all(),
    }


@login_required
def incident_needs(request, pk):
    """An incident's needs per affected commune against allocated and distributed; a commune
    or province officer enters the needs of a commune in their area."""
    from nhandao.relief.lookups import get_incident
    from nhandao.relief.models import IncidentArea

    incident = get_incident(request.user, pk)
    editable = [
        a.commune
        for a in IncidentArea.objects.filter(incident=incident).select_related("commune")
        if access.in_area(request.user, a.commune, "edit")
    ]
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Bạn không có quyền nhập nhu cầu cho sự cố này.")
        from nhandao.orgs.models import AdminUnit

        commune = AdminUnit.objects.filter(pk=_int(request.POST.get("commune"))).first()
        quantities = {
            k.code: request.POST.get(k.code, "")
            for k in _needs_form_data(request, incident, editable)["kinds"]
        }
        try:
            needs.set_needs(request.user, incident, commune, quantities)
        except Refused as exc:
            show_refused(request, exc)
        else:
            messages.success(request, f"Đã lưu nhu cầu của {commune.name}.")
        return redirect("incident_needs", pk=incident.pk)
    return render(
        request, "movements/incident_needs.html", _needs_form_data(request, incident, editable)
    )


def _int(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


@require_GET
def public_incident(request, pk):
    """The public page of an incident: affected communes, their needs and the response to date
    (aggregated; no person named)."""
    from nhandao.relief.models import Incident

    incident = Incident.objects.filter(pk=pk).first()
    if incident is None:
        raise Http404("Không tìm thấy sự cố.")
    return render(
        request,
        "movements/public_incident.html",
        {"incident": incident, "response": needs.response(incident)},
    )
