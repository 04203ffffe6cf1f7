"""Pages of the person record, membership and fees. Thin: access (lookups.py) → one action.
The member card's QR opens a public page that says only the name and whether the card is
valid today (a signed token: nothing to enumerate)."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nhandao.audit.actions import record
from nhandao.lib import exports
from nhandao.lib.errors import NeedsConfirmation, Refused
from nhandao.lib.views import show_refused
from nhandao.orgs import access, datarequests
from nhandao.people import actions, forms, leaders, lookups, privacy, youth
from nhandao.people import membership as ms
from nhandao.people.models import FeePayment, FeeYearClose, Individual, Membership
from nhandao.people.privacy import RESTRICTED_COLUMN, restricted_cell

CARD_SALT = "nhandao.people.card"


def _back(individual_id) -> str:
    return reverse("individual_detail", args=[individual_id])


def _form_page(request, title, form, *, back, submit="Lưu", status=200, extra=None):
    return render(request, "people/form.html", {
        "title": title, "form": form, "back": back, "submit": submit, **(extra or {}),
    }, status=status)  # fmt: skip


@login_required
def individual_list(request):
    access.require_anywhere(request.user, "view")
    query = request.GET.get("q", "").strip()
    people = Individual.objects.for_user(request.user).active().search(query)
    people = people.select_related("organisation").order_by("name_key", "pk")
    if request.GET.get("format") in ("csv", "xlsx"):
        # the list of members as the user sees it: no personal data beyond the name and year
        today = timezone.localdate()
        open_rows = Membership.objects.on(today).select_related("organisation")
        current = {m.individual_id: m for m in open_rows.filter(individual__in=people[:20_000])}
        header = ["Mã", "Họ và tên", "Tổ chức quản lý hồ sơ", "Sinh hoạt tại", "Loại hội viên",
                  "Từ ngày", RESTRICTED_COLUMN]  # fmt: skip
        rows = ([p.code, p.full_name, p.organisation.name,
                 *((m.organisation.name, m.get_kind_display(), m.started_on.strftime("%d/%m/%Y"))
                   if (m := current.get(p.pk)) else ("", "", "")), restricted_cell(p)]
                for p in people[:20_000])  # fmt: skip
        return exports.export_response(request, "hoi-vien", header, rows)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(request, "people/individual_list.html", {
        "page": page, "query": query, "can_create": access.can_anywhere(request.user, "edit"),
    })  # fmt: skip


def _save_individual(request, individual=None):
    initial = {"organisation": individual.organisation.code} if individual else {}
    if individual is not None:
        initial |= {n: getattr(individual, n) for n in actions.FIELDS if n != "organisation"}
        initial["commune"] = individual.commune.code if individual.commune_id else None
    form = forms.IndividualForm(request.POST or None, actor=request.user, initial=initial)
    likely = []
    if request.method == "POST" and form.is_valid():
        data = form.action_fields()
        try:
            if individual is None:
                likely = list(actions.likely_same(**{k: data.get(k) for k in (
                    "full_name", "birth_date", "phone", "id_number")})[:5])  # fmt: skip
                if likely and not request.POST.get("confirm"):
                    raise NeedsConfirmation(
                        "Có thể người này đã có hồ sơ (xem danh sách dưới): hãy mở hồ sơ có "
                        "sẵn, hoặc xác nhận đây là người khác."
                    )
                organisation = data.pop("organisation")
                individual = actions.create_individual(request.user, organisation=organisation,
                                                       **data)  # fmt: skip
            else:
                individual = actions.update_individual(request.user, individual, **data)
            return redirect("individual_detail", pk=individual.pk)
        except Refused as exc:
            show_refused(request, exc, form)
    title = f"Sửa hồ sơ {individual.full_name}" if individual else "Thêm cá nhân"
    back = reverse("individual_detail", args=[individual.pk]) if individual else reverse(
        "individual_list")  # fmt: skip
    return _form_page(request, title, form, back=back, extra={"likely": likely})


@login_required
def individual_create(request):
    access.require_anywhere(request.user, "edit")
    return _save_individual(request)


@login_required
def individual_edit(request, pk):
    return _save_individual(request, lookups.get_individual(request.user, pk, "edit"))


@login_required
def individual_detail(request, pk):
    individual = lookups.get_individual(request.user, pk)
    user, org = request.user, individual.organisation
    sensitive = access.can(user, "sensitive", org)
    if sensitive:
        record(user, "people.sensitive_read", individual, after={"via": "page"})
    history = individual.memberships.select_related("organisation", "youth_group").order_by(
        "started_on", "pk"
    )
    current = next((m for m in history if m.ended_on is None), None)
    payments = FeePayment.objects.filter(individual=individual).select_related("organisation")
    return render(request, "people/individual_detail.html", {
        "individual": individual, "sensitive": sensitive, "history": history,
        "current": current, "payments": payments,
        "posts": individual.posts.select_related("organisation").order_by("-started_on", "pk"),
        "can_edit": access.can(user, "edit", org),
        "can_manage": current is not None and access.can(user, "edit", current.organisation),
        "can_collect": current is not None and access.can(user, "money", current.organisation),
        "can_annul": {p.pk for p in payments if access.can(user, "money", p.organisation)},
        "likely": actions.likely_same(full_name=individual.full_name,
                                      birth_date=individual.birth_date, phone=individual.phone,
                                      id_number=individual.id_number,
                                      exclude=individual).for_user(user)[:5],
    })  # fmt: skip


@login_required
def membership_join(request, pk):
    individual = lookups.get_individual(request.user, pk, "edit")
    form = forms.JoinForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            ms.join(request.user, individual, **form.cleaned_data)
            messages.success(request, "Đã kết nạp hội viên.")
            return redirect("individual_detail", pk=individual.pk)
        except Refused as exc:
            show_refused(request, exc, form)
    return _form_page(request, f"Kết nạp {individual.full_name}", form, submit="Kết nạp",
                      back=reverse("individual_detail", args=[pk]))  # fmt: skip


@login_required
def membership_end(request, pk):
    membership = lookups.get_membership(request.user, pk, "edit")
    form = forms.EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ms.end(request.user, membership, **form.cleaned_data)
            return redirect("individual_detail", pk=membership.individual_id)
        except Refused as exc:
            show_refused(request, exc, form)
    return _form_page(request, f"Tạm ngừng / kết thúc: {membership.individual}", form,
                      submit="Ghi nhận", back=_back(membership.individual_id))  # fmt: skip


@login_required
def membership_transfer(request, pk):
    membership = lookups.get_membership(request.user, pk, "edit")
    targets = ms.transfer_targets(request.user, membership)
    form = forms.TransferForm(request.POST or None, actor=request.user, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            ms.request_transfer(request.user, membership, **form.cleaned_data)
            messages.success(request, "Đã gửi yêu cầu chuyển sinh hoạt; chờ tổ chức nhận đồng ý.")
            return redirect("transfer_list")
        except Refused as exc:
            show_refused(request, exc, form)
    return _form_page(request, f"Chuyển sinh hoạt: {membership.individual}", form,
                      submit="Gửi yêu cầu", back=_back(membership.individual_id))  # fmt: skip


@login_required
def transfer_list(request):
    access.require_anywhere(request.user, "view")
    waiting = list(ms.transfer_queue(request.user))
    others = ms.transfers_for(request.user).exclude(pk__in=[t.pk for t in waiting])[:100]
    return render(
        request,
        "people/transfer_list.html",
        {"waiting": waiting, "others": others, "reject_form": forms.RejectForm()},
    )


@login_required
@require_POST
def transfer_approve(request, pk):
    transfer = lookups.get_transfer(request.user, pk)
    try:
        transfer = ms.approve_transfer(request.user, transfer)
        messages.success(request, "Đã đồng ý." + (" Hội viên đã được chuyển." if
                                                  transfer.status == "done" else ""))  # fmt: skip
    except Refused as exc:
        show_refused(request, exc)
    return redirect("transfer_list")


@login_required
@require_POST
def transfer_reject(request, pk):
    transfer = lookups.get_transfer(request.user, pk)
    try:
        ms.reject_transfer(request.user, transfer, request.POST.get("note", ""))
    except Refused as exc:
        show_refused(request, exc)
    return redirect("transfer_list")


def card_token(membership: Membership) -> str:
    return signing.dumps(membership.pk, salt=CARD_SALT, compress=True)


@login_required
def member_card(request, pk):
    membership = lookups.get_membership(request.user, pk)
    url = request.build_absolute_uri(reverse("card_verify", args=[card_token(membership)]))
    qr = segno.make(url, error="m").svg_data_uri(scale=4)
    return render(request, "people/card.html", {"m": membership, "qr": qr, "verify_url": url})


def card_verify(request, token):
    """Public: the name on the card and whether its holder is a member today."""
    try:
        pk = signing.loads(token, salt=CARD_SALT)
        membership = Membership.objects.select_related("individual", "organisation").get(pk=pk)
    except (signing.BadSignature, Membership.DoesNotExist):
        raise Http404("Thẻ không hợp lệ.") from None
    today = timezone.localdate()
    valid = membership.started_on <= today and (membership.ended_on is None
                                                or membership.ended_on >= today)  # fmt: skip
    return render(request, "people/card_verify.html", {"m": membership, "valid": valid,
                                                       "today": today})  # fmt: skip


@login_required
def fee_payment(request, pk):
    membership = lookups.get_membership(request.user, pk, "money")
    form = forms.PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payment = ms.record_payment(request.user, membership, **form.cleaned_data)
            messages.success(request, f"Đã thu hội phí, biên lai số {payment.receipt_number}.")
            return redirect("individual_detail", pk=membership.individual_id)
        except Refused as exc:
            show_refused(request, exc, form)
    return _form_page(request, f"Thu hội phí: {membership.individual}", form, submit="Thu",
                      back=_back(membership.individual_id))  # fmt: skip


@login_required
def payment_annul(request, pk):
    payment = lookups.get_payment(request.user, pk, "money")
    form = forms.AnnulForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ms.annul_payment(request.user, payment, form.cleaned_data["reason"])
            return redirect("individual_detail", pk=payment.individual_id)
        except Refused as exc:
            show_refused(request, exc, form)
    return _form_page(request, f"Hủy biên lai {payment.receipt_number}", form, submit="Hủy",
                      back=reverse("individual_detail", args=[payment.individual_id]))  # fmt: skip


@login_required
def arrears_list(request):
    access.require_anywhere(request.user, "view")
    today = timezone.localdate()
    form = forms.ArrearsForm(request.GET or None, actor=request.user)
    rows, org, year, error = [], None, today.year, ""
    if form.is_bound and form.is_valid():
        org, year = form.cleaned_data["organisation"], form.cleaned_data["year"] or today.year
        until = today if year == today.year else min(today, org_end(year))
        try:
            rows = ms.arrears(org, year, until)
        except Refused as exc:
            error = exc.message
    return render(request, "people/arrears.html", {"form": form, "rows": rows, "org": org,
                                                   "year": year, "error": error})  # fmt: skip


def org_end(year):
    from datetime import date

    return date(year, 12, 31)


# ---- data-subject requests (personal data by law; people/privacy.py) ----


# the queue, the form on a record's page, a request's page (orgs/datarequests.py)
individual_data_requests, individual_data_request_create, individual_data_request = (
    datarequests.views(privacy.REQUESTS, lookups.get_individual)
)


# ---- leadership posts ----------------------------------------------------------------------


@login_required
def leader_appoint(request, org_pk):
    org = access.get_org(request.user, org_pk, "edit")
    form = forms.LeaderForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            leaders.appoint(request.user, form.cleaned_data.pop("individual"), org,
                            **form.cleaned_data)  # fmt: skip
            messages.success(request, "Đã ghi chức vụ.")
            return redirect("org_detail", pk=org.pk)
        except Refused as exc:
            show_refused(request, exc, form)
    return _form_page(request, f"Ghi chức vụ lãnh đạo: {org}", form, submit="Ghi",
                      back=reverse("org_detail", args=[org.pk]))  # fmt: skip


@login_required
def leader_correct(request, pk):
    held = lookups.get_post(request.user, pk, "edit")
    form = forms.LeaderCorrectForm(request.POST or None, actor=request.user, held=held)
    if request.method == "POST" and form.is_valid():
        try:
            leaders.correct_post(request.user, held, **form.cleaned_data)
            messages.success(request, "Đã sửa nhiệm kỳ; giá trị cũ còn trong nhật ký.")
            return redirect("org_detail", pk=held.organisation_id)
        except Refused as exc:
            show_refused(request, exc, form)
    title = f"Sửa nhiệm kỳ {held.get_post_display()}: {held.individual}"
    return _form_page(request, title, form, submit="Lưu sửa đổi",
                      back=reverse("org_detail", args=[held.organisation_id]))  # fmt: skip


@login_required
def leader_end(request, pk):
    held = lookups.get_post(request.user, pk, "edit")
    form = forms.LeaderEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            leaders.end_post(request.user, held, **form.cleaned_data)
            messages.success(request, "Đã ghi ngày thôi giữ chức.")
            return redirect("org_detail", pk=held.organisation_id)
        except Refused as exc:
            show_refused(request, exc, form)
    title = f"Thôi giữ chức {held.get_post_display()}: {held.individual}"
    return _form_page(request, title, form, submit="Ghi",
                      back=reverse("org_detail", args=[held.organisation_id]))  # fmt: skip


# ---- fee year-end close ------------------------------------------------------------------


@login_required
def year_close(request):
    """GET: the dry run (nothing written) and the year's closes; POST: close the year."""
    access.require_anywhere(request.user, "money")
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = forms.YearCloseForm(data, actor=request.user)
    figures, org, year, standing, closes, subtree = None, None, None, None, [], None
    if form.is_bound and form.is_valid():
        org, year = form.cleaned_data["organisation"], form.cleaned_data["year"]
        whole = form.cleaned_data["subtree"]
        try:
            if request.method == "POST":
                if whole:
                    close = ms.close_subtree(request.user, org, year)
                    messages.success(request, f"Đã khóa sổ hội phí năm {year} của {org} và "
                                     f"{close.covered.count()} tổ chức cấp dưới.")  # fmt: skip
                else:
                    ms.close_year(request.user, org, year)
                    messages.success(request, f"Đã khóa sổ hội phí năm {year} của {org}.")
                return redirect(f"{reverse('year_close')}?organisation={org.code}&year={year}")
            standing = ms.closed_year(org, year)
            figures = standing.figures if standing else ms.close_figures(org, year)
            if whole:
                subtree = ms.subtree_figures(org, year)
        except Refused as exc:
            show_refused(request, exc, form)
        closes = (
            FeeYearClose.objects.filter(organisation=org, year=year)
            .select_related("closed_by", "reopened_by", "covered_by__organisation")
            .annotate(n_covered=Count("covered"))
        )
    return render(request, "people/year_close.html", {
        "form": form, "figures": figures, "org": org, "year": year, "standing": standing,
        "closes": closes, "reopen_form": forms.ReopenForm(), "subtree": subtree,
    }, status=422 if request.method == "POST" else 200)  # fmt: skip


