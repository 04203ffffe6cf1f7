"""Models of the shared frame: abstract ones, and the workers' heartbeat."""

from django.conf import settings
from django.db import models


class StatusChange(models.Model):
    """One step of a status pipeline (lib.pipeline): from → to, who, when, why. Each subclass
    adds the foreign key to its subject (named by `subject_field`) and the choices of
    `to_status`."""

    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)

    subject_field = ""

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        subject = getattr(self, f"{self.subject_field}_id")
        return f"{subject}: {self.from_status or '—'} → {self.to_status}"

    def change_text(self) -> str:
        """ "Nháp → Đang mở": this step in words, from the subject model's pipeline."""
        subject_model = self._meta.get_field(self.subject_field).related_model
        return subject_model.pipeline.change_text(self.from_status, self.to_status)

    @classmethod
    def log(cls, subject, to_status, *, from_status="", actor=None, note=""):
        """Write the history row of `subject` moving to `to_status`."""
        if not getattr(actor, "is_authenticated", False):
            actor = None
        return cls.objects.create(
            **{cls.subject_field: subject},
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            note=note[:255],
        )


class WorkerHeartbeat(models.Model):
    """The last sign of life of each `nhandao db_worker` (lib.workers.beat), read by /healthz:
    in the database, the one store every web process and every machine shares."""

    worker_id = models.CharField(max_length=64, unique=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = "nhịp tiến trình nền"
        verbose_name_plural = "nhịp tiến trình nền"

    def __str__(self):
        return f"{self.worker_id} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class Notification(models.Model):
    """One message to one user (lib.notify.notify): shown on the home page and on
    /thong-bao/ until read, and delivered by the channels the user chose for its kind."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("loại", max_length=20)
    subject = models.CharField("tiêu đề", max_length=200)
    body = models.TextField("nội dung", blank=True)
    link = models.CharField("liên kết", max_length=300, blank=True)
    created_at = models.DateTimeField("lúc tạo", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("lúc đọc", null=True, blank=True)
    # the channels that delivered it ("email"), so that running the delivery again sends nothing
    delivered = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.subject


class NotificationPreference(models.Model):
    """The channels (beyond the page) by which a user wants one kind of notification. No row:
    the kind's default (lib.notify.KINDS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField("loại", max_length=20)
    channels = models.JSONField("kênh", default=list, blank=True)

    class Meta:
        verbose_name = "cài đặt thông báo"
        verbose_name_plural = "cài đặt thông báo"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self):
        return f"{self.user_id}: {self.kind} → {', '.join(self.channels) or '—'}"
