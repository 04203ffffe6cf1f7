"""Recurring movements (issue #22): Tháng Nhân đạo every May, Tết Nhân ái before the Lunar
New Year… A movement holds what repeats (kind, usual dates, default targets per level); each
year's edition holds the theme and the national campaign it launched. Every level launches
its parts (campaigns.Campaign with `parent`), in one action, with inherited dates and theme
and proposed targets (Target) it may adjust. Results are never stored here: they are read
from the data (movements/results.py).
"""

from django.db import models

from nhandao.campaigns.models import CampaignKind
from nhandao.lib.text import search_key


class TargetKind(models.TextChoices):
    """What a target counts. Money in đồng; the others in units (suất, người, hộ, căn…)."""

    MONEY = "money", "Tiền vận động (đồng)"
    GIFTS = "gifts", "Suất quà"
    PEOPLE = "people", "Lượt người được hỗ trợ"
    HOUSEHOLDS = "households", "Hộ được hỗ trợ"
    HOUSES = "houses", "Nhà xây mới, sửa chữa"
    LIVELIHOODS = "livelihoods", "Sinh kế"
    SCHOLARSHIPS = "scholarships", "Học bổng"
    HEALTH_INSURANCE = "health_insurance", "Thẻ bảo hiểm y tế"
    BLOOD_UNITS = "blood_units", "Đơn vị máu"
    ADDRESSES = "addresses", "Địa chỉ nhân đạo được đỡ đầu"


UNITS = {
    "money": "đồng",
    "gifts": "suất",
    "people": "lượt người",
    "households": "hộ",
    "houses": "căn",
    "livelihoods": "suất",
    "scholarships": "suất",
    "health_insurance": "thẻ",
    "blood_units": "đơn vị",
    "addresses": "địa chỉ",
}


class TargetLevel(models.TextChoices):
    CENTRAL = "central", "Trung ương"
    PROVINCE = "province", "Tỉnh/thành phố"
    COMMUNE = "commune", "Xã/phường/đặc khu"


class MovementQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        """Movements of an organisation within reach; to view, also those of the
        organisations above (a province chapter takes part in the national movement)."""
        from nhandao.orgs import access

        if access.is_everywhere(user):
            return self
        q = access.reach_q(user, perm, via="organisation")
        if perm == "view":
            q |= access.above_q(user, perm, via="organisation")
        return self.filter(q)


class Movement(models.Model):
    code = models.CharField("mã phong trào", max_length=20, unique=True)
    name = models.CharField("tên", max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    kind = models.CharField("loại", max_length=20, choices=CampaignKind.choices)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="movements",
        verbose_name="đơn vị phát động",
    )
    start_month = models.PositiveSmallIntegerField("tháng bắt đầu thường lệ")
    start_day = models.PositiveSmallIntegerField("ngày bắt đầu thường lệ")
    end_month = models.PositiveSmallIntegerField("tháng kết thúc thường lệ")
    end_day = models.PositiveSmallIntegerField("ngày kết thúc thường lệ")
    description = models.TextField("mô tả", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MovementQuerySet.as_manager()

    class Meta:
        verbose_name = "phong trào"
        verbose_name_plural = "phong trào"
        ordering = ["start_month", "start_day", "code"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = search_key(self.name)
        super().save(*args, **kwargs)

    def usual_dates(self, year: int):
        """(start, end) of the usual period in `year` (an end before the start falls in the
        next year: a Tết period from December to February)."""
        from datetime import date

        start = date(year, self.start_month, self.start_day)
        end = date(year, self.end_month, self.end_day)
        if end < start:
            end = date(year + 1, self.end_month, self.end_day)
        return start, end


class DefaultTarget(models.Model):
    """What a movement proposes to each level every year (a part's proposed target)."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="defaults")
    level = models.CharField("cấp", max_length=10, choices=TargetLevel.choices)
    kind = models.CharField("chỉ tiêu", max_length=20, choices=TargetKind.choices)
    value = models.BigIntegerField("giá trị đề xuất")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["movement", "level", "kind"], name="unique_movement_default_target"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="movement_default_target_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} · {self.get_kind_display()}: {self.value}"


class EditionQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        return self.filter(movement__in=Movement.objects.for_user(user, perm))


class Edition(models.Model):
    """A movement in one year: its theme and the national campaign it launched."""

    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="editions")
    year = models.PositiveSmallIntegerField("năm")
    theme = models.CharField("chủ đề", max_length=255, blank=True)
    campaign = models.OneToOneField(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="edition",
        verbose_name="chiến dịch toàn quốc",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = "phong trào theo năm"
        verbose_name_plural = "phong trào theo năm"
        ordering = ["movement", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "year"], name="unique_movement_year")
        ]

    def __str__(self):
        return f"{self.movement.name} {self.year}"


class Target(models.Model):
    """One target of one part (or of the national campaign): proposed at launch, adjusted by
    the part's organiser. Never below zero (the database refuses it too)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="movement_targets"
    )
    kind = models.CharField("chỉ tiêu", max_length=20, choices=TargetKind.choices)
    value = models.BigIntegerField("giá trị")
    proposed = models.BigIntegerField("giá trị đề xuất", null=True, blank=True)

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="unique_campaign_target"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="movement_target_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"


class LaunchStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang phát động"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Không thành công"


class LaunchQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        from nhandao.orgs import access

        if access.is_everywhere(user):
            return self
        return self.filter(access.reach_q(user, perm, via="organisation"))


class Launch(models.Model):
    """One level launching the parts below it (a background task with progress)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="movement_launches"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    depth = models.CharField(
        "phạm vi",
        max_length=10,
        choices=[("children", "Cấp ngay dưới"), ("all", "Mọi cấp dưới")],
        default="children",
    )
    status = models.CharField(
        "tình trạng", max_length=10, choices=LaunchStatus.choices, default=LaunchStatus.QUEUED
    )
    total = models.PositiveIntegerField("số phần cần phát động", default=0)
    done = models.PositiveIntegerField("đã phát động", default=0)
    error = models.TextField("lỗi", blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = LaunchQuerySet.as_manager()

    class Meta:
        verbose_name = "đợt phát động cấp dưới"
        verbose_name_plural = "đợt phát động cấp dưới"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Phát động cấp dưới của {self.campaign}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 100

    @property
    def in_progress(self) -> bool:
        return self.status in (LaunchStatus.QUEUED, LaunchStatus.RUNNING)


# --- Tết fairs: "Hội chợ – Tặng quà – Vui Tết" --------------------------------------------


class FairQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        from nhandao.orgs import access

        if access.is_everywhere(user):
            return self
        return self.filter(access.reach_q(user, perm, via="organisation"))


class Fair(models.Model):
    """A Tết fair of one organisation for one part of Tết Nhân ái: vouchers (phiếu quà) are
    issued to the eligible households of a commune and redeemed at its stalls; each
    redemption confirms the voucher's line in the fair's distribution round (relief), so the
    overlap rule, the money out of the ledger and the figures are relief's own."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="fairs"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="fairs"
    )
    name = models.CharField("tên hội chợ", max_length=200)
    place = models.CharField("địa điểm", max_length=255)
    date = models.DateField("ngày tổ chức")
    commune = models.ForeignKey(
        "orgs.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name="xã/phường"
    )
    gift_value = models.BigIntegerField("trị giá mỗi phiếu (đồng)")
    round = models.OneToOneField(
        "relief.DistributionRound", on_delete=models.PROTECT, related_name="fair"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FairQuerySet.as_manager()

    class Meta:
        verbose_name = "hội chợ Tết"
        verbose_name_plural = "hội chợ Tết"
        ordering = ["-date", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(gift_value__gt=0), name="fair_gift_value")
        ]

    def __str__(self):
        return self.name


