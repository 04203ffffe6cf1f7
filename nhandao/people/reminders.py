"""Data-subject requests of the people registry near their legal deadline, for `nhandao
deadlines` (lib/deadlines.py), as beneficiaries/reminders.py does for the beneficiary
registry: not answered, deadline within NEAR_HOURS or past; the "sensitive" holders of the
record's organisation are told."""

from datetime import datetime, timedelta

from django.urls import reverse

from nhandao.lib.deadlines import Deadline
from nhandao.orgs import access
from nhandao.people.models import IndividualDataRequest, IndividualRequestStatus

NEAR_HOURS = 24


def due(now: datetime, days: int) -> list[Deadline]:
    rows = IndividualDataRequest.objects.filter(
        status=IndividualRequestStatus.RECEIVED, due_at__lte=now + timedelta(hours=NEAR_HOURS)
    ).select_related("kind", "organisation")
    return [
        Deadline(r.due_at, "yêu cầu về dữ liệu cá nhân", r.organisation.name,
                 f"{r.kind.label} #{r.pk} (hội viên, tình nguyện viên, người hiến máu)",
                 reverse("individual_data_request", args=[r.pk]),
                 lambda org=r.organisation: access.holders("sensitive", org))
        for r in rows
    ]  # fmt: skip
