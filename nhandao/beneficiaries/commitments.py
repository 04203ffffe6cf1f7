"""Whether sponsors keep their commitments to humanitarian addresses (issue #22 item 4).

A commitment is paid per period (`Sponsorship.every` months) from its start to its end;
each period falls due on its first day. Nothing here is stored: what is due, paid, in
arrears and the "commitment kept" rate are read from the commitments and their payments,
in two queries whatever the number of commitments. Plain functions, no writes."""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from nhandao.beneficiaries.models import Sponsorship, SponsorshipPayment

REMIND_DAYS = 7  # a payment due within this many days is on the officer's home page


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` (the 31st of a shorter month becomes its last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(start: date, end: date, every: int) -> list[date]:
    """The first day of each period from `start` to `end` (inclusive)."""
    out, n = [], 0
    while (day := add_months(start, n * every)) <= end:
        out.append(day)
        n += 1
    return out


def end_of(start: date, months: int) -> date:
    """The last day of a commitment of `months` months from `start`."""
    return add_months(start, months) - timedelta(days=1)


@dataclass
class Standing:
    """One commitment (or a sum of them) on a given day."""

    due: int = 0  # periods fallen due by the day
    paid: int = 0  # of those, periods paid
    arrears: int = 0  # money of the periods due and unpaid (đồng)
    late: list = field(default_factory=list)  # (sponsorship, period) unpaid, oldest first
    next_due: date | None = None  # the next unpaid period (due or coming)

    @property
    def kept(self) -> int | None:
        """Percentage of the periods due that were paid (None before any falls due)."""
        return None if not self.due else round(100 * self.paid / self.due)

    def add(self, other: "Standing") -> None:
        self.due += other.due
        self.paid += other.paid
        self.arrears += other.arrears
        self.late += other.late
        if other.next_due and (self.next_due is None or other.next_due < self.next_due):
            self.next_due = other.next_due


def standings(sponsorships, today: date) -> dict[int, Standing]:
    """Each commitment's standing on `today`, by its id."""
    sponsorships = list(sponsorships)
    paid: dict[int, set] = defaultdict(set)
    rows = SponsorshipPayment.objects.filter(
        sponsorship__in=[s.pk for s in sponsorships], reversed_at__isnull=True
    )
    for sponsorship_id, period in rows.values_list("sponsorship_id", "period"):
        paid[sponsorship_id].add(period)
    out = {}
    for s in sponsorships:
        st = Standing()
        for day in s.due_dates():
            done = day in paid[s.pk]
            if day <= today:
                st.due += 1
                st.paid += done
                if not done:
                    st.arrears += s.amount
                    st.late.append((s, day))
            if not done and st.next_due is None:
                st.next_due = day
        out[s.pk] = st
    return out


def summary(sponsorships, today: date, key) -> dict:
    """Standings summed by `key(sponsorship)` (a sponsor, an organisation…)."""
    sponsorships = list(sponsorships)
    each = standings(sponsorships, today)
    out: dict = defaultdict(Standing)
    for s in sponsorships:
        out[key(s)].add(each[s.pk])
    return dict(out)


def due_soon(sponsorships, today: date, days: int = REMIND_DAYS) -> list[tuple]:
    """(sponsorship, period) unpaid and due by `today + days`, oldest first: the reminders."""
    horizon = today + timedelta(days=days)
    sponsorships = list(sponsorships)
    each = standings(sponsorships, horizon)
    found = [late for s in sponsorships for late in each[s.pk].late]
    return sorted(found, key=lambda item: (item[1], item[0].pk))


def active_on(today: date):
    """Commitments running on `today` (started, not ended)."""
    return Sponsorship.objects.filter(start__lte=today, end__gte=today)
