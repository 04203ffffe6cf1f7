"""Validation of campaigns (used by the HTML views and the API alike)."""

import re
from datetime import timedelta

from django import forms
from django.utils import timezone

from nhandao.campaigns.models import (
    DECREE_93_KINDS,
    DISTRIBUTION_DAYS,
    RECEIVING_DAYS,
    Campaign,
    CampaignKind,
    CampaignStatus,
)
from nhandao.campaigns.pickers import campaign_picker
from nhandao.orgs.forms import ActorForm, OrgCodeField, OrgCodesField, limit_orgs
from nhandao.orgs.models import Organisation, OrgLevel

MEMO_RE = re.compile(r"^[A-Za-z0-9]{4,25}$")


class CampaignCodeField(forms.ModelChoiceField):
    """A campaign: picked by name on a page, given by its code in the API."""

    default_error_messages = {
        "invalid_choice": "Chiến dịch “%(value)s” không tồn tại hoặc nằm ngoài phạm vi của bạn."
    }

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("widget", campaign_picker())
        kwargs.setdefault("empty_label", "")
        super().__init__(queryset=queryset, to_field_name="code", **kwargs)

    def to_python(self, value):
        return super().to_python(value.strip().upper() if isinstance(value, str) else value)


class CampaignForm(ActorForm):
    code = forms.CharField(label="Mã chiến dịch", max_length=40)
    name = forms.CharField(label="Tên chiến dịch", max_length=200)
    kind = forms.ChoiceField(label="Loại", choices=CampaignKind.choices)
    organisation = OrgCodeField(None, label="Đơn vị chủ trì")
    co_organisers = OrgCodesField(None, label="Đồng tổ chức", required=False)
    parent = CampaignCodeField(None, label="Thuộc chiến dịch cấp trên", required=False)
    theme = forms.CharField(label="Chủ đề", max_length=255, required=False)
    launch_date = forms.DateField(label="Ngày phát động (dd/mm/yyyy)", initial=timezone.localdate)
    receiving_end = forms.DateField(label="Ngày kết thúc tiếp nhận (dd/mm/yyyy)", required=False)
    distribution_end = forms.DateField(label="Ngày kết thúc phân phối (dd/mm/yyyy)", required=False)
    target_amount = forms.IntegerField(label="Chỉ tiêu tiền (đồng)", required=False, min_value=0)
    target_gifts = forms.IntegerField(label="Chỉ tiêu suất quà", required=False, min_value=0)
    target_people = forms.IntegerField(label="Chỉ tiêu lượt người", required=False, min_value=0)
    transfer_memo = forms.CharField(
        label="Mã nội dung chuyển khoản (chữ và số, 4–25 ký tự)", max_length=25, required=False
    )
    goods_dropoff = forms.CharField(
        label="Nơi và giờ nhận hiện vật, mặt hàng đang cần",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    auto_receipts = forms.BooleanField(
        label="Tự động cấp biên nhận cho khoản ủng hộ có tên người ủng hộ", required=False
    )

    def __init__(self, *args, instance: Campaign | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        limit_orgs(self, "organisation", "edit")
        self.fields["co_organisers"].queryset = Organisation.objects.active()
        self.fields["parent"].queryset = Campaign.objects.for_user(self.actor)
        for name in ("target_amount", "target_gifts", "target_people"):
            self.fields[name].error_messages["min_value"] = "Không được là số âm."
        if instance is not None:
            self.fields["code"].disabled = True

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        others = Campaign.objects.filter(code=code)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(f"Mã “{code}” đã được dùng cho chiến dịch khác.")
        return code

    def clean_transfer_memo(self):
        memo = (self.cleaned_data.get("transfer_memo") or "").strip().upper()
        if not memo:
            return ""
        if not MEMO_RE.match(memo):
            raise forms.ValidationError("Chỉ dùng chữ không dấu và số, từ 4 đến 25 ký tự.")
        others = Campaign.objects.filter(transfer_memo=memo)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(f"Mã “{memo}” đã dùng cho chiến dịch khác.")
        return memo

    def clean(self):
        data = super().clean()
        launch, rec_end, dist_end = (
            data.get("launch_date"),
            data.get("receiving_end"),
            data.get("distribution_end"),
        )
        if launch and rec_end and rec_end < launch:
            self.add_error("receiving_end", "Ngày kết thúc tiếp nhận phải sau ngày phát động.")
        if rec_end and dist_end and dist_end < rec_end:
            self.add_error(
                "distribution_end", "Ngày kết thúc phân phối phải sau ngày kết thúc tiếp nhận."
            )
        if data.get("kind") in DECREE_93_KINDS and launch:
            limit = launch + timedelta(days=RECEIVING_DAYS)
            extension = self.instance.latest_extension() if self.instance else None
            if extension:
                limit = max(limit, extension.new_receiving_end)
            if rec_end and rec_end > limit:
                self.add_error(
                    "receiving_end",
                    (
                        f"Theo Nghị định 93/2021, thời gian tiếp nhận tối đa {RECEIVING_DAYS} "
                        f"ngày kể từ ngày phát động (đến {limit:%d/%m/%Y}), trừ khi được cơ "
                        "quan cấp tỉnh trở lên gia hạn."
                    ),
                )
            closes = min(rec_end, limit) if rec_end else limit
            if dist_end and dist_end > closes + timedelta(days=DISTRIBUTION_DAYS):
                self.add_error(
                    "distribution_end",
                    (
                        "Theo Nghị định 93/2021, phải phân phối xong chậm nhất "
                        f"{DISTRIBUTION_DAYS} ngày sau khi kết thúc tiếp nhận (đến "
                        f"{closes + timedelta(days=DISTRIBUTION_DAYS):%d/%m/%Y})."
                    ),
                )
        parent = data.get("parent")
        if parent and self.instance and parent.pk in self.instance.subtree_ids():
            self.add_error("parent", "Không thể đặt chiến dịch làm phần của chính nó.")
        return data

    def action_fields(self) -> dict:
        data = self.cleaned_data
        # every field of the form; the code is fixed once the campaign exists
        values = {name: data.get(name) for name in self.fields if name != "code"}
        values["theme"] = values["theme"] or ""
        values["goods_dropoff"] = values["goods_dropoff"] or ""
        values["auto_receipts"] = bool(values["auto_receipts"])
        values["co_organisers"] = list(values["co_organisers"] or [])
        if self.instance is None:
            values["code"] = data["code"]
        return values


class StatusForm(ActorForm):
    to_status = forms.ChoiceField(label="Chuyển sang", choices=CampaignStatus.choices)
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)


class ExtensionForm(ActorForm):
    new_receiving_end = forms.DateField(label="Gia hạn tiếp nhận đến (dd/mm/yyyy)")
    decided_by = OrgCodeField(None, label="Cơ quan quyết định gia hạn")
    decision_ref = forms.CharField(label="Số quyết định", max_length=80)
    decided_on = forms.DateField(label="Ngày quyết định (dd/mm/yyyy)")

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        # only a province or the centre may extend (clean_decided_by says so otherwise)
        self.fields["decided_by"].queryset = Organisation.objects.active()
        self.fields["decided_by"].widget.preferred = Organisation.objects.active().filter(
            level__in=(OrgLevel.CENTRAL, OrgLevel.PROVINCE)
        )

    def clean_decided_by(self):
        org = self.cleaned_data["decided_by"]
        if org.level not in (OrgLevel.CENTRAL, OrgLevel.PROVINCE):
            raise forms.ValidationError(
                "Chỉ cơ quan, tổ chức cấp tỉnh trở lên được gia hạn thời gian tiếp nhận."
            )
        return org

    def clean_new_receiving_end(self):
        day = self.cleaned_data["new_receiving_end"]
        current = self.campaign.receiving_closes_on()
        if current and day <= current:
            raise forms.ValidationError(f"Ngày gia hạn phải sau hạn hiện tại ({current:%d/%m/%Y}).")
        return day
