"""Emulation forms (the pages and the API validate with the same ones): the cluster's year,
a criterion, opening a round, a mark, an award proposal, a nomination, the reason of a move.
Organisations are picked (their codes in the API), criteria chosen from the round's own."""

from django import forms

from nhandao.emulation.models import AwardKind, Criterion, CriterionKind, Evidence, RoundKind
from nhandao.lib.dates import DateError, parse_date
from nhandao.lib.money import AmountError, parse_vnd
from nhandao.orgs.forms import OrgCodeField, OrgCodesField
from nhandao.orgs.models import Organisation, OrgKind, OrgLevel

SCORE_HINT = "Ví dụ 8 hoặc 7,5."


class DateField(forms.CharField):
    """dd/mm/yyyy as offices write it (lib.dates.parse_date, the one date parser)."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_date(value, earliest=None)
        except DateError as exc:
            raise forms.ValidationError(str(exc)) from None


class TermForm(forms.Form):
    chair = OrgCodeField(Organisation.objects.none(), label="Cụm trưởng", required=False)
    vice_chair = OrgCodeField(Organisation.objects.none(), label="Cụm phó", required=False)
    midyear_host = OrgCodeField(
        Organisation.objects.none(), label="Đăng cai hội nghị sơ kết", required=False
    )
    yearend_host = OrgCodeField(
        Organisation.objects.none(), label="Đăng cai hội nghị tổng kết", required=False
    )
    next_host = OrgCodeField(
        Organisation.objects.none(), label="Bàn giao đăng cai năm sau cho", required=False
    )
    handed_over_on = DateField(label="Ngày bàn giao", required=False, help_text="dd/mm/yyyy")
    pledge_date = DateField(label="Ngày ký giao ước thi đua", required=False)
    pledge_signatories = forms.CharField(
        label="Các đơn vị, người ký giao ước",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mỗi dòng một đơn vị hoặc người ký.",
    )
    pledge_document = forms.FileField(label="Văn bản giao ước (PDF, Word)", required=False)

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        members = cluster.members.all()
        for name in ("chair", "vice_chair", "midyear_host", "yearend_host"):
            self.fields[name].queryset = members
        # next year's host may be any organisation of the owner's tree
        self.fields["next_host"].queryset = Organisation.objects.filter(
            path__startswith=cluster.owner.path
        )


class ClusterForm(forms.Form):
    owner = OrgCodeField(Organisation.objects.none(), label="Đơn vị tổ chức cụm")
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    number = forms.IntegerField(label="Số cụm", min_value=1, max_value=999)
    name = forms.CharField(
        label="Tên cụm", max_length=200, help_text="Ví dụ Cụm thi đua số 8 các tỉnh miền Tây"
    )
    members = OrgCodesField(
        Organisation.objects.none(),
        label="Đơn vị thành viên",
        required=False,
        help_text="Các đơn vị trực thuộc đơn vị tổ chức cụm; thêm được sau.",
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        # below the owner, which the user edits: within the same reach (the action checks
        # each lies below the chosen owner, in one cluster of that owner a year)
        self.fields["members"].queryset = owners
        if owners.count() == 1:
            self.fields["owner"].initial = owners.first()


class MemberForm(forms.Form):
    organisation = OrgCodeField(Organisation.objects.none(), label="Đơn vị")

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            path__startswith=cluster.owner.path
        ).exclude(pk=cluster.owner_id)


class NextYearForm(forms.Form):
    handed_over_on = DateField(label="Ngày bàn giao", required=False, help_text="dd/mm/yyyy")


class VersionForm(forms.Form):
    owner = OrgCodeField(Organisation.objects.none(), label="Cấp ban hành")
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    name = forms.CharField(label="Tên bộ tiêu chí", max_length=200)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        if owners.count() == 1:
            self.fields["owner"].initial = owners.first()


class SectionForm(forms.Form):
    number = forms.CharField(label="Số phần", max_length=10, help_text="Ví dụ I, II")
    title = forms.CharField(label="Tên phần", max_length=200)


class CriterionForm(forms.Form):
    section = forms.ModelChoiceField(queryset=None, label="Thuộc phần", empty_label=None)
    number = forms.CharField(label="Số thứ tự", max_length=10, help_text="Ví dụ 1.3")
    name = forms.CharField(label="Tiêu chí", max_length=300)
    max_score = forms.DecimalField(label="Điểm tối đa", min_value=0, max_digits=6, decimal_places=2)
    weight = forms.DecimalField(
        label="Hệ số", initial=1, min_value=0, max_digits=4, decimal_places=2
    )
    kind = forms.ChoiceField(label="Loại", choices=CriterionKind.choices)
    evidence = forms.ChoiceField(label="Minh chứng cần có", choices=Evidence.choices)
    org_kinds = forms.MultipleChoiceField(
        label="Chỉ áp dụng cho loại tổ chức",
        choices=OrgKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Không chọn: áp dụng cho mọi loại.",
    )
    org_levels = forms.MultipleChoiceField(
        label="Chỉ áp dụng cho cấp",
        choices=OrgLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Không chọn: áp dụng cho mọi cấp.",
    )
    formula = forms.CharField(
        label="Công thức từ báo cáo",
        required=False,
        max_length=255,
        help_text="Theo mã chỉ tiêu báo cáo, ví dụ total_value / state_budget; "
        "last_total_value là số năm trước.",
    )
    full_at = forms.IntegerField(label="Mức đạt điểm tối đa", required=False, min_value=1)

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = version.sections.all()


class RoundForm(forms.Form):
    kind = forms.ChoiceField(label="Đợt", choices=RoundKind.choices)
    self_deadline = DateField(label="Hạn tự chấm", help_text="dd/mm/yyyy")


class MarkForm(forms.Form):
    criterion = forms.ModelChoiceField(
        queryset=Criterion.objects.none(), label="Tiêu chí", empty_label=None
    )
    score = forms.DecimalField(
        label="Điểm",
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text=SCORE_HINT,
        localize=True,
    )
    reason = forms.CharField(
        label="Lý do, nhận xét", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.CharField(
        label="Minh chứng: đường dẫn tới hồ sơ trên nhandao hoặc tài liệu",
        required=False,
        max_length=500,
        help_text="Ví dụ /bao-cao/12/ hoặc /chien-dich/5/",
    )
    evidence_file = forms.FileField(label="Tệp minh chứng", required=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria


class ProposalForm(forms.Form):
    proposer = OrgCodeField(Organisation.objects.none(), label="Đơn vị đề nghị")
    grantor = OrgCodeField(Organisation.objects.none(), label="Cấp khen thưởng")
    kind = forms.ChoiceField(label="Hình thức khen thưởng", choices=AwardKind.choices)
    recipient_org = OrgCodeField(Organisation.objects.none(), label="Tập thể được đề nghị khen")
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    achievement = forms.CharField(
        label="Thành tích", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, proposers, grantors, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposer"].queryset = proposers
        self.fields["grantor"].queryset = grantors
        self.fields["recipient_org"].queryset = recipients
        if proposers.count() == 1:
            self.fields["proposer"].initial = proposers.first()


class NominationForm(forms.Form):
    nominator = OrgCodeField(Organisation.objects.none(), label="Đơn vị đề cử")
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    name = forms.CharField(label="Tên người hoặc tập thể", max_length=200)
    is_group = forms.BooleanField(label="Là tập thể", required=False)
    story = forms.CharField(label="Việc tốt, câu chuyện", widget=forms.Textarea(attrs={"rows": 4}))
    consent = forms.BooleanField(
        label="Người (tập thể) được đề cử đã đồng ý công khai tên và câu chuyện",
        required=False,
    )

    def __init__(self, *args, nominators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominator"].queryset = nominators
        if nominators.count() == 1:
            self.fields["nominator"].initial = nominators.first()


class DonorRuleForm(forms.Form):
    owner = OrgCodeField(Organisation.objects.none(), label="Đơn vị tôn vinh")
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    min_total = forms.CharField(
        label="Tổng ủng hộ trong năm từ (đồng)", max_length=30, help_text="Ví dụ 100.000.000"
    )
    title = forms.CharField(
        label="Danh hiệu", max_length=200, help_text="Ví dụ Nhà hảo tâm tiêu biểu"
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        if owners.count() == 1:
            self.fields["owner"].initial = owners.first()

    def clean_min_total(self):
        try:
            return parse_vnd(self.cleaned_data["min_total"])
        except AmountError as exc:
            raise forms.ValidationError(str(exc)) from None


class NoteForm(forms.Form):
    note = forms.CharField(label="Lý do, ghi chú", required=False, max_length=255)
    decision_number = forms.CharField(
        label="Số quyết định", required=False, max_length=40, help_text="Ví dụ 15/QĐ-HCTĐ"
    )
