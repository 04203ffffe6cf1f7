"""The registry on the home page: lists that failed or wait, duplicate groups to review."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from nhandao.beneficiaries import commitments, lookups, review
from nhandao.beneficiaries.models import Household, ImportBatch, ImportStatus, Person
from nhandao.lib.cockpit import NORMAL, SOON, URGENT, Figure, Waiting, counted
from nhandao.orgs import access

IS = ImportStatus


def waiting(user) -> list[Waiting]:
    out = []
    if access.can_anywhere(user, "edit"):
        batches = ImportBatch.objects.for_user(user, "edit")
        for statuses, label, urgency in (
            ((IS.FAILED,), "Danh sách đối tượng nhập lỗi", URGENT),
            ((IS.PREVIEWED,), "Danh sách đối tượng chờ xác nhận nhập", SOON),
        ):
            found = batches.filter(status__in=statuses)
            count, url = counted(found, "import_detail", reverse("import_upload"))
            out.append(Waiting(label, count, url, urgency))
    if access.can_anywhere(user, "edit") or access.can_anywhere(user, "money"):
        out += payments_due(user)
    if access.can_anywhere(user, "view"):
        count = review.group_count(user)  # cached: computing the groups reads the whole queue
        out.append(
            Waiting("Nhóm hồ sơ có thể trùng cần xem", count, reverse("review_queue"), NORMAL)
        )
    return out


def figures(user, org) -> list[Figure]:
    if org is None:
        return []
    households = Household.objects.filter(access.subtree_q(org, via="organisation")).count()
    persons = Person.objects.filter(access.subtree_q(org, via="organisation")).active().count()
    return [
        Figure(
            "Đối tượng đang quản lý",
            f"{persons:,}".replace(",", ".") + f" người · {households:,} hộ".replace(",", "."),
            reverse("person_list"),
        )
    ]


def payments_due(user) -> list[Waiting]:
    """The reminder before each payment a sponsor committed to: periods due within a week
    (and those overdue, for a year) of the commitments in the user's reach to edit or pay."""
    today = timezone.localdate()
    horizon = today + timedelta(days=commitments.REMIND_DAYS)
    perm = "edit" if access.can_anywhere(user, "edit") else "money"
    running = lookups.sponsorships(user, perm).filter(
        start__lte=horizon, end__gte=today - timedelta(days=365)
    )
    due = commitments.due_soon(running.select_related("address"), today)
    if not due:
        return []
    overdue = sum(1 for _, period in due if period < today)
    first, period = due[0]
    url = (
        reverse("address_detail", args=[first.address_id])
        if len({s.address_id for s, _ in due}) == 1
        else reverse("commitment_list")
    )
    hint = f"Sớm nhất: {first.sponsor.name}, kỳ {period:%d/%m/%Y}"
    if overdue:
        hint += f" · {overdue} kỳ quá hạn"
    return [Waiting("Khoản đỡ đầu đến hạn trả", len(due), url, URGENT if overdue else SOON, hint)]
