"""Validation of every change to the registry; used by the HTML views, the API and imports.

Forms receive the acting user: organisation fields only accept organisations where the user
may enter records ("edit").
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse_lazy

from nhandao.beneficiaries import actions, identity, matching, places, review
from nhandao.beneficiaries import pickers as ben_pickers
from nhandao.beneficiaries.models import (
    Every,
    Household,
    MatchCandidate,
    Person,
    PovertyStatus,
    Relationship,
    Sex,
    Sponsor,
    SupportKind,
    Vulnerability,
)
from nhandao.campaigns.forms import CampaignCodeField
from nhandao.campaigns.models import Campaign
from nhandao.lib.forms import FileField
from nhandao.lib.pagination import MAX_ID
from nhandao.lib.widgets import Picker
from nhandao.orgs import access, pickers
from nhandao.orgs.forms import ActorForm, OrgCodeField, limit_orgs
from nhandao.orgs.models import AdminMap
from nhandao.orgs.pickers import attach_communes

MAP_CHOICES = [("", "Tự nhận biết (ưu tiên bản đồ mới)"), *AdminMap.choices]


def _overlay(values: dict, changes: dict) -> dict:
    """Current values with a partial change on top (an API PATCH); null clears a field."""
    data = dict(values)
    if "commune_code" in changes and "commune_map" not in changes:
        data["commune_map"] = ""  # a new code without its map: recognised as on creation
    for name, value in changes.items():
        data[name] = ([] if name == "vulnerabilities" else "") if value is None else value
    return data


class AddressMixin:
    """commune_code (+ commune_map) → commune on the new map, old commune, warning."""

    def keeps_commune(self, data, record) -> bool:
        """When editing `record`, its own commune code typed again (as the form shows it)
        keeps both its commune and the old commune it was given on, without a warning."""
        if record is None or record.commune_id is None:
            return False
        code = (data.get("commune_code") or "").strip().lstrip("0")
        same = code == record.commune.code and data.get("commune_map") in ("", None, AdminMap.NEW)
        if same:
            data["commune"], data["old_commune"] = record.commune, record.old_commune
        return same

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


# Form fields holding the person's sensitive data (Person.SENSITIVE, the birth date typed in
# "birth"): changing them needs the "sensitive" permission at the person's organisation, like
# reading them.
SENSITIVE_FIELDS = ("birth", *(n for n in Person.SENSITIVE if n != "birth_date"))
# ... and the model fields they fill ("birth" fills the year too)
SENSITIVE_ATTRS = (*Person.SENSITIVE, "birth_year")


class PersonForm(AddressMixin, ActorForm):
    """A new person, or (with `person`) a change to one. When changing a person, a user
    without the "sensitive" permission gets no sensitive fields (neither shown nor saved)."""

    organisation = OrgCodeField(None, label="Tổ chức quản lý")
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    sex = forms.ChoiceField(label="Giới tính", choices=[("", "—"), *Sex.choices], required=False)
    birth = forms.CharField(
        label="Ngày sinh (dd/mm/yyyy) hoặc năm sinh", max_length=10, required=False
    )
    id_number = forms.CharField(
        label="Số CCCD (12 số) hoặc CMND (9 số)", max_length=20, required=False
    )
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    commune_code = forms.CharField(
        label="Xã/phường nơi ở", max_length=10, required=False, widget=pickers.unit_picker()
    )
    commune_map = forms.ChoiceField(
        label="Mã theo bản đồ", choices=MAP_CHOICES, required=False, widget=forms.HiddenInput
    )
    village = forms.CharField(label="Thôn/xóm/tổ dân phố", max_length=120, required=False)
    address = forms.CharField(label="Địa chỉ (số nhà, đường)", max_length=255, required=False)
    household = forms.IntegerField(
        label="Thuộc hộ gia đình (nếu có)",
        required=False,
        widget=Picker(url=reverse_lazy("pick_households"), placeholder="Gõ tên chủ hộ…"),
    )
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

    def __init__(self, *args, person=None, with_sensitive=True, **kwargs):
        """`with_sensitive=False`: the sensitive fields left out even for a holder of the
        right (the edit page before the reader has stated a purpose)."""
        super().__init__(*args, **kwargs)
        self.person = person
        self.warnings: list[str] = []
        limit_orgs(self, "organisation", "edit")
        attach_communes(self, "commune_code")
        own = [person.household_id] if person is not None and person.household_id else []
        reach = ben_pickers.households(self.actor)
        ben_pickers.attach(
            self.fields["household"],
            Household.objects.filter(Q(pk__in=reach.values("pk")) | Q(pk__in=own)).select_related(
                "head"
            ),
            ben_pickers.household_label,
        )
        self.sensitive = with_sensitive and (
            person is None or access.can(self.actor, "sensitive", person.organisation)
        )
        if not self.sensitive:
            for name in SENSITIVE_FIELDS:
                del self.fields[name]

    @staticmethod
    def values_of(person, sensitive: bool) -> dict:
        """The person's current values as form data (sensitive ones only if `sensitive`)."""
        values = {
            "organisation": person.organisation.code,
            "full_name": person.full_name,
            "sex": person.sex,
            "commune_code": person.commune.code if person.commune_id else "",
            "commune_map": AdminMap.NEW if person.commune_id else "",
            "village": person.village,
            "address": person.address,
            "household": person.household_id or "",
            "relationship": person.relationship,
            "external_id": person.external_id,
        }
        if sensitive:
            values.update(
                birth=person.birth_display(),
                id_number=person.id_number,
                phone=person.phone,
                vulnerabilities=list(person.vulnerabilities or []),
                consent_by=person.consent_by,
                consent_at=person.consent_at or "",
                consent_purpose=person.consent_purpose,
            )
        return values

    @classmethod
    def for_update(cls, person, changes: dict, *, actor) -> "PersonForm":
        """A bound form for a partial change (the API's PATCH): the current values with
        `changes` on top. Changing a sensitive field without the right: PermissionDenied."""
        sensitive = access.can(actor, "sensitive", person.organisation)
        touched = [name for name in SENSITIVE_FIELDS if name in changes]
        if touched and not sensitive:
            raise PermissionDenied(
                "Bạn không có quyền sửa thông tin cá nhân nhạy cảm ("
                + ", ".join(touched)
                + ") của người do tổ chức này quản lý."
            )
        data = _overlay(cls.values_of(person, sensitive), changes)
        return cls(data, actor=actor, person=person)

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
        if self.sensitive:
            birth_date, birth_year = data.get("birth") or (None, None)
        else:
            birth_date, birth_year = self.person.birth_date, self.person.birth_year
        data["birth_date"], data["birth_year"] = birth_date, birth_year
        if self.sensitive:
            try:
                data["id_number"] = identity.check_id_number(
                    data.get("id_number"), data.get("sex") or "", birth_year
                )
            except ValueError as error:
                self.add_error("id_number", str(error))
        elif self.person.id_number and "sex" not in self.errors:
            try:  # the stored CCCD encodes the sex: say so without showing the number
                identity.check_id_number(self.person.id_number, data.get("sex") or "", birth_year)
            except ValueError:
                self.add_error(
                    "sex",
                    "Giới tính này không khớp với số CCCD đã lưu của người này; hãy nhờ cán bộ "
                    "có quyền xem thông tin cá nhân kiểm tra và sửa.",
                )
        household = self._household(data.get("household"))
        data["household_obj"] = household
        if household is not None and data.get("relationship") == Relationship.HEAD:
            head = household.head
            if head is not None and head.is_active and head != self.person:
                self.add_error("relationship", f"Hộ gia đình này đã có chủ hộ “{head}”.")
        if household is not None and not data.get("commune_code"):
            data["commune"], data["old_commune"] = household.commune, household.old_commune
            data["village"] = data.get("village") or household.village
            data["address"] = data.get("address") or household.address
        elif not self.keeps_commune(data, self.person):
            self.clean_address_fields(data)
        return data

    def _household(self, pk):
        if not pk:
            return None
        if self.person is not None and pk == self.person.household_id:
            return self.person.household  # where the person already is, in reach or not
        household = (
            Household.objects.for_user(self.actor, "edit")
            .select_related("head", "commune", "old_commune")
            .filter(pk=pk)
            .first()
        )
        if household is None:
            self.add_error("household", "Không có hộ gia đình này trong phạm vi của bạn.")
        return household

    def likely_matches(self) -> list:
        """Persons in the actor's area who may be the one entered (a valid form)."""
        data = self.cleaned_data
        return matching.likely_matches(
            self.actor,
            full_name=data["full_name"],
            commune=data.get("commune"),
            birth_year=data.get("birth_year"),
            id_number=data.get("id_number"),
            phone=data.get("phone"),
        )

    def action_fields(self) -> dict:
        data = self.cleaned_data
        values = {n: data.get(n) for n in actions.EDITABLE if n != "household"}
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
        if not self.sensitive:  # not in the form: left as they are
            for name in SENSITIVE_ATTRS:
                del values[name]
        return values


