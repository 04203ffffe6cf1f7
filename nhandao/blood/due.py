"""Who is likely eligible on a day: the lists behind `blood_due` and a drive's reminders.
One indexed query over the donors' derived `eligible_from` (rules.refresh_donor keeps it).
Reminders go by email, or by text message (lib.sms) to donors with only a phone."""

import logging
from datetime import date

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from nhandao.audit.actions import record
from nhandao.blood.models import Donor, Drive, Registration, Reminder
from nhandao.blood.rules import MAX_AGE, MIN_AGE
from nhandao.lib import sms
from nhandao.lib.tasks import enqueue_on_commit

log = logging.getLogger(__name__)


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
    mine = getattr(settings, "SITE_URL", "").rstrip("/") + reverse("public_blood_mine")
    body += (
        "\nNếu không muốn nhận thư nhắc nữa: vào trang “Lịch sử hiến máu của tôi” "
        f"({mine}, đăng nhập bằng số điện thoại) hoặc báo cán bộ Hội.\n"
    )
    return subject, body


# How to stop the reminders, in the text message: a reply cannot be received (brand-name
# senders take no answers) and the self-service page's address would not fit in one
# segment, so the officer it is (the email names the page).
SMS_STOP = " Khong muon nhan nhac: bao can bo Hoi."


def sms_message(drive: Drive) -> str:
    """The reminder as one text message (≤ 160 unaccented characters): the address, then
    the organisation's name, are shortened to fit."""
    when = f"{drive.held_on:%d/%m/%Y} {drive.starts_at:%H:%M}-{drive.ends_at:%H:%M}"
    # "Hội CTĐ", as the chapters write it: the room goes to the address
    org = sms.plain(str(drive.organisation)).replace("Hoi Chu thap do ", "Hoi CTD ", 1)
    address = sms.plain(drive.address)
    fixed = len(f": moi ban hien mau {when} tai .{SMS_STOP}")
    room = sms.SEGMENT - fixed
    org = sms.shorten(org, max(room - min(len(address), 40), 20))
    address = sms.shorten(address, room - len(org))
    end = "" if address.endswith("...") else "."
    return f"{org}: moi ban hien mau {when} tai {address}{end}{SMS_STOP}"


def channel_for(donor: Donor, sms_available: bool) -> str | None:
    """Email when the donor gave one; else a text message to their phone when SMS is
    available; else none (the call list)."""
    if donor.individual.email:
        return "email"
    if sms_available and donor.individual.phone:
        return "sms"
    return None


@transaction.atomic
def send_reminders(actor, drive: Drive) -> dict[str, int]:
    """Queue the drive's reminders: email to donors with an email, a text message to those
    with only a phone when SMS is available; the others stay on the call list. The worker
    sends them once this commits (a rollback queues nothing) and records each as it goes
    (deliver_reminders). Returns how many are to go by each channel, donors reminded
    already for this drive not counted."""
    reminded = set(drive.reminders.values_list("donor_id", flat=True))
    sms_on = sms.available()
    planned = {"email": 0, "sms": 0}
    for donor in reminder_list(drive).iterator(chunk_size=2000):
        channel = channel_for(donor, sms_on)
        if channel and donor.pk not in reminded:
            planned[channel] += 1
    if planned["email"] or planned["sms"]:
        enqueue_on_commit(deliver_reminders, drive.pk)
    record(actor, "blood.reminders", drive, after={**planned, "at": timezone.now().isoformat()},
           organisation=drive.organisation)  # fmt: skip
    return planned


class RemindersFailed(Exception):
    """A channel failed during a run: the task row records this message."""


class _Mailer:
    """One mail connection for a run, opened at the first email (an SMTP server down must
    not stop the text messages)."""

    def __init__(self):
        self.connection = None

    def send(self, subject: str, body: str, to: str) -> None:
        if self.connection is None:
            self.connection = mail.get_connection(fail_silently=False)
            self.connection.open()
        mail.EmailMessage(subject, body, None, [to], connection=self.connection).send()

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


@task()
def deliver_reminders(drive_id: int) -> dict[str, int]:
    """Send the reminders of a drive to the donors on its list who were not reminded yet
    (consent, opt-out and contact details read now, not when the officer asked).

    A Reminder row means the backend took the message: each donor is one transaction that
    writes the row, sends, and commits — a failure rolls the row back, and the unique
    (drive, donor) makes a second worker on the same drive wait for the first, then skip.
    (A process killed between sending and COMMIT leaves no row: the donor may be reminded
    twice, never marked reminded without a message.) The first failure of a channel stops
    that channel for this run — a gateway down would otherwise cost its timeout per donor —
    and the task then fails with the reason; those donors stay on the call list, and the
    button sends to them once the channel works again. Returns how many went by each channel.
    """
    drive = Drive.objects.select_related("organisation").filter(pk=drive_id).first()
    if drive is None:
        return {"email": 0, "sms": 0}
    sms_on = sms.available()
    sent = {"email": 0, "sms": 0}
    failed: dict[str, str] = {}
    left: dict[str, int] = {"email": 0, "sms": 0}
    mailer = _Mailer()
    text = sms_message(drive)
    try:
        for donor in reminder_list(drive).exclude(reminders__drive=drive).iterator(chunk_size=500):
            channel = channel_for(donor, sms_on)
            if channel is None:
                continue
            if channel in failed:
                left[channel] += 1
                continue
            try:
                with transaction.atomic():
                    _row, created = Reminder.objects.get_or_create(
                        drive=drive, donor=donor, defaults={"channel": channel}
                    )
                    if not created:  # another run reminded them meanwhile
                        continue
                    if channel == "email":
                        mailer.send(*message(drive, donor), donor.individual.email)
                    else:
                        sms.send_sms(donor.individual.phone, text)
            except ValueError:  # a stored phone that is not a number: this donor only
                log.warning("blood reminder: donor %s has no usable phone", donor.pk)
                continue
            except (sms.SmsError, OSError) as error:  # smtplib's errors are OSErrors
                failed[channel] = str(error)
                left[channel] += 1
                log.warning("blood reminders of drive %s: %s failed: %s", drive.pk, channel, error)
                continue
            sent[channel] += 1
    finally:
        mailer.close()
    if failed:
        names = {"email": "thư điện tử", "sms": "tin nhắn"}
        raise RemindersFailed(
            f"Nhắc lịch đợt {drive.code}: đã gửi {sent['email']} thư, {sent['sms']} tin nhắn. "
            + " ".join(
                f"Không gửi được {names[c]} ({reason}); {left[c]} người chưa được nhắc, "
                "vẫn ở danh sách gọi điện."
                for c, reason in failed.items()
            )
        )
    return sent
