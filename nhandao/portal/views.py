"""The public transparency site under /cong-khai/: no login, read-only, no JavaScript needed.

Anonymous GETs of the campaign pages are cached (public_cache); the search and the
self-check are rate-limited per client address (lib/ratelimit.py) and never cached.
"""

import copy
import hashlib
import json
import mimetypes
import os
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods

from nhandao.lib import ratelimit
from nhandao.lib.text import search_terms
from nhandao.portal import charts, exports, forms, ledger_export, search, sources
from nhandao.relief.forms import PeriodForm

PAGE_SECONDS = 60


def public_cache(seconds: int = PAGE_SECONDS):
    """Cache the whole response of an anonymous GET for `seconds` (per full path)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            # No session cookie: anonymous, known without loading a session or a user.
            anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES or (
                not request.user.is_authenticated
            )
            if request.method != "GET" or not anonymous:
                return view(request, *args, **kwargs)
            digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
            key = f"portal:page:{digest}"
            hit = cache.get(key)
            if hit is not None:
                content, content_type, status = hit
                response = HttpResponse(content, content_type=content_type, status=status)
                response["X-Cache"] = "hit"
                response["Cache-Control"] = f"public, max-age={seconds}"
                return response
            response = view(request, *args, **kwargs)
            if response.status_code in (200, 404) and not response.streaming:
                cache.set(
                    key, (response.content, response["Content-Type"], response.status_code), seconds
                )
            response["Cache-Control"] = f"public, max-age={seconds}"
            return response

        return wrapper

    return decorator


def too_many(request, seconds: int, template="portal/limited.html"):
    message = ratelimit.MESSAGE.format(seconds=seconds)
    response = render(request, template, {"message": message, "seconds": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def _period(request) -> PeriodForm | None:
    """The period asked for (?tu=dd/mm/yyyy&den=dd/mm/yyyy, either open), or None."""
    if "tu" in request.GET or "den" in request.GET:
        return PeriodForm({"tu": request.GET.get("tu", ""), "den": request.GET.get("den", "")})
    return None


def period_refusal(form: PeriodForm) -> str:
    """A refused period, in words."""
    reasons = [str(m) for errors in form.errors.values() for m in errors]
    return "Khoảng thời gian không hợp lệ: " + " ".join(dict.fromkeys(reasons))


def _json(data: dict, status: int) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
        status=status,
    )


def _campaign_or_404(code):
    campaign = sources.public_campaign(code)
    if campaign is None:
        raise Http404("Không có chiến dịch công khai với mã này.")
    return campaign


# --- campaigns -----------------------------------------------------------------------------


@require_GET
@public_cache()
def campaign_list(request):
    kind = request.GET.get("loai", "")
    status = request.GET.get("tinh_trang", "")
    province = request.GET.get("tinh", "")
    year_text = request.GET.get("nam", "")
    kinds, statuses = dict(sources.KINDS), dict(sources.STATUSES)
    notes = []
    if kind and kind not in kinds:
        notes.append("Loại chiến dịch không hợp lệ: đã bỏ qua.")
        kind = ""
    if status and status not in statuses:
        notes.append("Tình trạng không hợp lệ: đã bỏ qua.")
        status = ""
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    if year_text and year is None:
        notes.append("Năm không hợp lệ: đã bỏ qua.")
    provinces = list(sources.provinces().values_list("code", "name"))
    if province and province not in {c for c, _ in provinces}:
        notes.append("Tỉnh/thành phố không hợp lệ: đã bỏ qua.")
        province = ""
    campaigns = list(
        sources.filter_campaigns(
            sources.public_campaigns(), kind=kind, year=year, province=province, status=status
        )[:200]
    )
    received = sources.received_by_campaign(c.pk for c in campaigns)
    rows = [
        {
            "campaign": c,
            "received": received.get(c.pk, 0),
            "province": sources.province_of(c.organisation),
        }
        for c in campaigns
    ]
    return render(
        request,
        "portal/campaign_list.html",
        {
            "rows": rows,
            "kinds": sources.KINDS,
            "statuses": sources.STATUSES,
            "provinces": provinces,
            "years": sources.campaign_years(),
            "notes": notes,
            "f": {"loai": kind, "tinh_trang": status, "tinh": province, "nam": year or ""},
        },
    )


@require_GET
@public_cache()
def campaign_detail(request, code):
    campaign = _campaign_or_404(code)
    figures = sources.campaign_figures(campaign)
    period_form, period = _period(request), None
    if period_form is not None and period_form.is_valid():
        start, end = period_form.period()
        if start or end:
            wait = ratelimit.hit(request, "period")
            if wait:
                return too_many(request, wait)
            period = sources.campaign_money(campaign, start, end)
    return render(
        request,
        "portal/campaign_detail.html",
        {
            "campaign": campaign,
            "f": figures,
            "period_form": period_form or PeriodForm(),
            "period": period,
            "chart": charts.day_bars(figures.by_day),
            "accounts": sources.giving_accounts(campaign),
            "earmarked": sources.earmarked(campaign),
            "province": sources.province_of(campaign.organisation),
            "co_organisers": list(campaign.co_organisers.all()),
            "percent": round(figures.received * 100 / campaign.target_amount, 1)
            if campaign.target_amount
            else None,
            "datasets": exports.DATASETS,
            "formats": exports.FORMATS,
        },
    )


@require_GET
@public_cache()
def campaign_numbers(request, code):
    """so-lieu.json: the campaign's figures at a stable address (issue #14), the same numbers
    as its page and the list."""
    campaign = _campaign_or_404(code)
    start = end = None
    period = _period(request)
    if period is not None:
        if not period.is_valid():
            errors = {name: [str(m) for m in found] for name, found in period.errors.items()}
            return _json({"detail": period_refusal(period), "errors": errors}, 422)
        start, end = period.period()
        if start or end:
            wait = ratelimit.hit(request, "period")
            if wait:
                response = _json({"detail": ratelimit.MESSAGE.format(seconds=wait)}, 429)
                response["Retry-After"] = str(wait)
                return response
    document = sources.campaign_money(campaign, start, end).public()
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    return response


@require_GET
@public_cache()
def province_detail(request, code, province_id):
    """A province of a campaign: the reconciliation of its organisations and, per commune,
    what was handed out (aggregated; names only where the recipient agreed)."""
    campaign = _campaign_or_404(code)
    detail = sources.province_detail(campaign, province_id)
    if detail is None:
        raise Http404("Chiến dịch không có số liệu ở tỉnh này.")
    return render(request, "portal/province_detail.html", {"campaign": campaign, **detail})


# --- statement search and self-check -------------------------------------------------------


@require_GET
def statement_search(request):
    form = forms.SearchForm(request.GET or None)
    result, notes, pending = None, [], []
    if form.is_bound:
        wait = ratelimit.hit(request, "search")
        if wait:
            return too_many(request, wait)
        if form.is_valid():
            if form.bad_cursor:
                notes.append("Liên kết trang không hợp lệ: hiển thị trang đầu.")
            query = form.query()
            result = search.run_cached(query)
            result = _with_pdf_pages(result)
            if query.after is None:  # the first page also shows what waits for a check
                pending = _pending(query)
    campaign = None
    if form.is_bound and form.is_valid():
        campaign = form.cleaned_data.get("campaign")
    elif request.GET.get("campaign"):
        campaign = sources.public_campaign(request.GET["campaign"])
    params = request.GET.copy()
    params.pop("after", None)
    return render(
        request,
        "portal/search.html",
        {
            "form": form,
            "result": result,
            "notes": notes,
            "campaign": campaign,
            "base_query": params.urlencode(),
            "sorts": search.SORTS,
            "pending": pending,
        },
    )


def _pending(q) -> list[dict]:
    """Lines of public statements waiting for an officer's check that match the query
    (sources.pending_lines): shown apart, marked, never counted."""
    if q.empty:
        return []
    return sources.pending_lines(
        words=q.words,
        reference=q.reference,
        amount=q.amount,
        amount_min=q.amount_min,
        amount_max=q.amount_max,
        date_from=q.date_from,
        date_to=q.date_to,
        campaign=q.campaign,
        direction=q.direction,
    )


def _with_pdf_pages(result):
    """The result with each line's PDF page (a copy: the cached result stays as it was)."""
    result = copy.copy(result)
    result.lines = sources.with_pdf_pages(result.lines)
    return result


