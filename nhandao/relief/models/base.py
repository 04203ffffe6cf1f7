"""What the relief models share: the scoped QuerySet, and the status history row (the
frame's lib.models.StatusChange, re-exported)."""

from django.db import models

from nhandao.lib.models import StatusChange

__all__ = ["ScopedQuerySet", "StatusChange"]


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        from nhandao.orgs import access

        return access.scope(self, user, perm)
