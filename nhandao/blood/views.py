"""Blood donation pages: drives (list, new, the drive's page with its registrations,
attendance, result sheet, reminders and call list), donors (list, search, new, history),
the yearly honour list and certificates. Entry points are thin: the lookup, the form, one
action."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nhandao.blood import (
    actions,
    certificates,
    drive_imports,
    due,
    families,
    forms,
    honours,
    importers,
)
from nhandao.blood.lookups import (
    get_donor,
    get_drive,
    get_family,
    get_family_honour,
    get_honour,
    get_import,
    get_registration,
    log_sensitive_read,
    may_read_sensitive,
)
from nhandao.blood.models import (
    PIPELINE,
    BloodImport,
    Donor,
    DonorFamily,
    Drive,
    FamilyHonour,
    Honour,
    HonourArea,
    HonourOccasion,
    HonourStatus,
    HonourThreshold,
    ImportPurpose,
)
from nhandao.lib import exports
from nhandao.lib.dates import DateError, parse_date
from nhandao.lib.downloads import XLSX, attachment
from nhandao.lib.errors import Refused
from nhandao.lib.views import show_refused
from nhandao.orgs import access
from nhandao.orgs.models import AdminMap, AdminUnit, Organisation

PAGE = 50


@login_required
def drive_list(request):
    drives = Drive.objects.for_user(request.user).select_related("organisation", "commune")
    status = request.GET.get("status", "")
    if status:
        drives = drives.filter(status=status)
    page = Paginator(drives.order_by("-held_on", "code"), PAGE).get_page(request.GET.get("page"))
    return render(request, "blood/drive_list.html", {
        "page": page, "status": status, "statuses": PIPELINE.statuses.choices,
        "can_create": access.can_anywhere(request.user, "edit"),
    })  # fmt: skip


@login_required
def drive_create(request):
    access.require_anywhere(request.user, "edit")
    form = forms.DriveForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            drive = actions.create_drive(request.user, **form.values())
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            return redirect("blood_drive", pk=drive.pk)
    return render(request, "blood/form.html", {"form": form, "title": "Đợt hiến máu mới",
                                               "submit": "Tạo đợt"})  # fmt: skip


def _drive_page(request, drive, status=200, **forms_given):
    user = request.user
    can_edit = access.can(user, "edit", drive.organisation)
    registrations = drive.registrations.select_related("donor__individual").order_by(
        "donor__individual__name_key"
    )
    reminders = due.reminder_list(drive) if drive.status in (
        "planned", "open") else Donor.objects.none()  # fmt: skip
    return render(request, "blood/drive_detail.html", {
        "drive": drive,
        "moves": actions.moves_for(user, drive),
        "registrations": registrations,
        "donations": drive.donations.select_related("donor__individual"),
        "deferrals": drive.deferrals.select_related("donor__individual"),
        "can_edit": can_edit,
        "can_call": can_edit and access.can(user, "sensitive", drive.organisation),
        "register_form": forms_given.get("register_form") or forms.RegisterForm(actor=user),
        "result_form": forms_given.get("result_form") or forms.ResultForm(actor=user),
        "deferral_form": forms_given.get("deferral_form") or forms.DeferralForm(actor=user),
        "reminder_count": reminders.count(),
        "reminded": drive.reminders.count(),
        "history": drive.history.select_related("actor"),
    }, status=status)  # fmt: skip


@login_required
def drive_detail(request, pk):
    return _drive_page(request, get_drive(request.user, pk))


@login_required
@require_POST
def drive_status(request, pk):
    drive = get_drive(request.user, pk)
    try:
        actions.set_status(request.user, drive, request.POST.get("to_status", ""),
                           request.POST.get("note", ""))  # fmt: skip
    except Refused as exc:
        show_refused(request, exc)
    return redirect("blood_drive", pk=drive.pk)


@login_required
@require_POST
def drive_register(request, pk):
    drive = get_drive(request.user, pk, "edit")
    form = forms.RegisterForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            actions.register(request.user, drive, form.cleaned_data["donor"])
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, "Đã đăng ký.")
            return redirect("blood_drive", pk=drive.pk)
    return _drive_page(request, drive, status=422, register_form=form)


@login_required
@require_POST
def registration_attend(request, pk):
    registration = get_registration(request.user, pk, "edit")
    actions.set_attended(request.user, registration, request.POST.get("attended") != "0")
    return redirect("blood_drive", pk=registration.drive_id)


@login_required
@require_POST
def drive_result(request, pk):
    drive = get_drive(request.user, pk, "edit")
    form = forms.ResultForm(request.POST, actor=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            donation = actions.record_result(
                request.user, drive, data["donor"], kind=data["kind"],
                volume_ml=data["volume_ml"], weight_kg=data["weight_kg"],
                confirm_early=data["confirm_early"],
            )  # fmt: skip
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            donor = donation.donor
            donor.refresh_from_db()
            note = f"Đã ghi: {donor.individual.full_name}, lần hiến thứ {donor.donation_count}"
            if donor.eligible_from:
                note += f"; có thể hiến lại từ {donor.eligible_from:%d/%m/%Y}"
            if donation.unregistered:
                note += " (không đăng ký trước)"
            messages.success(request, note + ".")
            return redirect("blood_drive", pk=drive.pk)
    return _drive_page(request, drive, status=422, result_form=form)


@login_required
@require_POST
def drive_deferral(request, pk):
    drive = get_drive(request.user, pk, "edit")
    form = forms.DeferralForm(request.POST, actor=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_deferral(request.user, drive, data["donor"], until=data["until"],
                                    reason=data["reason"])  # fmt: skip
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            return redirect("blood_drive", pk=drive.pk)
    return _drive_page(request, drive, status=422, deferral_form=form)


@login_required
@require_POST
def drive_remind(request, pk):
    drive = get_drive(request.user, pk, "edit")
    queued = due.send_reminders(request.user, drive)
    messages.success(
        request,
        f"Đang gửi nhắc lịch: {queued['email']} thư điện tử, {queued['sms']} tin nhắn. "
        "Ai chưa được nhắc vẫn ở danh sách gọi điện.",
    )
    return redirect("blood_drive", pk=drive.pk)


@login_required
def drive_call_list(request, pk):
    """The reminder list as a call list (phones: "sensitive", each read logged)."""
    drive = get_drive(request.user, pk, "edit")
    access.require(request.user, "sensitive", drive.organisation)
    record_read = list(due.reminder_list(drive)[:5000])
    log_sensitive_read(request.user, record_read, "call_list")
    return exports.export_response(request, f"goi-nhac-{drive.code}".lower(),
                                   due.CALL_LIST_HEADER, due.call_list_rows(drive))  # fmt: skip


# --- donors ---------------------------------------------------------------------------------


@login_required
def donor_list(request):
    donors = Donor.objects.for_user(request.user).select_related("individual")
    query = request.GET.get("q", "").strip()
    if query:
        donors = donors.search(query)
    donors = donors.order_by("individual__name_key", "code")
    page = Paginator(donors, PAGE).get_page(request.GET.get("page"))
    return render(request, "blood/donor_list.html", {
        "page": page, "query": query, "can_create": access.can_anywhere(request.user, "edit"),
    })  # fmt: skip


@login_required
def donor_create(request):
    access.require_anywhere(request.user, "edit")
    form = forms.DonorForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            donor = actions.create_donor(request.user, **form.values())
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            return redirect("blood_donor", pk=donor.pk)
    return render(request, "blood/form.html", {"form": form, "title": "Người hiến máu mới",
                                               "submit": "Lưu"})  # fmt: skip


@login_required
def donor_detail(request, pk):
    donor = get_donor(request.user, pk)
    sensitive = may_read_sensitive(request.user, donor)
    if sensitive:
        log_sensitive_read(request.user, [donor], "page")
    return render(request, "blood/donor_detail.html", {
        "donor": donor, "person": donor.individual, "sensitive": sensitive,
        "donations": donor.donations.select_related("drive"),
        "deferrals": donor.deferrals.all(), "honours": donor.honours.select_related("threshold"),
        "can_merge": access.can(request.user, "edit", donor.organisation),
        "family": donor.family if donor.family_id else None,
    })  # fmt: skip


@login_required
def donor_merge(request, pk):
    """Merge a duplicate into this donor: pick it, see both histories side by side with what
    would make the merge unsafe, then confirm (actions.merge_donors)."""
    survivor = get_donor(request.user, pk, "edit")
    if survivor.merged_into_id:
        return redirect("blood_donor", pk=survivor.merged_into_id)
    data = request.POST if request.method == "POST" else (request.GET if "other" in request.GET
                                                              else None)  # fmt: skip
    form = forms.MergeForm(data, actor=request.user, survivor=survivor)
    other, problems, status = None, [], 200
    if data is not None and form.is_valid():
        other = form.cleaned_data["other"]
        problems = actions.merge_problems(survivor, other)
        if request.method == "POST" and request.POST.get("confirm") == "1":
            try:
                actions.merge_donors(request.user, survivor, other)
            except Refused as exc:
                show_refused(request, exc, form)
                status = 422
            else:
                messages.success(request, f"Đã gộp hồ sơ {other.code} vào hồ sơ này.")
                return redirect("blood_donor", pk=survivor.pk)
    elif data is not None:
        status = 422

    def history(donor):
        return {"donor": donor, "donations": list(donor.donations.select_related("drive")),
                "registrations": list(donor.registrations.select_related("drive")),
                "honours": list(donor.honours.all())}  # fmt: skip

    return render(request, "blood/donor_merge.html", {
        "donor": survivor, "form": form, "other": other, "problems": problems,
        "sides": [history(survivor)] + ([history(other)] if other else []),
    }, status=status)  # fmt: skip


# --- honours --------------------------------------------------------------------------------


def _provinces(user):
    """The new-map provinces of the user's reach (all of them for a central body)."""
    provinces = AdminUnit.objects.filter(map=AdminMap.NEW, level="province").order_by("name")
    org = access.home_organisation(user)
    area = access.area_units(org) if org is not None else []
    if area is None:
        return provinces
    ids = {u.pk if u.level == "province" else u.province_id for u in area}
    return provinces.filter(pk__in=ids)


