"""Append-only audit events.

The application never updates or deletes an event (save() and delete() refuse), and the
database refuses too: triggers created in migration 0002 reject UPDATE and DELETE on both
SQLite and PostgreSQL, so neither a bug nor the admin can rewrite history.
"""

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "audit"):
        from nhandao.orgs import access

        return access.scope(self, user, perm)

    def about(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người thực hiện",
    )
    actor_name = models.CharField("người thực hiện", max_length=150, blank=True)
    action = models.CharField("hành động", max_length=60, db_index=True)
    object_type = models.CharField("loại bản ghi", max_length=80)
    object_id = models.CharField("mã bản ghi", max_length=64)
    object_repr = models.CharField("bản ghi", max_length=250)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ chức",
    )
    before = models.JSONField("trước", null=True, blank=True)
    after = models.JSONField("sau", null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "sự kiện nhật ký"
        verbose_name_plural = "nhật ký"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Không được sửa sự kiện nhật ký.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Không được xóa sự kiện nhật ký.")

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field that changed."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
