"""Validation of every change to organisations, roles and clusters.

The HTML views and the API both validate through these forms, so a rule is written once and
its Vietnamese message names the field. Forms receive the acting user: every organisation
field only accepts organisations inside that user's reach.
"""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.urls import reverse_lazy
from django.utils import timezone

from nhandao.lib.widgets import MultiPicker
from nhandao.orgs import access, pickers
from nhandao.orgs.models import (
    AdminMap,
    AdminUnit,
    Organisation,
    OrgKind,
    OrgLevel,
    PartnerType,
    RoleKind,
)

OUT_OF_REACH = (
    "Tổ chức “%(value)s” không tồn tại, đã ngừng hoạt động hoặc nằm ngoài phạm vi của bạn."
)


class UnitCodeField(forms.CharField):
    """A unit on the current map: picked by its name (or an old name) on a page, given by
    its official code in the API."""

    def __init__(self, *args, levels=("commune",), **kwargs):
        self.levels = levels
        kwargs.setdefault("widget", pickers.unit_picker(levels))
        super().__init__(*args, max_length=10, **kwargs)
        self.widget.labels = self.label_of

    def label_of(self, code) -> str | None:
        unit = (
            AdminUnit.objects.filter(
                map=AdminMap.NEW, code=str(code).strip().lstrip("0"), level__in=self.levels
            )
            .select_related("province")
            .first()
        )
        return str(unit) if unit is not None else None

    def clean(self, value):
        code = (super().clean(value) or "").strip().lstrip("0")
        if not code:
            return None
        unit = (
            AdminUnit.objects.filter(map=AdminMap.NEW, code=code, level__in=self.levels)
            .select_related("province")
            .order_by("level")
            .first()
        )
        if unit is None:
            raise forms.ValidationError(
                f"Không có đơn vị hành chính mã “{code}” trên bản đồ hiện hành."
            )
        return unit


class OrgCodeField(forms.ModelChoiceField):
    """An organisation, limited to a queryset (the user's reach): picked by name on a page,
    given by its code in the API (the picker's values are the codes)."""

    default_error_messages = {"invalid_choice": OUT_OF_REACH}

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("widget", pickers.org_picker())
        kwargs.setdefault("empty_label", "")
        super().__init__(queryset=queryset, to_field_name="code", **kwargs)


