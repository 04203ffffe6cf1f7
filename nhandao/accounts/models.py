"""Users (custom from day one) and API tokens. Roles live in orgs.Role."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def __str__(self):
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        # set_password() leaves the new raw password in _password until saved: whatever
        # changed it (the password page, a reset, the admin, a command), the user's API
        # tokens stop working with the old password.
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            self.api_tokens.filter(revoked_at=None).update(revoked_at=timezone.now())


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class TokenScope(models.TextChoices):
    READ = "read", "Chỉ đọc"
    WRITE = "write", "Đọc và ghi"


TOKEN_LIFETIMES = {30: "30 ngày", 90: "90 ngày", 365: "1 năm"}


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at=None, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token for scripts: named, only its hash stored (the raw value is shown once),
    with an expiry and a scope (read: GET only; write: as the user). Revoked by its owner,
    by an org admin over the owner's organisation, and by any change of the owner's password."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("tên", max_length=80)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    scope = models.CharField("quyền", max_length=5, choices=TokenScope.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("hết hạn")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "khóa API"
        verbose_name_plural = "khóa API"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "đã thu hồi"
        if self.expires_at <= timezone.now():
            return "hết hạn"
        return "đang dùng"

    @classmethod
    def issue(cls, user, name: str, *, scope: str, days: int) -> tuple["ApiToken", str]:
        raw = "nd_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=hash_token(raw),
            prefix=raw[:8],
            scope=scope,
            expires_at=timezone.now() + timedelta(days=days),
        )
        return token, raw