@require_GET
def self_check(request):
    form = forms.CheckForm(request.GET or None)
    result, uses = None, {}
    if form.is_bound:
        wait = ratelimit.hit(request, "check")
        if wait:
            return too_many(request, wait)
        if form.is_valid():
            result = _with_pdf_pages(search.run_cached(form.query()))
            ids = {line["campaign_id"] for line in result.lines if line["campaign_id"]}
            for campaign in sources.public_campaigns().filter(pk__in=ids):
                uses[campaign.pk] = {"campaign": campaign, **sources.money_use(campaign)}
    return render(request, "portal/check.html", {"form": form, "result": result, "uses": uses})


# --- open data, signed ledger, receipts ----------------------------------------------------


@require_GET
def open_data(request, code, dataset, fmt):
    campaign = _campaign_or_404(code)
    if dataset not in exports.DATASETS or fmt not in exports.FORMATS:
        raise Http404("Không có tập dữ liệu này.")
    return exports.response(campaign, dataset, fmt)


# Shown in the browser (a phone opens them directly); any other file is only downloaded, so
# that an uploaded HTML or SVG page never runs on the portal's address.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}


@require_GET
def decision_document(request, code, pk):
    """The decision document of a public allocation of this campaign; 404 for any other."""
    campaign = _campaign_or_404(code)
    allocation = sources.decision_document(campaign, pk)
    if allocation is None:
        raise Http404("Không có văn bản quyết định công khai này.")
    stored = allocation.decision_file
    try:
        handle = stored.storage.open(stored.name, "rb")
    except OSError:
        raise Http404("Văn bản quyết định không còn trên máy chủ.") from None
    suffix = re.sub(r"[^a-z0-9]", "", os.path.splitext(stored.name)[1].lower())[:8]
    number = "-".join(search_terms(allocation.decision_no))[:60] or "van-ban"
    filename = f"quyet-dinh-{number}.{suffix}" if suffix else f"quyet-dinh-{number}"
    content_type = mimetypes.guess_type(f"x.{suffix}")[0] or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=filename,
        content_type=content_type if inline else "application/octet-stream",
    )
    response["Cache-Control"] = f"public, max-age={PAGE_SECONDS}"
    return response


