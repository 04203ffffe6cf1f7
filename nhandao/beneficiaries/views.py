"""Pages of the registry: search, persons, households, support, the duplicate review queue.

Each view: parse input → access check (lookups.py, built on orgs/access.py) → one action →
render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nhandao.beneficiaries import (
    actions,
    commitments,
    forms,
    importers,
    lookups,
    privacy,
    review,
    support,
)
from nhandao.beneficiaries.models import (
    HumanitarianAddress,
    ImportBatch,
    MergeRecord,
    Person,
    PersonStatus,
    ReadPurpose,
    Sponsor,
    SponsorshipPayment,
    SupportRecord,
)
from nhandao.lib import exports
from nhandao.lib.downloads import XLSX, attachment
from nhandao.lib.errors import Refused
from nhandao.lib.listing import Sort, listing, sorted_by
from nhandao.lib.views import show_refused
from nhandao.orgs import access, datarequests

# No sort by birth year: a person of another organisation on the user's area shows only a name,
# a commune and the support history, and an order by birth year would tell it.
PERSON_SORTS = [
    Sort("ten", "Tên A–Z", ("name_key", "pk"), column="ten"),
    Sort("ten-za", "Tên Z–A", ("-name_key", "-pk"), column="ten", descending=True),
    Sort("xa", "Xã/phường A–Z", ("commune__name_key", "name_key", "pk"), column="xa"),
    Sort(
        "xa-za",
        "Xã/phường Z–A",
        ("-commune__name_key", "name_key", "pk"),
        column="xa",
        descending=True,
    ),  # fmt: skip
    Sort("to-chuc", "Tổ chức A–Z", ("organisation__name_key", "name_key", "pk"), column="to-chuc"),
    Sort(
        "to-chuc-za",
        "Tổ chức Z–A",
        ("-organisation__name_key", "name_key", "pk"),
        column="to-chuc",
        descending=True,
    ),  # fmt: skip
    Sort("moi", "Mới thêm nhất", ("-created_at", "-pk")),
]


@login_required
def person_list(request):
    access.require_anywhere(request.user, "view")
    query = request.GET.get("q", "").strip()
    persons = Person.objects.visible_to(request.user).active().search(query)
    persons = persons.select_related("organisation", "commune")
    shown = listing(request, persons, PERSON_SORTS)
    page = shown.page
    own = {p.pk for p in page if access.can(request.user, "view", p.organisation)}
    return render(
        request,
        "beneficiaries/person_list.html",
        {"page": page, "listing": shown, "query": query, "own": own},
    )


@login_required
def person_detail(request, pk):
    view = lookups.get_person(request.user, pk)
    person = view.person
    # the sensitive fields show once the reader states why (a purpose kept as data), and
    # that read is logged with its purpose
    purpose = privacy.purpose_of(request.GET.get("muc_dich", "")) if view.sensitive else None
    if purpose is not None:
        actions.log_sensitive_read(request.user, [person], "page", purpose=purpose)
    supports = support.person_history(person)  # with the household and merged records
    members = []
    if view.full and person.household_id:
        members = person.household.members.exclude(pk=person.pk).order_by("pk")
    merges = MergeRecord.objects.filter(survivor=person, undone_at=None).select_related("merged")
    support_form = forms.SupportForm(None, actor=request.user)
    reads = []
    if access.can(request.user, "audit", person.organisation):  # who read the personal data
        reads = person.sensitive_reads.select_related("user", "purpose")[:20]
    return render(
        request,
        "beneficiaries/person_detail.html",
        {
            "reads": reads,
            "purpose": purpose,
            "purposes": ReadPurpose.objects.filter(active=True) if view.sensitive else [],
            "view": view,
            "person": person,
            "supports": supports,
            "members": members,
            "merges": merges if view.full else [],
            "support_form": support_form,
            "can_support": access.can_anywhere(request.user, "edit"),
            "can_edit": view.full and access.can(request.user, "edit", person.organisation),
        },
    )


def _edit_page(request, form, title, cancel_url, note="", purposes=None):
    return render(
        request,
        "beneficiaries/form.html",
        {
            "form": form,
            "title": title,
            "submit": "Lưu thay đổi",
            "cancel_url": cancel_url,
            "warnings": form.warnings,
            "note": note,
            "purposes": purposes,
        },
    )


def _saved(request, form, changed, what):
    for warning in form.warnings:
        messages.warning(request, warning)
    if changed:
        messages.success(request, f"Đã lưu thay đổi của {what}.")
    else:
        messages.info(request, "Không có thay đổi nào.")


@login_required
def person_edit(request, pk):
    """Change a person: "edit" at its organisation; sensitive fields only with "sensitive"
    and once the reader has stated a purpose (`?muc_dich=`, as on the person's page):
    showing them in the form is a read logged with that purpose."""
    person = lookups.get_person_to_edit(request.user, pk)
    if not person.is_active:
        messages.error(request, "Hồ sơ này đã được gộp vào hồ sơ khác: hãy sửa hồ sơ được giữ.")
        return redirect("person_detail", pk=pk)
    may_read = access.can(request.user, "sensitive", person.organisation)
    code = request.GET.get("muc_dich", "")
    purpose = privacy.purpose_of(code) if may_read else None
    form = forms.PersonForm(request.POST or None, actor=request.user, person=person,
                            with_sensitive=purpose is not None)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        changed = actions.update_person(request.user, person, **form.action_fields())
        _saved(request, form, changed, f"“{person}”")
        return redirect("person_detail", pk=pk)
    if request.method != "POST":
        form.initial = forms.PersonForm.values_of(person, form.sensitive)
        if form.sensitive:
            actions.log_sensitive_read(request.user, [person], "page", purpose=purpose)
    if form.sensitive:
        note = (f"Lượt mở trang này (có thông tin cá nhân) được ghi vào nhật ký, với mục đích "
                f"“{purpose}”.")  # fmt: skip
    elif may_read:
        note = (f"Mục đích “{code[:30]}” không có trong danh sách hoặc đã ngừng dùng. "
                if code else "")  # fmt: skip
        note += (
            "Thông tin cá nhân (ngày sinh, CCCD/CMND, điện thoại, diện khó khăn, đồng ý sử dụng "
            "dữ liệu) chỉ hiện và sửa được sau khi chọn mục đích; các thông tin khác sửa được ngay."
        )
    else:
        note = (
            "Thông tin cá nhân (ngày sinh, CCCD/CMND, điện thoại, diện khó khăn, đồng ý sử dụng "
            "dữ liệu) chỉ cán bộ có quyền xem dữ liệu nhạy cảm mới xem và sửa được."
        )
    cancel = reverse("person_detail", args=[pk])
    page = _edit_page(request, form, f"Sửa hồ sơ “{person}”", cancel, note,
                      purposes=ReadPurpose.objects.filter(active=True)
                      if may_read and purpose is None else None)  # fmt: skip
    return page


@login_required
def person_create(request):
    access.require_anywhere(request.user, "edit")
    initial = {"household": request.GET.get("household", "")}
    form = forms.PersonForm(request.POST or None, actor=request.user, initial=initial)
    matches = []
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") != "1":
            matches = form.likely_matches()
        if not matches:
            person = actions.create_person(request.user, **form.action_fields())
            for warning in form.warnings:
                messages.warning(request, warning)
            messages.success(request, f"Đã thêm “{person}”.")
            return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "beneficiaries/person_form.html",
        {"form": form, "matches": matches, "warnings": form.warnings},
    )


@login_required
@require_POST
def support_add(request, pk):
    view = lookups.get_person(request.user, pk)
    form = forms.SupportForm(request.POST, actor=request.user)
    if form.is_valid():
        actions.record_support(request.user, person=view.person, **form.cleaned_data)
        messages.success(request, "Đã ghi nhận lần hỗ trợ.")
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("person_detail", pk=pk)


@login_required
def household_detail(request, pk):
    household, full = lookups.get_household(request.user, pk)
    sensitive = access.can(request.user, "sensitive", household.organisation)
    # the poverty status shows once the reader states why, as on a person's page; that read
    # is logged with its purpose
    purpose = privacy.purpose_of(request.GET.get("muc_dich", "")) if sensitive else None
    poverty_form = forms.PovertyForm(request.POST or None)
    if request.method == "POST":  # the poverty status: sensitive data
        access.require(request.user, "edit", household.organisation)
        access.require(request.user, "sensitive", household.organisation)
        if poverty_form.is_valid():
            actions.set_poverty(request.user, household, **poverty_form.cleaned_data)
            messages.success(request, "Đã cập nhật diện nghèo.")
            again = f"?muc_dich={purpose.code}" if purpose is not None else ""
            return redirect(reverse("household_detail", args=[pk]) + again)
    if purpose is not None:
        actions.log_household_read(request.user, household, "page", purpose=purpose)
    members = household.members.filter(status=PersonStatus.ACTIVE).order_by("pk")
    supports = support.household_history(household)  # members and merged records too
    return render(
        request,
        "beneficiaries/household_detail.html",
        {
            "household": household,
            "full": full,
            "sensitive": sensitive,
            "members": members,
            "supports": supports,
            "poverty": household.poverty_statuses.all() if purpose is not None else [],
            "purpose": purpose,
            "purposes": ReadPurpose.objects.filter(active=True) if sensitive else [],
            "poverty_form": poverty_form,
            "can_edit": access.can(request.user, "edit", household.organisation),
        },
    )


@login_required
def household_create(request):
    access.require_anywhere(request.user, "edit")
    form = forms.HouseholdForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        household = actions.create_household(request.user, **form.action_fields())
        for warning in form.warnings:
            messages.warning(request, warning)
        messages.success(request, "Đã tạo hộ gia đình; hãy thêm chủ hộ và thành viên.")
        return redirect("household_detail", pk=household.pk)
    return render(
        request,
        "beneficiaries/form.html",
        {"form": form, "title": "Thêm hộ gia đình", "submit": "Tạo"},
    )


@login_required
def household_edit(request, pk):
    """Change a household's organisation or address (members living there move with it)."""
    household = lookups.get_household_to_edit(request.user, pk)
    form = forms.HouseholdForm(request.POST or None, actor=request.user, household=household)
    if request.method == "POST" and form.is_valid():
        changed = actions.update_household(request.user, household, **form.action_fields())
        _saved(request, form, changed, "hộ gia đình")
        return redirect("household_detail", pk=pk)
    if request.method != "POST":
        form.initial = forms.HouseholdForm.values_of(household)
    return _edit_page(request, form, f"Sửa {household}", reverse("household_detail", args=[pk]))


# ---- the duplicate review queue ----


@login_required
def review_queue(request):
    """Pending pairs, grouped: pairs sharing a person are shown together as one group."""
    access.require_anywhere(request.user, "view")
    groups = review.groups_for(request.user)
    page = Paginator(groups, 25).get_page(request.GET.get("page"))
    review.load(page.object_list)
    return render(
        request,
        "beneficiaries/review_queue.html",
        {
            "page": page,
            "pair_count": sum(len(g.pair_ids) for g in groups),
            "can_run": access.can_anywhere(request.user, "approve"),
        },
    )


@login_required
@require_POST
def review_group_merge(request):
    """One decision for a whole group: every record is the same person as `survivor`."""
    access.require_anywhere(request.user, "view")
    form = forms.GroupMergeForm(request.POST, actor=request.user)
    if form.has_error(NON_FIELD_ERRORS, "not_found"):
        raise Http404(forms.GROUP_NOT_FOUND)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("review_queue")
    data = form.cleaned_data
    try:
        merges = actions.merge_group(
            request.user, data["survivor_obj"], data["others"], data["candidates"]
        )
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        survivor = data["survivor_obj"]
        messages.success(
            request,
            f"Đã gộp {len(merges)} hồ sơ vào “{survivor}” (mỗi hồ sơ có thể hoàn tác riêng "
            "trên trang của hồ sơ được giữ).",
        )
    return redirect("review_queue")


@login_required
@require_POST
def review_decide(request, pk):
    candidate = lookups.get_candidate(request.user, pk)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["decision"][0])
        return redirect("review_queue")
    try:
        if form.cleaned_data["decision"] == "distinct":
            actions.mark_distinct(request.user, candidate)
            messages.success(
                request, "Đã ghi nhận: hai người khác nhau; cặp này sẽ không được đề xuất lại."
            )
        else:
            merge = actions.merge_pair(request.user, candidate, form.cleaned_data.get("survivor"))
            messages.success(request, f"Đã gộp hồ sơ vào “{merge.survivor}”.")
    except PermissionDenied as error:
        messages.error(request, str(error))
    except Refused as exc:
        show_refused(request, exc)
    return redirect("review_queue")


