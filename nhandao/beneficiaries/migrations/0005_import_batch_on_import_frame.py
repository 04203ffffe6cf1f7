"""ImportBatch moves onto the one import frame (lib.imports.ImportRecord): its counts get the
frame's names, its file leaves the database for the file storage, its statuses become the
one pipeline's and its errors and warnings the one shape ({row, column, value, reason}); a
history of its status moves begins.

Statuses: preview with no row counted yet (still being checked) → uploaded, preview and
review (waiting for a manager because of many likely duplicates: the batch's own
`likely_duplicates`/`duplicates_confirmed` still say so) → previewed, invalid → failed,
running → committing; done and failed stay."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import nhandao.lib.imports
from nhandao.lib.imports_migration import back_from_frame, to_frame

BACKWARD = {
    "uploaded": "preview",
    "previewed": "preview",
    "queued": "running",
    "committing": "running",
    "cancelled": "failed",
}


def new_status(batch) -> str:
    if batch.status == "preview" and not batch.rows_read and not batch.errors:
        return "uploaded"
    return {
        "preview": "previewed",
        "review": "previewed",
        "invalid": "failed",
        "running": "committing",
    }.get(batch.status, batch.status)


def forward(apps, schema_editor):
    model = apps.get_model("beneficiaries", "ImportBatch")
    to_frame(model, new_status, warnings=True, content=True, upload_dir="beneficiaries/lists")


def backward(apps, schema_editor):
    model = apps.get_model("beneficiaries", "ImportBatch")
    back_from_frame(model, BACKWARD, warnings=True)
    # a failed list with row errors was "invalid"; the manager's stop was "review"
    for batch in model.objects.filter(status="failed").exclude(errors=[]):
        if any(e["row"] for e in batch.errors):
            model.objects.filter(pk=batch.pk).update(status="invalid")
    model.objects.filter(
        status="preview", likely_duplicates__gte=1000, duplicates_confirmed=False
    ).update(status="review")


STATUS = models.CharField(
    choices=[
        ("uploaded", "Đã tải lên, đang kiểm tra"),
        ("previewed", "Đã kiểm tra, chờ xác nhận"),
        ("queued", "Chờ đến lượt nhập"),
        ("committing", "Đang nhập"),
        ("done", "Đã nhập"),
        ("failed", "Không nhập được"),
        ("cancelled", "Đã bỏ, không nhập"),
    ],
    default="uploaded",
    max_length=10,
    verbose_name="tình trạng",
)


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0004_refold_d_letters"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("importbatch", "rows", "rows_read"),
        migrations.RenameField("importbatch", "new_rows", "rows_accepted"),
        migrations.RenameField("importbatch", "known_rows", "rows_duplicate"),
        migrations.AlterField(
            "importbatch",
            "rows_read",
            models.PositiveIntegerField(default=0, verbose_name="số dòng đọc được"),
        ),
        migrations.AlterField(
            "importbatch",
            "rows_accepted",
            models.PositiveIntegerField(default=0, verbose_name="dòng nhận"),
        ),
        migrations.AlterField(
            "importbatch",
            "rows_duplicate",
            models.PositiveIntegerField(default=0, verbose_name="dòng đã có"),
        ),
        migrations.AddField(
            "importbatch",
            "rows_rejected",
            models.PositiveIntegerField(default=0, verbose_name="dòng bị từ chối"),
        ),
        migrations.AddField(
            "importbatch",
            "file",
            models.FileField(
                blank=True,
                max_length=255,
                upload_to=nhandao.lib.imports.upload_to,
                verbose_name="tệp",
            ),
        ),
        migrations.AlterField(
            "importbatch",
            "checksum",
            models.CharField(db_index=True, max_length=64, verbose_name="SHA-256"),
        ),
        migrations.AlterField(
            "importbatch",
            "errors",
            models.JSONField(blank=True, default=list, verbose_name="lỗi"),
        ),
        migrations.AlterField(
            "importbatch",
            "file_name",
            models.CharField(max_length=255, verbose_name="tên tệp"),
        ),
        migrations.AlterField(
            "importbatch",
            "finished_at",
            models.DateTimeField(blank=True, null=True, verbose_name="lúc xong"),
        ),
        migrations.AlterField(
            "importbatch",
            "uploaded_at",
            models.DateTimeField(auto_now_add=True, verbose_name="lúc tải lên"),
        ),
        migrations.AlterField(
            "importbatch",
            "uploaded_by",
            models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="người tải lên",
            ),
        ),
        migrations.AlterField("importbatch", "status", STATUS),
        migrations.RunPython(forward, backward),
        migrations.RemoveField("importbatch", "content"),
        migrations.CreateModel(
            name="ImportBatchStatusChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("from_status", models.CharField(blank=True, max_length=16)),
                ("at", models.DateTimeField(auto_now_add=True)),
                ("note", models.CharField(blank=True, max_length=255)),
                ("to_status", models.CharField(choices=STATUS.choices, max_length=16)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "batch",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="history",
                        to="beneficiaries.importbatch",
                    ),
                ),
            ],
            options={
                "verbose_name": "thay đổi tình trạng tệp danh sách đối tượng",
                "verbose_name_plural": "lịch sử tình trạng tệp danh sách đối tượng",
                "ordering": ["at", "pk"],
                "abstract": False,
            },
        ),
    ]
