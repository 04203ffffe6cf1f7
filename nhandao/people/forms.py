"""Validation of the person record, membership and fee entries (pages and API alike).
No field asks for a code or an id: organisations come from a picker over the user's reach,
the user's own preselected; dates are typed dd/mm/yyyy."""

from django import forms
from django.utils import timezone

from nhandao.lib.forms import FileField
from nhandao.orgs.forms import ActorForm, OrgCodeField, limit_orgs
from nhandao.orgs.pickers import current_units, unit_picker
from nhandao.people.models import (
    EndReason,
    Language,
    MembershipKind,
    PostKind,
    Sex,
    Skill,
    YouthActivityKind,
    YouthGroup,
    YouthGroupKind,
)
from nhandao.people.pickers import (
    individual_picker,
    individuals_for,
    volunteer_picker,
    volunteers_of,
)

MONTHS = [(m, f"Tháng {m}") for m in range(1, 13)]


class IndividualForm(ActorForm):
    organisation = OrgCodeField(None, label="Tổ chức quản lý hồ sơ")
    full_name = forms.CharField(label="Họ và tên", max_length=150,
                                help_text="Viết có dấu, ví dụ Nguyễn Thị Lan.")  # fmt: skip
    sex = forms.ChoiceField(label="Giới tính", choices=[("", "—"), *Sex.choices], required=False)
    birth_date = forms.DateField(label="Ngày sinh (dd/mm/yyyy)", required=False)
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    email = forms.EmailField(label="Thư điện tử", required=False)
    id_number = forms.CharField(label="Số CCCD", max_length=20, required=False)
    commune = forms.ModelChoiceField(None, label="Xã/phường", required=False,
                                     widget=unit_picker(), to_field_name="code")  # fmt: skip
    address = forms.CharField(label="Địa chỉ", max_length=255, required=False)
    consent_contact = forms.BooleanField(label="Đồng ý được liên hệ (nhắc lịch, gọi điện)",
                                         required=False)  # fmt: skip
    consent_publish = forms.BooleanField(label="Đồng ý được nêu tên công khai", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "edit")
        self.fields["commune"].queryset = current_units()

    def clean_birth_date(self):
        born = self.cleaned_data.get("birth_date")
        if born and born > timezone.localdate():
            raise forms.ValidationError("Ngày sinh không được sau hôm nay.")
        return born

    def action_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["phone"] = data.get("phone") or ""
        data["id_number"] = data.get("id_number") or ""
        return data


class JoinForm(ActorForm):
    organisation = OrgCodeField(None, label="Chi hội / tổ chức sinh hoạt")
    kind = forms.ChoiceField(label="Loại hội viên", choices=MembershipKind.choices)
    started_on = forms.DateField(label="Ngày kết nạp (dd/mm/yyyy)", initial=timezone.localdate)
    youth_group = forms.ModelChoiceField(
        None, label="Nhóm thanh thiếu niên (chỉ với hội viên thanh thiếu niên)", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "edit")
        self.fields["youth_group"].queryset = YouthGroup.objects.for_user(self.actor, "edit")


class EndForm(forms.Form):
    reason = forms.ChoiceField(label="Lý do", choices=[
        (EndReason.SUSPENDED, EndReason.SUSPENDED.label), (EndReason.LEFT, EndReason.LEFT.label),
        (EndReason.DIED, EndReason.DIED.label), (EndReason.REMOVED, EndReason.REMOVED.label),
    ])  # fmt: skip
    ended_on = forms.DateField(label="Ngày sinh hoạt cuối (dd/mm/yyyy)",
                               initial=timezone.localdate)  # fmt: skip
    note = forms.CharField(label="Ghi chú (bắt buộc khi tạm ngừng, xóa tên)", max_length=255,
                           required=False)  # fmt: skip


class TransferForm(ActorForm):
    to_org = OrgCodeField(None, label="Chuyển đến")
    effective_on = forms.DateField(label="Ngày chuyển (dd/mm/yyyy)", initial=timezone.localdate)
    reason = forms.CharField(label="Lý do", max_length=255, required=False)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = targets


