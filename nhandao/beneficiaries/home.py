"""The registry on the home page: lists that failed or wait, duplicate groups to review."""

from django.urls import reverse

from nhandao.beneficiaries import review
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