@login_required
def honour_list(request):
    provinces = list(_provinces(request.user))
    coming_year, coming = honours.next_occasion(timezone.localdate())
    year = request.GET.get("nam", "")
    year = int(year) if year.isdigit() else coming_year
    occasion = request.GET.get("dip") or coming
    if occasion not in HonourOccasion.values or not 2000 <= year <= 2100:
        year, occasion = coming_year, coming
    code = request.GET.get("tinh") or (provinces[0].code if provinces else "")
    province = next((p for p in provinces if p.code == code), None)
    candidates = honours.honour_list(province, year, occasion) if province else []
    family_candidates = honours.family_list(province, year, occasion) if province else []
    listed = candidates + family_candidates
    if listed:  # only those of organisations the officer sees
        seen = set(access.scope_orgs(Organisation.objects.filter(
            pk__in={d.organisation_id for d, _ in listed}), request.user, "view",
        ).values_list("pk", flat=True))  # fmt: skip
        candidates = [(d, b) for d, b in candidates if d.organisation_id in seen]
        family_candidates = [(f, b) for f, b in family_candidates if f.organisation_id in seen]
    reach = access.reach_q(request.user, "view", via="organisation")
    proposed = Honour.objects.filter(reach, year=year).select_related("donor__individual")
    family_proposed = FamilyHonour.objects.filter(reach, year=year).select_related("family")
    return render(request, "blood/honour_list.html", {
        "provinces": provinces, "province": province, "year": year, "occasion": occasion,
        "occasions": HonourOccasion.choices, "candidates": candidates, "proposed": proposed,
        "family_candidates": family_candidates, "family_proposed": family_proposed,
        "has_proposed": any(h.status == HonourStatus.PROPOSED
                            for h in [*proposed, *family_proposed]),  # fmt: skip
        "can_propose": province is not None and access.can_anywhere(request.user, "edit"),
    })  # fmt: skip


