"""Stock: warehouses, items, levels and the stock card."""

from django.conf import settings
from django.db import models

from nhandao.lib.text import search_key
from nhandao.relief.models.base import ScopedQuerySet


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
    # the approved purchase (an allocation into stock) this receipt delivers: its ledger
    # entry paid for the goods (decision 0023); one receipt per purchase
    purchase = models.OneToOneField(
        "relief.Allocation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receipt",
        verbose_name="quyết định mua sắm",
    )
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
