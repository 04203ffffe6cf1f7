"""Validation of relief input (used by the HTML views and the API alike). Organisation and
campaign fields only accept what the acting user reaches."""

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone

from nhandao.campaigns.forms import CampaignCodeField
from nhandao.lib.forms import FileField
from nhandao.lib.money import format_vnd
from nhandao.lib.widgets import Picker
from nhandao.orgs import access
from nhandao.orgs.forms import ActorForm, OrgCodeField, UnitCodeField, limit_orgs
from nhandao.orgs.models import Organisation
from nhandao.orgs.pickers import attach_communes, current_units
from nhandao.relief.lookups import relief_campaigns
from nhandao.relief.models import (
    Allocation,
    AllocationStatus,
    AllowedUse,
    DistributionKind,
    Incident,
    IncidentKind,
    Item,
    ReceiptMethod,
    Warehouse,
)


def limit_campaigns(form, name: str) -> None:
    """A campaign field over the campaigns whose money the user may spend; the only one
    preselected."""
    field = form.fields[name]
    field.queryset = relief_campaigns(form.actor)
    field.widget.url = reverse_lazy("pick_relief_campaigns")
    if not form.is_bound and not form.initial.get(name) and field.required:
        only = list(field.queryset[:2])
        if len(only) == 1:
            form.initial[name] = only[0].code


class AllocationForm(ActorForm):
    organisation = OrgCodeField(None, label="Đơn vị phân bổ")
    campaign = CampaignCodeField(None, label="Chiến dịch")
    source_earmark = forms.CharField(
        label="Nguồn: địa chỉ chỉ định (để trống: không chỉ định)", max_length=160, required=False
    )
    target_organisation = OrgCodeField(None, label="Đơn vị nhận", required=False)
    purpose = forms.ModelChoiceField(
        AllowedUse.objects.filter(active=True),
        required=False,
        widget=Picker(),
        label="Hoặc: nội dung sử dụng (NĐ 93/2021, Điều 11)",
    )
    purpose_text = forms.CharField(
        label="Nội dung chi (tiền chỉ định mục đích)", max_length=255, required=False
    )
    amount = forms.IntegerField(label="Số tiền (đồng)", min_value=1)
    decision_no = forms.CharField(label="Số quyết định", max_length=60)
    decision_date = forms.DateField(
        label="Ngày quyết định (dd/mm/yyyy)", initial=timezone.localdate
    )
    decision_file = FileField(label="Văn bản quyết định (PDF, ảnh)", required=False)
    incident = forms.ModelChoiceField(
        Incident.objects.none(), required=False, label="Sự cố", widget=Picker()
    )
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)
    into_stock = forms.BooleanField(
        label="Mua hàng nhập kho (tiền thành hàng trong kho; nhập kho ghi theo quyết định này)",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "money")
        limit_campaigns(self, "campaign")
        self.fields["target_organisation"].queryset = Organisation.objects.active()
        self.fields["incident"].queryset = Incident.objects.all()

    def clean(self):
        data = super().clean()
        target, purpose = data.get("target_organisation"), data.get("purpose")
        if target and (purpose or data.get("purpose_text")):
            self.add_error(
                "target_organisation", "Chọn đơn vị nhận hoặc nội dung sử dụng, không chọn cả hai."
            )
        if (
            not target
            and not purpose
            and not data.get("purpose_text")
            and "target_organisation" not in self.errors
        ):
            self.add_error("target_organisation", "Cần chọn đơn vị nhận hoặc nội dung sử dụng.")
        if data.get("into_stock") and not purpose and "purpose" not in self.errors:
            self.add_error(
                "purpose",
                "Mua hàng nhập kho cần chọn nội dung sử dụng theo Điều 11 Nghị định 93/2021/NĐ-CP.",
            )
        data["source_earmark"] = (data.get("source_earmark") or "").strip()
        return data

    def action_fields(self) -> dict:
        names = [
            "organisation",
            "campaign",
            "source_earmark",
            "target_organisation",
            "purpose",
            "purpose_text",
            "amount",
            "decision_no",
            "decision_date",
            "decision_file",
            "incident",
            "note",
        ]
        return {n: self.cleaned_data.get(n) for n in names} | {
            "purpose_text": self.cleaned_data.get("purpose_text") or "",
            "note": self.cleaned_data.get("note") or "",
            "into_stock": bool(self.cleaned_data.get("into_stock")),
        }


class DecisionForm(forms.Form):
    note = forms.CharField(label="Ý kiến / lý do", max_length=255, required=False)


