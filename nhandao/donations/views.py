"""Pages for donations, donors, bank accounts, statements (upload, preview, progress,
reconciliation, rejected rows) and receipts (issue, print, public verification). A
campaign's own page, which shows what it received, is relief's (relief.views.campaign_detail:
its figures are relief.figures)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nhandao.audit.models import LedgerEntry
from nhandao.campaigns.lookups import get_campaign
from nhandao.donations import actions, exports, forms, importers, lookups, matching, receipts
from nhandao.donations.importers.layouts import StatementError
from nhandao.donations.models import (
    BankAccount,
    Channel,
    Donation,
    Donor,
    Receipt,
    Statement,
)
from nhandao.donations.vietqr import qr_svg_data_uri, vietqr_payload
from nhandao.lib.downloads import XLSX, attachment
from nhandao.lib.errors import Refused
from nhandao.lib.exports import export_response, xlsx_response
from nhandao.lib.listing import Sort, listing, sorted_by
from nhandao.lib.text import search_terms
from nhandao.lib.views import show_refused
from nhandao.orgs import access

# --- donations -----------------------------------------------------------------------------

MONEY = "money"  # every channel but goods: the reports' "received money"

DONATION_SORTS = [
    Sort("moi", "Ngày nhận mới nhất", ("-received_on", "-pk")),
    Sort("cu", "Ngày nhận cũ nhất", ("received_on", "pk")),
    Sort("lon", "Số tiền lớn nhất", ("-amount", "-received_on", "-pk")),
    Sort("nho", "Số tiền nhỏ nhất", ("amount", "-received_on", "-pk")),
]


@login_required
def donation_list(request):
    donations = Donation.objects.for_user(request.user).select_related(
        "donor", "campaign", "organisation"
    )
    code = request.GET.get("campaign", "").strip().upper()
    channel = request.GET.get("channel", "")
    if code:
        donations = donations.filter(campaign__code=code)
    if channel in Channel.values:
        donations = donations.filter(channel=channel)
    elif channel == MONEY:
        donations = donations.exclude(channel=Channel.IN_KIND)
    try:
        within = lookups.list_filters(request.user, request.GET)
    except Refused as exc:
        show_refused(request, exc)
        within = lookups.ListFilters(refused=True)
    donations = within.apply(donations)
    query = request.GET.get("q", "").strip()
    if query:
        for term in search_terms(query):
            donations = donations.filter(
                Q(donor_name_key__contains=term)
                | Q(donor__name_key__contains=term)
                | Q(statement_line__description_key__contains=term)
            )
    donations = donations.order_by("-received_on", "-pk")
    if request.GET.get("format") in ("csv", "xlsx"):
        header = [
            "Ngày",
            "Người ủng hộ",
            "Hình thức",
            "Số tiền (đồng)",
            "Hiện vật",
            "Chiến dịch",
            "Tổ chức tiếp nhận",
            "Chỉ định",
            "Nội dung chuyển khoản",
        ]
        rows = (
            [
                d.received_on,
                d.display_donor,
                d.get_channel_display(),
                d.amount,
                d.goods_item,
                d.campaign.code if d.campaign_id else "",
                d.organisation.name,
                d.earmark_ref,
                d.statement_line.description if d.statement_line_id else "",
            ]
            for d in donations.select_related("statement_line")[:100_000]
        )
        return export_response(request, "khoan-ung-ho", header, rows)
    total = donations.aggregate(amount=Sum("amount"), count=Count("pk"))
    shown = listing(request, donations, DONATION_SORTS)
    return render(
        request,
        "donations/donation_list.html",
        {
            "page": shown.page,
            "listing": shown,
            "campaign_code": code,
            "channel": channel,
            "channels": [(MONEY, "Tiền (mọi hình thức)"), *Channel.choices],
            "within": within,
            "query": query,
            "total": total,
            "can_add": access.can_anywhere(request.user, "money"),
        },
    )


@login_required
def donation_create(request, channel):
    if channel not in (Channel.CASH, Channel.IN_KIND):
        raise Http404("Không tìm thấy trang.")
    access.require_anywhere(request.user, "money")
    # the campaign in context (a campaign page's "record a donation" link); the user's
    # organisation and today are the form's own defaults
    initial = {"campaign": request.GET.get("campaign", "")}
    form = forms.DonationForm(
        request.POST or None, actor=request.user, channel=channel, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        donation = _record_from_form(request, form, channel)
        if donation is not None:
            messages.success(request, f"Đã ghi nhận {donation}.")
            return redirect("donation_detail", pk=donation.pk)
    title = (
        "Ghi nhận ủng hộ bằng tiền mặt"
        if channel == Channel.CASH
        else "Ghi nhận ủng hộ bằng hiện vật"
    )
    return render(
        request, "donations/donation_form.html", {"form": form, "title": title, "channel": channel}
    )


def _record_from_form(request, form, channel):
    """The donation typed into `form`, or None with the refusal shown on the form."""
    try:
        return actions.record_entered_donation(request.user, channel, form.cleaned_data)
    except Refused as exc:
        show_refused(request, exc, form)
        return None


@login_required
def donation_detail(request, pk):
    donation = lookups.get_donation(request.user, pk)
    receipt = Receipt.objects.filter(donation=donation).first()
    return render(
        request,
        "donations/donation_detail.html",
        {
            "donation": donation,
            "receipt": receipt,
            "can_money": access.can(request.user, "money", donation.organisation),
        },
    )


@login_required
@require_POST
def donation_reverse(request, pk):
    donation = lookups.get_donation(request.user, pk, "money")
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, "Hãy ghi lý do hủy.")
    else:
        try:
            actions.reverse_donation(request.user, donation, reason)
            messages.success(request, "Đã hủy khoản ủng hộ bằng bút toán đảo.")
        except Refused as exc:
            show_refused(request, exc)
    return redirect("donation_detail", pk=donation.pk)


# --- donors --------------------------------------------------------------------------------

DONOR_SORTS = [
    Sort("ten", "Tên A–Z", ("name_key", "pk")),
    Sort("tong", "Ủng hộ nhiều nhất", ("-total", "name_key", "pk")),
    Sort("so-khoan", "Nhiều khoản nhất", ("-count", "name_key", "pk")),
]


@login_required
def donor_list(request):
    donors = Donor.objects.for_user(request.user).annotate(
        total=Sum("donations__amount"), count=Count("donations")
    )
    query = request.GET.get("q", "").strip()
    if query:
        donors = donors.search(query)
    donors, _ = sorted_by(request, donors, DONOR_SORTS)
    if request.GET.get("format") in ("csv", "xlsx"):
        header = [
            "Tên",
            "Loại",
            "Số tài khoản",
            "Điện thoại",
            "Đồng ý công khai",
            "Số khoản",
            "Tổng (đồng)",
        ]
        rows = (
            [
                d.name,
                d.get_kind_display(),
                d.account_no,
                d.phone,
                "có" if d.consent_publish else "không",
                d.count,
                d.total or 0,
            ]
            for d in donors[:100_000]
        )
        return export_response(request, "nha-hao-tam", header, rows)
    shown = listing(request, donors, DONOR_SORTS)
    return render(
        request,
        "donations/donor_list.html",
        {"page": shown.page, "listing": shown, "query": query},
    )


@login_required
def donor_detail(request, pk):
    donor = lookups.get_donor(request.user, pk)
    donations = donor.donations.select_related("campaign").order_by("-received_on")[:200]
    return render(request, "donations/donor_detail.html", {"donor": donor, "donations": donations})


@login_required
def donor_create(request):
    access.require_anywhere(request.user, "money")
    form = forms.DonorForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        donor = actions.find_or_create_donor(request.user, data.pop("organisation"), **data)
        messages.success(request, f"Đã lưu nhà hảo tâm “{donor.name}”.")
        return redirect("donor_detail", pk=donor.pk)
    return render(
        request,
        "donations/simple_form.html",
        {"form": form, "title": "Thêm nhà hảo tâm", "submit": "Lưu"},
    )


# --- bank accounts and statements ----------------------------------------------------------


@login_required
def bank_account_list(request):
    accounts = BankAccount.objects.for_user(request.user).select_related("organisation", "campaign")
    form = None
    if access.can_anywhere(request.user, "money"):
        form = forms.BankAccountForm(request.POST or None, actor=request.user)
        if request.method == "POST" and form.is_valid():
            account = actions.create_bank_account(request.user, **form.cleaned_data)
            messages.success(request, f"Đã khai báo tài khoản {account}.")
            return redirect("bank_account_list")
    # a statement lists every transfer of its account: opened with "money" (get_statement)
    statements = Statement.objects.for_user(request.user, "money").select_related("bank_account")[
        :30
    ]
    return render(
        request,
        "donations/bank_account_list.html",
        {"accounts": accounts, "form": form, "statements": statements},
    )


@login_required
def statement_upload(request, pk):
    account = lookups.get_bank_account(request.user, pk, "money")
    form = forms.StatementUploadForm(
        request.POST or None,
        request.FILES or None,
        actor=request.user,
        initial={"campaign": account.campaign.code if account.campaign else ""},
    )
    if request.method == "POST" and form.is_valid():
        statement = actions.upload_statement(
            request.user,
            account,
            preview_first="import" not in request.POST,
            **form.action_fields(),
        )
        return redirect("statement_detail", pk=statement.pk)
    return render(request, "donations/statement_upload.html", {"account": account, "form": form})


@login_required
def statement_detail(request, pk, form=None):
    statement = lookups.get_statement(request.user, pk, read_only=form is None)
    # a supervising body reads it through its grant: no step, no link of the money holder
    read_only = not access.can(request.user, "money", statement.bank_account.organisation)
    preview = None
    if statement.awaiting_confirmation and not read_only:
        preview = importers.preview(statement)
    debits = matching.debits(statement.line_set.all())
    reviews = [] if read_only else list(statement.reviews.all())
    return render(
        request,
        "donations/statement_detail.html",
        {
            "statement": statement,
            "preview": preview,
            "moves": [] if read_only else statement.allowed_moves(),
            "read_only": read_only,
            "errors": statement.errors[:200],
            "debits": debits,
            "breaks": matching.continuity(statement.bank_account),
            "match_form": None if read_only else form or forms.DebitMatchForm(),
            "reviews": reviews,
            "corrected": sum(1 for r in reviews if r.status == "corrected"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement_review(request, pk, line):
    """A line set aside for review: its page of the PDF beside what was read, and the
    officer's correction (the "money" permission on the account: get_statement)."""
    statement = lookups.get_statement(request.user, pk)
    review = statement.reviews.filter(pk=line).first()
    if review is None:
        raise Http404("Dòng này không thuộc sao kê.")
    initial = {"direction": review.corrected_direction or "C"}
    if review.corrected_amount:
        initial |= {"booked_on": review.corrected_on, "amount": review.corrected_amount}
    form = forms.ReviewCorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.correct_review_line(request.user, review, **form.cleaned_data)
        except Refused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Đã lưu sửa đổi dòng {review.row_no}.")
            return redirect(reverse("statement_detail", args=[statement.pk]) + "#review")
    return render(
        request,
        "donations/statement_review.html",
        {"statement": statement, "line": review, "form": form},
    )


