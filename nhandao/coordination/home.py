"""What waits in coordination for a user (lib/cockpit.py collects it): tasks given to the
user's organisations (overdue, due soon, to report), tasks the user's organisations gave that
are overdue or reported done (the issuer follows up), findings to answer (due soon, overdue)
and responses to review."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from nhandao.coordination.models import OPEN_TASK, Finding, FindingStatus, Task, TaskStatus
from nhandao.lib.cockpit import SOON, URGENT, Waiting, counted
from nhandao.orgs import access

DUE_SOON_DAYS = 7


def waiting(user) -> list[Waiting]:
    out = []
    if not access.can_anywhere(user, "edit"):
        return out
    today = timezone.localdate()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    tasks = reverse("coordination_tasks")
    mine = Task.objects.filter(access.reach_q(user, "edit", via="assignee"), status__in=OPEN_TASK)
    todo = mine.exclude(status=TaskStatus.REPORTED)
    count, url = counted(todo.filter(due_on__lt=today), "coordination_task", tasks)
    out.append(Waiting("Nhiệm vụ được giao đã quá hạn", count, url, URGENT))
    count, url = counted(todo.filter(due_on__gte=today, due_on__lte=soon),
                         "coordination_task", tasks)  # fmt: skip
    out.append(Waiting(f"Nhiệm vụ được giao đến hạn trong {DUE_SOON_DAYS} ngày", count, url, SOON))
    given = Task.objects.filter(
        access.reach_q(user, "edit", via="directive__organisation"), status__in=OPEN_TASK
    )
    board = reverse("coordination_tasks") + "?ben=giao"
    late = given.exclude(status=TaskStatus.REPORTED).filter(due_on__lt=today)
    count, _ = counted(late, "coordination_task", board)
    out.append(Waiting("Nhiệm vụ đã giao bị quá hạn (theo dõi, đôn đốc)", count, board, URGENT))
    count, _ = counted(given.filter(status=TaskStatus.REPORTED), "coordination_task", board)
    out.append(Waiting("Nhiệm vụ báo cáo hoàn thành, chờ bạn xác nhận", count, board, SOON))
    findings = reverse("coordination_findings")
    to_answer = Finding.objects.filter(
        access.reach_q(user, "edit", via="owner"), status=FindingStatus.OPEN
    )
    count, url = counted(to_answer.filter(due_on__lt=today), "coordination_finding", findings)
    out.append(Waiting("Kết luận giám sát quá hạn khắc phục", count, url, URGENT))
    count, url = counted(to_answer.filter(due_on__gte=today, due_on__lte=soon),
                         "coordination_finding", findings)  # fmt: skip
    out.append(Waiting(f"Kết luận giám sát cần phản hồi trong {DUE_SOON_DAYS} ngày",
                       count, url, SOON))  # fmt: skip
    to_review = Finding.objects.filter(
        access.reach_q(user, "edit", via="plan__organisation"), status=FindingStatus.RESPONDED
    )
    count, url = counted(to_review, "coordination_finding", findings)
    out.append(Waiting("Phản hồi kết luận giám sát chờ bạn xem xét", count, url, SOON))
    return out