@login_required
@require_POST
def honour_propose(request):
    access.require_anywhere(request.user, "edit")
    provinces = {p.code: p for p in _provinces(request.user)}
    province = provinces.get(request.POST.get("tinh", ""))
    try:
        year = int(request.POST.get("nam", ""))
    except ValueError:
        year = 0
    occasion = request.POST.get("dip", "")
    if province is None or occasion not in HonourOccasion.values or not 2000 <= year <= 2100:
        messages.error(request, "Hãy chọn tỉnh/thành, năm và dịp vinh danh.")
        return redirect("blood_honours")
    made = honours.propose(request.user, province, year, occasion)
    families_made = sum(isinstance(h, FamilyHonour) for h in made)
    note = f"Đã đề xuất {len(made) - families_made} người"
    messages.success(request, note + (f" và {families_made} gia đình." if families_made else "."))
    query = f"?tinh={province.code}&nam={year}&dip={occasion}"
    return redirect(reverse("blood_honours") + query)


@login_required
def honour_certificate(request, pk):
    """The certificate as a PDF, or as Word with ?dinh-dang=docx (to edit before printing)."""
    honour = get_honour(request.user, pk)
    return certificates.download(honour, request.GET.get("dinh-dang", ""))


@login_required
def family_certificate(request, pk):
    """A family's certificate, as the person's (PDF, or Word with ?dinh-dang=docx)."""
    honour = get_family_honour(request.user, pk)
    return certificates.download(honour, request.GET.get("dinh-dang", ""))


