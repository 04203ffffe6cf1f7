"""Report deadlines for `nhandao deadlines` (lib/deadlines.py): reports still being written
(draft or returned) due within `days` days or late; their organisation's editors are told.
Only reports that exist are reminded of (a report is opened for its organisation and period
first: /bao-cao/ or `nhandao report`)."""

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from nhandao.lib.deadlines import Deadline
from nhandao.orgs import access
from nhandao.reports.models import Report, ReportStatus

WRITING = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def due(now: datetime, days: int) -> list[Deadline]:
    horizon = timezone.localdate(now) + timedelta(days=days)
    reports = Report.objects.filter(status__in=WRITING, due_on__lte=horizon)
    return [
        Deadline(r.due_on, "báo cáo", r.organisation.name,
                 f"Báo cáo {r.period_label} ({r.status_label})",
                 reverse("report_detail", args=[r.pk]),
                 lambda org=r.organisation: access.holders("edit", org))
        for r in reports.select_related("organisation", "form")
    ]  # fmt: skip
