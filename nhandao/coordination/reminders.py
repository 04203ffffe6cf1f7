"""Reminders before and after due dates: tasks still in the assignee's hands and findings
still waiting for the supervised organisation's response, due within `days` days or past
due, one line each, soonest first. The `coordination_reminders` command prints them and,
with --notify, tells the people who must act (lib.notify, kind "deadlines": on their home
page and by email as each chose), at most once a day per reminder; the home page shows the same
counts per user."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from nhandao.coordination.models import TO_DO, Finding, FindingStatus, Task
from nhandao.lib.dates import format_date
from nhandao.lib.deadlines import Deadline
from nhandao.lib.models import Notification
from nhandao.lib.notify import notify
from nhandao.orgs import access


@dataclass(frozen=True)
class Reminder:
    due_on: date
    kind: str  # "nhiệm vụ", "kết luận giám sát"
    organisation: str  # who must act
    follower: str  # who follows up (issuer, supervisor)
    title: str
    acting: object = field(default=None, compare=False)  # the Organisation that must act
    link: str = field(default="", compare=False)

    def line(self, today: date) -> str:
        late = (today - self.due_on).days
        when = f"quá hạn {late} ngày" if late > 0 else (
            "đến hạn hôm nay" if late == 0 else f"còn {-late} ngày")  # fmt: skip
        return (f"{format_date(self.due_on)} · {when} · {self.kind} · {self.organisation} "
                f"(theo dõi: {self.follower}) · {self.title}")  # fmt: skip


def due(today: date, days: int = 7) -> list[Reminder]:
    horizon = today + timedelta(days=days)
    tasks = Task.objects.filter(status__in=TO_DO, due_on__lte=horizon).select_related(
        "assignee", "directive__organisation"
    )
    findings = Finding.objects.filter(status=FindingStatus.OPEN, due_on__lte=horizon)
    findings = findings.select_related("owner", "plan__organisation")
    out = [Reminder(t.due_on, "nhiệm vụ", t.assignee.name, t.directive.organisation.name,
                    t.title, t.assignee, reverse("coordination_task", args=[t.pk]))
           for t in tasks]  # fmt: skip
    out += [Reminder(f.due_on, "kết luận giám sát", f.owner.name, f.plan.organisation.name,
                     f.title, f.owner, reverse("coordination_finding", args=[f.pk]))
            for f in findings]  # fmt: skip
    return sorted(out, key=lambda r: (r.due_on, r.organisation, r.title))


def send(today: date, rows: list[Reminder]) -> int:
    """Tell the editors of each organisation that must act (access.holders: there, or the
    nearest level above with someone); a reminder sent to a user in the last 20 hours is not
    sent again, so a daily timer may also be run by hand. Returns the notifications written."""
    since = timezone.now() - timedelta(hours=20)
    sent = 0
    for row in rows:
        told_today = set(
            Notification.objects.filter(
                kind="deadlines", link=row.link, created_at__gte=since
            ).values_list("user_id", flat=True)
        )
        users = [u for u in access.holders("edit", row.acting) if u.pk not in told_today]
        when = row.line(today).split(" · ")[1]
        subject = f"{row.kind.capitalize()} {when}: {row.title}"
        sent += len(notify(users, "deadlines", subject, row.line(today), row.link))
    return sent


def deadlines_due(now, days: int) -> list[Deadline]:
    """The same reminders as a source of `nhandao deadlines` (lib/deadlines.py), told to the
    same people, so one daily timer covers every app."""
    return [
        Deadline(r.due_on, r.kind, r.organisation, r.title, r.link,
                 lambda org=r.acting: access.holders("edit", org))
        for r in due(timezone.localdate(now), days)
    ]  # fmt: skip
