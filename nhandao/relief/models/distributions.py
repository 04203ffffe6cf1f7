"""Distribution rounds and their lines (who received what)."""

from django.conf import settings
from django.db import models

from nhandao.lib.pipeline import Move, Pipeline
from nhandao.relief.models.base import ScopedQuerySet, StatusChange
from nhandao.relief.models.incidents import Incident
from nhandao.relief.models.policies import DistributionKind
from nhandao.relief.models.stock import Item, StockMove, Warehouse
from nhandao.relief.rules import ReliefError


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Đang lập danh sách"
    OPEN = "open", "Đang cấp phát"
    CLOSED = "closed", "Đã hoàn thành"
    CANCELLED = "cancelled", "Đã hủy"


RS = RoundStatus
# The one table of a round's moves. Opening checks the rules of the day (Decree 93's
# distribution deadline, the list fits the fund or the stock) in the actions module, which
# imports these models, hence the dotted path.
PIPELINE = Pipeline(
    RoundStatus,
    noun="đợt cấp phát",
    error=ReliefError,
    moves=[
        Move(
            RS.DRAFT,
            RS.OPEN,
            "Bắt đầu cấp phát",
            rule="nhandao.relief.actions.distributions.check_round_can_open",
        ),
        Move(RS.DRAFT, RS.CANCELLED, "Hủy đợt", style="secondary"),
        Move(RS.OPEN, RS.CLOSED, "Kết thúc đợt"),
    ],
)
ROUND_TRANSITIONS: dict[str, tuple[str, ...]] = {s: PIPELINE.targets_from(s) for s in RS.values}


class DistributionRound(models.Model):
    """A đợt cấp phát: one organisation, one campaign, one kind, a date and a place."""

    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="distribution_rounds",
        verbose_name="đơn vị cấp phát",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="distribution_rounds",
        verbose_name="chiến dịch",
    )
    kind = models.CharField("hình thức", max_length=20, choices=DistributionKind.choices)
    name = models.CharField("tên đợt", max_length=200)
    date = models.DateField("ngày cấp phát")
    place = models.CharField("địa điểm", max_length=255, blank=True)
    commune = models.ForeignKey(
        "orgs.AdminUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="xã/phường",
    )
    earmark = models.CharField("nguồn (địa chỉ chỉ định)", max_length=160, blank=True, default="")
    warehouse = models.ForeignKey(
        Warehouse,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="xuất từ kho",
    )
    item = models.ForeignKey(
        Item,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="mặt hàng",
    )
    incident = models.ForeignKey(
        Incident,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name="sự cố",
    )
    status = models.CharField(
        "tình trạng", max_length=10, choices=RoundStatus.choices, default=RS.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    pipeline = PIPELINE

    class Meta:
        verbose_name = "đợt cấp phát"
        verbose_name_plural = "đợt cấp phát"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.date:%d/%m/%Y})"

    @property
    def is_goods(self) -> bool:
        return self.item_id is not None

    # what a page asks of the round's status (templates never compare status codes)
    @property
    def takes_recipients(self) -> bool:
        """Recipients may be added: the list is being drawn up or handed out."""
        return self.status in (RS.DRAFT, RS.OPEN)

    @property
    def handing_out(self) -> bool:
        """Handout day: receipts are confirmed line by line or by the signed paper list."""
        return self.status == RS.OPEN


class RoundStatusChange(StatusChange):
    round = models.ForeignKey(DistributionRound, on_delete=models.CASCADE, related_name="history")
    to_status = models.CharField(max_length=16, choices=RoundStatus.choices)

    subject_field = "round"

    class Meta(StatusChange.Meta):
        verbose_name = "thay đổi tình trạng đợt cấp phát"
        verbose_name_plural = "lịch sử tình trạng đợt cấp phát"


class LineStatus(models.TextChoices):
    PLANNED = "planned", "Chưa nhận"
    RECEIVED = "received", "Đã nhận"
    CANCELLED = "cancelled", "Đã hủy"


class ReceiptMethod(models.TextChoices):
    SIGNATURE = "signature", "Ký nhận"
    ID_CHECKED = "id_checked", "Đã đối chiếu CCCD"
    PHOTO = "photo", "Ảnh trao nhận"
    PAPER_LIST = "paper_list", "Danh sách giấy có chữ ký (tải lên)"


class DistributionLine(models.Model):
    round = models.ForeignKey(DistributionRound, on_delete=models.PROTECT, related_name="lines")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "beneficiaries.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relief_lines",
    )
    person = models.ForeignKey(
        "beneficiaries.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relief_lines",
    )
    commune = models.ForeignKey(
        "orgs.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_name = models.CharField("người nhận", max_length=150, blank=True)
    value = models.BigIntegerField("trị giá (đồng)")
    quantity = models.DecimalField(
        "số lượng", max_digits=14, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        "tình trạng", max_length=10, choices=LineStatus.choices, default=LineStatus.PLANNED
    )
    receipt_method = models.CharField(
        "hình thức xác nhận", max_length=12, choices=ReceiptMethod.choices, blank=True
    )
    receipt_file = models.FileField("chứng từ nhận", upload_to="relief/receipts/%Y/", blank=True)
    received_on = models.DateField("ngày nhận", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.CharField("lý do vẫn cấp khi trùng", max_length=255, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    support_record = models.OneToOneField(
        "beneficiaries.SupportRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relief_line",
    )
    ledger_entry = models.OneToOneField(
        "audit.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stock_move = models.OneToOneField(
        StockMove, null=True, blank=True, on_delete=models.PROTECT, related_name="line"
    )
    source = models.CharField(max_length=10, default="manual")  # manual, filter, import
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()  # owned by the round's organisation

    class Meta:
        verbose_name = "dòng danh sách cấp phát"
        verbose_name_plural = "danh sách cấp phát"
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["campaign", "household"]),
            models.Index(fields=["campaign", "person"]),
            models.Index(fields=["round", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "household"],
                condition=models.Q(household__isnull=False),
                name="unique_line_household",
            ),
            models.UniqueConstraint(
                fields=["round", "person"],
                condition=models.Q(person__isnull=False),
                name="unique_line_person",
            ),
            models.CheckConstraint(
                condition=models.Q(household__isnull=False) | models.Q(person__isnull=False),
                name="line_has_recipient",
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="line_value_gte_0"),
        ]

    def __str__(self):
        return f"{self.recipient_name} — {self.value:,} đ".replace(",", ".")

    @property
    def awaiting(self) -> bool:
        """Not received yet (nor cancelled): the line a handout confirms."""
        return self.status == LineStatus.PLANNED
