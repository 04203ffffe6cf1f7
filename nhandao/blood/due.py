"""Who is likely eligible on a day: the lists behind `blood_due` and a drive's reminders.
One indexed query over the donors' derived `eligible_from` (rules.refresh_donor keeps it)."""

from datetime import date

from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from nhandao.audit.actions import record
from nhandao.blood.models import Donor, Drive, Registration, Reminder
from nhandao.blood.rules import MAX_AGE, MIN_AGE


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_q(on: date, via: str = "individual__") -> Q:
    """Aged 18–60 on `on` (an unknown birth date is not held against anyone)."""
    youngest = _years_before(on, MIN_AGE)  # born on or before
    oldest = _years_before(on, MAX_AGE + 1)  # born after
    field = f"{via}birth_date"
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__lte": youngest, f"{field}__gt": oldest}
    )


def due(on: date, province_code: str | None = None):
    """Donors with a history who are likely eligible on `on` (blood_due)."""
    donors = Donor.objects.filter(eligible_from__lte=on, last_donation_on__isnull=False)
    donors = donors.filter(age_q(on))
    if province_code:
        donors = donors.filter(individual__commune__province__code=province_code)
    return donors


def reminder_list(drive: Drive):
    """Donors near the drive (its province) likely eligible on its date, who consented to
    be contacted and did not opt out, and have not registered for it yet."""
    donors = Donor.objects.filter(
        Q(eligible_from__lte=drive.held_on) | Q(eligible_from__isnull=True),
        age_q(drive.held_on),
        individual__commune__province_id=drive.commune.province_id,
        individual__consent_contact=True,
        reminders_opt_out_at__isnull=True,
    ).exclude(pk__in=Registration.objects.filter(drive=drive).values("donor_id"))
    return donors.select_related("individual").order_by("eligible_from", "code")


CALL_LIST_HEADER = ["Mã người hiến", "Họ và tên", "Số điện thoại", "Nhóm máu",
                    "Lần hiến gần nhất", "Có thể hiến lại từ", "Đã nhắc"]  # fmt: skip


def call_list_rows(drive: Drive):
    reminded = set(drive.reminders.values_list("donor_id", flat=True))
    for donor in reminder_list(drive).iterator(chunk_size=2000):
        yield [
            donor.code,
            donor.individual.full_name,
            donor.individual.phone,
            donor.blood_group,
            f"{donor.last_donation_on:%d/%m/%Y}" if donor.last_donation_on else "",
            f"{donor.eligible_from:%d/%m/%Y}" if donor.eligible_from else "",
            "có" if donor.pk in reminded else "",
        ]


def message(drive: Drive, donor: Donor) -> tuple[str, str]:
    subject = f"Mời tham gia hiến máu: {drive.name} ngày {drive.held_on:%d/%m/%Y}"
    body = (
        f"Kính gửi {donor.individual.full_name},\n\n"
        f"{drive.organisation} trân trọng mời bạn tham gia đợt hiến máu “{drive.name}” "
        f"ngày {drive.held_on:%d/%m/%Y}, từ {drive.starts_at:%H:%M} đến {drive.ends_at:%H:%M}, "
        f"tại {drive.address}.\n"
    )
    if donor.eligible_from:
        body += (
            f"Theo lịch sử hiến máu, bạn có thể hiến lại từ {donor.eligible_from:%d/%m/%Y} "
            "(cơ sở tiếp nhận máu sẽ khám và quyết định).\n"
        )
    body += "\nNếu không muốn nhận thư nhắc nữa, hãy trả lời thư này hoặc báo cán bộ Hội.\n"
    return subject, body


@transaction.atomic
def send_reminders(actor, drive: Drive, channel: str = "email") -> int:
    """Send the drive's reminders through the notification channel (Django's email backend
    by default); each donor at most once per drive; donors without an email stay on the
    call list. Returns how many were sent."""
    outbox = []
    reminded = set(drive.reminders.values_list("donor_id", flat=True))
    for donor in reminder_list(drive).exclude(individual__email=""):
        if donor.pk in reminded:
            continue
        subject, body = message(drive, donor)
        outbox.append((subject, body, None, [donor.individual.email]))
        Reminder.objects.create(drive=drive, donor=donor, channel=channel)
    sent = len(outbox)
    # sent once the reminders are recorded: a rollback sends nothing
    transaction.on_commit(lambda: send_mass_mail(outbox, fail_silently=False))
    record(actor, "blood.reminders", drive, after={"sent": sent, "at": timezone.now().isoformat()},
           organisation=drive.organisation)  # fmt: skip
    return sent