@login_required
@require_POST
def merge_undo(request, pk):
    merge = lookups.get_merge(request.user, pk)
    try:
        actions.undo_merge(request.user, merge)
        messages.success(request, "Đã hoàn tác việc gộp hồ sơ.")
    except PermissionDenied as error:
        messages.error(request, str(error))
    except Refused as exc:
        show_refused(request, exc)
    return redirect("person_detail", pk=merge.survivor_id)


@login_required
@require_POST
def dedup_run(request):
    if not access.can_anywhere(request.user, "approve"):
        raise PermissionDenied("Chỉ lãnh đạo mới chạy được việc dò trùng toàn bộ.")
    actions.start_dedup_run(request.user)
    messages.success(request, "Đã bắt đầu dò trùng toàn bộ danh sách; kết quả sẽ hiện ở đây.")
    return redirect("review_queue")


# ---- imports ----


@login_required
def import_upload(request):
    access.require_anywhere(request.user, "edit")
    form = forms.UploadForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = actions.upload_list(
            request.user, form.cleaned_data["organisation"], upload.name, upload.read()
        )
        if batch.repeated:
            messages.info(request, batch.repeat_message())
        return redirect("import_detail", pk=batch.pk)
    batches = ImportBatch.objects.for_user(request.user).defer("errors", "warnings")[:20]
    return render(request, "beneficiaries/import_upload.html", {"form": form, "batches": batches})


