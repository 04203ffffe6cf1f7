"""What waits in blood donation for a user, for the home page (lib/cockpit.py collects it):
drives this week, result sheets to record or confirm, honours to propose."""

from datetime import timedelta

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from nhandao.blood import honours
from nhandao.blood.models import Donor, DonorFamily, Drive, DriveStatus, Honour
from nhandao.lib.cockpit import SOON, URGENT, Figure, Waiting, counted
from nhandao.orgs import access

D = DriveStatus


def waiting(user) -> list[Waiting]:
    if not access.can_anywhere(user, "view"):
        return []
    today = timezone.localdate()
    listing = reverse("blood_drives")
    own = Drive.objects.filter(access.reach_q(user, "view", via="organisation"))
    out = []
    week = own.filter(status__in=(D.PLANNED, D.OPEN), held_on__range=(today, today + timedelta(7)))
    count, url = counted(week, "blood_drive", listing)
    out.append(Waiting("Đợt hiến máu trong 7 ngày tới", count, url, SOON))
    if access.can_anywhere(user, "edit"):
        editable = Drive.objects.filter(access.reach_q(user, "edit", via="organisation"))
        past = editable.filter(status__in=(D.OPEN, D.HELD), held_on__lt=today)
        count, url = counted(past, "blood_drive", listing)
        out.append(Waiting("Đợt hiến máu đã tổ chức, cần nhập kết quả", count, url, URGENT))
    if access.can_anywhere(user, "approve"):
        held = Drive.objects.filter(
            access.reach_q(user, "approve", via="organisation"), status=D.HELD
        ).exclude(donations=None)
        count, url = counted(held, "blood_drive", listing)
        out.append(Waiting("Kết quả hiến máu chờ xác nhận", count, url, SOON))
        # donors who reached the lowest band and have no honour yet (this year's list)
        donors = Donor.objects.filter(
            access.reach_q(user, "approve", via="organisation"), donation_count__gte=5
        ).exclude(pk__in=Honour.objects.values("donor_id"))
        count = donors.count()
        out.append(Waiting("Người hiến máu đủ mốc, chưa đề xuất vinh danh", count,
                           reverse("blood_honours"), SOON))  # fmt: skip
        # families whose members together reached the default family band, never honoured
        lowest = honours.thresholds(None, today, for_family=True)
        if lowest:
            families = (
                DonorFamily.objects.filter(access.reach_q(user, "approve", via="organisation"))
                .annotate(total=Sum("members__donation_count"))
                .filter(total__gte=lowest[0].donations, honours=None)
            )
            out.append(Waiting("Gia đình hiến máu đủ mốc, chưa đề xuất vinh danh",
                               families.count(), reverse("blood_honours"), SOON))  # fmt: skip
    return out


def figures(user, org) -> list[Figure]:
    if org is None:
        return []
    year_start = timezone.localdate().replace(month=1, day=1)
    from nhandao.blood.models import Donation

    units = Donation.objects.filter(
        access.subtree_q(org, via="organisation"), donated_on__gte=year_start
    ).count()
    return [Figure("Đơn vị máu tiếp nhận năm nay", f"{units}", reverse("blood_drives"))]