@login_required
def donor_import(request):
    """Send the donor-and-history workbook from the page: the importer of `nhandao
    import_blood`, all or nothing; the result (or every refused row) on the import's page."""
    access.require_anywhere(request.user, "edit")
    form = forms.DonorImportForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        imp = importers.run(
            request.user, form.cleaned_data["organisation"], upload.name, upload.read()
        )
        if imp.repeated:
            messages.info(request, imp.repeat_message())
        return redirect("blood_import", pk=imp.pk)
    imports = BloodImport.objects.filter(access.reach_q(request.user, "view", via="organisation"))
    return render(request, "blood/import.html", {
        "form": form, "columns": list(importers.COLUMNS.values()),
        "imports": imports.select_related("organisation").order_by("-uploaded_at")[:20],
    })  # fmt: skip


# the drive's lists: the slug in the address, its purpose and its page's words
DRIVE_IMPORTS = {
    "dang-ky": (ImportPurpose.REGISTRATIONS, "Danh sách đăng ký", "danh-sach-dang-ky"),
    "ket-qua": (ImportPurpose.RESULTS, "Bảng kết quả", "bang-ket-qua"),
}


def _drive_import_kind(what: str):
    if what not in DRIVE_IMPORTS:
        raise Http404
    return DRIVE_IMPORTS[what]


@login_required
def drive_import(request, pk, what):
    """A drive's registration list or the centre's result sheet (blood/drive_imports.py):
    every row through the officer's action, all or nothing; the result on the import's page."""
    purpose, title, _ = _drive_import_kind(what)
    drive = get_drive(request.user, pk, "edit")
    form = forms.DriveImportForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        imp = drive_imports.run(request.user, drive, purpose, upload.name, upload.read())
        if imp.repeated:
            messages.info(request, imp.repeat_message())
        return redirect("blood_import", pk=imp.pk)
    return render(request, "blood/drive_import.html", {
        "drive": drive, "form": form, "title": title, "what": what, "purpose": purpose,
        "open": drive_imports.accepts(drive, purpose),
        "closed_reason": drive_imports.closed_reason(drive, purpose),
        "columns": list(drive_imports.COLUMNS[purpose].values()),
        "imports": drive.imports.filter(purpose=purpose).order_by("-uploaded_at")[:20],
    })  # fmt: skip


@login_required
def drive_import_template(request, pk, what):
    """An empty workbook with the columns of the drive's list, to fill in."""
    purpose, title, file_name = _drive_import_kind(what)
    get_drive(request.user, pk)
    sheet = exports.Sheet(title, list(drive_imports.COLUMNS[purpose].values()), [])
    return exports.xlsx_response(f"mau-{file_name}.xlsx", [sheet])


@login_required
def donor_import_detail(request, pk):
    imp = get_import(request.user, pk)
    again = reverse("blood_import_create")
    for what, (purpose, _, _) in DRIVE_IMPORTS.items():
        if imp.drive_id and imp.purpose == purpose:
            again = reverse("blood_drive_import", args=[imp.drive_id, what])
    return render(request, "blood/import_detail.html", {
        "imp": imp, "errors": importers.errors_text(imp)[:500], "again_url": again,
    })  # fmt: skip