@login_required
def import_detail(request, pk):
    batch = lookups.get_import_batch(request.user, pk)
    if request.method == "POST":
        try:
            if request.POST.get("confirm_duplicates") == "1":
                importers.confirm_duplicates(request.user, batch)
            if importers.start_commit(request.user, batch):
                messages.success(request, "Đang nhập trong nền; trang này cho biết tiến độ.")
            else:
                messages.success(request, f"Đã nhập {batch.created} người mới.")
        except Refused as exc:
            show_refused(request, exc)
        except importers.ImportFileError as error:  # the stored file no longer reads
            messages.error(request, str(error))
        return redirect("import_detail", pk=pk)
    return render(
        request,
        "beneficiaries/import_detail.html",
        {
            "batch": batch,
            "errors": batch.errors[:200],
            "warnings": batch.warnings[:50],
            "can_approve": access.can(request.user, "approve", batch.organisation),
            "moves": batch.allowed_moves(
                lambda perm: access.can(request.user, perm, batch.organisation)
            ),
            "review": importers.needs_review(batch),
            "threshold": importers.DUPLICATE_STOP,
        },
    )


def _xlsx(content: bytes, name: str):
    return attachment(content, name, XLSX)


@login_required
def import_rejected(request, pk):
    batch = lookups.get_import_batch(request.user, pk)
    return _xlsx(importers.rejected_workbook(batch), f"dong-bi-tu-choi-{batch.pk}.xlsx")


