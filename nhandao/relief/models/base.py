"""What the relief models share: the scoped QuerySet (orgs.models) and the status history
row (the frame's lib.models.StatusChange), re-exported."""

from nhandao.lib.models import StatusChange
from nhandao.orgs.models import ScopedQuerySet

__all__ = ["ScopedQuerySet", "StatusChange"]
