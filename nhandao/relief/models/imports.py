"""Uploaded distribution lists: the import record of a round."""

from django.conf import settings
from django.db import models

from nhandao.relief.models.base import ScopedQuerySet
from nhandao.relief.models.distributions import DistributionRound


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