@login_required
def import_template(request):
    return _xlsx(importers.template_workbook(), "mau-danh-sach-doi-tuong.xlsx")


# ---- humanitarian addresses and sponsors ----


@login_required
def address_list(request):
    access.require_anywhere(request.user, "view")
    addresses = (
        HumanitarianAddress.objects.for_user(request.user)
        .select_related("organisation", "person", "household__head")
        .annotate(sponsor_count=Count("sponsorships"))
        .order_by("-since", "pk")
    )
    without = request.GET.get("chua-co") == "1"
    if without:
        addresses = addresses.filter(sponsor_count=0, active=True)
    page = Paginator(addresses, 50).get_page(request.GET.get("page"))
    sponsors = Sponsor.objects.for_user(request.user).order_by("name_key")[:100]
    return render(
        request,
        "beneficiaries/address_list.html",
        {"page": page, "without": without, "sponsors": sponsors},
    )


@login_required
def address_create(request):
    access.require_anywhere(request.user, "edit")
    initial = {"person": request.GET.get("person", "")}
    form = forms.HumanitarianAddressForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        address = actions.create_address(request.user, **form.action_fields())
        messages.success(request, "Đã đăng ký địa chỉ nhân đạo.")
        return redirect("address_detail", pk=address.pk)
    return render(
        request,
        "beneficiaries/form.html",
        {"form": form, "title": "Đăng ký địa chỉ nhân đạo", "submit": "Đăng ký"},
    )