@login_required
@require_POST
def year_reopen(request, pk):
    close = lookups.get_year_close(request.user, pk, "money")
    form = forms.ReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise Refused("Hãy ghi lý do mở lại sổ.", field="reason")
        ms.reopen_year(request.user, close, form.cleaned_data["reason"])
        messages.success(request, f"Đã mở lại sổ hội phí năm {close.year}.")
    except Refused as exc:
        show_refused(request, exc)
    url = reverse("year_close")
    return redirect(f"{url}?organisation={close.organisation.code}&year={close.year}")


# ---- Youth Red Cross groups --------------------------------------------------------------


@login_required
def youth_list(request):
    """The groups in the user's reach, and the youth figures rolled up over an organisation's
    subtree (by default the user's own)."""
    access.require_anywhere(request.user, "view")
    form = forms.YouthRollupForm(request.GET or None, actor=request.user)
    org = None
    if form.is_bound and form.is_valid():
        org = form.cleaned_data["organisation"]
    if org is None:
        org = access.home_organisation(request.user)
    today = timezone.localdate()
    start, end = form.period()
    return render(request, "people/youth_list.html", {
        "form": form, "groups": youth.groups_for(request.user)[:200],
        "rollup": youth.rollup(org, today) if org is not None else None,
        "activities": youth.activity_rollup(org, start, end) if org is not None else None,
        "can_create": access.can_anywhere(request.user, "edit"),
    })  # fmt: skip


