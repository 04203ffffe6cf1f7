"""Validation of every change to the registry; used by the HTML views, the API and imports.

Forms receive the acting user: organisation fields only accept organisations where the user
may enter records ("edit").
"""

from django import forms

from nhandao.beneficiaries import identity, places
from nhandao.beneficiaries.models import (
    Household,
    PovertyStatus,
    Relationship,
    Sex,
    SupportKind,
    Vulnerability,
)
from nhandao.orgs.forms import ActorForm, OrgCodeField, reachable
from nhandao.orgs.models import AdminMap

MAP_CHOICES = [("", "Tự nhận biết (ưu tiên bản đồ mới)"), *AdminMap.choices]


class AddressMixin:
    """commune_code (+ commune_map) → commune on the new map, old commune, warning."""

    def clean_address_fields(self, data, required=True):
        code = (data.get("commune_code") or "").strip()
        data["commune"] = data["old_commune"] = None
        if not code:
            if required:
                self.add_error("commune_code", "Hãy nhập mã xã/phường nơi ở.")
            return
        try:
            place = places.resolve_commune(code, data.get("commune_map") or "")
        except ValueError as error:
            self.add_error("commune_code", str(error))
            return
        data["commune"], data["old_commune"] = place.commune, place.old_commune
        if place.warning:
            self.warnings.append(place.warning)


