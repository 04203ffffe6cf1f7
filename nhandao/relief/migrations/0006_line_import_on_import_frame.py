"""LineImport moves onto the one import frame (lib.imports.ImportRecord): its counts get the
frame's names, its file leaves the database for the file storage, its statuses become the
one pipeline's (preview → previewed, invalid → failed, discarded → cancelled) and its errors
and warnings the one shape ({row, column, value, reason}); a history of its status moves
begins."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import nhandao.lib.imports
from nhandao.lib.imports_migration import back_from_frame, to_frame

FORWARD = {"preview": "previewed", "invalid": "failed", "discarded": "cancelled"}
BACKWARD = {
    "uploaded": "preview",
    "previewed": "preview",
    "queued": "preview",
    "committing": "preview",
    "failed": "invalid",
    "cancelled": "discarded",
}


def forward(apps, schema_editor):
    model = apps.get_model("relief", "LineImport")
    to_frame(model, FORWARD, warnings=True, content=True, upload_dir="relief/lists")


def backward(apps, schema_editor):
    back_from_frame(apps.get_model("relief", "LineImport"), BACKWARD, warnings=True)


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
        ("relief", "0005_refold_d_letters"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("lineimport", "rows", "rows_read"),
        migrations.RenameField("lineimport", "new_rows", "rows_accepted"),
        migrations.RenameField("lineimport", "known_rows", "rows_duplicate"),
        migrations.AlterField(
            "lineimport",
            "rows_read",
            models.PositiveIntegerField(default=0, verbose_name="số dòng đọc được"),
        ),
        migrations.AlterField(
            "lineimport",
            "rows_accepted",
            models.PositiveIntegerField(default=0, verbose_name="dòng nhận"),
        ),
        migrations.AlterField(
            "lineimport",
            "rows_duplicate",
            models.PositiveIntegerField(default=0, verbose_name="dòng đã có"),
        ),
        migrations.AddField(
            "lineimport",
            "rows_rejected",
            models.PositiveIntegerField(default=0, verbose_name="dòng bị từ chối"),
        ),
        migrations.AddField(
            "lineimport",
            "file",
            models.FileField(
                blank=True,
                max_length=255,
                upload_to=nhandao.lib.imports.upload_to,
                verbose_name="tệp",
            ),
        ),
        migrations.AlterField(
            "lineimport",
            "errors",
            models.JSONField(blank=True, default=list, verbose_name="lỗi"),
        ),
        migrations.AlterField(
            "lineimport",
            "finished_at",
            models.DateTimeField(blank=True, null=True, verbose_name="lúc xong"),
        ),
        migrations.AlterField("lineimport", "status", STATUS),
        migrations.RunPython(forward, backward),
        migrations.RemoveField("lineimport", "content"),
        migrations.CreateModel(
            name="LineImportStatusChange",
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
                    "to_status",
                    models.CharField(choices=STATUS.choices, max_length=16),
                ),
                (
                    "line_import",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="history",
                        to="relief.lineimport",
                    ),
                ),
            ],
            options={
                "verbose_name": "thay đổi tình trạng tệp danh sách",
                "verbose_name_plural": "lịch sử tình trạng tệp danh sách",
                "ordering": ["at", "pk"],
                "abstract": False,
            },
        ),
    ]