class RejectForm(forms.Form):
    note = forms.CharField(label="Lý do từ chối", max_length=255)


class PaymentForm(forms.Form):
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year)  # fmt: skip
    months = forms.TypedMultipleChoiceField(label="Các tháng nộp", choices=MONTHS, coerce=int,
                                            widget=forms.CheckboxSelectMultiple)  # fmt: skip
    paid_on = forms.DateField(label="Ngày nộp (dd/mm/yyyy)", initial=timezone.localdate)


class AnnulForm(forms.Form):
    reason = forms.CharField(label="Lý do hủy biên lai", max_length=255)


class ArrearsForm(ActorForm):
    organisation = OrgCodeField(None, label="Tổ chức")
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "view")


class ShiftSignupForm(ActorForm):
    """Sign a volunteer of the shift's organisation up: a picker, never an id."""

    volunteer = forms.ModelChoiceField(None, label="Tình nguyện viên", to_field_name="code",
                                       widget=volunteer_picker(None))  # fmt: skip

    def __init__(self, *args, shift, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["volunteer"]
        field.queryset = volunteers_of(self.actor, shift.organisation_id)
        field.widget.url = volunteer_picker(shift.organisation_id).url


class WalkInForm(ShiftSignupForm):
    """Someone present who had not signed up (accepted, flagged)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "walkin_%s")
        kwargs.setdefault("prefix", "walkin")
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].required = False
        self.fields["volunteer"].label = "Có mặt nhưng chưa đăng ký (nếu có)"


class ListImportForm(ActorForm):
    """A member or volunteer list sent from the page: the unit picked among those the user
    may edit (a row may name a chi hội of it)."""

    organisation = OrgCodeField(None, label="Đơn vị nhập")
    file = FileField(label="Tệp danh sách (.xlsx hoặc .csv)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "edit")


class LeaderForm(ActorForm):
    """Appoint someone to a post of the organisation: the person by a picker, never a code."""

    individual = forms.ModelChoiceField(None, label="Người giữ chức", to_field_name="code",
                                        widget=individual_picker())  # fmt: skip
    post = forms.ChoiceField(label="Chức vụ", choices=PostKind.choices)
    started_on = forms.DateField(label="Từ ngày (dd/mm/yyyy)", initial=timezone.localdate)
    ended_on = forms.DateField(label="Đến ngày (dd/mm/yyyy, chỉ khi ghi nhiệm kỳ đã qua)",
                               required=False)  # fmt: skip
    decision = forms.CharField(label="Số quyết định", max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["individual"].queryset = individuals_for(self.actor)


class LeaderCorrectForm(ActorForm):
    """Correct a term entered wrong: the holder (a picker), the dates, the decision, and why."""

    individual = forms.ModelChoiceField(None, label="Người giữ chức", to_field_name="code",
                                        widget=individual_picker())  # fmt: skip
    started_on = forms.DateField(label="Từ ngày (dd/mm/yyyy)")
    ended_on = forms.DateField(label="Đến ngày (dd/mm/yyyy, để trống nếu còn giữ chức)",
                               required=False)  # fmt: skip
    decision = forms.CharField(label="Số quyết định", max_length=100, required=False)
    reason = forms.CharField(label="Lý do sửa", max_length=255,
                             help_text="Ví dụ: ghi nhầm ngày so với quyết định.")  # fmt: skip

    def __init__(self, *args, held, **kwargs):
        kwargs.setdefault("initial", {
            "individual": held.individual.code, "started_on": held.started_on,
            "ended_on": held.ended_on, "decision": held.decision,
        })  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["individual"].queryset = individuals_for(self.actor)


class LeaderEndForm(forms.Form):
    ended_on = forms.DateField(label="Ngày cuối giữ chức (dd/mm/yyyy)", initial=timezone.localdate)
    note = forms.CharField(label="Ghi chú (số quyết định, lý do)", max_length=255,
                           required=False)  # fmt: skip


class YearCloseForm(ActorForm):
    organisation = OrgCodeField(None, label="Tổ chức")
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year - 1)  # fmt: skip
    subtree = forms.BooleanField(label="Cả các tổ chức cấp dưới (có hội viên hoặc biên lai "
                                 "trong năm), trong một lần", required=False)  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "money")


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Lý do mở lại sổ", max_length=255)


class YouthGroupForm(ActorForm):
    organisation = OrgCodeField(None, label="Thuộc tổ chức")
    name = forms.CharField(label="Tên nhóm", max_length=150,
                           help_text="Ví dụ: Nhóm TTN CTĐ trường THPT Chu Văn An.")  # fmt: skip
    school = forms.CharField(label="Trường", max_length=200)
    kind = forms.ChoiceField(label="Loại trường", choices=YouthGroupKind.choices)
    founded_on = forms.DateField(label="Ngày thành lập (dd/mm/yyyy)", initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "edit")


class YouthRollupForm(ActorForm):
    organisation = OrgCodeField(None, label="Tổng hợp cho tổ chức", required=False)
    start = forms.DateField(label="Hoạt động từ ngày (dd/mm/yyyy)", required=False)
    end = forms.DateField(label="đến ngày (dd/mm/yyyy)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_orgs(self, "organisation", "view")

    def period(self) -> tuple:
        """The activities' period: as chosen, else from 1 January to today."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        start = data.get("start") or today.replace(month=1, day=1)
        end = data.get("end") or today
        return start, end

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "Ngày cuối không được trước ngày đầu.")
        return data


