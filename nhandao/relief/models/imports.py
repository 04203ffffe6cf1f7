"""Uploaded distribution lists: the import record of a round (lib.imports.ImportRecord)."""

from django.conf import settings
from django.db import models

from nhandao.lib.imports import ImportRecord, ImportStatus
from nhandao.lib.models import StatusChange
from nhandao.relief.models.base import ScopedQuerySet
from nhandao.relief.models.distributions import DistributionRound

IS = ImportStatus


class LineImport(ImportRecord):
    """An uploaded distribution list for a round: the file, its checksum, status, counts and
    per-row errors (lib.imports). Nothing reaches the round's list before the preview is
    confirmed; then all new rows or none. The same file for the same round is imported once.
    rows_accepted: the new rows; rows_duplicate: rows already in the round's list."""

    round = models.ForeignKey(
        DistributionRound, on_delete=models.PROTECT, related_name="imports", verbose_name="đợt"
    )
    organisation = models.ForeignKey(  # the round's, for access
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    total_value = models.BigIntegerField("trị giá các dòng mới (đồng)", default=0)
    total_quantity = models.DecimalField(
        "số lượng các dòng mới", max_digits=14, decimal_places=2, default=0
    )
    created = models.PositiveIntegerField("dòng đã thêm", default=0)
    warnings = models.JSONField(default=list)  # [row_error(…)]
    preview = models.JSONField(default=list)  # the first rows: {row, name, commune, value, …}
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    target_fields = ("round",)
    detail_url_name = "relief_line_import"
    row_key = "hộ hoặc người nhận đã có trong danh sách của đợt"
    history_model = "relief.LineImportStatusChange"
    upload_dir = "relief/lists"

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


class LineImportStatusChange(StatusChange):
    line_import = models.ForeignKey(LineImport, on_delete=models.CASCADE, related_name="history")
    to_status = models.CharField(max_length=16, choices=ImportStatus.choices)

    subject_field = "line_import"

    class Meta(StatusChange.Meta):
        verbose_name = "thay đổi tình trạng tệp danh sách"
        verbose_name_plural = "lịch sử tình trạng tệp danh sách"
