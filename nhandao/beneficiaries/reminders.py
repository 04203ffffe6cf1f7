"""Data-subject requests near their legal deadline, for `nhandao deadlines`
(lib/deadlines.py): requests not answered whose deadline is within NEAR_HOURS or past (the
law gives hours, not days, so `days` does not widen it); the "sensitive" holders of the
person's organisation are told."""

from datetime import datetime, timedelta

from django.urls import reverse

from nhandao.beneficiaries.models import DataRequest, DataRequestStatus
from nhandao.lib.deadlines import Deadline
from nhandao.orgs import access

NEAR_HOURS = 24


def due(now: datetime, days: int) -> list[Deadline]:
    rows = DataRequest.objects.filter(
        status=DataRequestStatus.RECEIVED, due_at__lte=now + timedelta(hours=NEAR_HOURS)
    ).select_related("kind", "organisation")
    return [
        Deadline(r.due_at, "yêu cầu về dữ liệu cá nhân", r.organisation.name,
                 f"{r.kind.label} #{r.pk} (đối tượng thụ hưởng)",
                 reverse("data_request", args=[r.pk]),
                 lambda org=r.organisation: access.holders("sensitive", org))
        for r in rows
    ]  # fmt: skip
