"""Notifications, the one way the project tells a user something happened
(docs/decisions/0025-personal-data.md, "Notifications"):

    notify(users, "approvals", "Phân bổ chờ duyệt: …", body, link)

writes one Notification row per user (shown on the home page and /thong-bao/ until read)
and, once the caller's transaction has committed, queues a task that delivers each row by
the channels the user chose for that kind (the account page /tai-khoan/). An action that
rolls back leaves neither a row nor a message behind.

Channels are a registry: "email" (Django's mail: console backend by default, SMTP from the
EMAIL_* environment) and, when a text-message backend is configured (lib/sms.py), "sms" to
the phone of the user's account. Another sender (Zalo) is a class with a `name`, a `label`,
`available(user)` and `send(notification)`, registered with `register_channel` from an app's
`ready()`; the account page then offers it. None is faked here.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from nhandao.lib import sms
from nhandao.lib.models import Notification, NotificationPreference
from nhandao.lib.names import clean_phone
from nhandao.lib.tasks import enqueue_on_commit

log = logging.getLogger(__name__)

# kind → (label on the account page, channels by default)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "approvals": ("Việc chờ tôi duyệt", ("email",)),
    "deadlines": ("Hạn sắp đến, hạn đã qua", ("email",)),
    "imports": ("Tệp tôi tải lên đã nhập xong hoặc bị lỗi", ("email",)),
    "requests": ("Yêu cầu về dữ liệu cá nhân cần xử lý", ("email",)),
}


class EmailChannel:
    name = "email"
    label = "Thư điện tử"

    def available(self, user) -> bool:
        return bool(user.email)

    def send(self, notification) -> None:
        body = notification.body
        if notification.link:
            base = getattr(settings, "SITE_URL", "").rstrip("/")
            body = f"{body}\n\nXem: {base}{notification.link}".strip()
        send_mail(
            notification.subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.user.email],
        )


class SmsChannel:
    """The subject (and the link) as one text message to the phone on the user's account."""

    name = "sms"
    label = "Tin nhắn (SMS)"

    def available(self, user) -> bool:
        try:
            return sms.available() and bool(clean_phone(user.phone))
        except ValueError:
            return False

    def send(self, notification) -> None:
        text = notification.subject
        if notification.link:
            text = f"{text} {getattr(settings, 'SITE_URL', '').rstrip('/')}{notification.link}"
        sms.send_sms(notification.user.phone, text)


CHANNELS: dict[str, object] = {}


def register_channel(channel) -> None:
    """Add a delivery channel (an SMS or Zalo sender) next to email."""
    CHANNELS[channel.name] = channel


register_channel(EmailChannel())
if sms.available():  # offered on the account page only where a message can go
    register_channel(SmsChannel())


def channels_for(user, kind: str) -> list[str]:
    """The channels `user` wants for `kind` (the default when they never chose)."""
    pref = NotificationPreference.objects.filter(user=user, kind=kind).first()
    chosen = pref.channels if pref is not None else KINDS[kind][1]
    return [c for c in chosen if c in CHANNELS]


def set_channels(user, kind: str, channels) -> NotificationPreference:
    if kind not in KINDS:
        raise ValueError(kind)
    chosen = [c for c in CHANNELS if c in set(channels)]
    pref, _ = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"channels": chosen}
    )
    return pref


def notify(users, kind: str, subject: str, body: str = "", link: str = "") -> list:
    """One notification per user (each once, inactive users skipped), delivered after
    commit. Returns the rows written."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not isinstance(users, list | tuple | set) and not hasattr(users, "model"):
        users = [users]
    seen, rows = set(), []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(user=user, kind=kind, subject=subject[:200], body=body, link=link[:300])
        )
    rows = Notification.objects.bulk_create(rows)
    for row in rows:
        enqueue_on_commit(deliver, row.pk)
    return rows


@task()
def deliver(notification_id: int) -> list[str]:
    """Send one notification by the channels its user chose for its kind; a channel that
    delivered it already is not used again. Returns the channels used now."""
    note = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if note is None:
        return []
    sent = []
    for name in channels_for(note.user, note.kind):
        channel = CHANNELS[name]
        if name in note.delivered or not channel.available(note.user):
            continue
        channel.send(note)
        sent.append(name)
        note.delivered = [*note.delivered, name]
        Notification.objects.filter(pk=note.pk).update(delivered=note.delivered)
    return sent


def unread(user):
    return Notification.objects.filter(user=user, read_at=None)
