"""Donor self-service (issue #19, item 8): a donor looks up their own history and next
likely date with their phone number and a one-time code. The code (6 digits, valid 10
minutes, 5 tries) goes by text message to the phone the donor typed when SMS is available
(lib.sms; printed on the console in development), else to the donor's email when they gave
one; with neither, nothing is sent and the page answers as for any number. Asking is
rate-limited per phone and per client address (3 codes per 15 minutes); only a hash of the
code is kept (cache)."""

import hashlib
import logging
import secrets

from django.core.cache import cache
from django.core.mail import send_mail

from nhandao.blood.models import Donor
from nhandao.lib import sms
from nhandao.lib.errors import Refused
from nhandao.lib.names import clean_phone

log = logging.getLogger(__name__)

CODE_SECONDS = 600
WINDOW_SECONDS = 900
MAX_CODES = 3
MAX_TRIES = 5
SESSION_KEY = "blood_self_donor"


def _hash(phone: str, code: str) -> str:
    return hashlib.sha256(f"{phone}:{code}".encode()).hexdigest()


def _count(key: str) -> int:
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def normalise(phone: str) -> str:
    try:
        number = clean_phone(phone)
    except ValueError as error:
        raise Refused(str(error), field="phone") from None
    if not number:
        raise Refused("Hãy nhập số điện thoại.", field="phone")
    return number


def send_code(phone: str, client: str) -> None:
    """Send a code when the phone is a donor's; answer alike when it is not (the page must
    not reveal who gives blood)."""
    phone = normalise(phone)
    if _count(f"blood:otp:n:{phone}") > MAX_CODES or _count(f"blood:otp:ip:{client}") > 10:
        raise Refused("Bạn đã yêu cầu quá nhiều mã. Hãy thử lại sau 15 phút.", field="phone")
    donor = Donor.objects.filter(individual__phone=phone).select_related("individual").first()
    if donor is None:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(f"blood:otp:{phone}", {"hash": _hash(phone, code), "tries": 0}, CODE_SECONDS)
    if sms.available():
        try:
            sms.send_sms(phone, f"Ma tra cuu lich su hien mau: {code} (hieu luc 10 phut). "
                         "Khong dua ma nay cho ai.")  # fmt: skip
            return
        except sms.SmsError as error:
            # the page must answer alike (an error here would tell that the number is a
            # donor's): the email, when there is one, else the log for the administrator
            log.error("blood self-service: the code could not be sent by SMS: %s", error)
    if donor.individual.email:
        send_mail("Mã tra cứu hiến máu", f"Mã tra cứu lịch sử hiến máu của bạn: {code} "
                  "(hiệu lực 10 phút).", None, [donor.individual.email])  # fmt: skip
    else:
        log.warning("blood self-service: donor %s has no channel for a code", donor.pk)


def check_code(phone: str, code: str) -> Donor:
    phone = normalise(phone)
    held = cache.get(f"blood:otp:{phone}")
    if held is None or held["tries"] >= MAX_TRIES:
        raise Refused("Mã đã hết hạn hoặc sai quá nhiều lần: hãy yêu cầu mã mới.", field="code")
    if not secrets.compare_digest(held["hash"], _hash(phone, (code or "").strip())):
        held["tries"] += 1
        cache.set(f"blood:otp:{phone}", held, CODE_SECONDS)
        raise Refused("Mã không đúng.", field="code")
    cache.delete(f"blood:otp:{phone}")
    return Donor.objects.filter(individual__phone=phone).order_by("pk").first()