@login_required
def import_rejected(request, pk):
    """The refused rows of a blood import as a workbook, to correct and send again."""
    imp = get_import(request.user, pk)
    return attachment(drive_imports.rejected_workbook(imp), f"dong-bi-tu-choi-{imp.pk}.xlsx", XLSX)


@login_required
def donor_import_template(request):
    """An empty workbook with the importer's columns, to fill in."""
    sheet = exports.Sheet("Người hiến", list(importers.COLUMNS.values()), [])
    return exports.xlsx_response("mau-nhap-nguoi-hien-mau.xlsx", [sheet])


@login_required
@require_POST
def honour_award(request):
    """Record the award decision for the honours ticked on the list (then published)."""
    ids = {i for i in request.POST.getlist("honour") if i.isdigit()}
    family_ids = {i for i in request.POST.getlist("family_honour") if i.isdigit()}
    reach = access.reach_q(request.user, "edit", via="organisation")
    chosen = list(Honour.objects.filter(reach, pk__in=ids).select_related("donor__individual"))
    chosen += FamilyHonour.objects.filter(reach, pk__in=family_ids).select_related("family")
    back = request.POST.get("next", "")
    back = back if back.startswith("/hien-mau/vinh-danh/") else reverse("blood_honours")
    try:
        if len(chosen) != len(ids) + len(family_ids):
            raise Refused("Có người được chọn nằm ngoài phạm vi của bạn; chưa ghi gì.")
        try:
            day = parse_date(request.POST.get("awarded_on", ""), latest=date.max)
        except DateError as error:
            raise Refused(f"Ngày quyết định: {error}", field="awarded_on") from error
        count = honours.mark_awarded(request.user, chosen, awarded_on=day,
                                     decision=request.POST.get("decision", ""))  # fmt: skip
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        note = f"Đã ghi quyết định khen thưởng cho {count - len(family_ids)} người"
        messages.success(request, note + (f" và {len(family_ids)} gia đình." if family_ids
                                          else "."))  # fmt: skip
    return redirect(back)


# --- families of donors and a province's bands ----------------------------------------------


@login_required
def family_list(request):
    found = DonorFamily.objects.for_user(request.user).search(request.GET.get("q", ""))
    found = found.select_related("organisation").annotate(
        member_count=Count("members"), donations=Sum("members__donation_count")
    )
    page = Paginator(found.order_by("name_key", "pk"), PAGE).get_page(request.GET.get("page"))
    return render(request, "blood/family_list.html", {"page": page,
                                                      "q": request.GET.get("q", "")})  # fmt: skip


@login_required
@require_POST
def family_create(request, pk):
    """A new family around the donor whose page this is (then add the others there)."""
    donor = get_donor(request.user, pk, "edit")
    try:
        family = families.create_family(request.user, donor, request.POST.get("name", ""))
    except Refused as exc:
        show_refused(request, exc)
        return redirect("blood_donor", pk=donor.pk)
    messages.success(request, f"Đã lập “{family.name}”. Thêm các thành viên khác ở đây.")
    return redirect("blood_family", pk=family.pk)


@login_required
def family_detail(request, pk):
    """A family: its members and their donations counted together, the next family band,
    its honours; an officer who may edit adds a member (picked) or lets one leave."""
    family = get_family(request.user, pk)
    can_edit = access.can(request.user, "edit", family.organisation)
    form = forms.FamilyMemberForm(request.POST or None, actor=request.user)
    status = 200
    if request.method == "POST":
        access.require(request.user, "edit", family.organisation)
        status = 422
        if form.is_valid():
            try:
                donor = families.add_member(request.user, family, form.cleaned_data["donor"])
            except Refused as exc:
                show_refused(request, exc, form)
            else:
                messages.success(request, f"Đã thêm {donor.individual.full_name}.")
                return redirect("blood_family", pk=family.pk)
    members = list(family.members.select_related("individual").order_by("individual__name_key"))
    total = sum(m.donation_count for m in members)
    next_band = families.next_band(family, total, timezone.localdate())
    return render(request, "blood/family_detail.html", {
        "family": family, "members": members, "total": total, "can_edit": can_edit,
        "form": form, "next_band": next_band,
        "to_go": next_band.donations - total if next_band else 0,
        "honours": family.honours.select_related("threshold"),
    }, status=status)  # fmt: skip