class HouseholdForm(AddressMixin, ActorForm):
    """A new household, or (with `household`) a change to its organisation or address."""

    organisation = OrgCodeField(None, label="Tổ chức quản lý")
    commune_code = forms.CharField(label="Xã/phường", max_length=10, widget=pickers.unit_picker())
    commune_map = forms.ChoiceField(
        label="Mã theo bản đồ", choices=MAP_CHOICES, required=False, widget=forms.HiddenInput
    )
    village = forms.CharField(label="Thôn/xóm/tổ dân phố", max_length=120, required=False)
    address = forms.CharField(label="Địa chỉ (số nhà, đường)", max_length=255, required=False)

    def __init__(self, *args, household=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.warnings: list[str] = []
        limit_orgs(self, "organisation", "edit")
        attach_communes(self, "commune_code")

    @staticmethod
    def values_of(household) -> dict:
        return {
            "organisation": household.organisation.code,
            "commune_code": household.commune.code if household.commune_id else "",
            "commune_map": AdminMap.NEW if household.commune_id else "",
            "village": household.village,
            "address": household.address,
        }

    @classmethod
    def for_update(cls, household, changes: dict, *, actor) -> "HouseholdForm":
        return cls(_overlay(cls.values_of(household), changes), actor=actor, household=household)

    def clean(self):
        data = super().clean()
        if not self.keeps_commune(data, self.household):
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
    organisation = OrgCodeField(None, label="Tổ chức hỗ trợ")
    date = forms.DateField(label="Ngày (dd/mm/yyyy)")
    kind = forms.ChoiceField(label="Hình thức", choices=SupportKind.choices)
    value = forms.IntegerField(
        label="Trị giá (đồng)", min_value=0, error_messages={"min_value": "Trị giá không được âm."}
    )
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "edit")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("same", "Cùng một người"), ("distinct", "Khác người")],
        error_messages={"invalid_choice": "Hãy chọn “Cùng một người” hoặc “Khác người”."},
    )
    survivor = forms.IntegerField(required=False)


