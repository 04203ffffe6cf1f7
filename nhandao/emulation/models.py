"""Emulation and honours (thi đua, khen thưởng) as data:

- `ClusterTerm`: a cluster's year (orgs.EmulationCluster holds its members): chair,
  vice-chair, the hosts of the mid-year and year-end conferences, the handover to next
  year's host, and the pledge (giao ước thi đua) with its date, signatories and document;
- `CriteriaVersion` → `Section` → `Criterion`: the year's criteria (max, weight, bonus or
  penalty, evidence, the organisation kinds and levels it applies to, a formula over report
  indicators, last year's equivalent), grade thresholds and tie rules; published before
  marking, frozen when a round opens;
- `Round` (sơ kết, tổng kết) of a cluster; `Scorecard`: one member in one round, moving
  through the stages (self → sent → cross-marked → replied → locked) on `SCORECARDS`;
  `Mark`: append-only, every mark keeps who, for which organisation, when and why;
- `AwardProposal` (giấy khen, bằng khen, cờ thi đua, kỷ niệm chương) with "one achievement,
  one award"; `Nomination` of "Người tốt, việc thiện" with the consent to publish.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from nhandao.lib.models import StatusChange
from nhandao.lib.pipeline import Move, Pipeline
from nhandao.lib.text import search_key
from nhandao.orgs import access
from nhandao.orgs.models import EmulationCluster, Organisation


class ClusterTerm(models.Model):
    cluster = models.OneToOneField(EmulationCluster, on_delete=models.CASCADE, related_name="term")
    chair = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cụm trưởng",
    )
    vice_chair = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cụm phó",
    )
    midyear_host = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="đăng cai hội nghị sơ kết",
    )
    yearend_host = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="đăng cai hội nghị tổng kết",
    )
    next_host = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="bàn giao đăng cai năm sau cho",
    )
    handed_over_on = models.DateField("ngày bàn giao", null=True, blank=True)
    pledge_date = models.DateField("ngày ký giao ước thi đua", null=True, blank=True)
    pledge_signatories = models.TextField("các đơn vị, người ký", blank=True)
    pledge_document = models.FileField(
        "văn bản giao ước", upload_to="emulation/giao-uoc/", blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "năm thi đua của cụm"
        verbose_name_plural = "năm thi đua của cụm"

    def __str__(self):
        return str(self.cluster)


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    PUBLISHED = "published", "Đã công bố"
    FROZEN = "frozen", "Đã khóa (đang chấm)"


VERSIONS = Pipeline(
    VersionStatus,
    noun="bộ tiêu chí",
    moves=[
        Move("draft", "published", "Công bố cho các đơn vị", permission="approve"),
        Move("published", "draft", "Rút lại để sửa", permission="approve", style="secondary"),
        Move("published", "frozen", "Khóa khi bắt đầu chấm", permission="edit"),
    ],
)


class CriteriaVersion(models.Model):
    """The criteria of one year, set by one level (the Central Committee for the province
    clusters, a province for its commune clusters)."""

    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="cấp ban hành"
    )
    year = models.PositiveSmallIntegerField("năm")
    name = models.CharField("tên bộ tiêu chí", max_length=200)
    status = models.CharField(
        "tình trạng", max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="bộ tiêu chí năm trước",
    )
    # [{"min": 95, "label": "Xuất sắc"}, …]: the first whose min the score reaches
    grades = models.JSONField("ngưỡng xếp loại", default=list)
    # ["section:I", "penalty", …]: equal totals are ordered by these, in turn
    tie_rules = models.JSONField("quy tắc khi bằng điểm", default=list)

    pipeline = VERSIONS

    class Meta:
        verbose_name = "bộ tiêu chí thi đua"
        verbose_name_plural = "bộ tiêu chí thi đua"
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "year"], name="unique_criteria_per_year")
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"

    @property
    def status_label(self):
        return VERSIONS.label(self.status)

    @property
    def is_frozen(self) -> bool:
        return self.status == VersionStatus.FROZEN


class VersionStatusChange(StatusChange):
    version = models.ForeignKey(CriteriaVersion, on_delete=models.CASCADE, related_name="history")
    subject_field = "version"


class Section(models.Model):
    version = models.ForeignKey(CriteriaVersion, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField("số", max_length=10)  # "I", "II"
    title = models.CharField("tên phần", max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_section_code")
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"


class CriterionKind(models.TextChoices):
    STANDARD = "standard", "Chấm điểm"
    BONUS = "bonus", "Điểm thưởng"
    PENALTY = "penalty", "Điểm trừ"


class Evidence(models.TextChoices):
    NONE = "none", "Không cần"
    FILE = "file", "Tệp minh chứng"
    LINK = "link", "Đường dẫn tới hồ sơ trên nhandao"
    REPORT = "report", "Báo cáo đã duyệt"


class Criterion(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField("số", max_length=10)  # "1.1"
    name = models.CharField("tiêu chí", max_length=300)
    max_score = models.DecimalField("điểm tối đa", max_digits=6, decimal_places=2)
    weight = models.DecimalField("hệ số", max_digits=4, decimal_places=2, default=Decimal(1))
    kind = models.CharField(
        "loại", max_length=8, choices=CriterionKind.choices, default=CriterionKind.STANDARD
    )
    evidence = models.CharField(
        "minh chứng", max_length=8, choices=Evidence.choices, default=Evidence.NONE
    )
    # [] = every kind (level); else only these: elsewhere the criterion is "không áp dụng"
    # and the unit's maximum leaves it out
    org_kinds = models.JSONField("áp dụng cho loại tổ chức", default=list, blank=True)
    org_levels = models.JSONField("áp dụng cho cấp", default=list, blank=True)
    # a formula over the codes of report indicators ("total_value / state_budget"); the
    # member's approved report fills the mark: max × value / target, at most max
    formula = models.CharField("công thức từ báo cáo", max_length=255, blank=True)
    target = models.BigIntegerField("mức đạt điểm tối đa", null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="tiêu chí tương ứng năm trước",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["section__order", "order", "pk"]
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"

    def __str__(self):
        return f"{self.code}. {self.name}"

    def applies_to(self, org: Organisation) -> bool:
        return (not self.org_kinds or org.kind in self.org_kinds) and (
            not self.org_levels or org.level in self.org_levels
        )


class RoundKind(models.TextChoices):
    MIDYEAR = "midyear", "Sơ kết 6 tháng"
    YEAREND = "yearend", "Tổng kết năm"


class Round(models.Model):
    cluster = models.ForeignKey(EmulationCluster, on_delete=models.PROTECT, related_name="rounds")
    version = models.ForeignKey(CriteriaVersion, on_delete=models.PROTECT, related_name="rounds")
    kind = models.CharField("đợt", max_length=8, choices=RoundKind.choices)
    period = models.CharField("kỳ báo cáo", max_length=10)  # "2026-H1", "2026"
    self_deadline = models.DateField("hạn tự chấm")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-cluster__year", "cluster__number", "kind"]
        verbose_name = "đợt chấm điểm"
        verbose_name_plural = "đợt chấm điểm"
        constraints = [
            models.UniqueConstraint(fields=["cluster", "kind"], name="unique_round_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.cluster.year} — {self.cluster.name}"


class CardStatus(models.TextChoices):
    SELF = "self", "Đang tự chấm"
    SENT = "sent", "Đã gửi tự chấm, chờ chấm chéo"
    CROSSED = "crossed", "Đã chấm chéo"
    REPLIED = "replied", "Đã phản hồi điểm chấm chéo"
    LOCKED = "locked", "Đã thẩm định, khóa điểm"


# Permissions here are the scorecard's own questions (emulation.actions.can_for answers them):
# "edit" at the member; "cross" for another member of the cluster; "review" = "approve" at
# the cluster's owner, never over one's own organisation.
SCORECARDS = Pipeline(
    CardStatus,
    noun="bảng điểm",
    moves=[
        Move("self", "sent", "Gửi bảng tự chấm", rule="nhandao.emulation.actions.check_self_done"),
        Move(
            "sent",
            "crossed",
            "Hoàn thành chấm chéo",
            permission="cross",
            rule="nhandao.emulation.actions.check_cross_done",
        ),
        Move("crossed", "replied", "Gửi phản hồi", style="secondary"),
        Move("crossed", "locked", "Thẩm định và khóa điểm", permission="review"),
        Move("replied", "locked", "Thẩm định và khóa điểm", permission="review"),
        Move(
            "locked",
            "crossed",
            "Mở lại để thẩm định",
            permission="review",
            style="secondary",
            note_required="Hãy ghi lý do mở lại bảng điểm.",
        ),
    ],
)


class ScorecardQuerySet(models.QuerySet):
    def for_user(self, user):
        """Scorecards of the clusters the user reaches (as owner or as a member: members
        see each other's marks, they cross-mark them)."""
        reached = Organisation.objects.filter(access.reach_q(user, "view"))
        clusters = EmulationCluster.objects.filter(
            models.Q(owner__in=reached) | models.Q(members__in=reached)
        )
        return self.filter(round__cluster__in=clusters.values("pk"))


class Scorecard(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="scorecards")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "tình trạng", max_length=8, choices=CardStatus.choices, default=CardStatus.SELF
    )
    # the scores as computed by scoring.compute at the last mark (actions.recompute): the
    # criteria are frozen while marks are given, so these change only with a mark; rankings
    # of a whole year read them instead of 134,000 marks
    total = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(0))
    points = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    maximum = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    bonus = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    penalty = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    sections = models.JSONField(default=dict)  # section code → points, as text ("16.00")
    not_applicable = models.JSONField(default=list)  # criterion codes
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScorecardQuerySet.as_manager()
    pipeline = SCORECARDS

    class Meta:
        ordering = ["round", "organisation__name"]
        verbose_name = "bảng điểm"
        verbose_name_plural = "bảng điểm"
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="unique_scorecard")
        ]

    def __str__(self):
        return f"{self.organisation.name} — {self.round}"

    @property
    def status_label(self):
        return SCORECARDS.label(self.status)


