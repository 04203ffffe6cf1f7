"""Coordination between the Front and the Red Cross (issue #21):

- `Directive` (công văn, kế hoạch, chỉ thị) of an issuing organisation, with its `Task`s
  ("Thứ nhất … Thứ năm") assigned down the issuer's tree or across to a partner organisation
  of its area, each with a deadline; assignees report progress (`TaskReport`, with evidence)
  and completion, which the issuer confirms or returns (TASK_PIPELINE);
- `Programme` (chương trình phối hợp) between parties, with items (`ProgrammeItem`) whose
  indicators (`ItemIndicator`) carry a baseline, a target and an actual per year
  (`IndicatorYear`); an actual comes from the approved report snapshots of the responsible
  party where the indicator is linked to a reports indicator, else it is entered;
  yearly plans (`YearPlan`) and reviews (`Review`);
- `SupervisionPlan` (who supervises whom, subject, period, team) with its checklist as rows
  (`ChecklistItem`), visits (`Visit`) and findings (`Finding`), each a tracked object with
  its own lifecycle (FINDING_PIPELINE): the supervised organisation responds, the supervisor
  accepts (then re-checks and closes) or waives with a reason; never closed without one of
  the two. The plan's read-only access to the supervised organisation's money records is an
  `orgs.SupervisionGrant` (orgs/access.py honours it; this app creates it).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from nhandao.lib.models import StatusChange
from nhandao.lib.pipeline import Move, Pipeline
from nhandao.lib.text import search_key
from nhandao.orgs import access
from nhandao.orgs.models import OrgLevel, SupervisionSubject

ORDINALS = ["Thứ nhất", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy",
            "Thứ tám", "Thứ chín", "Thứ mười"]  # fmt: skip


def ordinal(n: int) -> str:
    return ORDINALS[n - 1] if 1 <= n <= len(ORDINALS) else f"Thứ {n}"


# ---- directives and tasks -----------------------------------------------------------------


class DirectiveKind(models.TextChoices):
    DISPATCH = "cong_van", "Công văn"
    PLAN = "ke_hoach", "Kế hoạch"
    DIRECTIVE = "chi_thi", "Chỉ thị"
    RESOLUTION = "nghi_quyet", "Nghị quyết"
    NOTICE = "thong_bao", "Thông báo"


class DirectiveQuerySet(models.QuerySet):
    def for_user(self, user):
        """Directives of an issuer the user reaches, or with a task for an organisation the
        user reaches (an assignee sees the directive it has to carry out)."""
        if access.is_everywhere(user):
            return self.all()
        tasked = Task.objects.filter(access.reach_q(user, "view", via="assignee"))
        return self.filter(
            access.reach_q(user, "view", via="organisation")
            | Q(pk__in=tasked.values("directive_id"))
        )


class Directive(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="directives",
        verbose_name="cơ quan ban hành",
    )  # fmt: skip
    kind = models.CharField("loại văn bản", max_length=12, choices=DirectiveKind.choices)
    number = models.CharField("số, ký hiệu", max_length=40)  # "12/KH-MTTQ-BTT"
    title = models.CharField("trích yếu", max_length=300)
    title_key = models.CharField(max_length=300, editable=False, db_index=True)
    issued_on = models.DateField("ngày ban hành")
    file = models.FileField("văn bản", upload_to="coordination/directives/", blank=True)
    programme = models.ForeignKey(
        "Programme", null=True, blank=True, on_delete=models.SET_NULL, related_name="directives",
        verbose_name="thuộc chương trình phối hợp",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = "văn bản chỉ đạo"
        verbose_name_plural = "văn bản chỉ đạo"

    def __str__(self):
        return f"{self.get_kind_display()} số {self.number}: {self.title}"

    def save(self, *args, **kwargs):
        self.title_key = search_key(f"{self.number} {self.title}")
        super().save(*args, **kwargs)


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", "Đã giao"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    REPORTED = "reported", "Báo cáo hoàn thành, chờ xác nhận"
    DONE = "done", "Hoàn thành"
    CANCELLED = "cancelled", "Hủy"


OPEN_TASK = [TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.REPORTED]
# still in the assignee's hands: what "overdue" counts (a task reported done waits on the
# issuer's confirmation, shown apart)
TO_DO = [TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS]

# "edit" is asked at the assignee (it carries the task out); "issuer" is "edit" at the
# directive's organisation (it follows up: confirms, returns, cancels); see actions.can_for.
TASK_PIPELINE = Pipeline(
    TaskStatus,
    noun="nhiệm vụ",
    moves=[
        Move("assigned", "in_progress", "Bắt đầu thực hiện"),
        Move("assigned", "reported", "Báo cáo hoàn thành"),
        Move("in_progress", "reported", "Báo cáo hoàn thành"),
        Move("reported", "done", "Xác nhận hoàn thành", permission="issuer"),
        Move("reported", "in_progress", "Trả lại, yêu cầu làm tiếp", permission="issuer",
             style="secondary", note_required="Hãy ghi lý do trả lại để đơn vị biết cần làm gì."),
        Move("assigned", "cancelled", "Hủy nhiệm vụ", permission="issuer", style="secondary",
             note_required="Hãy ghi lý do hủy nhiệm vụ."),
        Move("in_progress", "cancelled", "Hủy nhiệm vụ", permission="issuer", style="secondary",
             note_required="Hãy ghi lý do hủy nhiệm vụ."),
        Move("done", "in_progress", "Mở lại", permission="issuer", style="secondary",
             note_required="Hãy ghi lý do mở lại nhiệm vụ."),
    ],
)  # fmt: skip


class TaskQuerySet(models.QuerySet):
    def for_user(self, user):
        """Tasks of directives the user's organisations issued, or assigned to them."""
        return self.filter(
            access.reach_q(user, "view", via="directive__organisation")
            | access.reach_q(user, "view", via="assignee")
        )

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status__in=TO_DO, due_on__lt=today)