@login_required
@require_POST
def family_remove(request, pk):
    family = get_family(request.user, pk, "edit")
    chosen = request.POST.get("donor", "")
    donor = family.members.select_related("individual").filter(pk=chosen if chosen.isdigit() else 0)
    try:
        if not donor:
            raise Refused("Người này không ở trong gia đình.", field="donor")
        families.remove_member(request.user, family, donor[0])
    except Refused as exc:
        show_refused(request, exc)
    else:
        messages.success(request, f"{donor[0].individual.full_name} đã rời gia đình.")
    return redirect("blood_family", pk=family.pk)


def _bands_page(request, status=200, **forms_given):
    """The milestones of a province (its own rows, dated; the defaults where it has none),
    its areas with bands of their own; the forms for whoever may set them."""
    provinces = list(_provinces(request.user))
    code = request.GET.get("tinh") or request.POST.get("tinh") or (
        provinces[0].code if provinces else "")  # fmt: skip
    province = next((p for p in provinces if p.code == code), None)
    if province is None:
        raise Http404("Không có tỉnh/thành này trong phạm vi của bạn.")
    today = timezone.localdate()
    rows = HonourThreshold.objects.filter(Q(province=province) | Q(province__isnull=True))
    rows = rows.select_related("area").order_by(
        "for_family", "area__name", "donations", "valid_from"
    )
    in_force = {b.pk for b in honours.thresholds(province, today)}
    in_force |= {b.pk for b in honours.thresholds(province, today, for_family=True)}
    for bands in honours.area_thresholds(province, today).values():
        in_force |= {b.pk for b in bands}
    rows = list(rows)
    return render(request, "blood/honour_bands.html", {
        "provinces": provinces, "province": province, "in_force": in_force,
        "current": [b for b in rows if b.pk in in_force],
        "others": [b for b in rows if b.pk not in in_force],
        "areas": HonourArea.objects.filter(province=province).prefetch_related("communes"),
        "can_edit": access.in_area(request.user, province, "approve"),
        "band_form": forms_given.get("band_form") or forms.BandForm(province=province),
        "area_form": forms_given.get("area_form") or forms.AreaForm(province=province),
    }, status=status)  # fmt: skip


def _band_province(request):
    provinces = {p.code: p for p in _provinces(request.user)}
    province = provinces.get(request.POST.get("tinh", ""))
    if province is None:
        raise Http404("Không có tỉnh/thành này trong phạm vi của bạn.")
    access.require_area(request.user, province, "approve")
    return province


def _back_to_bands(province):
    return redirect(reverse("blood_honour_bands") + f"?tinh={province.code}")


@login_required
def honour_bands(request):
    return _bands_page(request)


@login_required
@require_POST
def honour_band_add(request):
    province = _band_province(request)
    form = forms.BandForm(request.POST, province=province)
    if form.is_valid():
        try:
            band = families.add_band(request.user, province, **form.values())
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, f"Đã thêm mốc {band.donations} lần: {band.award}.")
            return _back_to_bands(province)
    return _bands_page(request, status=422, band_form=form)


@login_required
@require_POST
def honour_band_end(request, pk):
    province = _band_province(request)
    band = HonourThreshold.objects.filter(pk=pk, province=province).first()
    if band is None:
        raise Http404("Không có mốc này.")
    try:
        last_day = parse_date(request.POST.get("valid_to", ""), latest=date.max)
        families.end_band(request.user, band, last_day)
    except DateError as error:
        messages.error(request, f"Ngày kết thúc: {error}")
    except Refused as exc:
        show_refused(request, exc)
    else:
        messages.success(request, f"Mốc {band.donations} lần áp dụng đến hết {last_day:%d/%m/%Y}.")
    return _back_to_bands(province)


@login_required
@require_POST
def honour_area_add(request):
    province = _band_province(request)
    form = forms.AreaForm(request.POST, province=province)
    if form.is_valid():
        data = form.cleaned_data
        try:
            area = families.add_area(request.user, province, data["name"], data["communes"])
        except Refused as exc:
            show_refused(request, exc, form)
        else:
            messages.success(request, f"Đã lập vùng “{area.name}”; thêm mốc riêng cho vùng.")
            return _back_to_bands(province)
    return _bands_page(request, status=422, area_form=form)