class IdListField(forms.Field):
    """Record ids: repeated form values, a list (JSON) or "1, 2, 3"."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": "Danh sách mã không hợp lệ (chỉ gồm các số)."}

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if isinstance(value, str):
            value = value.replace(",", " ").split()
        try:
            ids = sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        # a record id is a positive database integer: a larger one is no record (and the
        # database could not even compare it)
        if ids and not (ids[0] >= 1 and ids[-1] <= MAX_ID):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return ids


GROUP_NOT_FOUND = (
    "Có cặp hồ sơ trong nhóm đã được quyết định hoặc không thuộc phạm vi của bạn; "
    "hãy tải lại danh sách."
)


class GroupMergeForm(ActorForm):
    """The same person in every record of a group of pending pairs: all merge into `survivor`.

    A pair not in the user's queue gives the error code "not_found" (the entry points answer
    404). Two records of the group already decided to be different people stop the merge."""

    pairs = IdListField(
        label="Các cặp hồ sơ của nhóm",
        error_messages={"required": "Hãy chọn các cặp hồ sơ của nhóm."},
    )
    survivor = forms.IntegerField(
        label="Hồ sơ được giữ", error_messages={"required": "Hãy chọn hồ sơ được giữ."}
    )

    def clean(self):
        data = super().clean()
        ids = data.get("pairs")
        if not ids:
            return data
        candidates = list(
            MatchCandidate.objects.for_reviewer(self.actor)
            .filter(pk__in=ids)
            .select_related("person_a__organisation", "person_b__organisation")
        )
        if len(candidates) != len(ids):
            raise forms.ValidationError(GROUP_NOT_FOUND, code="not_found")
        if len(review.components([(c.pk, c.person_a_id, c.person_b_id) for c in candidates])) > 1:
            self.add_error("pairs", "Các cặp đã chọn không nối với nhau thành một nhóm.")
            return data
        persons = {}
        for c in candidates:
            persons[c.person_a_id], persons[c.person_b_id] = c.person_a, c.person_b
        survivor = persons.get(data.get("survivor"))
        if survivor is None and "survivor" not in self.errors:
            self.add_error("survivor", "Hồ sơ được giữ phải là một người trong nhóm.")
        for a, b in review.distinct_within(list(persons)):
            self.add_error(
                "pairs",
                f"“{persons[a]}” (mã {a}) và “{persons[b]}” (mã {b}) đã được xác định là khác "
                "người: không gộp cả nhóm được; hãy quyết định từng cặp.",
            )
        data["candidates"], data["survivor_obj"] = candidates, survivor
        data["others"] = [p for pk, p in sorted(persons.items()) if p != survivor]
        return data


class HumanitarianAddressForm(ActorForm):
    organisation = OrgCodeField(None, label="Tổ chức quản lý")
    person = forms.IntegerField(
        label="Đối tượng",
        required=False,
        widget=Picker(url=reverse_lazy("pick_persons"), placeholder="Gõ họ tên…"),
    )
    household = forms.IntegerField(
        label="Hoặc hộ gia đình",
        required=False,
        widget=Picker(url=reverse_lazy("pick_households"), placeholder="Gõ tên chủ hộ…"),
    )
    needs = forms.CharField(label="Nhu cầu", widget=forms.Textarea, required=False)
    since = forms.DateField(label="Nhận từ ngày (dd/mm/yyyy)")
    public_consent = forms.BooleanField(
        label="Người nhận (hoặc người giám hộ) đồng ý công khai để tìm nhà đỡ đầu", required=False
    )
    public_summary = forms.CharField(
        label="Mô tả công khai (không ghi tên, số giấy tờ, bệnh tật, hoàn cảnh riêng tư)",
        max_length=255,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "edit")
        people = ben_pickers.persons(self.actor)
        ben_pickers.attach(self.fields["person"], people, ben_pickers.person_label)
        homes = ben_pickers.households(self.actor)
        ben_pickers.attach(self.fields["household"], homes, ben_pickers.household_label)

    def clean(self):
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
        if data.get("public_consent") and not (data.get("public_summary") or "").strip():
            self.add_error(
                "public_summary", "Hãy ghi mô tả công khai (không có thông tin riêng tư)."
            )
        return data

    def action_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "organisation": data["organisation"],
            "person": data["person_obj"],
            "household": data["household_obj"],
            "needs": data.get("needs") or "",
            "since": data["since"],
            "public_consent": bool(data.get("public_consent")),
            "public_summary": (data.get("public_summary") or "").strip(),
        }


class SponsorForm(ActorForm):
    organisation = OrgCodeField(None, label="Tổ chức quản lý")
    name = forms.CharField(label="Tên nhà đỡ đầu (tổ chức, doanh nghiệp, cá nhân)", max_length=200)
    contact = forms.CharField(label="Liên hệ", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "edit")


class SponsorshipForm(ActorForm):
    """A sponsor's commitment to an address: money or goods each period, from a start to an
    end; the sponsor must be in the user's reach. `monthly_amount` with `months` (the
    former shape, monthly) is still accepted."""

    sponsor = forms.IntegerField(
        label="Nhà đỡ đầu",
        widget=Picker(url=reverse_lazy("pick_sponsors"), placeholder="Gõ tên nhà đỡ đầu…"),
    )
    amount = forms.IntegerField(
        label="Số tiền mỗi kỳ (đồng)",
        min_value=0,
        required=False,
        error_messages={
            "min_value": "Số tiền không được âm.",
            "invalid": "Số tiền phải là số nguyên đồng (không có phần lẻ).",
        },
    )
    goods = forms.CharField(label="Hiện vật mỗi kỳ", max_length=200, required=False)
    every = forms.TypedChoiceField(
        label="Kỳ trả", choices=Every.choices, coerce=int, initial=Every.MONTH, required=False
    )
    start = forms.DateField(label="Từ ngày (dd/mm/yyyy)")
    end = forms.DateField(label="Đến ngày (dd/mm/yyyy)", required=False)
    campaign = CampaignCodeField(
        None, label="Thuộc chiến dịch, phong trào (nếu có)", required=False
    )
    months = forms.IntegerField(
        required=False, min_value=1, max_value=600, widget=forms.HiddenInput
    )
    monthly_amount = forms.IntegerField(
        required=False,
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={"min_value": "Số tiền không được âm."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sponsors = ben_pickers.sponsors(self.actor)
        ben_pickers.attach(self.fields["sponsor"], sponsors, lambda s: s.name)
        self.fields["campaign"].queryset = Campaign.objects.for_user(self.actor)

    def clean(self):
        data = super().clean()
        if data.get("amount") is None and data.get("monthly_amount") is not None:
            data["amount"], data["every"] = data["monthly_amount"], Every.MONTH
        nothing = not data.get("amount") and not data.get("goods")
        if nothing and "amount" not in self.errors:
            self.add_error("amount", "Hãy ghi số tiền mỗi kỳ hoặc hiện vật.")
        data["amount"] = data.get("amount") or 0
        data["every"] = data.get("every") or Every.MONTH
        start, end = data.get("start"), data.get("end")
        if start and end is None and not data.get("months") and "end" not in self.errors:
            self.add_error("end", "Hãy ghi ngày kết thúc cam kết.")
        if start and end and end < start:
            self.add_error(
                "end", f"Ngày kết thúc ({end:%d/%m/%Y}) trước ngày bắt đầu ({start:%d/%m/%Y})."
            )
        if data.get("sponsor"):
            data["sponsor_obj"] = (
                Sponsor.objects.for_user(self.actor).filter(pk=data["sponsor"]).first()
            )
            if data["sponsor_obj"] is None:
                self.add_error("sponsor", "Không có nhà đỡ đầu này trong phạm vi của bạn.")
        return data

    def action_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "sponsor": data["sponsor_obj"],
            "amount": data["amount"],
            "goods": data.get("goods") or "",
            "every": data["every"],
            "start": data["start"],
            "end": data.get("end"),
            "months": data.get("months"),
            "campaign": data.get("campaign"),
        }


class PaymentForm(forms.Form):
    """One period of a commitment paid (the period chosen from the commitment's own)."""

    period = forms.DateField(label="Kỳ (ngày đến hạn, dd/mm/yyyy)")
    paid_on = forms.DateField(label="Ngày trả (dd/mm/yyyy)")
    amount = forms.IntegerField(
        label="Số tiền (đồng; để trống: đúng cam kết)",
        required=False,
        min_value=0,
        error_messages={
            "min_value": "Số tiền không được âm.",
            "invalid": "Số tiền phải là số nguyên đồng (không có phần lẻ).",
        },
    )
    goods = forms.CharField(label="Hiện vật đã trao", max_length=200, required=False)
    reason = forms.CharField(label="Lý do (khi khác cam kết)", max_length=255, required=False)


class UploadForm(ActorForm):
    organisation = OrgCodeField(None, label="Tổ chức quản lý")
    file = FileField(
        label="Tệp danh sách (.xlsx hoặc .csv)",
        error_messages={"required": "Hãy chọn tệp danh sách."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "edit")