@login_required
def address_detail(request, pk):
    address = lookups.get_address(request.user, pk)
    can_edit = access.can(request.user, "edit", address.organisation)
    can_pay = access.can(request.user, "money", address.organisation)
    sponsorship_form = forms.SponsorshipForm(None, actor=request.user)
    support_form = forms.SupportForm(None, actor=request.user)
    payment_form = forms.PaymentForm(None)
    if request.method == "POST":
        kind = request.POST.get("form")
        money = kind in ("payment", "reverse")
        access.require(request.user, "money" if money else "edit", address.organisation)
        if kind == "sponsorship":
            sponsorship_form = forms.SponsorshipForm(request.POST, actor=request.user)
            if sponsorship_form.is_valid():
                fields = sponsorship_form.action_fields()
                try:
                    actions.commit_sponsorship(request.user, address, **fields)
                except Refused as refusal:
                    show_refused(request, refusal, sponsorship_form)
                else:
                    messages.success(request, f"Đã ghi cam kết của “{fields['sponsor']}”.")
                    return redirect("address_detail", pk=pk)
        elif kind == "payment":
            payment_form = forms.PaymentForm(request.POST)
            sponsorship = address.sponsorships.filter(pk=request.POST.get("sponsorship")).first()
            if sponsorship is None:
                payment_form.add_error(None, "Hãy chọn cam kết của địa chỉ này.")
            elif payment_form.is_valid():
                try:
                    payment = actions.pay_sponsorship(
                        request.user, sponsorship, **payment_form.cleaned_data
                    )
                except Refused as refusal:
                    show_refused(request, refusal, payment_form)
                else:
                    messages.success(
                        request, f"Đã ghi khoản trả kỳ {payment.period:%d/%m/%Y} qua sổ quỹ."
                    )
                    return redirect("address_detail", pk=pk)
        elif kind == "reverse":
            payment = SponsorshipPayment.objects.filter(
                sponsorship__address=address, pk=request.POST.get("payment")
            ).first()
            if payment is None:
                messages.error(request, "Không tìm thấy khoản trả của địa chỉ này.")
            else:
                try:
                    actions.reverse_sponsorship_payment(
                        request.user, payment, reason=request.POST.get("reason", "")
                    )
                except Refused as refusal:
                    messages.error(request, refusal.message)
                else:
                    messages.success(request, f"Đã đảo khoản trả kỳ {payment.period:%m/%Y}.")
                return redirect("address_detail", pk=pk)
        else:
            support_form = forms.SupportForm(request.POST, actor=request.user)
            if support_form.is_valid():
                sponsorship = address.sponsorships.filter(
                    pk=request.POST.get("sponsorship")
                ).first()
                actions.record_support(
                    request.user,
                    person=address.person,
                    household=address.household,
                    sponsorship=sponsorship,
                    **support_form.cleaned_data,
                )
                messages.success(request, "Đã ghi vào sổ theo dõi hỗ trợ.")
                return redirect("address_detail", pk=pk)
    book = address.book().select_related("organisation", "sponsorship__sponsor")
    sponsorships = list(address.sponsorships.select_related("sponsor").order_by("start", "pk"))
    each = commitments.standings(sponsorships, timezone.localdate())
    rows = [(s, each[s.pk]) for s in sponsorships]
    return render(
        request,
        "beneficiaries/address_detail.html",
        {
            "address": address,
            "sponsorships": sponsorships,
            "rows": rows,
            "payments": SponsorshipPayment.objects.filter(sponsorship__address=address)
            .select_related("sponsorship__sponsor")
            .order_by("-period", "-pk")[:60],
            "book": book,
            "can_edit": can_edit,
            "can_pay": can_pay,
            "sponsorship_form": sponsorship_form,
            "support_form": support_form,
            "payment_form": payment_form,
            "sponsors": Sponsor.objects.for_user(request.user).order_by("name_key")[:200],
        },
    )


