"""Deadlines that someone must meet, from every app, told once a day (decision 0025,
addendum): `nhandao deadlines [--days N] [--notify]` prints what is due within N days or
late and, with --notify, tells who must act (lib.notify, kind "deadlines").

lib knows no app: each app registers a source from its AppConfig.ready(),

    deadlines.register("reports", reports.reminders.due)

a function (now, days) → [Deadline]; each Deadline knows whom to tell (`tell`, a function
returning users, so nobody is looked up when only printing)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from nhandao.lib.dates import format_date
from nhandao.lib.models import Notification
from nhandao.lib.notify import notify


@dataclass(frozen=True)
class Deadline:
    due: date | datetime  # a day (reports) or a moment (a legal deadline in hours)
    kind: str  # "báo cáo", "yêu cầu về dữ liệu cá nhân"
    organisation: str  # who must act
    title: str
    link: str = field(default="", compare=False)
    tell: Callable[[], list] = field(default=list, compare=False, repr=False)

    def _moment(self) -> datetime:
        if isinstance(self.due, datetime):
            return self.due
        end = datetime.combine(self.due, datetime.max.time())
        return timezone.make_aware(end)

    def when(self, now: datetime) -> str:
        if isinstance(self.due, datetime):
            hours = int((self.due - now).total_seconds() // 3600)
            if hours < 0:
                return f"quá hạn {-hours} giờ" if hours > -48 else f"quá hạn {-hours // 24} ngày"
            return f"còn {hours} giờ" if hours < 48 else f"còn {hours // 24} ngày"
        late = (timezone.localdate(now) - self.due).days
        if late > 0:
            return f"quá hạn {late} ngày"
        return "đến hạn hôm nay" if late == 0 else f"còn {-late} ngày"

    def due_text(self) -> str:
        if isinstance(self.due, datetime):
            local = timezone.localtime(self.due)
            return f"{local:%H:%M} {format_date(local.date())}"
        return format_date(self.due)

    def line(self, now: datetime) -> str:
        return (f"{self.due_text()} · {self.when(now)} · {self.kind} · {self.organisation} · "
                f"{self.title}")  # fmt: skip


SOURCES: dict[str, Callable[[datetime, int], list[Deadline]]] = {}


def register(name: str, source: Callable[[datetime, int], list[Deadline]]) -> None:
    SOURCES[name] = source


def due(now: datetime, days: int = 7) -> list[Deadline]:
    """Every registered source's deadlines, soonest first."""
    out = [d for source in SOURCES.values() for d in source(now, days)]
    return sorted(out, key=lambda d: (d._moment(), d.kind, d.organisation, d.title))


def send(now: datetime, rows: list[Deadline]) -> int:
    """Tell who must act; a user told about the same record (its link) in the last 20 hours
    is not told again, so a daily timer may also be run by hand. Returns the rows written."""
    since = now - timedelta(hours=20)
    sent = 0
    for row in rows:
        told = set(
            Notification.objects.filter(
                kind="deadlines", link=row.link, created_at__gte=since
            ).values_list("user_id", flat=True)
        )
        users = [u for u in row.tell() if u.pk not in told]
        subject = f"{row.kind.capitalize()} {row.when(now)}: {row.title}"
        sent += len(notify(users, "deadlines", subject[:200], row.line(now), row.link))
    return sent
