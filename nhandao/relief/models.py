"""Relief: allocations down (and up) the levels, distributions to households, overlap rules,
stock, incidents, and the summary tables the public side and reconciliation read.

Money never moves here by itself: actions.py moves it through audit/ledger.py (transfer,
post), which locks the account and refuses a negative balance. Every record carries its
owning organisation; access goes through orgs/access.py.
"""

from django.conf import settings
from django.db import models

from nhandao.lib.text import search_key


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        from nhandao.orgs import access

        return access.scope(self, user, perm)


class AllocationQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        """Allocations out of, or into, an organisation where the user has `perm`."""
        from nhandao.orgs import access

        return self.filter(
            access.reach_q(user, perm, via="organisation")
            | access.reach_q(user, perm, via="target_organisation")
        )


class StatusChange(models.Model):
    """One step of a status pipeline: from → to, who, when, why. Each subclass adds the
    foreign key to its subject (named by `subject_field`) and the choices of `to_status`."""

    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)

    subject_field = ""

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        subject = getattr(self, f"{self.subject_field}_id")
        return f"{subject}: {self.from_status} → {self.to_status}"

    @classmethod
    def log(cls, subject, to_status, *, from_status="", actor=None, note=""):
        """Write the history row of `subject` moving to `to_status`."""
        if not getattr(actor, "is_authenticated", False):
            actor = None
        return cls.objects.create(
            **{cls.subject_field: subject},
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            note=note[:255],
        )


# ---- reference data (kept as data, loaded by migration 0002) --------------------------------


class AllowedUse(models.Model):
    """A use that unconditional money may be spent on (Decree 93/2021/NĐ-CP, art. 11)."""

    code = models.CharField("mã", max_length=30, unique=True)
    name = models.CharField("nội dung sử dụng", max_length=255)
    legal_ref = models.CharField("căn cứ", max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField("còn áp dụng", default=True)

    class Meta:
        verbose_name = "nội dung được sử dụng nguồn đóng góp"
        verbose_name_plural = "nội dung được sử dụng nguồn đóng góp (NĐ 93/2021 Điều 11)"
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class DistributionKind(models.TextChoices):
    CASH = "cash", "Tiền mặt"
    GIFT = "gift", "Suất quà"
    HOUSE = "house", "Xây mới, sửa chữa nhà"
    LIVELIHOOD = "livelihood", "Sinh kế (bò, thuyền, giống…)"
    SCHOLARSHIP = "scholarship", "Học bổng"
    HEALTH_INSURANCE = "health_insurance", "Thẻ bảo hiểm y tế"
    MEDICINE = "medicine", "Thuốc, khám chữa bệnh"
    OTHER = "other", "Khác"


# The registry's support history (beneficiaries.SupportKind) has its own list; each round kind
# is written there as the closest kind.
SUPPORT_KIND = {
    "cash": "cash",
    "gift": "gift",
    "house": "house",
    "livelihood": "livelihood",
    "scholarship": "scholarship",
    "health_insurance": "health_insurance",
    "medicine": "medical",
    "other": "other",
}
# Registry kinds that count as the same support when looking for overlaps: a livelihood round
# also meets the cow bank (and livelihood rounds recorded as "cow" before the registry had
# its own livelihood kind).
OVERLAP_KINDS = {
    kind: (support,) + (("cow",) if support == "livelihood" else ())
    for kind, support in SUPPORT_KIND.items()
}


class KindPolicy(models.Model):
    """How many days around a support of this kind another one counts as an overlap."""

    kind = models.CharField(
        "hình thức", max_length=20, choices=DistributionKind.choices, unique=True
    )
    overlap_days = models.PositiveIntegerField("khoảng cảnh báo trùng (ngày)")
    allowed_use = models.ForeignKey(
        AllowedUse,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="thuộc nội dung (NĐ 93/2021)",
        help_text="Để trống: tiền không chỉ định của chiến dịch cứu trợ không được chi cho "
        "hình thức này.",
    )

    class Meta:
        verbose_name = "ngưỡng cảnh báo trùng"
        verbose_name_plural = "ngưỡng cảnh báo trùng theo hình thức"
        ordering = ["kind"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.overlap_days} ngày"


class AllocationPolicy(models.Model):
    """Per organisation: above this amount an allocation needs a second approver."""

    organisation = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="allocation_policy"
    )
    second_approval_above = models.BigIntegerField(
        "cần người duyệt thứ hai khi số tiền vượt (đồng)", null=True, blank=True
    )

    class Meta:
        verbose_name = "ngưỡng duyệt phân bổ"
        verbose_name_plural = "ngưỡng duyệt phân bổ"

    def __str__(self):
        return f"{self.organisation}: {self.second_approval_above}"