@login_required
def commitment_list(request):
    """Whether commitments are kept: per organisation and per sponsor, the periods due, paid,
    the "kept" rate and the arrears; then the payments due within a week (and overdue)."""
    access.require_anywhere(request.user, "view")
    today = timezone.localdate()
    sponsorships = list(
        lookups.sponsorships(request.user)
        .select_related("address__organisation", "address__person", "address__household__head")
        .order_by("start", "pk")
    )
    by_org = commitments.summary(sponsorships, today, lambda s: s.address.organisation)
    by_sponsor = commitments.summary(sponsorships, today, lambda s: s.sponsor)
    due = commitments.due_soon(sponsorships, today)
    return render(
        request,
        "beneficiaries/commitment_list.html",
        {
            "by_org": sorted(by_org.items(), key=lambda kv: kv[0].path),
            "by_sponsor": sorted(by_sponsor.items(), key=lambda kv: kv[0].name_key),
            "due": due[:200],
            "due_count": len(due),
            "today": today,
        },
    )


def public_addresses(request):
    """Addresses seeking a sponsor, for anyone: only those whose recipient consented, and
    only their public summary, commune and organisation (no name, no identity)."""
    today = timezone.localdate()
    running = commitments.active_on(today).values("address_id")
    addresses = (
        HumanitarianAddress.objects.filter(active=True, public_consent=True)
        .exclude(pk__in=running)
        .select_related("organisation")
        .order_by("organisation__path", "pk")
    )
    page = Paginator(addresses, 50).get_page(request.GET.get("page"))
    rows = [(a, public_place(a)) for a in page]
    return render(request, "beneficiaries/public_addresses.html", {"page": page, "rows": rows})


def public_place(address) -> str:
    """The commune (new map) of an address's recipient, else its organisation's area."""
    recipient = address.person or address.household
    commune = getattr(recipient, "commune", None)
    return commune.name if commune is not None else ""


@login_required
def sponsor_create(request):
    access.require_anywhere(request.user, "edit")
    form = forms.SponsorForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        sponsor = actions.create_sponsor(request.user, **form.cleaned_data)
        messages.success(request, f"Đã thêm nhà đỡ đầu “{sponsor}”.")
        return redirect("sponsor_detail", pk=sponsor.pk)
    return render(
        request,
        "beneficiaries/form.html",
        {"form": form, "title": "Thêm nhà đỡ đầu", "submit": "Thêm"},
    )


