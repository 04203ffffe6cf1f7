"""Validation of blood records (pages and API alike). No field asks for a code: donors and
organisations are picked, the commune is picked on the current map."""

from django import forms
from django.utils import timezone

from nhandao.blood.models import Donor, Kind
from nhandao.blood.pickers import donor_picker
from nhandao.lib.forms import FileField
from nhandao.orgs import pickers
from nhandao.orgs.forms import ActorForm, OrgCodeField, limit_orgs
from nhandao.orgs.models import AdminMap, AdminUnit
from nhandao.people.models import Sex

GROUPS = [("", "Chưa rõ")] + [(f"{a}{r}", f"{a}{r}") for a in ("O", "A", "B", "AB")
                                 for r in ("+", "-")]  # fmt: skip
VOLUME_CHOICES = [(250, "250 ml"), (350, "350 ml"), (450, "450 ml")]


class DonorCodeField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": "Người hiến “%(value)s” không có hoặc nằm ngoài phạm vi của bạn."
    }

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("widget", donor_picker())
        kwargs.setdefault("empty_label", "")
        super().__init__(queryset=queryset, to_field_name="code", **kwargs)


def _commune(form, name="commune_code"):
    code = (form.cleaned_data.get(name) or "").strip().lstrip("0")
    if not code:
        return None
    unit = AdminUnit.objects.filter(map=AdminMap.NEW, level="commune", code=code).first()
    if unit is None:
        raise forms.ValidationError("Không có xã/phường này trên bản đồ hiện hành.")
    return unit


class DriveForm(ActorForm):
    name = forms.CharField(label="Tên đợt hiến máu", max_length=200)
    organisation = OrgCodeField(None, label="Đơn vị tổ chức")
    partners = forms.CharField(label="Đơn vị phối hợp", max_length=255, required=False)
    blood_centre = forms.CharField(
        label="Cơ sở tiếp nhận máu", max_length=200,
        initial="Viện Huyết học – Truyền máu Trung ương",
    )  # fmt: skip
    commune_code = forms.CharField(
        label="Xã/phường nơi tổ chức", max_length=10, widget=pickers.unit_picker()
    )
    address = forms.CharField(label="Địa điểm", max_length=255)
    held_on = forms.DateField(label="Ngày tổ chức (dd/mm/yyyy)")
    starts_at = forms.TimeField(label="Từ giờ (hh:mm)", initial="07:30")
    ends_at = forms.TimeField(label="Đến giờ (hh:mm)", initial="11:30")
    target_units = forms.IntegerField(label="Chỉ tiêu (đơn vị máu)", min_value=0, initial=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "edit")
        pickers.attach_communes(self, "commune_code")

    def clean_commune_code(self):
        unit = _commune(self)
        if unit is None:
            raise forms.ValidationError("Hãy chọn xã/phường nơi tổ chức.")
        return unit

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day < timezone.localdate():
            raise forms.ValidationError("Ngày tổ chức đã qua: hãy chọn một ngày từ hôm nay.")
        return day

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["commune"] = data.pop("commune_code")
        return data


class DonorForm(ActorForm):
    organisation = OrgCodeField(None, label="Tổ chức quản lý hồ sơ")
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    birth_date = forms.DateField(label="Ngày sinh (dd/mm/yyyy)")
    sex = forms.ChoiceField(label="Giới tính", choices=Sex.choices)
    phone = forms.CharField(label="Số điện thoại", max_length=15, required=False)
    email = forms.EmailField(label="Thư điện tử", required=False)
    commune_code = forms.CharField(
        label="Xã/phường nơi ở", max_length=10, required=False, widget=pickers.unit_picker()
    )
    blood_group = forms.ChoiceField(label="Nhóm máu", choices=GROUPS, required=False)
    weight_kg = forms.IntegerField(label="Cân nặng (kg)", min_value=30, max_value=200,
                                   required=False)  # fmt: skip
    consent_contact = forms.BooleanField(label="Đồng ý được nhắc lịch hiến máu", required=False)
    consent_publish = forms.BooleanField(label="Đồng ý được nêu tên khi vinh danh",
                                         required=False)  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "edit")
        pickers.attach_communes(self, "commune_code")

    def clean_commune_code(self):
        return _commune(self)

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["commune"] = data.pop("commune_code")
        return data


class RegisterForm(ActorForm):
    donor = DonorCodeField(None, label="Người hiến")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "register_%s")  # three donor pickers on one page
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = Donor.objects.for_user(self.actor).active()


class ResultForm(ActorForm):
    donor = DonorCodeField(None, label="Người hiến")
    kind = forms.ChoiceField(label="Loại", choices=Kind.choices, initial=Kind.WHOLE)
    volume_ml = forms.TypedChoiceField(label="Thể tích", choices=VOLUME_CHOICES, coerce=int,
                                       initial=350)  # fmt: skip
    weight_kg = forms.IntegerField(label="Cân nặng hôm nay (kg)", min_value=30, max_value=200,
                                   required=False)  # fmt: skip
    confirm_early = forms.BooleanField(
        label="Cơ sở tiếp nhận máu xác nhận lần hiến sớm hơn khoảng cách", required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "result_%s")  # three donor pickers on one page
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = Donor.objects.for_user(self.actor).active()