@login_required
@require_GET
def statement_review_queue(request):
    """Every line set aside for review that the user may correct: the open ones of the
    statements they may open ("money"), oldest statement first, each linking to its review
    page (the home page counts them)."""
    access.require_anywhere(request.user, "money")
    lines = lookups.review_lines(request.user, status="open").select_related(
        "statement", "bank_account"
    )
    sorts = [
        Sort("statement", "Theo sao kê", ("statement_id", "row_no", "pk")),
        Sort("page", "Theo trang", ("statement_id", "page", "position", "pk")),
    ]
    return render(
        request, "donations/review_queue.html", {"listing": listing(request, lines, sorts)}
    )


@login_required
@require_POST
def statement_reimport(request, pk):
    """Import the statement's own file again with the corrections: the corrected lines are
    added, nothing else (natural keys)."""
    statement = lookups.get_statement(request.user, pk)
    if not statement.reviews.filter(status="corrected").exists():
        messages.error(request, "Chưa có dòng nào được sửa.")
        return redirect("statement_detail", pk=statement.pk)
    again = actions.reimport_corrected(request.user, statement)
    return redirect("statement_detail", pk=again.pk)


@login_required
@require_GET
def statement_page_image(request, pk, page):
    """A page of the statement's PDF as an image, for the review (money permission)."""
    from nhandao.donations.importers import pdf

    statement = lookups.get_statement(request.user, pk)
    if not statement.file_name.lower().endswith(".pdf"):
        raise Http404("Sao kê này không phải tệp PDF.")
    try:
        png = pdf.page_png(statement.read_file(), page)
    except (StatementError, IndexError, ValueError):
        raise Http404("Không có trang này.") from None
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def statement_match(request, pk):
    """Match one debit line of the statement by hand (with a reason), or run the automatic
    matching again (`rematch`): the "money" permission on the account (get_statement)."""
    statement = lookups.get_statement(request.user, pk)
    if "rematch" in request.POST:
        outcome = matching.match_debits(statement.bank_account, request.user)
        messages.success(
            request,
            f"Đã khớp thêm {outcome.matched} dòng chi; {outcome.ambiguous} dòng cần người "
            f"quyết định; {outcome.unmatched} dòng chưa tìm được bút toán.",
        )
        return redirect("statement_detail", pk=statement.pk)
    form = forms.DebitMatchForm(request.POST)
    if form.is_valid():
        line = statement.line_set.filter(pk=form.cleaned_data["line"]).first()
        if line is None:
            raise Http404("Dòng này không thuộc sao kê.")
        entry = None
        if form.cleaned_data["entry"]:
            entry = (
                LedgerEntry.objects.filter(
                    pk=form.cleaned_data["entry"],
                    account__organisation=statement.bank_account.organisation,
                )
                .select_related("account")
                .first()
            )
            if entry is None:
                form.add_error("entry", "Không có bút toán này của tổ chức chủ tài khoản.")
        if form.is_valid():
            try:
                matching.match_manually(request.user, line, entry, form.cleaned_data["reason"])
            except Refused as exc:
                show_refused(request, exc, form)
            else:
                messages.success(request, "Đã ghi đối chiếu dòng chi.")
                return redirect("statement_detail", pk=statement.pk)
    return statement_detail(request, pk, form=form)