class ScorecardStatusChange(StatusChange):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="history")
    subject_field = "scorecard"


class Stage(models.TextChoices):
    SELF = "self", "Tự chấm"
    CROSS = "cross", "Chấm chéo"
    REPLY = "reply", "Phản hồi"
    REVIEW = "review", "Thẩm định"


class Mark(models.Model):
    """One mark, never changed: a later mark of the same stage replaces it in the totals."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="marks")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField("bước", max_length=6, choices=Stage.choices)
    score = models.DecimalField("điểm", max_digits=6, decimal_places=2)
    reason = models.TextField("lý do, nhận xét", blank=True)
    evidence = models.TextField("minh chứng (đường dẫn)", blank=True)
    evidence_file = models.FileField(
        "tệp minh chứng", upload_to="emulation/minh-chung/", blank=True
    )
    value = models.BigIntegerField("giá trị từ báo cáo", null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    by_org = models.ForeignKey(
        Organisation,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="chấm thay mặt",
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["scorecard", "criterion", "stage"])]

    def __str__(self):
        return f"{self.scorecard_id}/{self.criterion_id}/{self.stage}: {self.score}"


class AwardKind(models.TextChoices):
    CERTIFICATE = "giay_khen", "Giấy khen"
    MERIT = "bang_khen", "Bằng khen"
    FLAG = "co_thi_dua", "Cờ thi đua"
    MEDAL = "ky_niem_chuong", "Kỷ niệm chương “Vì sự nghiệp nhân đạo”"


class AwardStatus(models.TextChoices):
    PROPOSED = "proposed", "Đề nghị, chờ xét"
    GRANTED = "granted", "Đã quyết định khen thưởng"
    REJECTED = "rejected", "Không khen thưởng"
    REVOKED = "revoked", "Đã thu hồi"


AWARDS = Pipeline(
    AwardStatus,
    noun="đề nghị khen thưởng",
    moves=[
        Move(
            "proposed",
            "granted",
            "Quyết định khen thưởng",
            permission="approve",
            checker=True,
            rule="nhandao.emulation.actions.check_one_award",
        ),
        Move(
            "proposed",
            "rejected",
            "Không khen thưởng",
            permission="approve",
            style="secondary",
            note_required="Hãy ghi lý do không khen thưởng.",
        ),
        Move(
            "granted",
            "revoked",
            "Thu hồi",
            permission="approve",
            style="danger",
            note_required="Hãy ghi lý do thu hồi khen thưởng.",
        ),
    ],
)


class AwardQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(
            access.reach_q(user, "view", via="proposer")
            | access.reach_q(user, "view", via="grantor")
        )


class AwardProposal(models.Model):
    proposer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị đề nghị"
    )
    grantor = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="cấp khen thưởng"
    )
    kind = models.CharField("hình thức", max_length=16, choices=AwardKind.choices)
    year = models.PositiveSmallIntegerField("năm")
    recipient_org = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tập thể được khen",
    )
    recipient_person = models.ForeignKey(
        "people.Individual",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cá nhân được khen",
    )
    achievement = models.TextField("thành tích")
    achievement_key = models.CharField(max_length=300, editable=False, db_index=True)
    scorecard = models.ForeignKey(
        Scorecard,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="kết quả thi đua",
    )
    status = models.CharField(
        "tình trạng", max_length=10, choices=AwardStatus.choices, default=AwardStatus.PROPOSED
    )
    decision_number = models.CharField("số quyết định", max_length=40, blank=True)
    decision_note = models.CharField("lý do", max_length=255, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = AwardQuerySet.as_manager()
    pipeline = AWARDS

    class Meta:
        ordering = ["-year", "-proposed_at"]
        verbose_name = "đề nghị khen thưởng"
        verbose_name_plural = "đề nghị khen thưởng"

    def __str__(self):
        return f"{self.get_kind_display()} — {self.recipient_name}"

    def save(self, *args, **kwargs):
        self.achievement_key = search_key(self.achievement)[:300]
        super().save(*args, **kwargs)

    @property
    def recipient_name(self) -> str:
        if self.recipient_org_id:
            return self.recipient_org.name
        return self.recipient_person.full_name if self.recipient_person_id else "—"

    @property
    def status_label(self):
        return AWARDS.label(self.status)


class AwardStatusChange(StatusChange):
    proposal = models.ForeignKey(AwardProposal, on_delete=models.CASCADE, related_name="history")
    subject_field = "proposal"


class NominationStatus(models.TextChoices):
    PROPOSED = "proposed", "Đề cử, chờ xét"
    HONOURED = "honoured", "Được tôn vinh"
    DECLINED = "declined", "Không tôn vinh"


NOMINATIONS = Pipeline(
    NominationStatus,
    noun="đề cử",
    moves=[
        Move("proposed", "honoured", "Tôn vinh", permission="approve", checker=True),
        Move(
            "proposed",
            "declined",
            "Không tôn vinh",
            permission="approve",
            style="secondary",
            note_required="Hãy ghi lý do không tôn vinh.",
        ),
        Move(
            "honoured",
            "declined",
            "Rút khỏi danh sách tôn vinh",
            permission="approve",
            style="danger",
            note_required="Hãy ghi lý do rút khỏi danh sách.",
        ),
    ],
)


class NominationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(access.reach_q(user, "view", via="nominator"))

    def public(self):
        """What the portal shows: honoured, with the consent to publish."""
        return self.filter(status=NominationStatus.HONOURED, consent=True)


class Nomination(models.Model):
    """A "Người tốt, việc thiện" nomination (guidance 318/HD-TƯHCTĐ, 2022)."""

    nominator = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị đề cử"
    )
    year = models.PositiveSmallIntegerField("năm")
    is_group = models.BooleanField("là tập thể", default=False)
    name = models.CharField("tên người, tập thể", max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    person = models.ForeignKey(
        "people.Individual",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="hồ sơ cá nhân trên nhandao",
    )
    province = models.ForeignKey(
        "orgs.AdminUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tỉnh, thành phố",
    )
    story = models.TextField("việc tốt, câu chuyện")
    consent = models.BooleanField("đồng ý công khai", default=False)
    consent_on = models.DateField("ngày đồng ý", null=True, blank=True)
    status = models.CharField(
        "tình trạng",
        max_length=10,
        choices=NominationStatus.choices,
        default=NominationStatus.PROPOSED,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)

    objects = NominationQuerySet.as_manager()
    pipeline = NOMINATIONS

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = "đề cử Người tốt, việc thiện"
        verbose_name_plural = "đề cử Người tốt, việc thiện"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)

    @property
    def status_label(self):
        return NOMINATIONS.label(self.status)


class NominationStatusChange(StatusChange):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="history")
    subject_field = "nomination"


class DonorHonourRule(models.Model):
    """A yearly threshold of an organisation (kept as data): donors whose donations received
    by the organisation and the organisations below it in the year reach `min_total` đồng
    are honoured with `title` (the highest threshold reached counts)."""

    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị tôn vinh"
    )
    year = models.PositiveSmallIntegerField("năm")
    min_total = models.BigIntegerField("tổng ủng hộ trong năm từ (đồng)")
    title = models.CharField("danh hiệu", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "owner__name", "-min_total"]
        verbose_name = "ngưỡng tôn vinh nhà hảo tâm"
        verbose_name_plural = "ngưỡng tôn vinh nhà hảo tâm"
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "year", "min_total"], name="unique_donor_honour_threshold"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"
