"""What waits in members for a user, for the home page (lib/cockpit.py collects it):
transfers waiting for their side's agreement, members of their organisations who have not
paid this month's fee, the volunteer shifts of this week."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from nhandao.lib.cockpit import SOON, OrgSection, Waiting
from nhandao.orgs import access
from nhandao.people import leaders
from nhandao.people import membership as ms
from nhandao.people.models import FeeMonth, FeeSchedule, Membership, Shift
from nhandao.people.volunteers import shifts_this_week


def waiting(user) -> list[Waiting]:
    out = []
    if not access.can_anywhere(user, "edit") and not access.can_anywhere(user, "money"):
        return out
    if access.can_anywhere(user, "edit"):
        shifts = Shift.objects.filter(access.reach_q(user, "edit", via="organisation"))
        count = shifts_this_week(shifts).count()
        if count:
            out.append(Waiting("Ca trực tình nguyện tuần này", count, reverse("team_list")))
    if access.can_anywhere(user, "edit"):
        count = ms.transfer_queue(user).count()
        out.append(Waiting("Yêu cầu chuyển sinh hoạt chờ bạn đồng ý", count,
                           reverse("transfer_list"), SOON))  # fmt: skip
    today = timezone.localdate()
    if access.can_anywhere(user, "money") and FeeSchedule.objects.filter(year=today.year).exists():
        paid = FeeMonth.objects.filter(individual=OuterRef("individual"), year=today.year,
                                       month=today.month, valid=True)  # fmt: skip
        unpaid = (
            Membership.objects.filter(access.reach_q(user, "money", via="organisation"))
            .on(today)
            .exclude(exemptions__year=today.year)
            .exclude(Exists(paid))
        )
        out.append(Waiting(f"Hội viên chưa nộp hội phí tháng {today.month}/{today.year}",
                           unpaid.count(), reverse("arrears_list")))  # fmt: skip
    return out


def org_sections(user, org) -> list[OrgSection]:
    """On an organisation's page: who leads it today and who led it when."""
    today = timezone.localdate()
    return [OrgSection("Lãnh đạo", "people/org_leaders.html", {
        "now": leaders.leaders_on(org, today), "history": leaders.history(org),
        "can_edit": access.can(user, "edit", org),
    })]  # fmt: skip