class Stall(models.Model):
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="stalls")
    name = models.CharField("gian hàng", max_length=120)
    sponsor = models.CharField("nhà tài trợ", max_length=200, blank=True)
    goods = models.CharField("mặt hàng", max_length=255, blank=True)
    value = models.BigIntegerField("trị giá tài trợ (đồng)", default=0)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=models.Q(value__gte=0), name="stall_value")]

    def __str__(self):
        return self.name


class Voucher(models.Model):
    fair = models.ForeignKey(Fair, on_delete=models.PROTECT, related_name="vouchers")
    code = models.CharField("mã phiếu", max_length=16, unique=True)
    household = models.ForeignKey(
        "beneficiaries.Household", on_delete=models.PROTECT, related_name="+"
    )
    line = models.OneToOneField(
        "relief.DistributionLine", on_delete=models.PROTECT, related_name="voucher"
    )
    redeemed_at = models.DateTimeField(null=True, blank=True)
    stall = models.ForeignKey(Stall, null=True, blank=True, on_delete=models.PROTECT)
    redeemed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    request_id = models.CharField(max_length=64, blank=True)  # the scan's, for retries

    class Meta:
        verbose_name = "phiếu quà"
        verbose_name_plural = "phiếu quà"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "household"], name="one_voucher_per_household")
        ]

    def __str__(self):
        return self.code

    @property
    def redeemed(self) -> bool:
        return self.redeemed_at is not None


# ---- incidents with needs in kind (issue #22 item 5) ------------------------------------


class NeedKind(models.Model):
    """A kind of need after a disaster, kept as data (rice in kg, drinking water in litres,
    tarpaulins, houses to repair, people to evacuate, money). `items` lists the folded names
    (lib.text.search_key) of the relief goods that meet it, in the same unit: goods lines of
    the incident whose item has one of these names count against the need. A kind without
    items cannot be matched to what was sent (shown as such)."""

    code = models.CharField("mã", max_length=30, unique=True)
    name = models.CharField("nhu cầu", max_length=120)
    unit = models.CharField("đơn vị", max_length=30)
    money = models.BooleanField("bằng tiền (đồng)", default=False)
    items = models.CharField("mặt hàng đáp ứng (tên không dấu, cách nhau dấu phẩy)",
                             max_length=255, blank=True)  # fmt: skip
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "loại nhu cầu"
        verbose_name_plural = "loại nhu cầu"
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.name} ({self.unit})"

    def item_keys(self) -> list[str]:
        return [k.strip() for k in self.items.split(",") if k.strip()]


class IncidentNeed(models.Model):
    """What an affected commune needs of one kind, entered by the commune or the province."""

    incident = models.ForeignKey(
        "relief.Incident", on_delete=models.CASCADE, related_name="needs_in_kind"
    )
    commune = models.ForeignKey(
        "orgs.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name="xã/phường"
    )
    kind = models.ForeignKey(NeedKind, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField("số lượng", max_digits=16, decimal_places=2)
    entered_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "nhu cầu của xã"
        verbose_name_plural = "nhu cầu của xã"
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "commune", "kind"], name="one_need_per_commune_kind"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="need_quantity_gte_0"),
        ]

    def __str__(self):
        return f"{self.commune}: {self.kind}"