@require_GET
def statement_pdf(request, pk):
    """The PDF statement a public line was read from, as the bank published it (its SHA-256
    in the ETag and in X-Checksum-SHA256); 404 unless imported, a PDF and of a public
    account. Opened at a page by the link's #page=N."""
    statement = sources.public_pdf_statement(pk)
    if statement is None:
        raise Http404("Không có sao kê PDF công khai này.")
    try:
        handle = statement.file.storage.open(statement.file.name, "rb")
    except OSError:
        raise Http404("Tệp sao kê không còn trên máy chủ.") from None
    response = FileResponse(
        handle, filename=f"sao-ke-{statement.pk}.pdf", content_type="application/pdf"
    )
    response["ETag"] = f'"{statement.checksum}"'
    response["X-Checksum-SHA256"] = statement.checksum
    response["Cache-Control"] = f"public, max-age={PAGE_SECONDS}"
    return response


@require_GET
def ledger_file(request, code):
    """The signed ledger: rate-limited per client (it can be tens of MB), built and signed once
    per version of the campaign's books and served from the shared cache."""
    wait = ratelimit.hit(request, "ledger")
    if wait:
        return too_many(request, wait)
    campaign = _campaign_or_404(code)
    try:
        document = ledger_export.cached_json(campaign)
    except ledger_export.ChainRefused as exc:  # never sign a chain that does not verify
        return HttpResponse(
            json.dumps({"detail": exc.message}, ensure_ascii=False),
            status=409,
            content_type="application/json; charset=utf-8",
        )
    response = HttpResponse(document, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="so-quy-{campaign.code}.json"'
    return response


@require_GET
@public_cache()
def checkpoint_log(request):
    """The checkpoint log, append-only: `?tu=N` gives the checkpoints after number N, so a
    keeper of copies fetches only what is new."""
    try:
        since = max(0, int(request.GET.get("tu") or 0))
    except ValueError:
        since = 0
    response = HttpResponse(
        json.dumps(sources.checkpoint_log(since), ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="diem-moc.json"'
    return response


@require_http_methods(["GET", "POST"])
def ledger_verify(request):
    report, error = None, ""
    if request.method == "POST":
        wait = ratelimit.hit(request, "verify")
        if wait:
            return too_many(request, wait)
        upload = request.FILES.get("file")
        if upload is None:
            error = "Hãy chọn tệp sổ quỹ (.json) đã tải về."
        elif upload.size > ledger_export.MAX_FILE_BYTES:
            error = "Tệp quá lớn (tối đa 50 MB)."
        else:
            report = ledger_export.verify_bytes(upload.read())
    return render(request, "portal/ledger_verify.html", {"report": report, "error": error})


@require_GET
def receipt_check(request):
    """A form for the code printed on a receipt → the money-in app's verification page."""
    code = (request.GET.get("ma") or "").strip()
    error = ""
    if code:
        if len(code) > 40 or not all(ch.isalnum() or ch in "-_" for ch in code):
            error = "Mã biên nhận chỉ gồm chữ, số và dấu - _ (tối đa 40 ký tự)."
        else:
            return redirect(receipt_url(code))
    return render(request, "portal/receipt.html", {"error": error, "code": code})


def receipt_url(code: str) -> str:
    try:
        return reverse("receipt_verify", args=[code])
    except NoReverseMatch:
        return f"/verify/{code}"
