"""Campaign pages: list, create, edit, status moves and Decree 93 extensions.

The detail page shows the money received, so it lives a layer up, in donations/views.py
(campaign_detail): donations depend on campaigns, never the reverse."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from nhandao.campaigns import actions, forms
from nhandao.campaigns.lookups import get_campaign
from nhandao.campaigns.models import Campaign, CampaignStatus
from nhandao.lib import exports
from nhandao.lib.errors import Refused
from nhandao.lib.listing import Sort, listing
from nhandao.lib.views import show_refused
from nhandao.orgs import access

CAMPAIGN_SORTS = [
    Sort("moi", "Phát động mới nhất", ("-launch_date", "code")),
    Sort("cu", "Phát động cũ nhất", ("launch_date", "code")),
    Sort("ten", "Tên A–Z", ("name_key", "code")),
    Sort("chi-tieu", "Chỉ tiêu lớn nhất", ("-target_amount", "code")),
]


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
        header = ["Mã", "Tên", "Loại", "Chủ trì", "Phát động", "Kết thúc tiếp nhận",
                  "Chỉ tiêu tiền (đồng)", "Tình trạng"]  # fmt: skip
        rows = ([c.code, c.name, c.get_kind_display(), c.organisation.name, c.launch_date,
                 c.receiving_closes_on(), c.target_amount, c.get_status_display()]
                for c in campaigns.order_by("-launch_date", "code")[:10_000])  # fmt: skip
        return exports.export_response(request, "chien-dich", header, rows)
    shown = listing(request, campaigns, CAMPAIGN_SORTS)
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "page": shown.page,
            "listing": shown,
            "query": query,
            "status": status,
            "statuses": CampaignStatus.choices,
            "can_create": access.can_anywhere(request.user, "edit"),
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
        except Refused as exc:
            show_refused(request, exc)
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
