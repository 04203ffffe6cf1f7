"""Validation of donations, donors and bank accounts (HTML views and API share these)."""

from decimal import Decimal

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone

from nhandao.campaigns.forms import CampaignCodeField
from nhandao.campaigns.models import Campaign, CampaignStatus
from nhandao.campaigns.pickers import receiving
from nhandao.donations.importers import FIELD_LABELS, LAYOUTS
from nhandao.donations.importers.pdf import TEMPLATES as PDF_TEMPLATES
from nhandao.donations.models import (
    Bank,
    BankAccount,
    Channel,
    Donation,
    DonorKind,
    EarmarkKind,
    EarmarkPurpose,
)
from nhandao.lib.forms import FileField
from nhandao.lib.widgets import Picker
from nhandao.orgs.forms import ActorForm, OrgCodeField, UnitCodeField, limit_orgs

POSITIVE = "Số tiền phải lớn hơn 0."
WHOLE = {"invalid": "Số tiền phải là số nguyên (đồng), ví dụ 1500000."}


class DonationForm(ActorForm):
    """Cash or in-kind donation typed at the counter (transfers come from statements)."""

    organisation = OrgCodeField(None, label="Tổ chức tiếp nhận")
    campaign = CampaignCodeField(None, label="Chiến dịch", required=False)
    received_on = forms.DateField(label="Ngày nhận (dd/mm/yyyy)", initial=timezone.localdate)
    amount = forms.IntegerField(label="Số tiền (đồng)", required=False, error_messages=WHOLE)
    goods_item = forms.CharField(label="Hiện vật", max_length=200, required=False)
    goods_quantity = forms.DecimalField(
        label="Số lượng", required=False, max_digits=14, decimal_places=2
    )
    goods_unit = forms.CharField(label="Đơn vị tính", max_length=30, required=False)
    goods_valuation = forms.IntegerField(
        label="Giá trị quy đổi (đồng)", required=False, error_messages=WHOLE
    )
    donor_kind = forms.ChoiceField(
        label="Người ủng hộ là", choices=DonorKind.choices, initial=DonorKind.INDIVIDUAL
    )
    donor_name = forms.CharField(label="Tên người/đơn vị ủng hộ", max_length=200, required=False)
    donor_phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    donor_code = forms.CharField(label="Mã số thuế / số giấy tờ", max_length=30, required=False)
    donor_address = forms.CharField(label="Địa chỉ", max_length=255, required=False)
    consent_publish = forms.BooleanField(label="Đồng ý công khai tên", required=False)
    earmark_kind = forms.ChoiceField(
        label="Chỉ định sử dụng", choices=EarmarkKind.choices, required=False
    )
    earmark_ref = forms.CharField(
        label="Địa phương / người / mục đích được chỉ định", max_length=200, required=False
    )
    # structured earmarks (decision 0026): chosen, never typed as a code
    earmark_household = forms.IntegerField(
        label="Chỉ định cho hộ gia đình (sổ đối tượng)",
        required=False,
        widget=Picker(url=reverse_lazy("pick_households"), placeholder="Gõ tên chủ hộ…"),
    )
    earmark_person = forms.IntegerField(
        label="Chỉ định cho người (sổ đối tượng)",
        required=False,
        widget=Picker(url=reverse_lazy("pick_persons"), placeholder="Gõ họ tên…"),
    )
    earmark_purpose = forms.ModelChoiceField(
        EarmarkPurpose.objects.filter(active=True),
        label="Chỉ định cho mục đích",
        required=False,
        empty_label="—",
    )
    earmark_unit = UnitCodeField(
        label="Chỉ định cho địa phương (xã/phường hoặc tỉnh/thành)",
        levels=("commune", "province"),
        required=False,
    )
    earmark_incident = forms.ModelChoiceField(
        Donation._meta.get_field("earmark_incident").related_model.objects.none(),
        label="Chỉ định cho sự cố, thiên tai",
        required=False,
        empty_label="—",
    )
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, channel: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel
        # the incidents the user's organisations recorded (relief's model, reached through
        # the donation's relation: donations does not import relief)
        incidents = self.fields["earmark_incident"].queryset.model.objects
        self.fields["earmark_incident"].queryset = incidents.for_user(self.actor).order_by("-start")
        limit_orgs(self, "organisation", "money")
        campaigns = Campaign.objects.for_user(self.actor)
        self.fields["campaign"].queryset = campaigns
        # offered: the campaigns receiving now (others are refused with a reason)
        open_now = receiving(campaigns)
        self.fields["campaign"].widget.preferred = open_now
        self.fields["campaign"].widget.url = f"{reverse_lazy('pick_campaigns')}?pham-vi=tiep-nhan"
        if not self.is_bound and not self.initial.get("campaign"):
            only = list(open_now[:2])
            if len(only) == 1:
                self.initial["campaign"] = only[0].code
        if channel == Channel.IN_KIND:
            del self.fields["amount"]
        else:
            for name in ("goods_item", "goods_quantity", "goods_unit", "goods_valuation"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if self.channel == Channel.IN_KIND:
            if not data.get("goods_item"):
                self.add_error("goods_item", "Hãy ghi tên hiện vật.")
            quantity = data.get("goods_quantity")
            if quantity is not None and quantity <= Decimal(0):
                self.add_error("goods_quantity", "Số lượng phải lớn hơn 0.")
            valuation = data.get("goods_valuation")
            if valuation is None and "goods_valuation" not in self.errors:
                self.add_error("goods_valuation", "Hiện vật phải có giá trị quy đổi bằng đồng.")
            elif valuation is not None and valuation <= 0:
                self.add_error("goods_valuation", "Giá trị quy đổi phải lớn hơn 0.")
            data["amount"] = valuation
        else:
            amount = data.get("amount")
            if amount is None and "amount" not in self.errors:
                self.add_error("amount", "Hãy nhập số tiền.")
            elif amount is not None and amount <= 0:
                self.add_error("amount", POSITIVE)
        kind = data.get("donor_kind")
        if kind != DonorKind.ANONYMOUS and not (data.get("donor_name") or "").strip():
            self.add_error("donor_name", "Hãy nhập tên người ủng hộ hoặc chọn “Ẩn danh”.")
        self.clean_registry_earmarks(data)
        structured = [n for n in STRUCTURED_EARMARKS if data.get(n)]
        if len(structured) > 1:
            self.add_error(structured[1].removesuffix("_obj"),
                           "Mỗi khoản ủng hộ chỉ có một chỉ định sử dụng; hãy bỏ bớt.")  # fmt: skip
        if structured:
            data["earmark_kind"] = data["earmark_ref"] = ""
        elif data.get("earmark_kind") and not (data.get("earmark_ref") or "").strip():
            self.add_error("earmark_ref", "Hãy ghi rõ địa phương, người hoặc mục đích chỉ định.")
        campaign, day = data.get("campaign"), data.get("received_on")
        if campaign is not None and day is not None:
            reason = campaign.refusal_for(day)
            if reason:
                self.add_error("received_on", reason)
            elif campaign.status != CampaignStatus.RECEIVING:
                self.add_error(
                    "campaign",
                    (
                        f"Chiến dịch “{campaign}” không ở giai đoạn tiếp nhận "
                        f"({campaign.get_status_display().lower()})."
                    ),
                )
            elif day < campaign.launch_date:
                self.add_error(
                    "received_on",
                    (
                        f"Chiến dịch phát động ngày "
                        f"{campaign.launch_date:%d/%m/%Y}; ngày nhận không "
                        "được trước ngày đó."
                    ),
                )
        return data

    def clean_registry_earmarks(self, data) -> None:
        """A household or person earmark: a registry record within the user's reach (the
        model is reached through the donation's relation: donations does not import the
        registry)."""
        for name, what in (("earmark_household", "Hộ gia đình"), ("earmark_person", "Người")):
            data[f"{name}_obj"] = None
            pk = data.get(name)
            if not pk:
                continue
            model = Donation._meta.get_field(name).related_model
            found = model.objects.for_user(self.actor).filter(pk=pk).first()
            if found is None:
                self.add_error(name, f"{what} được chỉ định không thuộc phạm vi quản lý của bạn.")
            data[f"{name}_obj"] = found


STRUCTURED_EARMARKS = ("earmark_household_obj", "earmark_person_obj", "earmark_purpose",
                       "earmark_unit", "earmark_incident")  # fmt: skip


class DonorForm(ActorForm):
    organisation = OrgCodeField(None, label="Tổ chức")
    kind = forms.ChoiceField(label="Loại", choices=DonorKind.choices)
    name = forms.CharField(label="Tên", max_length=200)
    account_no = forms.CharField(label="Số tài khoản", max_length=30, required=False)
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    code = forms.CharField(label="Mã số thuế / số giấy tờ", max_length=30, required=False)
    email = forms.EmailField(label="Email", required=False)
    address = forms.CharField(label="Địa chỉ", max_length=255, required=False)
    consent_publish = forms.BooleanField(label="Đồng ý công khai tên", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "money")


class BankAccountForm(ActorForm):
    bank = forms.ChoiceField(label="Ngân hàng", choices=Bank.choices)
    number = forms.RegexField(
        label="Số tài khoản",
        regex=r"^\d{6,20}$",
        max_length=20,
        error_messages={"invalid": "Số tài khoản chỉ gồm 6–20 chữ số."},
    )
    holder = forms.CharField(label="Chủ tài khoản", max_length=200)
    organisation = OrgCodeField(None, label="Tổ chức chủ tài khoản")
    campaign = CampaignCodeField(None, label="Chiến dịch dùng tài khoản này", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "money")
        self.fields["campaign"].queryset = Campaign.objects.for_user(self.actor)

    def clean(self):
        data = super().clean()
        bank, number = data.get("bank"), data.get("number")
        if bank and number and BankAccount.objects.filter(bank=bank, number=number).exists():
            self.add_error("number", "Tài khoản này đã được khai báo.")
        return data


NUMBER_FORMATS = [
    ("auto", "Tự nhận diện"),
    ("dot", "1.000.000 / 400.000,00"),
    ("comma", "50,000 / 50,000.00"),
]
MAPPED = ["date", "time", "reference", "debit", "credit", "amount", "balance", "description"]


class StatementUploadForm(forms.Form):
    file = FileField(label="Tệp sao kê (.csv, .xlsx hoặc .pdf của ngân hàng)")
    layout = forms.ChoiceField(
        label="Mẫu sao kê",
        choices=[
            ("auto", "Tự nhận diện"),
            *[(k, v.label) for k, v in LAYOUTS.items()],
            *[(f"pdf-{k}", v.label) for k, v in PDF_TEMPLATES.items()],
            ("custom", "Ánh xạ cột (tệp ngân hàng khác)"),
        ],
    )
    campaign = CampaignCodeField(None, label="Chiến dịch mặc định (không bắt buộc)", required=False)
    number_format = forms.ChoiceField(label="Định dạng số", choices=NUMBER_FORMATS)
    header_row = forms.IntegerField(
        label="Dòng tiêu đề (số thứ tự, để trống = tự tìm)", required=False, min_value=1
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.for_user(actor)
        for name in MAPPED:
            self.fields[f"col_{name}"] = forms.CharField(
                label=f"Cột “{FIELD_LABELS[name]}” (tên tiêu đề trong tệp)",
                required=False,
                max_length=100,
            )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx", ".xlsm", ".pdf")):
            raise forms.ValidationError("Chỉ nhận tệp .csv, .xlsx hoặc .pdf.")
        if upload.size > 200 * 1024 * 1024:
            raise forms.ValidationError("Tệp lớn hơn 200 MB.")
        return upload

    def clean(self):
        data = super().clean()
        if data.get("layout") == "custom":
            if not data.get("col_date"):
                self.add_error("col_date", "Hãy nhập tên cột ngày.")
            if not data.get("col_description"):
                self.add_error("col_description", "Hãy nhập tên cột nội dung.")
            if not (data.get("col_amount") or data.get("col_credit") or data.get("col_debit")):
                self.add_error("col_amount", "Hãy nhập cột số tiền, hoặc cột ghi nợ/ghi có.")
        return data

    def action_fields(self) -> dict:
        """The keyword arguments of actions.create_statement()."""
        upload = self.cleaned_data["file"]
        return {
            "filename": upload.name,
            "data": upload.read(),
            "campaign": self.cleaned_data.get("campaign"),
            "options": self.options(),
        }

    def options(self) -> dict:
        data = self.cleaned_data
        custom = data["layout"] == "custom"
        columns = {name: data[f"col_{name}"] for name in MAPPED if data.get(f"col_{name}")}
        return {
            "layout": "" if custom or data["layout"] == "auto" else data["layout"],
            "columns": columns if custom else None,
            "header_row": data.get("header_row"),
            "number_format": "" if data["number_format"] == "auto" else data["number_format"],
        }


class ReviewCorrectionForm(forms.Form):
    """An officer's reading of a line set aside for review, from the page beside it."""

    booked_on = forms.DateField(label="Ngày giao dịch (dd/mm/yyyy)", input_formats=["%d/%m/%Y"])
    amount = forms.CharField(label="Số tiền (đồng)", max_length=30)
    direction = forms.ChoiceField(
        label="Chiều", choices=[("C", "Ghi có (tiền vào)"), ("D", "Ghi nợ (tiền ra)")]
    )
    note = forms.CharField(label="Ghi chú (không bắt buộc)", max_length=300, required=False)

    def clean_amount(self):
        from nhandao.lib.money import AmountError, parse_vnd

        try:
            amount = parse_vnd(self.cleaned_data["amount"])
        except AmountError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if amount <= 0:
            raise forms.ValidationError("Số tiền phải lớn hơn 0.")
        return amount


class DebitMatchForm(forms.Form):
    """A person matches a debit line of a statement: to a ledger entry (its number), or to
    none (a bank fee), always with a reason (donations/matching.py)."""

    line = forms.IntegerField(label="Dòng sao kê", min_value=1)
    entry = forms.IntegerField(label="Bút toán (mã, để trống nếu không có)", required=False)
    reason = forms.CharField(
        label="Lý do",
        max_length=255,
        error_messages={"required": "Hãy ghi lý do đối chiếu thủ công."},
    )