class DeferralForm(ActorForm):
    donor = DonorCodeField(None, label="Người hiến")
    until = forms.DateField(label="Tạm hoãn đến (dd/mm/yyyy)")
    reason = forms.CharField(label="Lý do", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "deferral_%s")  # three donor pickers on one page
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = Donor.objects.for_user(self.actor).active()


class MergeForm(ActorForm):
    """The duplicate to merge into the donor whose page this is: picked among the donors the
    officer may edit."""

    other = DonorCodeField(None, label="Hồ sơ trùng (sẽ gộp vào hồ sơ này)")

    def __init__(self, *args, survivor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = (
            Donor.objects.for_user(self.actor, "edit").active().exclude(pk=survivor.pk)
        )


class PublicRegistrationForm(forms.Form):
    """The drive's public page: who registers, and a short self-declaration that is kept
    for the collection site and never decides anything."""

    full_name = forms.CharField(label="Họ và tên", max_length=150)
    birth_date = forms.DateField(label="Ngày sinh (dd/mm/yyyy)")
    sex = forms.ChoiceField(label="Giới tính", choices=Sex.choices)
    phone = forms.CharField(label="Số điện thoại", max_length=15)
    email = forms.EmailField(label="Thư điện tử", required=False)
    weight_kg = forms.IntegerField(label="Cân nặng (kg)", min_value=30, max_value=200,
                                   required=False)  # fmt: skip
    blood_group = forms.ChoiceField(label="Nhóm máu (nếu biết)", choices=GROUPS, required=False)
    feels_well = forms.BooleanField(label="Hôm nay tôi thấy khỏe", required=False)
    no_recent_illness = forms.BooleanField(
        label="Trong 2 tuần qua tôi không sốt, không dùng kháng sinh", required=False
    )
    no_recent_tattoo = forms.BooleanField(
        label="Trong 6 tháng qua tôi không xăm mình, xỏ khuyên", required=False
    )
    consent_contact = forms.BooleanField(label="Đồng ý được nhắc lịch hiến máu lần sau",
                                         required=False)  # fmt: skip
    consent_publish = forms.BooleanField(label="Đồng ý được nêu tên khi vinh danh",
                                         required=False)  # fmt: skip

    DECLARATION = ("feels_well", "no_recent_illness", "no_recent_tattoo")

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["declaration"] = {k: data.pop(k) for k in self.DECLARATION}
        return data


class DonorImportForm(ActorForm):
    """The donor-and-history workbook sent from the page (the same importer as
    `nhandao import_blood`): the organisation picked among those the user may edit."""

    organisation = OrgCodeField(None, label="Đơn vị quản lý người hiến")
    file = FileField(label="Tệp danh sách (.xlsx hoặc .csv)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "edit")


class DriveImportForm(ActorForm):
    """A drive's registration list or result sheet sent from the drive's page."""

    file = FileField(label="Tệp danh sách (.xlsx hoặc .csv)")


class FamilyMemberForm(ActorForm):
    """A donor to add to a family (among the donors the officer may edit)."""

    donor = DonorCodeField(None, label="Thêm người hiến vào gia đình")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = Donor.objects.for_user(self.actor, "edit").active()


class BandForm(forms.Form):
    """A milestone of a province: for persons (of the whole province or of one of its areas)
    or for families, dated."""

    FOR = [("person", "Cá nhân"), ("family", "Gia đình")]

    donations = forms.IntegerField(label="Số lần hiến", min_value=1, max_value=500)
    award = forms.CharField(
        label="Hình thức khen thưởng", max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "VD: Giấy khen"}),
    )  # fmt: skip
    awarded_by = forms.CharField(
        label="Cấp khen", max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "VD: Ủy ban nhân dân tỉnh"}),
    )  # fmt: skip
    valid_from = forms.DateField(label="Áp dụng từ (dd/mm/yyyy)")
    scope = forms.ChoiceField(label="Dành cho", choices=FOR, initial="person")
    area = forms.ModelChoiceField(None, label="Vùng", required=False,
                                  empty_label="Cả tỉnh/thành")  # fmt: skip
    skip_years = forms.IntegerField(
        label="Bỏ qua người đã được vinh danh trong … năm gần đây (0: không bỏ qua)",
        min_value=0, max_value=20, initial=0,
    )  # fmt: skip

    def __init__(self, *args, province, **kwargs):
        from nhandao.blood.models import HonourArea

        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = HonourArea.objects.filter(province=province)

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["for_family"] = data.pop("scope") == "family"
        return data


class EndBandForm(forms.Form):
    valid_to = forms.DateField(label="Áp dụng đến hết ngày (dd/mm/yyyy)")


class AreaForm(forms.Form):
    """A part of the province with bands of its own, and its communes (picked)."""

    name = forms.CharField(
        label="Tên vùng", max_length=120,
        widget=forms.TextInput(attrs={"placeholder": "VD: Các xã miền núi"}),
    )  # fmt: skip
    communes = forms.ModelMultipleChoiceField(None, label="Các xã/phường của vùng",
                                              to_field_name="code")  # fmt: skip

    def __init__(self, *args, province, **kwargs):
        from nhandao.lib.widgets import MultiPicker

        super().__init__(*args, **kwargs)
        communes = AdminUnit.objects.filter(map=AdminMap.NEW, level="commune", province=province)
        self.fields["communes"].queryset = communes.order_by("name")
        self.fields["communes"].widget = MultiPicker()
        self.fields["communes"].error_messages["invalid_choice"] = (
            "Xã/phường “%(value)s” không thuộc tỉnh/thành này."
        )