class PersonForm(AddressMixin, ActorForm):
    organisation = OrgCodeField(None, label="Tổ chức quản lý (mã)")
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    sex = forms.ChoiceField(label="Giới tính", choices=[("", "—"), *Sex.choices], required=False)
    birth = forms.CharField(
        label="Ngày sinh (dd/mm/yyyy) hoặc năm sinh", max_length=10, required=False
    )
    id_number = forms.CharField(
        label="Số CCCD (12 số) hoặc CMND (9 số)", max_length=20, required=False
    )
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    commune_code = forms.CharField(label="Mã xã/phường nơi ở", max_length=10, required=False)
    commune_map = forms.ChoiceField(label="Mã theo bản đồ", choices=MAP_CHOICES, required=False)
    village = forms.CharField(label="Thôn/xóm/tổ dân phố", max_length=120, required=False)
    address = forms.CharField(label="Địa chỉ (số nhà, đường)", max_length=255, required=False)
    household = forms.IntegerField(label="Mã hộ gia đình (nếu có)", required=False)
    relationship = forms.ChoiceField(
        label="Quan hệ với chủ hộ", choices=[("", "—"), *Relationship.choices], required=False
    )
    vulnerabilities = forms.MultipleChoiceField(
        label="Diện khó khăn",
        required=False,
        choices=Vulnerability.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_by = forms.CharField(
        label="Người đồng ý cho dùng dữ liệu", max_length=150, required=False
    )
    consent_at = forms.DateField(label="Ngày đồng ý (dd/mm/yyyy)", required=False)
    consent_purpose = forms.CharField(
        label="Mục đích sử dụng dữ liệu", max_length=255, required=False
    )
    external_id = forms.CharField(label="Mã ở hệ thống nguồn", max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []
        self.fields["organisation"].queryset = reachable(self.actor, "edit")

    def clean_full_name(self):
        name = identity.clean_full_name(self.cleaned_data["full_name"])
        if not identity.split_name(name).given:
            raise forms.ValidationError("Họ và tên không được để trống.")
        return name

    def clean_phone(self):
        try:
            return identity.clean_phone(self.cleaned_data["phone"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_birth(self):
        try:
            return identity.parse_birth(self.cleaned_data["birth"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        data = super().clean()
        birth_date, birth_year = data.get("birth") or (None, None)
        data["birth_date"], data["birth_year"] = birth_date, birth_year
        try:
            data["id_number"] = identity.check_id_number(
                data.get("id_number"), data.get("sex") or "", birth_year
            )
        except ValueError as error:
            self.add_error("id_number", str(error))
        household = None
        if data.get("household"):
            household = (
                Household.objects.for_user(self.actor, "edit").filter(pk=data["household"]).first()
            )
            if household is None:
                self.add_error("household", "Không có hộ gia đình này trong phạm vi của bạn.")
        data["household_obj"] = household
        if household is not None and not data.get("commune_code"):
            data["commune"], data["old_commune"] = household.commune, household.old_commune
            data["village"] = data.get("village") or household.village
            data["address"] = data.get("address") or household.address
        else:
            self.clean_address_fields(data)
        return data

    def action_fields(self) -> dict:
        data = self.cleaned_data
        names = [
            "organisation",
            "full_name",
            "sex",
            "birth_date",
            "birth_year",
            "id_number",
            "phone",
            "commune",
            "old_commune",
            "village",
            "address",
            "relationship",
            "vulnerabilities",
            "consent_by",
            "consent_at",
            "consent_purpose",
            "external_id",
        ]
        values = {n: data.get(n) for n in names}
        values["household"] = data.get("household_obj")
        for n in (
            "sex",
            "relationship",
            "village",
            "address",
            "consent_by",
            "consent_purpose",
            "external_id",
            "phone",
            "id_number",
        ):
            values[n] = values[n] or ""
        values["vulnerabilities"] = list(values["vulnerabilities"] or [])
        return values


class HouseholdForm(AddressMixin, ActorForm):
    organisation = OrgCodeField(None, label="Tổ chức quản lý (mã)")
    commune_code = forms.CharField(label="Mã xã/phường", max_length=10)
    commune_map = forms.ChoiceField(label="Mã theo bản đồ", choices=MAP_CHOICES, required=False)
    village = forms.CharField(label="Thôn/xóm/tổ dân phố", max_length=120, required=False)
    address = forms.CharField(label="Địa chỉ (số nhà, đường)", max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []
        self.fields["organisation"].queryset = reachable(self.actor, "edit")

    def clean(self):
        data = super().clean()
        self.clean_address_fields(data)
        return data

    def action_fields(self) -> dict:
        data = self.cleaned_data
        return {
            n: data.get(n) or ("" if n in ("village", "address") else None)
            for n in ("organisation", "commune", "old_commune", "village", "address")
        }


class PovertyForm(forms.Form):
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    status = forms.ChoiceField(label="Diện", choices=PovertyStatus.choices)
    certified_by = forms.CharField(label="Cơ quan xác nhận", max_length=200, required=False)
    certificate_no = forms.CharField(label="Số quyết định", max_length=60, required=False)
    certified_on = forms.DateField(label="Ngày xác nhận (dd/mm/yyyy)", required=False)

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status in (PovertyStatus.POOR, PovertyStatus.NEAR_POOR) and not data.get("certified_by"):
            self.add_error("certified_by", "Hộ nghèo/cận nghèo cần ghi cơ quan xác nhận.")
        return data


class SupportForm(ActorForm):
    organisation = OrgCodeField(None, label="Tổ chức hỗ trợ (mã)")
    date = forms.DateField(label="Ngày (dd/mm/yyyy)")
    kind = forms.ChoiceField(label="Hình thức", choices=SupportKind.choices)
    value = forms.IntegerField(
        label="Trị giá (đồng)", min_value=0, error_messages={"min_value": "Trị giá không được âm."}
    )
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = reachable(self.actor, "edit")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("same", "Cùng một người"), ("distinct", "Khác người")],
        error_messages={"invalid_choice": "Hãy chọn “Cùng một người” hoặc “Khác người”."},
    )
    survivor = forms.IntegerField(required=False)


class HumanitarianAddressForm(ActorForm):
    organisation = OrgCodeField(None, label="Tổ chức quản lý (mã)")
    person = forms.IntegerField(label="Mã đối tượng", required=False)
    household = forms.IntegerField(label="Mã hộ gia đình", required=False)
    needs = forms.CharField(label="Nhu cầu", widget=forms.Textarea, required=False)
    since = forms.DateField(label="Nhận từ ngày (dd/mm/yyyy)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = reachable(self.actor, "edit")

    def clean(self):
        from nhandao.beneficiaries.models import Person

        data = super().clean()
        data["person_obj"] = data["household_obj"] = None
        if data.get("person"):
            data["person_obj"] = (
                Person.objects.for_user(self.actor, "edit").filter(pk=data["person"]).first()
            )
            if data["person_obj"] is None:
                self.add_error("person", "Không có đối tượng này trong phạm vi của bạn.")
        if data.get("household"):
            data["household_obj"] = (
                Household.objects.for_user(self.actor, "edit").filter(pk=data["household"]).first()
            )
            if data["household_obj"] is None:
                self.add_error("household", "Không có hộ gia đình này trong phạm vi của bạn.")
        if not data.get("person") and not data.get("household"):
            self.add_error("person", "Hãy nhập mã đối tượng hoặc mã hộ gia đình.")
        return data


class SponsorForm(ActorForm):
    organisation = OrgCodeField(None, label="Tổ chức quản lý (mã)")
    name = forms.CharField(label="Tên nhà đỡ đầu (tổ chức, doanh nghiệp, cá nhân)", max_length=200)
    contact = forms.CharField(label="Liên hệ", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = reachable(self.actor, "edit")


class SponsorshipForm(forms.Form):
    sponsor = forms.IntegerField(label="Mã nhà đỡ đầu")
    monthly_amount = forms.IntegerField(
        label="Số tiền mỗi tháng (đồng)",
        min_value=0,
        required=False,
        error_messages={"min_value": "Số tiền không được âm."},
    )
    goods = forms.CharField(label="Hiện vật", max_length=200, required=False)
    start = forms.DateField(label="Từ ngày (dd/mm/yyyy)")
    months = forms.IntegerField(label="Số tháng", min_value=1, max_value=600)

    def clean(self):
        data = super().clean()
        if not data.get("monthly_amount") and not data.get("goods"):
            self.add_error("monthly_amount", "Hãy ghi số tiền mỗi tháng hoặc hiện vật.")
        data["monthly_amount"] = data.get("monthly_amount") or 0
        return data


class UploadForm(ActorForm):
    organisation = OrgCodeField(None, label="Tổ chức quản lý (mã)")
    file = forms.FileField(
        label="Tệp danh sách (.xlsx hoặc .csv)",
        error_messages={"required": "Hãy chọn tệp danh sách."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = reachable(self.actor, "edit")