# ---- incidents ---------------------------------------------------------------------------


class IncidentKind(models.TextChoices):
    STORM = "storm", "Bão, áp thấp nhiệt đới"
    FLOOD = "flood", "Lũ, lụt, ngập úng"
    LANDSLIDE = "landslide", "Sạt lở, lũ quét"
    DROUGHT = "drought", "Hạn hán, xâm nhập mặn"
    EPIDEMIC = "epidemic", "Dịch bệnh"
    INCIDENT = "incident", "Sự cố nghiêm trọng"
    OTHER = "other", "Khác"


class Incident(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name="tổ chức ghi nhận",
    )
    kind = models.CharField("loại", max_length=12, choices=IncidentKind.choices)
    name = models.CharField("tên", max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày", null=True, blank=True)
    description = models.TextField("mô tả", blank=True)
    campaigns = models.ManyToManyField(
        "campaigns.Campaign",
        blank=True,
        related_name="incidents",
        verbose_name="chiến dịch liên quan",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "sự cố, thiên tai"
        verbose_name_plural = "sự cố, thiên tai"
        ordering = ["-start", "pk"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)


class IncidentArea(models.Model):
    """An affected commune: damage and needs."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="areas")
    commune = models.ForeignKey(
        "orgs.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name="xã/phường"
    )
    deaths = models.PositiveIntegerField("người chết", default=0)
    missing = models.PositiveIntegerField("người mất tích", default=0)
    injured = models.PositiveIntegerField("người bị thương", default=0)
    houses_destroyed = models.PositiveIntegerField("nhà sập, cuốn trôi", default=0)
    houses_damaged = models.PositiveIntegerField("nhà hư hỏng", default=0)
    damage_amount = models.BigIntegerField("thiệt hại ước tính (đồng)", default=0)
    needs_amount = models.BigIntegerField("nhu cầu hỗ trợ (đồng)", default=0)
    needs_note = models.CharField("nhu cầu cụ thể", max_length=255, blank=True)

    class Meta:
        verbose_name = "địa bàn bị ảnh hưởng"
        verbose_name_plural = "địa bàn bị ảnh hưởng"
        constraints = [
            models.UniqueConstraint(fields=["incident", "commune"], name="unique_incident_area"),
            models.CheckConstraint(
                condition=models.Q(needs_amount__gte=0), name="incident_needs_gte_0"
            ),
        ]

    def __str__(self):
        return f"{self.incident} — {self.commune}"


# ---- allocations -------------------------------------------------------------------------


class AllocationStatus(models.TextChoices):
    PROPOSED = "proposed", "Chờ duyệt"
    FIRST_APPROVED = "first_approved", "Đã duyệt lần 1, chờ người duyệt thứ hai"
    EXECUTED = "executed", "Đã duyệt, đã chuyển tiền"
    REJECTED = "rejected", "Bị từ chối"
    CANCELLED = "cancelled", "Đã hủy"


class Direction(models.TextChoices):
    DOWN = "down", "Phân bổ xuống cấp dưới"
    UP = "up", "Chuyển lên cấp trên"
    PURPOSE = "purpose", "Sử dụng cho nội dung"


AS = AllocationStatus
ALLOCATION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    AS.PROPOSED: (AS.FIRST_APPROVED, AS.EXECUTED, AS.REJECTED, AS.CANCELLED),
    AS.FIRST_APPROVED: (AS.EXECUTED, AS.REJECTED),
    AS.EXECUTED: (),
    AS.REJECTED: (),
    AS.CANCELLED: (),
}


class Allocation(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="allocations_out",
        verbose_name="đơn vị phân bổ",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name="chiến dịch",
    )
    source_earmark = models.CharField(
        "nguồn (địa chỉ chỉ định)", max_length=160, blank=True, default=""
    )
    direction = models.CharField("chiều", max_length=8, choices=Direction.choices)
    target_organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations_in",
        verbose_name="đơn vị nhận",
    )
    purpose = models.ForeignKey(
        AllowedUse,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="nội dung sử dụng",
    )
    purpose_text = models.CharField(
        "nội dung chi (theo địa chỉ chỉ định)", max_length=255, blank=True
    )
    amount = models.BigIntegerField("số tiền (đồng)")
    decision_no = models.CharField("số quyết định", max_length=60)
    decision_date = models.DateField("ngày quyết định")
    decision_file = models.FileField(
        "văn bản quyết định", upload_to="relief/decisions/%Y/", blank=True
    )
    incident = models.ForeignKey(
        Incident,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name="sự cố",
    )
    note = models.CharField("ghi chú", max_length=255, blank=True)
    status = models.CharField(
        "tình trạng", max_length=16, choices=AllocationStatus.choices, default=AS.PROPOSED
    )
    needs_second = models.BooleanField("cần hai người duyệt", default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người đề xuất",
    )
    first_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    out_entry = models.OneToOneField(
        "audit.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    in_entry = models.OneToOneField(
        "audit.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    executed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        verbose_name = "phân bổ"
        verbose_name_plural = "phân bổ"
        ordering = ["-decision_date", "-pk"]
        indexes = [models.Index(fields=["campaign", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_amount_gt_0"),
        ]

    def __str__(self):
        return f"Quyết định {self.decision_no} ({self.decision_date:%d/%m/%Y})"

    @property
    def recipient_label(self) -> str:
        if self.target_organisation_id:
            return str(self.target_organisation)
        return str(self.purpose or self.purpose_text)


class AllocationStatusChange(StatusChange):
    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="history")
    to_status = models.CharField(max_length=16, choices=AllocationStatus.choices)

    subject_field = "allocation"

    class Meta(StatusChange.Meta):
        verbose_name = "thay đổi tình trạng phân bổ"
        verbose_name_plural = "lịch sử tình trạng phân bổ"


# ---- stock -------------------------------------------------------------------------------


class Warehouse(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="warehouses",
        verbose_name="tổ chức",
    )
    name = models.CharField("tên kho", max_length=200)
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "kho"
        verbose_name_plural = "kho"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Item(models.Model):
    """A kind of goods with its unit (gạo, kg; mì tôm, thùng; áo phao, chiếc…)."""

    name = models.CharField("mặt hàng", max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    unit = models.CharField("đơn vị tính", max_length=30)

    class Meta:
        verbose_name = "mặt hàng"
        verbose_name_plural = "mặt hàng"
        ordering = ["name_key"]
        constraints = [models.UniqueConstraint(fields=["name_key", "unit"], name="unique_item")]

    def __str__(self):
        return f"{self.name} ({self.unit})"

    def save(self, *args, **kwargs):
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)


class StockLevel(models.Model):
    """What a warehouse holds of an item for a campaign (locked when it changes)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="levels")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField("tồn", max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "item", "campaign"],
                condition=models.Q(campaign__isnull=False),
                name="unique_stock_level",
            ),
            models.UniqueConstraint(
                fields=["warehouse", "item"],
                condition=models.Q(campaign__isnull=True),
                name="unique_stock_level_no_campaign",
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="stock_gte_0"),
        ]

    def __str__(self):
        return f"{self.warehouse_id}/{self.item_id}: {self.quantity}"


