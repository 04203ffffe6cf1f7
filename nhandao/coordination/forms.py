"""Coordination forms: validation shared by the pages and the API. Organisations are picked
(never typed): the issuer among the user's own, assignees and parties among the issuer's
tree and the partner organisations of its area (actions.assignable)."""

from django import forms
from django.utils import timezone

from nhandao.campaigns.forms import CampaignCodeField
from nhandao.coordination.models import DirectiveKind, ReviewKind, Severity
from nhandao.lib.forms import FileField
from nhandao.lib.widgets import MultiPicker, Picker
from nhandao.orgs.forms import OrgCodeField, OrgCodesField
from nhandao.orgs.models import Organisation, OrgLevel, SupervisionSubject
from nhandao.relief.forms import limit_campaigns

DATE = "(dd/mm/yyyy)"


def _own(form, organisations):
    """The user's organisations, the highest preselected (the list is ordered by path: an
    organisation comes before its levels below)."""
    form.fields["organisation"].queryset = organisations
    form.fields["organisation"].initial = organisations.first()


class DirectiveForm(forms.Form):
    organisation = OrgCodeField(Organisation.objects.none(), label="Cơ quan ban hành")
    kind = forms.ChoiceField(label="Loại văn bản", choices=DirectiveKind.choices,
                             initial=DirectiveKind.PLAN)  # fmt: skip
    number = forms.CharField(label="Số, ký hiệu", max_length=40,
                             help_text="Như trên văn bản, ví dụ 12/KH-MTTQ-BTT.")  # fmt: skip
    title = forms.CharField(label="Trích yếu", max_length=300)
    issued_on = forms.DateField(label=f"Ngày ban hành {DATE}", initial=timezone.localdate)
    file = FileField(label="Văn bản (PDF, Word)", required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        _own(self, organisations)


class TaskForm(forms.Form):
    title = forms.CharField(label="Nội dung nhiệm vụ", max_length=500,
                            widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    assignees = OrgCodesField(
        Organisation.objects.none(), label="Đơn vị thực hiện",
        help_text="Cấp dưới của cơ quan ban hành, hoặc tổ chức phối hợp trên địa bàn.",
    )  # fmt: skip
    due_on = forms.DateField(label=f"Hạn hoàn thành {DATE}")

    def __init__(self, *args, assignable, **kwargs):
        super().__init__(*args, **kwargs)
        # a local list (the issuer's levels below and its area's partners), not the search
        # of the user's own reach: the widget first, then the queryset fills its choices
        self.fields["assignees"].widget = MultiPicker()
        self.fields["assignees"].queryset = assignable


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label="Tiến độ (%)", min_value=0, max_value=100, initial=50)
    text = forms.CharField(label="Kết quả thực hiện", max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    evidence = FileField(label="Minh chứng (tệp)", required=False)
    evidence_note = forms.CharField(
        label="Minh chứng (mô tả)", required=False, max_length=500,
        help_text="Nếu không đính kèm tệp: biên bản, danh sách ký nhận… lưu ở đâu.",
    )  # fmt: skip
    complete = forms.BooleanField(label="Đã hoàn thành nhiệm vụ (gửi để cơ quan giao xác nhận)",
                                  required=False)  # fmt: skip


class NoteForm(forms.Form):
    note = forms.CharField(label="Ghi chú, lý do", required=False, max_length=2000)


class ProgrammeForm(forms.Form):
    organisation = OrgCodeField(Organisation.objects.none(), label="Bên chủ trì")
    parties = OrgCodesField(Organisation.objects.none(), label="Các bên ký kết khác")
    title = forms.CharField(label="Tên chương trình phối hợp", max_length=300)
    number = forms.CharField(label="Số, ký hiệu", max_length=40, required=False)
    level = forms.ChoiceField(label="Cấp", choices=OrgLevel.choices, initial=OrgLevel.PROVINCE)
    signed_on = forms.DateField(label=f"Ngày ký {DATE}")
    start_year = forms.IntegerField(label="Từ năm", min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label="Đến năm", min_value=2000, max_value=2100)
    document = FileField(label="Văn bản đã ký", required=False)

    def __init__(self, *args, organisations, partners, **kwargs):
        super().__init__(*args, **kwargs)
        _own(self, organisations)
        self.fields["parties"].widget = MultiPicker()  # the partners, listed (not searched)
        self.fields["parties"].queryset = partners


class ItemForm(forms.Form):
    title = forms.CharField(label="Nội dung phối hợp", max_length=500)
    responsible = forms.ModelChoiceField(Organisation.objects.none(), label="Bên chủ trì",
                                         widget=Picker())  # fmt: skip
    partners = forms.ModelMultipleChoiceField(
        Organisation.objects.none(), label="Bên phối hợp", required=False, widget=MultiPicker()
    )

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = parties
        self.fields["partners"].queryset = parties
        self.fields["responsible"].initial = parties.first()


class ActualForm(forms.Form):
    year = forms.TypedChoiceField(label="Năm", coerce=int)
    actual = forms.IntegerField(label="Thực hiện", min_value=0, max_value=10**15)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]
        today = timezone.localdate().year
        self.fields["year"].initial = today if today in years else years[-1]


class ReviewForm(forms.Form):
    kind = forms.ChoiceField(label="Loại", choices=ReviewKind.choices)
    held_on = forms.DateField(label=f"Ngày {DATE}", initial=timezone.localdate)
    number = forms.CharField(label="Số báo cáo", max_length=40, required=False)
    summary = forms.CharField(label="Đánh giá chung", max_length=20_000,
                              widget=forms.Textarea(attrs={"rows": 5}))  # fmt: skip


class PlanForm(forms.Form):
    organisation = OrgCodeField(Organisation.objects.none(), label="Cơ quan giám sát")
    supervised = OrgCodeField(Organisation.objects.none(), label="Đơn vị được giám sát")
    title = forms.CharField(label="Tên đợt giám sát", max_length=300)
    subject = forms.ChoiceField(label="Nội dung", choices=SupervisionSubject.choices)
    period_start = forms.DateField(label=f"Thời kỳ được giám sát: từ ngày {DATE}")
    period_end = forms.DateField(label=f"đến ngày {DATE}")
    access_from = forms.DateField(label=f"Đoàn làm việc từ ngày {DATE}", initial=timezone.localdate)
    access_until = forms.DateField(
        label=f"đến hết ngày {DATE}",
        help_text="Trong thời gian này đoàn được xem (chỉ xem) sổ sách tiền của thời kỳ trên.",
    )
    team = forms.CharField(label="Thành phần đoàn", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args, organisations, supervisable, **kwargs):
        super().__init__(*args, **kwargs)
        _own(self, organisations)
        self.fields["supervised"].widget = Picker()
        self.fields["supervised"].queryset = supervisable


class FindingForm(forms.Form):
    title = forms.CharField(label="Nội dung phát hiện", max_length=500)
    severity = forms.ChoiceField(label="Mức độ", choices=Severity.choices, initial="medium")
    criterion = forms.ModelChoiceField(None, label="Tiêu chí", required=False, widget=Picker())
    evidence = forms.CharField(label="Căn cứ, bằng chứng", max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    recommendation = forms.CharField(label="Kiến nghị", max_length=5000,
                                     widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    due_on = forms.DateField(label=f"Hạn khắc phục {DATE}")

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = plan.checklist.all()


class ResponseForm(forms.Form):
    response = forms.CharField(label="Phản hồi của đơn vị", max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    corrective_action = forms.CharField(label="Biện pháp khắc phục", max_length=5000,
                                        widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class ClosePlanForm(forms.Form):
    conclusion = forms.CharField(label="Kết luận giám sát", max_length=20_000,
                                 widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    publish = forms.BooleanField(label="Công khai tóm tắt kết quả trên cổng thông tin",
                                 required=False)  # fmt: skip


class IndicatorForm(forms.Form):
    name = forms.CharField(label="Chỉ tiêu", max_length=300)
    unit = forms.CharField(label="Đơn vị tính", max_length=20, initial="lượt")
    baseline = forms.IntegerField(label="Giá trị nền", required=False, min_value=0)
    goal = forms.IntegerField(label="Mục tiêu cả giai đoạn", required=False, min_value=0)
    source = forms.ModelChoiceField(
        None, label="Lấy số thực hiện từ chỉ tiêu báo cáo", required=False, widget=Picker(),
        help_text="Để trống nếu bên chủ trì tự nhập số thực hiện hằng năm.",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        from nhandao.reports.models import Indicator

        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Indicator.objects.order_by("name")


class TransferForm(forms.Form):
    """Money to another party under the programme (decision 0019): from a party whose money
    the user manages, to another party; the campaign whose fund pays."""

    organisation = OrgCodeField(Organisation.objects.none(), label="Bên chuyển tiền")
    campaign = CampaignCodeField(None, label="Chiến dịch (quỹ chi)")
    target_organisation = OrgCodeField(Organisation.objects.none(), label="Bên nhận")
    amount = forms.IntegerField(label="Số tiền (đồng)", min_value=1)
    decision_no = forms.CharField(label="Số quyết định", max_length=60)
    decision_date = forms.DateField(label=f"Ngày quyết định {DATE}", initial=timezone.localdate)
    source_earmark = forms.CharField(
        label="Nguồn: địa chỉ chỉ định (để trống: không chỉ định)", max_length=160,
        required=False,
    )  # fmt: skip
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, actor, sources, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["organisation"].widget = Picker()
        self.fields["organisation"].queryset = sources
        self.fields["organisation"].initial = sources.first()
        self.fields["target_organisation"].widget = Picker()
        self.fields["target_organisation"].queryset = parties
        limit_campaigns(self, "campaign")

    def clean(self):
        data = super().clean()
        source, target = data.get("organisation"), data.get("target_organisation")
        if source and target and source.pk == target.pk:
            self.add_error("target_organisation", "Bên nhận phải khác bên chuyển tiền.")
        data["source_earmark"] = (data.get("source_earmark") or "").strip()
        data["note"] = data.get("note") or ""
        return data


class VisitForm(forms.Form):
    held_on = forms.DateField(label=f"Ngày làm việc {DATE}", initial=timezone.localdate)
    place = forms.CharField(label="Địa điểm", max_length=200, required=False)
    note = forms.CharField(label="Nội dung làm việc", max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


CHECK_CHOICES = [("", "Chưa đánh giá"), ("ok", "Đạt"), ("not_ok", "Chưa đạt"),
                 ("na", "Không áp dụng")]  # fmt: skip


class ChecklistForm(forms.Form):
    """One choice per criterion of the plan (field "c<id>")."""

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        for item in plan.checklist.all():
            self.fields[f"c{item.pk}"] = forms.ChoiceField(
                label=f"{item.order}. {item.criterion}", choices=CHECK_CHOICES,
                required=False, initial=item.result,
            )  # fmt: skip

    def results(self) -> dict:
        return {name[1:]: value for name, value in self.cleaned_data.items()}