@login_required
def sponsor_detail(request, pk):
    sponsor = lookups.get_sponsor(request.user, pk)
    sponsorships = list(
        sponsor.sponsorships.select_related("address__person", "address__household__head").order_by(
            "-start"
        )
    )
    given = (
        SupportRecord.objects.counted()
        .filter(sponsorship__sponsor=sponsor)
        .aggregate(total=Sum("value"), count=Count("pk"))
    )
    each = commitments.standings(sponsorships, timezone.localdate())
    overall = commitments.Standing()
    for st in each.values():
        overall.add(st)
    return render(
        request,
        "beneficiaries/sponsor_detail.html",
        {
            "sponsor": sponsor,
            "sponsorships": sponsorships,
            "rows": [(s, each[s.pk]) for s in sponsorships],
            "overall": overall,
            "given": given,
        },
    )


@login_required
def person_export(request):
    """The search result as CSV: the persons the user sees fully; sensitive columns only
    where the user has the right, and those reads are logged."""
    access.require_anywhere(request.user, "view")
    query = request.GET.get("q", "").strip()
    persons = Person.objects.for_user(request.user).active().search(query)
    persons, _ = sorted_by(request, persons.select_related("organisation", "commune"), PERSON_SORTS)
    persons = list(persons)
    sensitive = lookups.sensitive_persons(request.user, persons)
    if sensitive:  # the sensitive columns need a stated purpose, or are left empty
        code = request.GET.get("muc_dich", "").strip()
        purpose = privacy.purpose_of(code)
        if code == privacy.WITHOUT_PERSONAL:
            sensitive = set()
        elif purpose is None:
            refusal = privacy.EXPORT_PURPOSE_UNKNOWN.format(code=code[:30]) if code else ""
            return render(
                request,
                "beneficiaries/export_purpose.html",
                {
                    "refusal": refusal,
                    "query": query,
                    "sort": request.GET.get("sort", "")[:20],
                    "count": len(sensitive),
                    "purposes": ReadPurpose.objects.filter(active=True),
                    "without": privacy.WITHOUT_PERSONAL,
                },
                status=422,
            )
        else:
            reads = [p for p in persons if p.pk in sensitive]
            actions.log_sensitive_read(request.user, reads, "export", purpose=purpose)
    header = [
        "Mã",
        "Mã nguồn",
        "Họ và tên",
        "Giới tính",
        "Năm sinh",
        "Xã/phường",
        "Thôn/xóm",
        "Tổ chức quản lý",
        "Ngày sinh",
        "Số CCCD/CMND",
        "Điện thoại",
    ]
    rows = (
        [
            p.pk,
            p.external_id,
            p.full_name,
            p.get_sex_display(),
            p.birth_year or "",
            p.commune.name if p.commune_id else "",
            p.village,
            p.organisation.name,
            *([p.birth_display(), p.id_number, p.phone] if p.pk in sensitive else ["", "", ""]),
        ]
        for p in persons
    )
    return exports.csv_response("doi-tuong.csv", header, rows)


@login_required
def support_import(request):
    """Upload a support history: every row checked, all or nothing, re-imports add nothing."""
    access.require_anywhere(request.user, "edit")
    form = forms.UploadForm(request.POST or None, request.FILES or None, actor=request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importers.import_supports(
                request.user, form.cleaned_data["organisation"], upload.name, upload.read(),
                persons=Person.objects.visible_to(request.user),
            )  # fmt: skip
        except importers.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            if not result["errors"]:
                messages.success(request, f"Đã nhập {result['created']} lần hỗ trợ; "
                                          f"{result['known']} lần đã có.")  # fmt: skip
                return redirect("support_import")
    return render(request, "beneficiaries/support_import.html", {"form": form, "result": result})


# ---- data-subject requests (personal data by law) ----


# the queue, the form on a record's page, a request's page (orgs/datarequests.py)
data_requests, data_request_create, data_request = datarequests.views(
    privacy.REQUESTS, lookups.get_person_to_edit
)
