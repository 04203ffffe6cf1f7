"""Names, identity numbers and phones of people: parsing and checks, no database writes.

A Vietnamese name is family name first, middle name(s), given name last. We keep the name
as typed (NFC) and its folded parts (lib.text.fold: no diacritics, lower case, đ→d), which
is what search and duplicate detection compare.
"""

import re
from datetime import date
from functools import lru_cache

from nhandao.lib.dates import DateError, parse_date
from nhandao.lib.names import (  # noqa: F401 — re-exported: the registry's callers use them
    COMMON_FAMILY_NAMES,
    PHONE_RE,
    NameParts,
    clean_full_name,
    clean_phone,
    digits_only,
    split_name,
)

# ---- CCCD (citizen identity card, 12 digits) and CMND (old identity card, 9 digits) ----

CCCD_RE = re.compile(r"^\d{12}$")
CMND_RE = re.compile(r"^\d{9}$")


@lru_cache(maxsize=1)
def province_codes() -> frozenset[str]:
    """Three-digit province codes valid as a CCCD prefix (legacy 63 and 2025 34 provinces)."""
    from nhandao.orgs.models import AdminLevel, AdminUnit

    codes = AdminUnit.objects.filter(level=AdminLevel.PROVINCE).values_list("code", flat=True)
    return frozenset(c.zfill(3) for c in codes)


def century_digit(sex: str, year: int) -> int:
    """The 4th CCCD digit: 0/1 for men/women born 1900–1999, 2/3 for 2000–2099, and so on."""
    century = (year // 100) - 19
    return century * 2 + (1 if sex == "female" else 0)


def check_id_number(value: str | None, sex: str = "", birth_year: int | None = None) -> str:
    """The id number cleaned, or ValueError with a Vietnamese reason."""
    number = digits_only(value)
    if not number:
        return ""
    if CMND_RE.match(number):
        return number
    if not CCCD_RE.match(number):
        raise ValueError(
            f"Số định danh “{value}” không hợp lệ: CCCD gồm 12 chữ số, CMND cũ gồm 9 chữ số."
        )
    if number[:3] not in province_codes():
        raise ValueError(
            f"CCCD “{number}” không hợp lệ: ba số đầu “{number[:3]}” không phải mã tỉnh/thành."
        )
    digit = int(number[3])
    if birth_year is not None:
        if int(number[4:6]) != birth_year % 100:
            raise ValueError(
                f"CCCD “{number}” không khớp năm sinh {birth_year}: "
                f"số thứ 5–6 phải là “{birth_year % 100:02d}”."
            )
        if not 1900 <= birth_year <= 2299 or digit // 2 != (birth_year // 100) - 19:
            raise ValueError(
                f"CCCD “{number}” không khớp thế kỷ sinh: số thứ tư “{digit}” "
                f"không dùng cho người sinh năm {birth_year}."
            )
    if sex in ("male", "female") and digit % 2 != (1 if sex == "female" else 0):
        label = "nữ" if sex == "female" else "nam"
        raise ValueError(
            f"CCCD “{number}” không khớp giới tính: số thứ tư “{digit}” không dùng cho {label}."
        )
    return number


# ---- phones ----

# ---- birth dates: a full date or only a year ----


def parse_birth(value, today: date | None = None) -> tuple[date | None, int | None]:
    """(birth date or None, birth year) from "dd/mm/yyyy", "yyyy-mm-dd", "yyyy" or a date:
    a full date is read by lib.dates.parse_date (the one date parser), between 01/01/1900
    and today."""
    today = today or date.today()
    if value is None or value == "":
        return None, None
    if not isinstance(value, date):
        value = str(value).strip().removesuffix(".0")
        if not value:
            return None, None
        if re.fullmatch(r"\d{4}", value):
            year = int(value)
            if not 1900 <= year <= today.year:
                raise ValueError(f"Năm sinh “{value}” không hợp lệ.")
            return None, year
    try:
        born = parse_date(value, earliest=date(1900, 1, 1), latest=today)
    except DateError as exc:  # "Ngày “30/02/1985” không có thật." → "Ngày sinh “…” …"
        reason = str(exc)
        if reason.startswith("Ngày “"):
            raise ValueError("Ngày sinh" + reason.removeprefix("Ngày")) from None
        raise ValueError(f"Ngày sinh không hợp lệ: {reason}") from None
    return born, born.year
