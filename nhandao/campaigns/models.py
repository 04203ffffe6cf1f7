"""Campaigns: Tháng Nhân đạo, Tết Nhân ái, disaster appeals, movements, programmes.

A campaign belongs to its organiser (access follows the organiser, and co-organisers see it
too), may be a part of a higher-level campaign (figures roll up), and moves through an
explicit status pipeline (PIPELINE, lib.pipeline) with a history row for every move.

Decree 93/2021/NĐ-CP (appeals for disasters, epidemics, incidents, seriously ill patients):
receiving lasts at most 90 days from launch unless a provincial-or-higher body extends it;
distribution ends at most 20 days after receiving ends; donations dated after receiving
ends are refused.
"""

from datetime import date, timedelta

from django.db import models

from nhandao.lib.errors import Refused
from nhandao.lib.models import StatusChange
from nhandao.lib.pipeline import Move, Pipeline
from nhandao.lib.text import search_key

RECEIVING_DAYS = 90  # Decree 93/2021, art. 6
DISTRIBUTION_DAYS = 20  # Decree 93/2021, art. 10
WARN_DAYS = 7  # warn this many days before a deadline


class CampaignKind(models.TextChoices):
    HUMANITARIAN_MONTH = "humanitarian_month", "Tháng Nhân đạo"
    TET = "tet", "Tết Nhân ái"
    APPEAL = "appeal", "Vận động cứu trợ (thiên tai, dịch bệnh, sự cố)"
    MOVEMENT = "movement", "Phong trào, cuộc vận động"
    PROGRAMME = "programme", "Chương trình trọng điểm"
    SPONSORSHIP = "sponsorship", "Chương trình bảo trợ"
    OTHER = "other", "Khác"


DECREE_93_KINDS = {CampaignKind.APPEAL}


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    RECEIVING = "receiving", "Đang tiếp nhận"
    DISTRIBUTING = "distributing", "Đang phân phối"
    CLOSED = "closed", "Đã kết thúc"
    PUBLISHED = "published", "Đã công khai"


S = CampaignStatus


class TransitionError(Refused):
    """A status move the pipeline refuses (on the form's `to_status`)."""

    def __init__(self, message: str, field: str | None = "to_status"):
        super().__init__(message, field=field)


# The one table of campaign moves: nothing else is a legal move. Publishing the results is a
# leader's decision ("approve"); the rest is the organiser's ordinary work. Decree 93
# deadlines are not moves: they are warned about on the campaign page (Campaign.warnings)
# and enforced where money moves (a donation after receiving ends, a round opened after
# distribution ends), because campaigns are also recorded after the fact.
PIPELINE = Pipeline(
    CampaignStatus,
    noun="chiến dịch",
    error=TransitionError,
    error_field="to_status",
    moves=[
        Move(S.DRAFT, S.RECEIVING, "Phát động, bắt đầu tiếp nhận"),
        Move(S.RECEIVING, S.DISTRIBUTING, "Kết thúc tiếp nhận, chuyển sang phân phối"),
        Move(S.DISTRIBUTING, S.CLOSED, "Kết thúc chiến dịch"),
        Move(S.CLOSED, S.PUBLISHED, "Công khai kết quả", permission="approve"),
    ],
)
# from → allowed targets, read from the pipeline (kept for callers that list them)
TRANSITIONS: dict[str, tuple[str, ...]] = {s: PIPELINE.targets_from(s) for s in S.values}


class CampaignQuerySet(models.QuerySet):
    def with_deadlines(self):
        """Each campaign with its latest extension's end read in the same query, so that its
        deadlines (receiving_closes_on, distribution_closes_on) cost no query each: the home
        page reads them for every open campaign in reach (3 queries per campaign before)."""
        latest = CampaignExtension.objects.filter(campaign=models.OuterRef("pk")).order_by(
            "-new_receiving_end"
        )
        return self.annotate(
            latest_extension_end=models.Subquery(latest.values("new_receiving_end")[:1])
        )

    def for_user(self, user, perm: str = "view"):
        """Campaigns whose organiser or one of whose co-organisers is within reach; to view,
        also the launched campaigns of the organisations above (a commune chapter takes part
        in its province's and the national campaigns: it sees them and records donations to
        them, without editing them), and every campaign an organisation within reach took
        part in (its ledger holds an account of it)."""
        from nhandao.orgs import access

        if access.is_everywhere(user):
            return self
        q = access.reach_q(user, perm, via="organisation")
        q |= access.reach_q(user, perm, via="co_organisers")
        if perm == "view":
            q |= access.above_q(user, perm, via="organisation") & ~models.Q(status=S.DRAFT)
            # Participation (issue #14): an organisation that received for a campaign, was
            # allocated its money or handed it out has an account of it in the ledger, and
            # sees the campaign (read-only: editing still needs a role at the organiser).
            from nhandao.audit.models import LedgerAccount

            q |= models.Q(
                pk__in=LedgerAccount.objects.filter(
                    access.reach_q(user, perm, via="organisation"), campaign__isnull=False
                ).values("campaign_id")
            )
        ids = self.model.objects.filter(q).values("pk")
        return self.filter(pk__in=ids)

    def search(self, query: str):
        qs = self
        for term in search_key(query).split():
            qs = qs.filter(models.Q(name_key__contains=term) | models.Q(code__iexact=term))
        return qs


