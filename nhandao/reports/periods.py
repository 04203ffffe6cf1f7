"""Report periods: a year, a half-year, a quarter or a month, each with explicit start and end
dates (DHIS2's periods, reduced to what the Red Cross and the Front report on).

Codes: "2026", "2026-H1", "2026-H2", "2026-Q3", "2026-05". Half-years and years follow the
calendar by default; some organisations close their books on 14/6 and 14/12 (the period runs
from 15/12 of the year before), which a report form may choose as its cut-off."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from nhandao.lib.errors import Refused

CALENDAR = "calendar"
MID_DECEMBER = "15/12"
CUTOFFS = [(CALENDAR, "Theo năm dương lịch"), (MID_DECEMBER, "Từ 15/12 năm trước đến 14/12")]

_CODE = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?$")


@dataclass(frozen=True)
class Period:
    code: str
    start: date
    end: date
    label: str

    def __str__(self):
        return self.label

    def previous_year(self, cutoff: str = CALENDAR) -> "Period":
        """The same period a year earlier (the "+6 % so với cùng kỳ" comparison)."""
        year, _, rest = self.code.partition("-")
        return parse(f"{int(year) - 1}{'-' + rest if rest else ''}", cutoff)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def parse(code: str, cutoff: str = CALENDAR) -> Period:
    """The period a code names, or Refused saying which codes exist."""
    match = _CODE.match((code or "").strip().upper())
    if not match:
        raise Refused(
            f"Kỳ báo cáo “{code}” không tồn tại. Viết năm (2026), nửa năm (2026-H1, 2026-H2), "
            "quý (2026-Q1) hoặc tháng (2026-05).",
            field="period",
        )
    year, part = int(match.group(1)), match.group(2)
    if not 2000 <= year <= date.today().year + 1:
        raise Refused(
            f"Kỳ báo cáo “{code}”: năm {year} ngoài khoảng 2000 – {date.today().year + 1}.",
            field="period",
        )
    shifted = cutoff == MID_DECEMBER
    if part is None:
        start = date(year - 1, 12, 15) if shifted else date(year, 1, 1)
        end = date(year, 12, 14) if shifted else date(year, 12, 31)
        return Period(str(year), start, end, f"năm {year}")
    if part.startswith("H"):
        if part == "H1":
            start = date(year - 1, 12, 15) if shifted else date(year, 1, 1)
            end = date(year, 6, 14) if shifted else date(year, 6, 30)
            label = f"6 tháng đầu năm {year}"
        else:
            start = date(year, 6, 15) if shifted else date(year, 7, 1)
            end = date(year, 12, 14) if shifted else date(year, 12, 31)
            label = f"6 tháng cuối năm {year}"
        return Period(f"{year}-{part}", start, end, label)
    if part.startswith("Q"):
        quarter = int(part[1])
        start = date(year, 3 * quarter - 2, 1)
        end = _month_end(year, 3 * quarter)
        return Period(f"{year}-{part}", start, end, f"quý {quarter}/{year}")
    month = int(part)
    if not 1 <= month <= 12:
        raise Refused(f"Kỳ báo cáo “{code}”: không có tháng {month}.", field="period")
    return Period(
        f"{year}-{month:02d}",
        date(year, month, 1),
        _month_end(year, month),
        f"tháng {month:02d}/{year}",
    )


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def reporting_periods(today: date, cutoff: str = CALENDAR) -> list[Period]:
    """The half-years and years a user may report on now: this year's and the two before
    (reports are sometimes late, or reopened), newest first, leaving out those not begun."""
    periods = []
    for year in (today.year, today.year - 1, today.year - 2):
        for code in (f"{year}", f"{year}-H2", f"{year}-H1"):
            period = parse(code, cutoff)
            if period.start <= today:
                periods.append(period)
    return periods


def months(period: Period) -> list[Period]:
    """The months a period covers (the dashboard's trend)."""
    out, day = [], period.start.replace(day=1)
    while day <= period.end:
        out.append(parse(f"{day.year}-{day.month:02d}"))
        day = _month_end(day.year, day.month) + timedelta(days=1)
    return out