class YouthActivityForm(forms.Form):
    """An activity of a group: the participants ticked among the group's members (the
    action checks they were members on the day)."""

    held_on = forms.DateField(label="Ngày (dd/mm/yyyy)", initial=timezone.localdate)
    kind = forms.ChoiceField(label="Loại hoạt động", choices=YouthActivityKind.choices)
    title = forms.CharField(label="Tên hoạt động", max_length=200,
                            help_text="Ví dụ: Tập huấn sơ cứu cho học sinh lớp 10.")  # fmt: skip
    hours = forms.DecimalField(label="Số giờ (nếu có)", required=False, min_value=0.1,
                               max_value=24, decimal_places=1)  # fmt: skip
    participants = forms.ModelMultipleChoiceField(
        None, label="Hội viên của nhóm đã tham gia", to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args, group, **kwargs):
        from nhandao.people.youth import group_candidates

        super().__init__(*args, **kwargs)
        field = self.fields["participants"]
        field.queryset = group_candidates(group)
        field.label_from_instance = lambda person: person.full_name


class VolunteerSkillsForm(forms.Form):
    skills = forms.MultipleChoiceField(label="Kỹ năng", choices=Skill.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)  # fmt: skip
    languages = forms.MultipleChoiceField(label="Ngoại ngữ, tiếng dân tộc", required=False,
                                          choices=Language.choices,
                                          widget=forms.CheckboxSelectMultiple)  # fmt: skip
    availability = forms.CharField(label="Thời gian có thể tham gia", max_length=255,
                                   required=False)  # fmt: skip


class VolunteerSearchForm(forms.Form):
    """The volunteer list's search: a name, a skill, a language, when they can take part
    (all without accents)."""

    q = forms.CharField(label="Họ tên", max_length=100, required=False)
    skill = forms.ChoiceField(label="Kỹ năng", required=False,
                              choices=[("", "Mọi kỹ năng"), *Skill.choices])  # fmt: skip
    language = forms.ChoiceField(label="Ngoại ngữ, tiếng dân tộc", required=False,
                                 choices=[("", "Mọi ngôn ngữ"), *Language.choices])  # fmt: skip
    availability = forms.CharField(label="Thời gian có thể tham gia", max_length=100,
                                   required=False, help_text="Ví dụ: thứ bảy.")  # fmt: skip

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"text": data.get("q", ""), "skill": data.get("skill", ""),
                "language": data.get("language", ""),
                "availability": data.get("availability", "")}  # fmt: skip
