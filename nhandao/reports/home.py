"""What waits in reports for a user, for the home page (lib/cockpit.py collects it): reports
of the level below to approve, the user's organisations' reports returned, due soon or late."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from nhandao.lib.cockpit import SOON, URGENT, Waiting, counted
from nhandao.orgs import access
from nhandao.reports.models import Report, ReportStatus

DUE_SOON_DAYS = 14


def waiting(user) -> list[Waiting]:
    out = []
    listing = reverse("report_list")
    if access.can_anywhere(user, "approve"):
        # reports sent up to an organisation where the user approves (the parent's role)
        to_approve = Report.objects.filter(
            access.reach_q(user, "approve", via="organisation__parent"),
            status=ReportStatus.SUBMITTED,
        ).exclude(submitted_by=user)
        count, url = counted(to_approve, "report_detail", listing)
        out.append(Waiting("Báo cáo cấp dưới chờ bạn duyệt", count, url, SOON))
    if access.can_anywhere(user, "edit"):
        own = Report.objects.filter(access.reach_q(user, "edit", via="organisation"))
        count, url = counted(own.filter(status=ReportStatus.RETURNED), "report_detail", listing)
        out.append(Waiting("Báo cáo bị trả lại, cần sửa", count, url, URGENT))
        today = timezone.localdate()
        writing = own.filter(status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED])
        count, url = counted(writing.filter(due_on__lt=today), "report_detail", listing)
        out.append(Waiting("Báo cáo đã quá hạn nộp", count, url, URGENT))
        soon = writing.filter(due_on__gte=today, due_on__lte=today + timedelta(DUE_SOON_DAYS))
        count, url = counted(soon, "report_detail", listing)
        out.append(Waiting(f"Báo cáo đến hạn trong {DUE_SOON_DAYS} ngày", count, url, SOON))
    return out