class OrgCodesField(forms.ModelMultipleChoiceField):
    """Several organisations: picked on a page, codes separated by commas or spaces in the
    API."""

    default_error_messages = {
        "invalid_choice": OUT_OF_REACH,
        "invalid_pk_value": OUT_OF_REACH,
        "list": "Nhập danh sách mã tổ chức.",
    }

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("widget", MultiPicker(url=reverse_lazy("pick_organisations")))
        super().__init__(queryset=queryset, to_field_name="code", **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = [v for v in value.replace(",", " ").split() if v]
        return value

    def clean(self, value):
        return super().clean(self.to_python(value))


def reachable(user, perm: str):
    return Organisation.objects.for_user(user, perm).active()


def limit_orgs(form, name: str, perm: str, preselect: bool = True) -> None:
    """Limit an organisation field to those where the user has `perm`; its picker searches
    the same set, and the user's own organisation is preselected."""
    field = form.fields[name]
    field.queryset = reachable(form.actor, perm)
    field.widget.url = f"{reverse_lazy('pick_organisations')}?quyen={perm}"
    if preselect and not isinstance(field, forms.ModelMultipleChoiceField):
        pickers.preselect(form, name, perm)


class ActorForm(forms.Form):
    def __init__(self, *args, actor, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)


class OrganisationCreateForm(ActorForm):
    parent = OrgCodeField(None, label="Tổ chức cấp trên", required=False)
    code = forms.CharField(label="Mã tổ chức", max_length=40)
    name = forms.CharField(label="Tên tổ chức", max_length=200)
    kind = forms.ChoiceField(label="Loại", choices=OrgKind.choices)
    partner_type = forms.ChoiceField(
        label="Loại đối tác", choices=[("", "—"), *PartnerType.choices], required=False
    )
    level = forms.ChoiceField(label="Cấp", choices=OrgLevel.choices)
    admin_unit_code = forms.CharField(
        label="Địa bàn (tỉnh hoặc xã/phường)",
        max_length=10,
        required=False,
        widget=pickers.unit_picker(("province", "commune")),
    )
    admin_map = forms.ChoiceField(
        label="Bản đồ", choices=AdminMap.choices, initial=AdminMap.NEW, widget=forms.HiddenInput
    )
    valid_from = forms.DateField(label="Hoạt động từ (dd/mm/yyyy)", required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        limit_orgs(self, "parent", "manage_orgs")
        self.fields["admin_map"].required = False
        self.fields["admin_unit_code"].widget.labels = pickers.unit_label

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if Organisation.objects.filter(code__iexact=code).exists():
            raise forms.ValidationError(f"Mã “{code}” đã được dùng cho một tổ chức khác.")
        return code

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Tên tổ chức không được để trống.")
        return name

    def clean(self):
        data = super().clean()
        if data.get("kind") == OrgKind.PARTNER and not data.get("partner_type"):
            self.add_error("partner_type", "Hãy chọn loại đối tác.")
        no_parent = not data.get("parent") and "parent" not in self.errors
        if no_parent and not access.is_everywhere(self.actor):
            self.add_error("parent", "Hãy chọn tổ chức cấp trên trong phạm vi của bạn.")
        code = (data.get("admin_unit_code") or "").strip().lstrip("0")
        data["admin_unit"] = None
        if code:
            admin_map = data.get("admin_map") or AdminMap.NEW
            unit = AdminUnit.objects.filter(map=admin_map, code=code).order_by("level").first()
            if unit is None:
                self.add_error(
                    "admin_unit_code",
                    f"Không có đơn vị hành chính mã “{code}” trên bản đồ "
                    f"{AdminMap(admin_map).label}.",
                )
            data["admin_unit"] = unit
        return data

    def action_fields(self) -> dict:
        data = self.cleaned_data
        fields = ["parent", "code", "name", "kind", "partner_type", "level", "admin_unit"]
        values = {name: data.get(name) for name in fields}
        values["partner_type"] = values["partner_type"] or ""
        values["valid_from"] = data.get("valid_from") or timezone.localdate()
        return values


class RenameForm(ActorForm):
    name = forms.CharField(label="Tên mới", max_length=200)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Tên tổ chức không được để trống.")
        return name


class MoveForm(ActorForm):
    new_parent = OrgCodeField(None, label="Chuyển về tổ chức cấp trên")

    def __init__(self, *args, org: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        limit_orgs(self, "new_parent", "manage_orgs", preselect=False)

    def clean_new_parent(self):
        parent = self.cleaned_data["new_parent"]
        if parent.is_descendant_of(self.org):
            raise forms.ValidationError(
                "Không thể chuyển một tổ chức vào chính nó hoặc vào tổ chức cấp dưới của nó."
            )
        return parent


class MergeForm(ActorForm):
    """Merge the listed organisations into `into` (which keeps the history)."""

    sources = OrgCodesField(None, label="Các tổ chức được hợp nhất")
    into = OrgCodeField(None, label="Hợp nhất vào tổ chức")
    on = forms.DateField(label="Ngày hợp nhất (dd/mm/yyyy)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "sources", "manage_orgs", preselect=False)
        limit_orgs(self, "into", "manage_orgs", preselect=False)

    def clean(self):
        data = super().clean()
        into, sources = data.get("into"), data.get("sources")
        if into and sources:
            for source in sources:
                if source.pk == into.pk:
                    self.add_error("sources", "Không thể hợp nhất một tổ chức vào chính nó.")
                elif into.is_descendant_of(source):
                    self.add_error(
                        "into",
                        f"“{into}” là tổ chức cấp dưới của “{source}”: không thể hợp nhất "
                        "một tổ chức vào tổ chức cấp dưới của nó.",
                    )
                elif source.level == OrgLevel.CENTRAL:
                    self.add_error("sources", "Không thể hợp nhất tổ chức cấp Trung ương.")
        return data


class DissolveForm(ActorForm):
    successor = OrgCodeField(None, label="Tổ chức tiếp nhận")
    on = forms.DateField(label="Ngày giải thể (dd/mm/yyyy)")

    def __init__(self, *args, org: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        limit_orgs(self, "successor", "manage_orgs", preselect=False)

    def clean_successor(self):
        successor = self.cleaned_data["successor"]
        if successor.is_descendant_of(self.org):
            raise forms.ValidationError(
                "Tổ chức tiếp nhận không được là chính tổ chức giải thể hoặc tổ chức cấp dưới."
            )
        return successor


class GrantRoleForm(ActorForm):
    username = forms.CharField(label="Tên đăng nhập", max_length=150)
    organisation = OrgCodeField(None, label="Tổ chức")
    role = forms.ChoiceField(label="Vai trò", choices=RoleKind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "manage_users")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(f"Không có người dùng “{username}”.")
        self.cleaned_data["user"] = user
        return username


class UserCreateForm(ActorForm):
    username = forms.RegexField(
        label="Tên đăng nhập",
        max_length=150,
        regex=r"^[a-zA-Z0-9_.@+-]+$",
        error_messages={"invalid": "Chỉ dùng chữ không dấu, số và các ký tự . _ @ + -"},
    )
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Email", required=False)
    password = forms.CharField(label="Mật khẩu", widget=forms.PasswordInput)
    organisation = OrgCodeField(None, label="Tổ chức")
    role = forms.ChoiceField(label="Vai trò", choices=RoleKind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "manage_users")

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(f"Tên đăng nhập “{username}” đã có người dùng.")
        return username

    def clean(self):
        data = super().clean()
        if data.get("password"):
            user = get_user_model()(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(data["password"], user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data
