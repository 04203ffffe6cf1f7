"""Incidents (disasters) and the communes they hit."""

from django.db import models

from nhandao.lib.text import search_key
from nhandao.relief.models.base import ScopedQuerySet


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