class Campaign(models.Model):
    code = models.CharField("mã chiến dịch", max_length=40, unique=True)
    name = models.CharField("tên", max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    kind = models.CharField("loại", max_length=20, choices=CampaignKind.choices)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name="đơn vị chủ trì",
    )
    co_organisers = models.ManyToManyField(
        "orgs.Organisation", blank=True, related_name="co_campaigns", verbose_name="đồng tổ chức"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        verbose_name="thuộc chiến dịch",
    )
    theme = models.CharField("chủ đề", max_length=255, blank=True)
    launch_date = models.DateField("ngày phát động")
    receiving_end = models.DateField("ngày kết thúc tiếp nhận", null=True, blank=True)
    distribution_end = models.DateField("ngày kết thúc phân phối", null=True, blank=True)
    target_amount = models.BigIntegerField("chỉ tiêu tiền (đồng)", null=True, blank=True)
    target_gifts = models.PositiveIntegerField("chỉ tiêu suất quà", null=True, blank=True)
    target_people = models.PositiveIntegerField("chỉ tiêu lượt người", null=True, blank=True)
    transfer_memo = models.CharField(
        "nội dung chuyển khoản",
        max_length=25,
        blank=True,
        help_text="Mã ghi trong nội dung chuyển khoản để tự nhận diện chiến dịch, ví dụ YAGI2024",
    )
    goods_dropoff = models.TextField(
        "nơi và giờ nhận hiện vật",
        blank=True,
        help_text="Địa chỉ, thời gian nhận hàng cứu trợ và những mặt hàng đang cần",
    )
    auto_receipts = models.BooleanField(
        "tự động cấp biên nhận",
        default=False,
        help_text="Cấp biên nhận ngay khi ghi nhận khoản ủng hộ có tên người ủng hộ",
    )
    status = models.CharField(
        "tình trạng", max_length=12, choices=CampaignStatus.choices, default=S.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()
    pipeline = PIPELINE

    class Meta:
        verbose_name = "chiến dịch"
        verbose_name_plural = "chiến dịch"
        ordering = ["-launch_date", "code"]

    def __str__(self):
        return self.name

    # --- Decree 93 deadlines --------------------------------------------------------------

    @property
    def under_decree_93(self) -> bool:
        return self.kind in DECREE_93_KINDS

    def latest_extension(self):
        return self.extensions.order_by("-new_receiving_end").first()

    def max_receiving_end(self) -> date | None:
        """The latest lawful end of receiving (None: no legal limit for this kind)."""
        if "latest_extension_end" in self.__dict__:  # read with the campaign (with_deadlines)
            if self.latest_extension_end is not None:
                return self.latest_extension_end
        else:
            extension = self.latest_extension() if self.pk else None
            if extension is not None:
                return extension.new_receiving_end
        if self.under_decree_93:
            return self.launch_date + timedelta(days=RECEIVING_DAYS)
        return None

    def receiving_closes_on(self) -> date | None:
        """The last day donations are accepted: the planned end, capped by the law."""
        limit = self.max_receiving_end()
        if self.receiving_end and limit:
            return min(self.receiving_end, limit)
        return self.receiving_end or limit

    def max_distribution_end(self) -> date | None:
        closes = self.receiving_closes_on()
        if closes and self.under_decree_93:
            return closes + timedelta(days=DISTRIBUTION_DAYS)
        return None

    def distribution_closes_on(self) -> date | None:
        limit = self.max_distribution_end()
        if self.distribution_end and limit:
            return min(self.distribution_end, limit)
        return self.distribution_end or limit

    def refusal_for(self, day: date) -> str | None:
        """Why a donation dated `day` cannot be received (None when it can)."""
        closes = self.receiving_closes_on()
        if closes and day > closes:
            return (
                f"Chiến dịch “{self.name}” đã kết thúc tiếp nhận ngày {closes:%d/%m/%Y}; "
                f"không nhận khoản ủng hộ ngày {day:%d/%m/%Y}."
            )
        return None

    def warnings(self, today: date) -> list[str]:
        """Deadline warnings shown on the campaign page (and to the organiser)."""
        out = []
        checks = []
        if self.status in (S.DRAFT, S.RECEIVING):
            checks.append(("tiếp nhận", self.receiving_closes_on()))
        if self.status in (S.RECEIVING, S.DISTRIBUTING):
            checks.append(("phân phối", self.distribution_closes_on()))
        for label, deadline in checks:
            if deadline is None:
                continue
            left = (deadline - today).days
            if left < 0:
                out.append(f"Đã quá hạn kết thúc {label} ({deadline:%d/%m/%Y}).")
            elif left <= WARN_DAYS:
                out.append(f"Còn {left} ngày đến hạn kết thúc {label} ({deadline:%d/%m/%Y}).")
        return out

    def subtree_ids(self) -> list[int]:
        """This campaign and all its parts at lower levels (for roll-ups)."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(
                Campaign.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            ids += frontier
        return ids


class CampaignStatusChange(StatusChange):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="history")
    to_status = models.CharField(max_length=16, choices=CampaignStatus.choices)

    subject_field = "campaign"

    class Meta(StatusChange.Meta):
        verbose_name = "thay đổi tình trạng chiến dịch"
        verbose_name_plural = "lịch sử tình trạng chiến dịch"


class CampaignExtension(models.Model):
    """An extension of the receiving period, decided by a provincial-or-higher body."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="extensions")
    new_receiving_end = models.DateField("gia hạn tiếp nhận đến")
    decided_by = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="cơ quan quyết định",
    )
    decision_ref = models.CharField("số quyết định", max_length=80)
    decided_on = models.DateField("ngày quyết định")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "gia hạn tiếp nhận"
        verbose_name_plural = "gia hạn tiếp nhận"
        ordering = ["new_receiving_end"]

    def __str__(self):
        return f"Gia hạn đến {self.new_receiving_end:%d/%m/%Y} ({self.decision_ref})"