@login_required
@require_POST
def statement_run(request, pk):
    statement = lookups.get_statement(request.user, pk)
    actions.run_statement(request.user, statement)  # once: only from uploaded or previewed
    return redirect("statement_detail", pk=statement.pk)


@login_required
def statement_rejected(request, pk):
    """The rejected rows as a workbook: each error with the line as it was in the file."""
    statement = lookups.get_statement(request.user, pk)
    return attachment(
        importers.rejected_workbook(statement), f"dong-loi-sao-ke-{statement.pk}.xlsx", XLSX
    )


# --- receipts ------------------------------------------------------------------------------


@login_required
@require_POST
def receipt_issue(request, pk):
    donation = lookups.get_donation(request.user, pk, "money")
    try:
        receipt = actions.issue_receipt(request.user, donation)
    except Refused as exc:
        show_refused(request, exc)
        return redirect("donation_detail", pk=donation.pk)
    return redirect("receipt_print", pk=receipt.pk)


def _receipt_for(request, pk):
    """The receipt `pk` within the user's reach (else 404) and its verification address."""
    receipt = lookups.get_receipt(request.user, pk)
    url = request.build_absolute_uri(reverse("receipt_verify", args=[receipt.code]))
    return receipt, f"{url}?{receipts.qr_query(receipt)}"


