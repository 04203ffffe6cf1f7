"""Reference data and per-organisation policies: the Decree 93 uses, the kinds of support
and their overlap windows, the second-approval threshold."""

from django.db import models

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
