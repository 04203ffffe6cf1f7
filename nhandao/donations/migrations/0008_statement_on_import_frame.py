"""Statement moves onto the one import frame (lib.imports.ImportRecord): its fields get the
frame's names (file_name, uploaded_by, uploaded_at, rows_read/accepted/duplicate/rejected),
its statuses the one pipeline's and its errors the one shape ({row, column, value, reason});
a history of its status moves begins.

Statuses: pending (uploaded, waiting for the officer's confirmation of the preview) →
previewed, running → committing, rejected (the file's fault: its reasons are its errors) →
failed; queued, done and failed stay. The old errors kept the row's values: the value of
the named column is kept."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import nhandao.lib.imports
from nhandao.lib.imports_migration import back_from_frame, to_frame

FORWARD = {"pending": "previewed", "running": "committing", "rejected": "failed"}
BACKWARD = {
    "uploaded": "pending",
    "previewed": "pending",
    "committing": "running",
    "cancelled": "failed",
}


def forward(apps, schema_editor):
    to_frame(apps.get_model("donations", "Statement"), FORWARD)


def backward(apps, schema_editor):
    model = apps.get_model("donations", "Statement")
    back_from_frame(model, BACKWARD, message_key="reason")
    # a failed statement with row errors, or whose file was refused, had been "rejected"
    model.objects.filter(status="failed", rows_rejected__gt=0).update(status="rejected")


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


def count(verbose_name):
    return models.PositiveIntegerField(default=0, verbose_name=verbose_name)


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0007_donation_totals"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("statement", "filename", "file_name"),
        migrations.RenameField("statement", "created_by", "uploaded_by"),
        migrations.RenameField("statement", "created_at", "uploaded_at"),
        migrations.RenameField("statement", "lines", "rows_read"),
        migrations.RenameField("statement", "added", "rows_accepted"),
        migrations.RenameField("statement", "already_present", "rows_duplicate"),
        migrations.RenameField("statement", "rejected", "rows_rejected"),
        migrations.AlterModelOptions(
            name="statement",
            options={
                "ordering": ["-uploaded_at", "-pk"],
                "verbose_name": "sao kê",
                "verbose_name_plural": "sao kê",
            },
        ),
        migrations.AlterField("statement", "rows_read", count("số dòng đọc được")),
        migrations.AlterField("statement", "rows_accepted", count("dòng nhận")),
        migrations.AlterField("statement", "rows_duplicate", count("dòng đã có")),
        migrations.AlterField("statement", "rows_rejected", count("dòng bị từ chối")),
        migrations.AlterField(
            "statement",
            "file",
            models.FileField(
                blank=True,
                max_length=255,
                upload_to=nhandao.lib.imports.upload_to,
                verbose_name="tệp",
            ),
        ),
        migrations.AlterField(
            "statement",
            "errors",
            models.JSONField(blank=True, default=list, verbose_name="lỗi"),
        ),
        migrations.AlterField(
            "statement",
            "finished_at",
            models.DateTimeField(blank=True, null=True, verbose_name="lúc xong"),
        ),
        migrations.AlterField(
            "statement",
            "uploaded_at",
            models.DateTimeField(auto_now_add=True, verbose_name="lúc tải lên"),
        ),
        migrations.AlterField(
            "statement",
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
        migrations.AlterField("statement", "status", STATUS),
        migrations.RunPython(forward, backward),
        migrations.CreateModel(
            name="StatementStatusChange",
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
                    "statement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="history",
                        to="donations.statement",
                    ),
                ),
            ],
            options={
                "verbose_name": "thay đổi tình trạng sao kê",
                "verbose_name_plural": "lịch sử tình trạng sao kê",
                "ordering": ["at", "pk"],
                "abstract": False,
            },
        ),
    ]