class Task(models.Model):
    pipeline = TASK_PIPELINE  # lib.models.StatusChange.change_text reads it
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    title = models.CharField("nội dung nhiệm vụ", max_length=500)
    assignee = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="coordination_tasks",
        verbose_name="đơn vị thực hiện",
    )  # fmt: skip
    due_on = models.DateField("hạn hoàn thành")
    status = models.CharField(
        "tình trạng", max_length=16, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_on = models.DateField("ngày hoàn thành", null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["directive", "order", "assignee__path"]
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"

    def __str__(self):
        return f"{ordinal(self.order)}: {self.title} — {self.assignee.name}"

    @property
    def organisation(self):
        """The organisation that carries the task out (audit events are filed under it)."""
        return self.assignee

    @property
    def status_label(self) -> str:
        return TASK_PIPELINE.label(self.status)

    @property
    def ordinal(self) -> str:
        return ordinal(self.order)

    @property
    def is_overdue(self) -> bool:
        return self.status in TO_DO and self.due_on < timezone.localdate()


class TaskStatusChange(StatusChange):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="history")
    subject_field = "task"


class TaskReport(models.Model):
    """What the assignee reports: how far, what was done, the evidence (a file, or where the
    proof is: "Biên bản trao quà ngày 12/3, lưu tại văn phòng")."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    progress = models.PositiveSmallIntegerField("tiến độ (%)")
    text = models.TextField("kết quả thực hiện")
    evidence = models.FileField("minh chứng", upload_to="coordination/evidence/", blank=True)
    evidence_note = models.CharField("minh chứng (mô tả)", max_length=500, blank=True)
    completion = models.BooleanField("báo cáo hoàn thành", default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.task_id}: {self.progress}%"


# ---- programmes ---------------------------------------------------------------------------


class ProgrammeQuerySet(models.QuerySet):
    def for_user(self, user):
        """Programmes one of whose parties the user reaches."""
        if access.is_everywhere(user):
            return self.all()
        parties = Programme.parties.through.objects.filter(
            access.reach_q(user, "view", via="organisation")
        )
        return self.filter(
            access.reach_q(user, "view", via="organisation")
            | Q(pk__in=parties.values("programme_id"))
        )


class Programme(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="programmes",
        verbose_name="bên chủ trì",
    )  # fmt: skip
    parties = models.ManyToManyField(
        "orgs.Organisation", related_name="programmes_joined", verbose_name="các bên ký kết"
    )
    title = models.CharField("tên chương trình", max_length=300)
    title_key = models.CharField(max_length=300, editable=False, db_index=True)
    number = models.CharField("số, ký hiệu", max_length=40, blank=True)
    level = models.CharField("cấp", max_length=10, choices=OrgLevel.choices)
    signed_on = models.DateField("ngày ký")
    start_year = models.PositiveSmallIntegerField("từ năm")
    end_year = models.PositiveSmallIntegerField("đến năm")
    document = models.FileField("văn bản đã ký", upload_to="coordination/programmes/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name = "chương trình phối hợp"
        verbose_name_plural = "chương trình phối hợp"

    def __str__(self):
        return f"{self.title} ({self.start_year}–{self.end_year})"

    def save(self, *args, **kwargs):
        self.title_key = search_key(self.title)
        super().save(*args, **kwargs)

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    def transfer_refusal(self, source, target, on) -> str:
        """Why money may not move from `source` to `target` under this programme on the
        date `on` ("" when it may): both must be parties of it, and its period must cover
        the date. relief.actions.allocations asks it (decision 0019, money between the two
        trees) when the allocation is proposed and again when it is executed."""
        if on is None or not (self.start_year <= on.year <= self.end_year):
            day = f"{on:%d/%m/%Y}" if on else "(chưa ghi)"
            return (
                f"Ngày quyết định {day} nằm ngoài thời gian của chương trình phối hợp "
                f"“{self.title}” ({self.start_year}–{self.end_year}): chỉ chuyển tiền giữa "
                "các bên khi chương trình còn hiệu lực vào ngày quyết định."
            )
        parties = set(self.parties.values_list("pk", flat=True))
        for org in (source, target):
            if org.pk not in parties:
                return (
                    f"“{org}” không phải bên ký kết chương trình phối hợp “{self.title}”: "
                    "chỉ chuyển tiền giữa các bên ký kết của chương trình."
                )
        return ""


class ProgrammeItem(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    title = models.CharField("nội dung phối hợp", max_length=500)
    responsible = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+",
        verbose_name="bên chủ trì",
    )  # fmt: skip
    partners = models.ManyToManyField(
        "orgs.Organisation", blank=True, related_name="+", verbose_name="bên phối hợp"
    )

    class Meta:
        ordering = ["programme", "order"]

    def __str__(self):
        return f"{self.order}. {self.title}"


class ItemIndicator(models.Model):
    item = models.ForeignKey(ProgrammeItem, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField("chỉ tiêu", max_length=300)
    unit = models.CharField("đơn vị tính", max_length=20)
    baseline = models.BigIntegerField("giá trị nền", null=True, blank=True)
    target = models.BigIntegerField("mục tiêu cả giai đoạn", null=True, blank=True)
    # the reports' indicator whose approved figures of the responsible party are the actuals
    source = models.ForeignKey(
        "reports.Indicator", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="lấy số liệu từ chỉ tiêu báo cáo",
    )  # fmt: skip

    class Meta:
        ordering = ["item", "pk"]

    def __str__(self):
        return self.name


class IndicatorYear(models.Model):
    indicator = models.ForeignKey(ItemIndicator, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField("năm")
    target = models.BigIntegerField("chỉ tiêu năm", null=True, blank=True)
    actual = models.BigIntegerField("thực hiện (nhập)", null=True, blank=True)

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="unique_indicator_year")
        ]

    def __str__(self):
        return f"{self.indicator_id}/{self.year}"


class YearPlan(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveSmallIntegerField("năm")
    content = models.TextField("nội dung kế hoạch năm")
    directive = models.ForeignKey(
        Directive, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="văn bản kế hoạch",
    )  # fmt: skip

    class Meta:
        ordering = ["programme", "year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="unique_programme_year")
        ]

    def __str__(self):
        return f"Kế hoạch năm {self.year}"


class ReviewKind(models.TextChoices):
    MID_TERM = "mid_term", "Sơ kết giữa kỳ"
    FINAL = "final", "Tổng kết"


class Review(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField("loại", max_length=10, choices=ReviewKind.choices)
    held_on = models.DateField("ngày sơ kết, tổng kết")
    number = models.CharField("số báo cáo", max_length=40, blank=True)
    summary = models.TextField("đánh giá chung", blank=True)

    class Meta:
        ordering = ["programme", "held_on"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.programme.title}"


# ---- supervision --------------------------------------------------------------------------


class PlanQuerySet(models.QuerySet):
    def for_user(self, user):
        """Plans of the supervising body or of the supervised organisation in reach."""
        return self.filter(
            access.reach_q(user, "view", via="organisation")
            | access.reach_q(user, "view", via="supervised")
        )


class PlanStatus(models.TextChoices):
    PLANNED = "planned", "Đã lập kế hoạch"
    ONGOING = "ongoing", "Đang giám sát"
    CLOSED = "closed", "Đã kết thúc"


class SupervisionPlan(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="supervision_plans",
        verbose_name="cơ quan giám sát",
    )  # fmt: skip
    supervised = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="supervised_by",
        verbose_name="đơn vị được giám sát",
    )  # fmt: skip
    title = models.CharField("tên đợt giám sát", max_length=300)
    subject = models.CharField("nội dung", max_length=12, choices=SupervisionSubject.choices)
    period_start = models.DateField("thời kỳ được giám sát: từ ngày")
    period_end = models.DateField("đến ngày")
    access_from = models.DateField("đoàn được xem sổ sách từ ngày")
    access_until = models.DateField("đến hết ngày")
    team = models.TextField("thành phần đoàn", blank=True)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default="planned")
    grant = models.OneToOneField(
        "orgs.SupervisionGrant", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="plan",
    )  # fmt: skip
    conclusion = models.TextField("kết luận giám sát", blank=True)
    published = models.BooleanField("công khai kết quả", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-access_from", "-pk"]
        verbose_name = "kế hoạch giám sát"
        verbose_name_plural = "kế hoạch giám sát"

    def __str__(self):
        return self.title


class ChecklistItem(models.Model):
    """One criterion the team checks (data, copied from the subject's standard list when the
    plan is made, then edited by the team)."""

    plan = models.ForeignKey(SupervisionPlan, on_delete=models.CASCADE, related_name="checklist")
    order = models.PositiveSmallIntegerField(default=1)
    criterion = models.CharField("tiêu chí", max_length=300)
    result = models.CharField(
        "kết quả", max_length=10, blank=True,
        choices=[("ok", "Đạt"), ("not_ok", "Chưa đạt"), ("na", "Không áp dụng")],
    )  # fmt: skip

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self):
        return self.criterion


class Visit(models.Model):
    plan = models.ForeignKey(SupervisionPlan, on_delete=models.CASCADE, related_name="visits")
    held_on = models.DateField("ngày làm việc")
    place = models.CharField("địa điểm", max_length=200, blank=True)
    note = models.TextField("nội dung làm việc", blank=True)

    class Meta:
        ordering = ["plan", "held_on"]

    def __str__(self):
        return f"Buổi làm việc {self.held_on:%d/%m/%Y}"


class Severity(models.TextChoices):
    LOW = "low", "Thấp"
    MEDIUM = "medium", "Trung bình"
    HIGH = "high", "Nghiêm trọng"


class FindingStatus(models.TextChoices):
    OPEN = "open", "Chờ đơn vị phản hồi"
    RESPONDED = "responded", "Đơn vị đã phản hồi, chờ xem xét"
    ACCEPTED = "accepted", "Chấp nhận phản hồi, chờ kiểm tra lại"
    WAIVED = "waived", "Miễn thực hiện (có lý do)"
    CLOSED = "closed", "Đã đóng"


OPEN_FINDING = [FindingStatus.OPEN, FindingStatus.RESPONDED, FindingStatus.ACCEPTED]

# "edit" is asked at the finding's owner (the supervised organisation answers);
# "supervisor" is "edit" at the plan's supervising body; see actions.finding_can_for.
FINDING_PIPELINE = Pipeline(
    FindingStatus,
    noun="kết luận giám sát",
    moves=[
        Move("open", "responded", "Gửi phản hồi, biện pháp khắc phục"),
        Move("responded", "open", "Yêu cầu phản hồi lại", permission="supervisor",
             style="secondary", note_required="Hãy ghi vì sao phản hồi chưa đạt."),
        Move("responded", "accepted", "Chấp nhận phản hồi", permission="supervisor"),
        Move("open", "waived", "Miễn thực hiện", permission="supervisor", style="secondary",
             note_required="Miễn thực hiện phải có lý do."),
        Move("responded", "waived", "Miễn thực hiện", permission="supervisor",
             style="secondary", note_required="Miễn thực hiện phải có lý do."),
        Move("accepted", "closed", "Kiểm tra lại và đóng", permission="supervisor",
             rule="nhandao.coordination.actions.check_closable"),
        Move("waived", "closed", "Đóng", permission="supervisor",
             rule="nhandao.coordination.actions.check_closable"),
        Move("open", "closed", "Đóng", permission="supervisor",
             rule="nhandao.coordination.actions.check_closable"),
    ],
)  # fmt: skip


class FindingQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(
            access.reach_q(user, "view", via="plan__organisation")
            | access.reach_q(user, "view", via="owner")
        )


class Finding(models.Model):
    pipeline = FINDING_PIPELINE  # lib.models.StatusChange.change_text reads it
    plan = models.ForeignKey(SupervisionPlan, on_delete=models.CASCADE, related_name="findings")
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    criterion = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings",
        verbose_name="tiêu chí",
    )  # fmt: skip
    title = models.CharField("nội dung phát hiện", max_length=500)
    severity = models.CharField("mức độ", max_length=8, choices=Severity.choices)
    evidence = models.TextField("căn cứ, bằng chứng")
    recommendation = models.TextField("kiến nghị")
    owner = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="findings",
        verbose_name="đơn vị phải khắc phục",
    )  # fmt: skip
    due_on = models.DateField("hạn khắc phục")
    status = models.CharField(max_length=10, choices=FindingStatus.choices, default="open")
    response = models.TextField("phản hồi của đơn vị", blank=True)
    corrective_action = models.TextField("biện pháp khắc phục", blank=True)
    responded_on = models.DateField(null=True, blank=True)
    waiver_reason = models.TextField("lý do miễn", blank=True)
    recheck_note = models.TextField("kết quả kiểm tra lại", blank=True)
    closed_on = models.DateField(null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "due_on", "pk"]
        verbose_name = "kết luận giám sát"
        verbose_name_plural = "kết luận giám sát"

    def __str__(self):
        return self.title

    @property
    def organisation(self):
        return self.owner

    @property
    def status_label(self) -> str:
        return FINDING_PIPELINE.label(self.status)

    @property
    def is_overdue(self) -> bool:
        return self.status == FindingStatus.OPEN and self.due_on < timezone.localdate()


class FindingStatusChange(StatusChange):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="history")
    subject_field = "finding"
