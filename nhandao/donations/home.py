"""Donations on the home page: statements that wait or failed, the year's figures and chart."""

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth
from django.urls import reverse
from django.utils import timezone

from nhandao.donations import lookups
from nhandao.donations.models import Donation, Donor, Statement, StatementStatus
from nhandao.lib.cockpit import SOON, URGENT, Chart, Figure, Waiting, counted
from nhandao.lib.money import format_vnd
from nhandao.orgs import access

SS = StatementStatus


def waiting(user) -> list[Waiting]:
    if not access.can_anywhere(user, "money"):
        return []
    statements = Statement.objects.for_user(user, "money")
    out = []
    for statuses, label, urgency in (
        ((SS.FAILED,), "Sao kê nhập lỗi hoặc bị từ chối", URGENT),
        ((SS.PREVIEWED,), "Sao kê chờ xác nhận nhập", SOON),
    ):
        found = statements.filter(status__in=statuses)
        count, url = counted(found, "statement_detail", reverse("bank_account_list"))
        out.append(Waiting(label, count, url, urgency))
    # lines an import set aside (a date or an amount unreadable, a scanned page): posted only
    # once an officer has read them
    lines = lookups.review_lines(user, status="open").count()
    out.append(Waiting("Dòng sao kê chờ kiểm tra", lines, reverse("statement_review_queue"), SOON))
    return out


def _year_donations(org):
    return Donation.objects.filter(
        access.subtree_q(org, via="organisation"),
        received_on__year=timezone.localdate().year,
        reversed_at=None,
    )


def figures(user, org) -> list[Figure]:
    if org is None:
        return []
    year = timezone.localdate().year
    totals = _year_donations(org).aggregate(n=Count("pk"), s=Sum("amount"))
    donors = Donor.objects.filter(access.subtree_q(org, via="organisation")).count()
    return [
        Figure(f"Tiếp nhận năm {year}", format_vnd(totals["s"] or 0), reverse("donation_list")),
        Figure("Số khoản ủng hộ", f"{totals['n']:,}".replace(",", ".") + " khoản"),
        Figure("Nhà hảo tâm trong sổ", f"{donors:,}".replace(",", "."), reverse("donor_list")),
    ]


def charts(user, org) -> list[Chart]:
    if org is None:
        return []
    by_month = dict(
        _year_donations(org)
        .annotate(month=ExtractMonth("received_on"))
        .values("month")
        .annotate(s=Sum("amount"))
        .values_list("month", "s")
    )
    months = range(1, timezone.localdate().month + 1)
    return [
        Chart(
            f"Tiếp nhận theo tháng, năm {timezone.localdate().year}",
            [f"Th{m}" for m in months],
            [("Tiếp nhận", [by_month.get(m, 0) for m in months])],
            unit="₫",
        )
    ]