@login_required
def receipt_print(request, pk):
    receipt, url = _receipt_for(request, pk)
    return render(
        request,
        "donations/receipt_print.html",
        {
            "receipt": receipt,
            "verify_url": url,
            "qr": qr_svg_data_uri(url, scale=3),
            "goods": receipts.goods_text(receipt.donation),
            "amount_words": receipts.amount_in_words(receipt.donation.amount),
        },
    )


@login_required
def receipt_pdf(request, pk):
    """The same receipt as an A5 PDF (same access as the print page)."""
    receipt, url = _receipt_for(request, pk)
    return attachment(
        receipts.receipt_pdf(receipt, url),
        f"bien-nhan-{receipt.number:05d}-{receipt.year}.pdf",
        "application/pdf",
        inline=True,
    )


def receipt_verify(request, code):
    """Public, no login: is this receipt genuine?"""
    verdict = receipts.verify(code, request.GET.get("p"), request.GET.get("s"))
    return render(
        request,
        "donations/receipt_verify.html",
        {"verdict": verdict, "code": code},
        status=200 if verdict.genuine else 404 if verdict.receipt is None else 200,
    )


def public_keys(request):
    """Public: the organisations' receipt-signing public keys (Ed25519, base64url)."""
    return render(request, "donations/public_keys.html", {"keys": receipts.published_keys()})


@login_required
def receipt_book(request, pk):
    """Sổ chi tiết of a campaign as .xlsx: receipts by date, or by donor."""
    campaign = get_campaign(request.user, pk)
    donations = (
        Donation.objects.for_user(request.user)
        .active()
        .filter(campaign=campaign)
        .select_related("donor", "organisation", "statement_line")
    )
    by_donor = request.GET.get("by") == "donor"
    name, sheets = exports.receipt_book(campaign, donations, by_donor=by_donor)
    return xlsx_response(name, sheets)


@login_required
def bank_account_qr(request, pk):
    account = lookups.get_bank_account(request.user, pk)
    payload = vietqr_payload(account, account.campaign)
    return render(
        request,
        "donations/vietqr.html",
        {"account": account, "payload": payload, "qr": qr_svg_data_uri(payload, scale=6)},
    )