class MoveKind(models.TextChoices):
    IN_DONATION = "in_donation", "Nhập từ hàng ủng hộ"
    IN_PURCHASE = "in_purchase", "Nhập mua sắm"
    IN_TRANSFER = "in_transfer", "Nhập điều chuyển"
    OUT_DISTRIBUTION = "out_distribution", "Xuất cấp phát"
    OUT_TRANSFER = "out_transfer", "Xuất điều chuyển"


class StockMove(models.Model):
    """One line of a stock card (thẻ kho): + in, − out, the quantity left after it."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="moves")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="moves")
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("loại", max_length=20, choices=MoveKind.choices)
    date = models.DateField("ngày")
    quantity = models.DecimalField("số lượng (+ nhập / − xuất)", max_digits=14, decimal_places=2)
    balance_after = models.DecimalField("tồn sau", max_digits=14, decimal_places=2)
    value = models.BigIntegerField("trị giá (đồng)", default=0)
    memo = models.CharField("diễn giải", max_length=255, blank=True)
    donation = models.ForeignKey(
        "donations.Donation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ledger_entry = models.ForeignKey(
        "audit.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transfer_ref = models.CharField(max_length=36, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "dòng thẻ kho"
        verbose_name_plural = "thẻ kho"
        ordering = ["pk"]
        indexes = [models.Index(fields=["warehouse", "item", "id"])]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()} {self.quantity}"

    @property
    def organisation(self):
        return self.warehouse.organisation


# ---- distributions -----------------------------------------------------------------------


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Đang lập danh sách"
    OPEN = "open", "Đang cấp phát"
    CLOSED = "closed", "Đã hoàn thành"
    CANCELLED = "cancelled", "Đã hủy"


RS = RoundStatus
ROUND_TRANSITIONS: dict[str, tuple[str, ...]] = {
    RS.DRAFT: (RS.OPEN, RS.CANCELLED),
    RS.OPEN: (RS.CLOSED,),
    RS.CLOSED: (),
    RS.CANCELLED: (),
}


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

    class Meta:
        verbose_name = "đợt cấp phát"
        verbose_name_plural = "đợt cấp phát"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.date:%d/%m/%Y})"

    @property
    def is_goods(self) -> bool:
        return self.item_id is not None


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


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", "Xem trước, chưa nhập"
    INVALID = "invalid", "Có dòng lỗi, không nhập"
    DONE = "done", "Đã nhập"
    DISCARDED = "discarded", "Đã bỏ, không nhập"


IS = ImportStatus
IMPORT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    IS.PREVIEW: (IS.DONE, IS.INVALID, IS.DISCARDED),
    IS.INVALID: (),
    IS.DONE: (),
    IS.DISCARDED: (),
}


class LineImport(models.Model):
    """An uploaded distribution list for a round: the file, its checksum, status, counts and
    per-row errors. Nothing reaches the round's list before the preview is confirmed; then all
    new rows or none. The same file for the same round is imported once."""

    round = models.ForeignKey(
        DistributionRound, on_delete=models.PROTECT, related_name="imports", verbose_name="đợt"
    )
    organisation = models.ForeignKey(  # the round's, for access
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người tải lên",
    )
    uploaded_at = models.DateTimeField("lúc tải lên", auto_now_add=True)
    file_name = models.CharField("tên tệp", max_length=255)
    content = models.BinaryField()
    checksum = models.CharField("SHA-256", max_length=64, db_index=True)
    status = models.CharField(
        "tình trạng", max_length=10, choices=ImportStatus.choices, default=IS.PREVIEW
    )
    rows = models.PositiveIntegerField("số dòng", default=0)
    new_rows = models.PositiveIntegerField("dòng mới", default=0)
    known_rows = models.PositiveIntegerField("dòng đã có trong danh sách", default=0)
    total_value = models.BigIntegerField("trị giá các dòng mới (đồng)", default=0)
    total_quantity = models.DecimalField(
        "số lượng các dòng mới", max_digits=14, decimal_places=2, default=0
    )
    created = models.PositiveIntegerField("dòng đã thêm", default=0)
    errors = models.JSONField(default=list)  # [{"row", "column", "message"}]; row 0: the file
    warnings = models.JSONField(default=list)  # [{"row", "column", "message"}]
    preview = models.JSONField(default=list)  # the first rows: {row, name, commune, value, …}
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "tệp danh sách cấp phát"
        verbose_name_plural = "tệp danh sách cấp phát đã tải lên"
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "checksum"],
                condition=models.Q(status="done"),
                name="unique_line_import_done",
            ),
        ]

    def __str__(self):
        return self.file_name


# ---- summaries kept by the actions (never group raw rows per request) ---------------------


class FundFlow(models.Model):
    """Per ledger account: what relief actions moved in and out of it.

    received (net donations) = balance − allocated_in + allocated_out + spent + to_stock +
    distributed, with balance read from the ledger head: one row per account, no scan.
    """

    account = models.OneToOneField(
        "audit.LedgerAccount", on_delete=models.PROTECT, related_name="relief_flow"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    allocated_in = models.BigIntegerField(default=0)
    allocated_out = models.BigIntegerField(default=0)
    spent = models.BigIntegerField(default=0)  # allocations to a purpose
    to_stock = models.BigIntegerField(default=0)  # in-kind value moved into a warehouse
    distributed = models.BigIntegerField(default=0)  # cash paid to households / persons

    objects = ScopedQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["campaign", "organisation"])]

    def __str__(self):
        return f"Dòng tiền cứu trợ của tài khoản {self.account_id}"


class DistributionSummary(models.Model):
    """Received lines per campaign × organisation × commune × kind (the public figures)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "orgs.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=DistributionKind.choices)
    lines = models.PositiveIntegerField(default=0)  # lượt hộ/người đã nhận
    households = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation", "commune", "kind"],
                condition=models.Q(commune__isnull=False),
                name="unique_distribution_summary",
            ),
            models.UniqueConstraint(
                fields=["campaign", "organisation", "kind"],
                condition=models.Q(commune__isnull=True),
                name="unique_distribution_summary_no_commune",
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.organisation_id}/{self.commune_id}/{self.kind}"