class RoundForm(ActorForm):
    organisation = OrgCodeField(None, label="Đơn vị cấp phát")
    campaign = CampaignCodeField(None, label="Chiến dịch")
    kind = forms.ChoiceField(label="Hình thức", choices=DistributionKind.choices)
    name = forms.CharField(label="Tên đợt", max_length=200)
    date = forms.DateField(label="Ngày cấp phát (dd/mm/yyyy)")
    place = forms.CharField(label="Địa điểm", max_length=255, required=False)
    commune = UnitCodeField(label="Xã/phường", required=False)
    earmark = forms.CharField(
        label="Nguồn: địa chỉ chỉ định (để trống: không chỉ định)", max_length=160, required=False
    )
    warehouse = forms.ModelChoiceField(
        Warehouse.objects.none(),
        required=False,
        label="Xuất hàng từ kho (đợt cấp hàng)",
        widget=Picker(),
    )
    item = forms.ModelChoiceField(
        Item.objects.all(), required=False, label="Mặt hàng", widget=Picker()
    )
    incident = forms.ModelChoiceField(
        Incident.objects.all(), required=False, label="Sự cố", widget=Picker()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "edit")
        limit_campaigns(self, "campaign")
        attach_communes(self, "commune")
        self.fields["warehouse"].queryset = Warehouse.objects.for_user(self.actor, "edit")

    def action_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            n: data.get(n)
            for n in (
                "organisation",
                "campaign",
                "kind",
                "name",
                "date",
                "commune",
                "warehouse",
                "item",
                "incident",
            )
        }
        return fields | {
            "place": data.get("place") or "",
            "earmark": (data.get("earmark") or "").strip(),
        }


STATUS_CHOICES = [("poor", "Hộ nghèo"), ("near_poor", "Hộ cận nghèo")]


class RegistryFilterForm(forms.Form):
    commune = UnitCodeField(label="Xã/phường (để trống: cả địa bàn)", required=False)
    statuses = forms.MultipleChoiceField(
        label="Diện", choices=STATUS_CHOICES, widget=forms.CheckboxSelectMultiple, initial=["poor"]
    )
    year = forms.IntegerField(
        label="Năm xác nhận diện nghèo", required=False, min_value=2000, max_value=2100
    )
    value = forms.IntegerField(label="Trị giá mỗi suất (đồng)", min_value=0)
    quantity = forms.DecimalField(
        label="Số lượng mỗi suất (đợt cấp hàng)",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )


class ImportForm(forms.Form):
    MAX_BYTES = 20 * 1024 * 1024

    file = FileField(
        label="Danh sách (Excel .xlsx hoặc CSV)",
        error_messages={"required": "Hãy chọn tệp Excel hoặc CSV."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("Tệp quá lớn (tối đa 20 MB).")
        return upload


class ConfirmForm(forms.Form):
    method = forms.ChoiceField(label="Xác nhận bằng", choices=ReceiptMethod.choices)
    receipt_file = FileField(label="Ảnh / danh sách có chữ ký", required=False)
    override_reason = forms.CharField(
        label="Lý do vẫn cấp khi có cảnh báo trùng (lãnh đạo)", max_length=255, required=False
    )


class CoverageForm(ActorForm):
    campaign = CampaignCodeField(None, label="Chiến dịch")
    province = UnitCodeField(label="Tỉnh/thành phố", levels=("province",))
    commune = UnitCodeField(label="Xã/phường (để trống: cả tỉnh)", required=False)
    year = forms.IntegerField(label="Năm xác nhận diện nghèo", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_campaigns(self, "campaign")
        self.fields["province"].widget.preferred = [
            (u.code, u.name) for u in current_units(("province",))
        ]
        attach_communes(self, "commune")
        if not self.is_bound:  # the user's own province, as they mostly look at it
            home = access.home_organisation(self.actor)
            units = access.area_units(home) if home is not None else None
            if units:
                unit = units[0]
                province = unit if unit.level == "province" else unit.province
                self.initial.setdefault("province", province.code)

    def clean(self):
        data = super().clean()
        province, commune = data.get("province"), data.get("commune")
        if commune and province and commune.province_id != province.pk:
            self.add_error("commune", f"“{commune.name}” không thuộc {province.name}.")
        data["area"] = commune or province
        return data


class WarehouseForm(ActorForm):
    organisation = OrgCodeField(None, label="Tổ chức")
    name = forms.CharField(label="Tên kho", max_length=200)
    address = forms.CharField(label="Địa chỉ", max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "edit")


class GoodsInForm(ActorForm):
    item_name = forms.CharField(label="Mặt hàng", max_length=200)
    unit = forms.CharField(label="Đơn vị tính", max_length=30)
    quantity = forms.DecimalField(label="Số lượng", min_value=0.01, max_digits=14, decimal_places=2)
    date = forms.DateField(label="Ngày nhập (dd/mm/yyyy)", initial=timezone.localdate)
    campaign = CampaignCodeField(None, label="Chiến dịch", required=False)
    value = forms.IntegerField(label="Trị giá (đồng)", min_value=0, required=False)
    donation = forms.IntegerField(
        label="Từ khoản ủng hộ hiện vật",
        required=False,
        widget=Picker(url=reverse_lazy("pick_in_kind"), placeholder="Gõ tên hàng, người ủng hộ…"),
    )
    purchase = forms.ModelChoiceField(
        Allocation.objects.none(),
        label="Hàng mua theo quyết định đã duyệt (mua bằng tiền chiến dịch)",
        required=False,
        widget=Picker(placeholder="Gõ số quyết định…"),
    )

    def __init__(self, *args, warehouse=None, **kwargs):
        super().__init__(*args, **kwargs)
        limit_campaigns(self, "campaign")
        # approved purchases (allocations into stock) waiting for their goods, of the
        # warehouse's organisation (decision 0023)
        waiting = Allocation.objects.filter(
            status=AllocationStatus.EXECUTED, into_stock=True, receipt__isnull=True
        ).select_related("purpose")
        if warehouse is not None:
            waiting = waiting.filter(organisation=warehouse.organisation)
        self.fields["purchase"].queryset = waiting.filter(
            access.reach_q(self.actor, "edit", via="organisation")
        )
        self.fields["purchase"].label_from_instance = lambda a: (
            f"QĐ {a.decision_no} ({a.decision_date:%d/%m/%Y}) — {a.purpose} — "
            f"{format_vnd(a.amount)}"
        )
        from nhandao.donations.pickers import donation_label, in_kind

        donations = in_kind(self.actor)
        widget = self.fields["donation"].widget
        widget.labels = lambda pk: next(
            (donation_label(d) for d in donations.filter(pk=int(pk))), None
        )
        widget.preferred = [(d.pk, donation_label(d)) for d in donations[:50]]

    def clean_donation(self):
        pk = self.cleaned_data.get("donation")
        if not pk:
            return None
        from nhandao.donations.models import Donation

        donation = (
            Donation.objects.for_user(self.actor, "money").filter(pk=pk, channel="in_kind").first()
        )
        if donation is None:
            raise forms.ValidationError("Không có khoản ủng hộ hiện vật này trong phạm vi của bạn.")
        return donation

    def clean(self):
        data = super().clean()
        if data.get("donation") and data.get("purchase"):
            self.add_error(
                "purchase", "Chọn khoản ủng hộ hiện vật hoặc quyết định mua, không cả hai."
            )
        return data


class TransferGoodsForm(ActorForm):
    target = forms.ModelChoiceField(Warehouse.objects.none(), label="Kho nhận", widget=Picker())
    item = forms.ModelChoiceField(Item.objects.all(), label="Mặt hàng", widget=Picker())
    quantity = forms.DecimalField(label="Số lượng", min_value=0.01, max_digits=14, decimal_places=2)
    date = forms.DateField(label="Ngày (dd/mm/yyyy)", initial=timezone.localdate)
    campaign = CampaignCodeField(None, label="Chiến dịch", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Warehouse.objects.for_user(self.actor)
        limit_campaigns(self, "campaign")


class IncidentForm(ActorForm):
    organisation = OrgCodeField(None, label="Tổ chức ghi nhận")
    kind = forms.ChoiceField(label="Loại", choices=IncidentKind.choices)
    name = forms.CharField(label="Tên", max_length=200)
    start = forms.DateField(label="Từ ngày (dd/mm/yyyy)")
    end = forms.DateField(label="Đến ngày (dd/mm/yyyy)", required=False)
    description = forms.CharField(label="Mô tả", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "edit")


class IncidentAreaForm(forms.Form):
    commune = UnitCodeField(label="Xã/phường bị ảnh hưởng")
    deaths = forms.IntegerField(label="Người chết", min_value=0, initial=0)
    missing = forms.IntegerField(label="Người mất tích", min_value=0, initial=0)
    injured = forms.IntegerField(label="Người bị thương", min_value=0, initial=0)
    houses_destroyed = forms.IntegerField(label="Nhà sập, cuốn trôi", min_value=0, initial=0)
    houses_damaged = forms.IntegerField(label="Nhà hư hỏng", min_value=0, initial=0)
    damage_amount = forms.IntegerField(label="Thiệt hại ước tính (đồng)", min_value=0, initial=0)
    needs_amount = forms.IntegerField(label="Nhu cầu hỗ trợ (đồng)", min_value=0, initial=0)
    needs_note = forms.CharField(label="Nhu cầu cụ thể", max_length=255, required=False)


class PeriodForm(forms.Form):
    """A period (from–to, either open) for a campaign's figures; dates dd/mm/yyyy."""

    INVALID = {"invalid": "Ngày không hợp lệ: ghi theo dạng dd/mm/yyyy, ví dụ 15/09/2024."}
    tu = forms.DateField(label="Từ ngày (dd/mm/yyyy)", required=False, error_messages=INVALID)
    den = forms.DateField(label="Đến ngày (dd/mm/yyyy)", required=False, error_messages=INVALID)

    def clean(self):
        data = super().clean()
        start, end = data.get("tu"), data.get("den")
        if start and end and start > end:
            self.add_error("den", "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
        return data

    def period(self) -> tuple:
        """(start, end) when valid, else (None, None): the whole campaign."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("tu"), self.cleaned_data.get("den")
        return None, None
