"""Reminders before and after due dates: tasks still in the assignee's hands and findings
still waiting for the supervised organisation's response, due within `days` days or past
due, one line each, soonest first. The `coordination_reminders` command prints them (an
operator's timer can mail the output); the home page shows the same counts per user."""

from dataclasses import dataclass
from datetime import date, timedelta

from nhandao.coordination.models import TO_DO, Finding, FindingStatus, Task
from nhandao.lib.dates import format_date


@dataclass(frozen=True)
class Reminder:
    due_on: date
    kind: str  # "nhiệm vụ", "kết luận giám sát"
    organisation: str  # who must act
    follower: str  # who follows up (issuer, supervisor)
    title: str

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
                    t.title) for t in tasks]  # fmt: skip
    out += [Reminder(f.due_on, "kết luận giám sát", f.owner.name, f.plan.organisation.name,
                     f.title) for f in findings]  # fmt: skip
    return sorted(out, key=lambda r: (r.due_on, r.organisation, r.title))
