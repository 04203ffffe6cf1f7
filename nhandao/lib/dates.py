"""Dates are shown dd/mm/yyyy and times in Asia/Ho_Chi_Minh; `parse_date` is the one date
parser of every import.

It reads dd/mm/yyyy (and d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy), yyyy-mm-dd, a date or datetime
cell of a spreadsheet and an Excel serial number; a time after the date is allowed and
dropped. Two-digit years are refused ("05/09/24" could be 1924 or 2024, and was once stored
as year 24), and so is a date outside the bounds: 01/01/2000 … one year from today unless
the caller passes others (birth dates)."""

import re
from datetime import date, datetime, timedelta

from django.utils import timezone

EARLIEST = date(2000, 1, 1)
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 01/01/1900 (Excel's 1900 leap-year bug kept)

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d+)(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")


class DateError(ValueError):
    """The value is not an accepted date; the message says why, in Vietnamese."""


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y %H:%M")


def latest_default() -> date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today + timedelta(days=365)


def parse_date(value, *, earliest: date | None = EARLIEST, latest: date | None = None) -> date:
    """A date from a cell; DateError with the reason when it is not one or is out of bounds
    (`latest` None: one year from today; pass `earliest=None` for no lower bound)."""
    latest = latest or latest_default()
    day = _read(value)
    if earliest is not None and day < earliest:
        raise DateError(f"Ngày {_dmy(day)} trước {_dmy(earliest)}: hãy kiểm tra năm.")
    if day > latest:
        raise DateError(f"Ngày {_dmy(day)} sau {_dmy(latest)}: hãy kiểm tra năm.")
    return day


def _dmy(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"  # strftime drops a year's zeros


def _read(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or value is None:
        raise DateError("Thiếu ngày.")
    if isinstance(value, (int, float)):
        return _serial(value)
    text = str(value).strip()
    if not text:
        raise DateError("Thiếu ngày.")
    if match := _YMD.match(text):
        y, m, d = match.groups()
    elif match := _DMY.match(text):
        d, m, y = match.groups()
        if len(y) != 4:
            raise DateError(f"Năm phải đủ 4 chữ số (“{text}”): dùng dd/mm/yyyy.")
    elif _SERIAL.match(text):
        return _serial(float(text))
    else:
        raise DateError(f"Ngày “{text[:40]}” không đọc được (dùng dd/mm/yyyy hoặc yyyy-mm-dd).")
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        raise DateError(f"Ngày “{text}” không có thật.") from None


def _serial(number: float) -> date:
    """An Excel serial day number (a date cell saved without its date format; a fraction is
    the time of day, dropped)."""
    if not 1 <= number < 2958466:  # 31/12/9999
        raise DateError(f"Số {number} không phải một ngày của Excel.")
    return EXCEL_EPOCH + timedelta(days=int(number))


def parse_date_column(texts, **bounds):
    """parse_date over a polars Series of texts: (dates, reasons), as money.parse_vnd_column."""
    from nhandao.lib.money import _parse_column

    return _parse_column(texts, parse_date, DateError, "Date", bounds)