@login_required
def youth_group_create(request):
    access.require_anywhere(request.user, "edit")
    form = forms.YouthGroupForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            group = youth.create_group(request.user, data.pop("organisation"), **data)
            messages.success(request, "Đã lập nhóm thanh thiếu niên.")
            return redirect("youth_group_detail", pk=group.pk)
        except Refused as exc:
            show_refused(request, exc, form)
    return _form_page(request, "Lập nhóm Thanh thiếu niên Chữ thập đỏ", form, submit="Lập nhóm",
                      back=reverse("youth_list"))  # fmt: skip


@login_required
def youth_group_detail(request, pk):
    group = lookups.get_youth_group(request.user, pk)
    today = timezone.localdate()
    return render(request, "people/youth_group.html", {
        "group": group, "members": youth.group_members(group, today).order_by(
            "individual__name_key"), "today": today,
        "activities": youth.activities_of(group)[:200],
        "can_record": access.can(request.user, "edit", group.organisation),
    })  # fmt: skip


@login_required
def youth_activity_create(request, pk):
    group = lookups.get_youth_group(request.user, pk, "edit")
    form = forms.YouthActivityForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            activity = youth.record_activity(request.user, group, **form.cleaned_data)
            messages.success(request, "Đã ghi hoạt động của nhóm.")
            return redirect("youth_activity_detail", pk=activity.pk)
        except Refused as exc:
            show_refused(request, exc, form)
    return _form_page(request, f"Ghi hoạt động: {group.name}", form, submit="Ghi hoạt động",
                      back=reverse("youth_group_detail", args=[pk]))  # fmt: skip


@login_required
def youth_activity_detail(request, pk):
    activity = lookups.get_youth_activity(request.user, pk)
    return render(request, "people/youth_activity.html", {
        "activity": activity, "people": youth.activity_people(activity),
    })  # fmt: skip
