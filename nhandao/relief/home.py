"""What waits in relief for a user, for the home page (lib/cockpit.py collects it)."""

from datetime import timedelta

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from nhandao.lib.cockpit import NORMAL, SOON, URGENT, Figure, Waiting, counted
from nhandao.lib.money import format_vnd
from nhandao.orgs import access
from nhandao.relief.models import Allocation, AllocationStatus, DistributionRound, LineImport
from nhandao.relief.models.distributions import RoundStatus
from nhandao.relief.models.imports import ImportStatus

AS = AllocationStatus
RETURNED_DAYS = 30  # a refused proposal stays on its maker's home page this long


def waiting(user) -> list[Waiting]:
    out = []
    allocations = reverse("relief_allocations")
    if access.can_anywhere(user, "approve"):
        # the checker's queue: never the maker's own, never twice by the first approver
        to_approve = (
            Allocation.objects.filter(access.reach_q(user, "approve", via="organisation"))
            .filter(Q(status=AS.PROPOSED) | Q(status=AS.FIRST_APPROVED) & ~Q(first_approver=user))
            .exclude(proposed_by=user)
        )
        count, url = counted(to_approve, "relief_allocation", f"{allocations}?status=proposed")
        out.append(Waiting("Phân bổ chờ bạn duyệt", count, url, SOON))
    since = timezone.now() - timedelta(days=RETURNED_DAYS)
    returned = Allocation.objects.filter(
        proposed_by=user,
        status=AS.REJECTED,
        history__to_status=AS.REJECTED,
        history__at__gte=since,
    ).distinct()
    count, url = counted(returned, "relief_allocation", f"{allocations}?status=rejected")
    out.append(
        Waiting(
            "Phân bổ bạn đề xuất bị trả lại",
            count,
            url,
            URGENT,
            "Xem lý do từ chối, sửa và đề xuất lại.",
        )
    )
    if access.can_anywhere(user, "edit"):
        lists = LineImport.objects.for_user(user, "edit")
        for status, label, urgency in (
            (ImportStatus.INVALID, "Danh sách cấp phát có dòng lỗi", URGENT),
            (ImportStatus.PREVIEW, "Danh sách cấp phát chờ xác nhận nhập", SOON),
        ):
            imports = lists.filter(status=status)
            count, url = counted(imports, "relief_line_import", reverse("relief_home"))
            out.append(Waiting(label, count, url, urgency))
        today = timezone.localdate()
        rounds = DistributionRound.objects.for_user(user, "edit").filter(
            status=RoundStatus.OPEN, date__lte=today + timedelta(days=14)
        )
        count, url = counted(rounds, "relief_round", reverse("relief_home"))
        out.append(Waiting("Đợt cấp phát đang mở trong 14 ngày tới", count, url, NORMAL))
    return out


def figures(user, org) -> list[Figure]:
    if org is None:
        return []
    year = timezone.localdate().year
    out_of_org = Allocation.objects.filter(
        access.subtree_q(org, via="organisation"),
        status=AS.EXECUTED,
        executed_at__year=year,
    ).exclude(target_organisation__path__startswith=org.path)
    total = out_of_org.aggregate(s=Sum("amount"))["s"] or 0
    return [Figure(f"Đã phân bổ, chi năm {year}", format_vnd(total), reverse("relief_allocations"))]
