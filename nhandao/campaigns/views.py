"""Campaign pages: list, detail (targets vs received, by channel and by day), create, edit,
status moves and Decree 93 extensions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from nhandao.campaigns import actions, forms
from nhandao.campaigns.figures import received_by_part, totals
from nhandao.campaigns.lookups import can_act, get_campaign
from nhandao.campaigns.models import Campaign, CampaignStatus
from nhandao.orgs import access


@login_required
def campaign_list(request):
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    campaigns = Campaign.objects.for_user(request.user).select_related("organisation")
    if query:
        campaigns = campaigns.search(query)
    if status in CampaignStatus.values:
        campaigns = campaigns.filter(status=status)
    if request.GET.get("format") in ("csv", "xlsx"):
        from nhandao.donations import exports

        header = ["Mã", "Tên", "Loại", "Chủ trì", "Phát động", "Kết thúc tiếp nhận",
                  "Chỉ tiêu tiền (đồng)", "Tình trạng"]  # fmt: skip
        rows = ([c.code, c.name, c.get_kind_display(), c.organisation.name, c.launch_date,
                 c.receiving_closes_on(), c.target_amount, c.get_status_display()]
                for c in campaigns.order_by("-launch_date", "code")[:10_000])  # fmt: skip
        return exports.export(request, "chien-dich", header, rows)
    page = Paginator(campaigns.order_by("-launch_date", "code"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "page": page,
            "query": query,
            "status": status,
            "statuses": CampaignStatus.choices,
            "can_create": access.can_anywhere(request.user, "edit"),
        },
    )


@login_required
def campaign_detail(request, pk):
    from nhandao.donations.models import Donation

    campaign = get_campaign(request.user, pk)
    can_edit = can_act(request.user, "edit", campaign)
    recent = (
        Donation.objects.for_user(request.user)
        .filter(campaign=campaign)
        .select_related("donor")
        .order_by("-received_on", "-pk")[:20]
    )
    accounts = list(campaign.bank_accounts.all())
    for account in accounts:
        from nhandao.donations.vietqr import qr_svg_data_uri, vietqr_payload

        account.qr_payload = vietqr_payload(account, campaign)
        account.qr_svg = qr_svg_data_uri(account.qr_payload)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "totals": totals(campaign),
            "parts": received_by_part(campaign),
            "warnings": campaign.warnings(timezone.localdate()),
            "history": campaign.history.select_related("actor"),
            "extensions": campaign.extensions.select_related("decided_by"),
            "co_organisers": campaign.co_organisers.all(),
            "moves": [(m, CampaignStatus(m).label) for m in actions.allowed_moves(campaign)],
            "can_edit": can_edit,
            "recent": recent,
            "accounts": accounts,
        },
    )


def _form_page(request, form, title, campaign=None, submit="Lưu"):
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "title": title, "campaign": campaign, "submit": submit},
    )


@login_required
def campaign_create(request):
    access.require_anywhere(request.user, "edit")
    form = forms.CampaignForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        campaign = actions.create_campaign(request.user, **form.action_fields())
        messages.success(request, f"Đã tạo chiến dịch “{campaign}”.")
        return redirect("campaign_detail", pk=campaign.pk)
    return _form_page(request, form, "Tạo chiến dịch", submit="Tạo")


@login_required
def campaign_edit(request, pk):
    campaign = get_campaign(request.user, pk, "edit")
    initial = {
        "code": campaign.code,
        "name": campaign.name,
        "kind": campaign.kind,
        "organisation": campaign.organisation.code,
        "co_organisers": ", ".join(o.code for o in campaign.co_organisers.all()),
        "parent": campaign.parent.code if campaign.parent else "",
        "theme": campaign.theme,
        "launch_date": campaign.launch_date,
        "receiving_end": campaign.receiving_end,
        "distribution_end": campaign.distribution_end,
        "target_amount": campaign.target_amount,
        "target_gifts": campaign.target_gifts,
        "target_people": campaign.target_people,
        "transfer_memo": campaign.transfer_memo,
        "goods_dropoff": campaign.goods_dropoff,
        "auto_receipts": campaign.auto_receipts,
    }
    form = forms.CampaignForm(
        request.POST or None, actor=request.user, instance=campaign, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        actions.update_campaign(request.user, campaign, **form.action_fields())
        messages.success(request, "Đã lưu chiến dịch.")
        return redirect("campaign_detail", pk=campaign.pk)
    return _form_page(request, form, f"Sửa “{campaign}”", campaign)


@login_required
@require_POST
def campaign_status(request, pk):
    campaign = get_campaign(request.user, pk, "edit")
    form = forms.StatusForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            actions.set_status(
                request.user, campaign, form.cleaned_data["to_status"], form.cleaned_data["note"]
            )
            messages.success(request, "Đã chuyển tình trạng chiến dịch.")
        except actions.TransitionError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "Tình trạng không hợp lệ.")
    return redirect("campaign_detail", pk=campaign.pk)


@login_required
def campaign_extend(request, pk):
    campaign = get_campaign(request.user, pk, "edit")
    form = forms.ExtensionForm(request.POST or None, actor=request.user, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        actions.extend_receiving(request.user, campaign, **form.cleaned_data)
        messages.success(request, "Đã ghi nhận gia hạn tiếp nhận.")
        return redirect("campaign_detail", pk=campaign.pk)
    return _form_page(request, form, f"Gia hạn tiếp nhận “{campaign}”", campaign, "Ghi nhận")
