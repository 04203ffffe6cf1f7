"""The demo lives on the day it is built: every date of the demo's current work is counted
from today (a Tháng Nhân đạo receiving now, a Tết Nhân ái coming, a disaster appeal in
distribution with its deadline in the coming days), so that every flow can be tried on the
day someone runs `make run`. Only the Yagi appeal keeps its real 2024 dates: its bank
statements are real.

Read through django.utils.timezone, so a test that freezes the clock builds the demo of
that day."""

from datetime import date, timedelta

from django.utils import timezone


def today() -> date:
    return timezone.localdate()


def days(n: int) -> date:
    """Today plus `n` days (negative: in the past)."""
    return today() + timedelta(days=n)


def poverty_year() -> int:
    """The year of the poverty certification the demo households carry (this year's)."""
    return today().year
