from django.db import transaction
from django.utils import timezone

from nhandao.accounts.models import TOKEN_LIFETIMES, ApiToken, TokenScope
from nhandao.audit.actions import record
from nhandao.lib.errors import Refused


@transaction.atomic
def issue_token(user, name: str, *, scope: str = TokenScope.READ, days: int = 90) -> str:
    """A new token; the raw value is returned once and never stored."""
    name = name.strip()[:80]
    if not name:
        raise Refused("Tên khóa: không được để trống.", field="name")
    if scope not in TokenScope.values:
        raise Refused("Quyền của khóa: chọn Chỉ đọc hoặc Đọc và ghi.", field="scope")
    if days not in TOKEN_LIFETIMES:
        raise Refused("Thời hạn: chọn 30 ngày, 90 ngày hoặc 1 năm.", field="days")
    token, raw = ApiToken.issue(user, name, scope=scope, days=days)
    record(
        user,
        "token.issue",
        token,
        after={"name": name, "prefix": token.prefix, "scope": scope, "days": days},
    )
    return raw


@transaction.atomic
def revoke_token(actor, token: ApiToken) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at, token.revoked_by = timezone.now(), actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    record(actor, "token.revoke", token, after={"owner": token.user.username})


@transaction.atomic
def record_password_change(user) -> None:
    record(user, "user.password_change", user)


@transaction.atomic
def set_notification_channels(user, choices: dict[str, list[str]]) -> None:
    """The channels the user wants for each kind of notification (the account page)."""
    from nhandao.lib import notify

    for kind in notify.KINDS:
        notify.set_channels(user, kind, choices.get(kind, []))


def mark_read(user, pk=None) -> int:
    """Mark one of the user's notifications (or all when `pk` is None) read."""
    from nhandao.lib.notify import unread

    rows = unread(user)
    if pk is not None:
        rows = rows.filter(pk=pk)
    return rows.update(read_at=timezone.now())
