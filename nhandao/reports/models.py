"""Reports as data (DHIS2's data sets × periods × organisation units, with data approval):

- `Indicator`: what is counted — computed from nhandao's records, entered by the
  organisation, or a formula over other indicators;
- `ReportForm`: the indicators and narrative sections an organisation kind reports, with its
  cut-off and due dates; `ValidationRule`: left ≤ right checks over its indicators;
- `Report`: one organisation's report for one period, moving draft → submitted → approved by
  the level above (or returned with a comment); `ReportValue`: its values, keyed by indicator
  and breakdown. Computed values are snapshotted on submission, so a later correction shows
  as a difference and never changes a submitted report."""

from django.conf import settings
from django.db import models

from nhandao.lib.models import StatusChange
from nhandao.lib.pipeline import Move, Pipeline
from nhandao.orgs import access
from nhandao.orgs.models import OrgKind
from nhandao.reports.periods import CALENDAR, CUTOFFS


class Source(models.TextChoices):
    COMPUTED = "computed", "Tính từ dữ liệu"
    ENTERED = "entered", "Đơn vị nhập"
    FORMULA = "formula", "Công thức"


class Indicator(models.Model):
    code = models.SlugField("mã chỉ tiêu", max_length=40, unique=True)
    name = models.CharField("tên chỉ tiêu", max_length=200)
    unit = models.CharField("đơn vị tính", max_length=20)  # "đồng", "người", "hộ", "lần"
    source = models.CharField("cách lấy số liệu", max_length=10, choices=Source.choices)
    # computed: the name of a provider in reports/indicators.py; formula: an expression over
    # other indicators' codes with + − × ÷ ("received_money + received_goods_value").
    expression = models.CharField("cách tính", max_length=255, blank=True)
    required = models.BooleanField("bắt buộc nhập", default=False)
    help_text = models.CharField("hướng dẫn", max_length=255, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"

    def __str__(self):
        return self.name


class ReportForm(models.Model):
    code = models.SlugField("mã mẫu", max_length=40, unique=True)
    name = models.CharField("tên mẫu báo cáo", max_length=200)
    org_kind = models.CharField("loại tổ chức", max_length=20, choices=OrgKind.choices)
    symbol = models.CharField("ký hiệu văn bản", max_length=20, default="BC")  # …/BC-HCTĐ
    cutoff = models.CharField("mốc khóa sổ", max_length=10, choices=CUTOFFS, default=CALENDAR)
    # Days after the period's end by which each level sends its report up (communes first).
    due_days = models.JSONField("hạn nộp (số ngày sau kỳ, theo cấp)", default=dict)
    sections = models.JSONField("các phần thuyết minh", default=list)
    indicators = models.ManyToManyField(Indicator, through="FormIndicator", related_name="forms")

    class Meta:
        verbose_name = "mẫu báo cáo"
        verbose_name_plural = "mẫu báo cáo"

    def __str__(self):
        return self.name

    def ordered_indicators(self):
        return [fi.indicator for fi in self.lines.select_related("indicator").order_by("order")]


class FormIndicator(models.Model):
    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["form", "indicator"], name="unique_form_indicator")
        ]

    def __str__(self):
        return f"{self.form_id}/{self.indicator_id}"


class Comparison(models.TextChoices):
    LE = "le", "≤"
    GE = "ge", "≥"


class ValidationRule(models.Model):
    """left ≤ right (or ≥) over a report's values, e.g. distributed ≤ received + opening."""

    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="rules")
    left = models.CharField("vế trái", max_length=255)
    comparison = models.CharField(max_length=2, choices=Comparison.choices, default="le")
    right = models.CharField("vế phải", max_length=255)
    message = models.CharField("thông báo khi sai", max_length=255)

    def __str__(self):
        return f"{self.left} {self.get_comparison_display()} {self.right}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    SUBMITTED = "submitted", "Đã gửi, chờ duyệt"
    RETURNED = "returned", "Bị trả lại"
    APPROVED = "approved", "Đã duyệt"
    NOT_REPORTING = "not_reporting", "Không báo cáo kỳ này"


# "edit" is asked at the report's organisation; "approve" at the level above (its parent),
# which is how reports go up. The submitter may not approve (maker–checker).
PIPELINE = Pipeline(
    ReportStatus,
    noun="báo cáo",
    moves=[
        Move("draft", "submitted", "Gửi cấp trên"),
        Move("returned", "submitted", "Gửi lại cấp trên"),
        Move("submitted", "approved", "Duyệt", permission="approve", checker=True),
        Move("submitted", "returned", "Trả lại để sửa", permission="approve", style="secondary"),
        Move("approved", "draft", "Mở lại để sửa", permission="approve", style="secondary"),
        Move(
            "draft",
            "not_reporting",
            "Đánh dấu không báo cáo",
            permission="approve",
            style="secondary",
        ),  # fmt: skip
        Move(
            "not_reporting",
            "draft",
            "Bỏ đánh dấu không báo cáo",
            permission="approve",
            style="secondary",
        ),  # fmt: skip
    ],
)


class ReportQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(access.reach_q(user, "view", via="organisation"))


class Report(models.Model):
    pipeline = PIPELINE  # lib.models.StatusChange.change_text reads it
    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, related_name="reports")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="reports"
    )
    period = models.CharField("kỳ báo cáo", max_length=10)  # a periods.parse code
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày")
    due_on = models.DateField("hạn nộp")
    status = models.CharField(
        "tình trạng", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    number = models.CharField("số văn bản", max_length=40, blank=True)  # "12/BC-HCTĐ"
    narrative = models.JSONField("thuyết minh", default=dict)  # section title → text
    return_comment = models.TextField("ý kiến khi trả lại", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published = models.BooleanField("công khai trên cổng thông tin", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["form", "organisation", "period"], name="unique_report_per_period"
            )
        ]
        ordering = ["-end", "organisation__path"]
        verbose_name = "báo cáo"
        verbose_name_plural = "báo cáo"

    def __str__(self):
        return f"Báo cáo {self.period_label} — {self.organisation.name}"

    @property
    def period_label(self) -> str:
        from nhandao.reports.periods import parse

        return parse(self.period, self.form.cutoff).label

    @property
    def status_label(self) -> str:
        return PIPELINE.label(self.status)

    @property
    def is_locked(self) -> bool:
        """Values change only while the report is being written (draft or returned)."""
        return self.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class ReportValue(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    breakdown = models.CharField(max_length=40, blank=True)  # "" = the whole; "transfer", …
    # "own": the organisation's own figures (entered, or computed and snapshotted on
    # submission); "total": own + the children's approved totals, snapshotted on approval so
    # the level above sums one row per child instead of walking the tree.
    scope = models.CharField(max_length=5, default="own")
    value = models.BigIntegerField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "scope", "indicator", "breakdown"], name="unique_report_value"
            )
        ]

    def __str__(self):
        return f"{self.report_id}/{self.scope}/{self.indicator_id}/{self.breakdown}: {self.value}"


class ReportStatusChange(StatusChange):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="history")
    subject_field = "report"


class Target(models.Model):
    """A target (chỉ tiêu kế hoạch) for one organisation, period and indicator: entered by the
    organisation itself or set by the level above; shown beside the value as "% đạt"."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="report_targets"
    )
    period = models.CharField("kỳ báo cáo", max_length=10)  # a periods.parse code
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    value = models.BigIntegerField("chỉ tiêu kế hoạch")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period", "indicator"], name="unique_report_target"
            )
        ]

    def __str__(self):
        return f"{self.organisation_id}/{self.period}/{self.indicator_id}: {self.value}"
