"""Milestone honours: the thresholds in force for a province on a day (dated data, a
province's own rows replacing the defaults), the yearly list of who reached a band not yet
honoured, and proposing it (Honour rows)."""

from datetime import date

from django.db import transaction
from django.db.models import Count, Q

from nhandao.audit.actions import record
from nhandao.blood.models import (
    Donation,
    Donor,
    Honour,
    HonourOccasion,
    HonourStatus,
    HonourThreshold,
)
from nhandao.lib.errors import Refused


def occasion_day(year: int, occasion: str) -> date:
    month, day = occasion.split("-")
    return date(year, int(month), int(day))


def next_occasion(today: date) -> tuple[int, str]:
    """The occasion being prepared on `today`: 7/4 until it passes, then 14/6, then next
    year's 7/4 (a list is drawn up before its day, with the donations made by then)."""
    for occasion in (HonourOccasion.APRIL_7, HonourOccasion.JUNE_14):
        if today <= occasion_day(today.year, occasion):
            return today.year, occasion
    return today.year + 1, HonourOccasion.APRIL_7


def thresholds(province, on: date) -> list[HonourThreshold]:
    """The bands in force on `on` for `province` (an AdminUnit or its id): the province's own
    rows when it has any in force, else the defaults; lowest band first."""
    in_force = HonourThreshold.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on
    )
    own = list(in_force.filter(province=province).order_by("donations"))
    return own or list(in_force.filter(province__isnull=True).order_by("donations"))


def band_for(count: int, bands: list[HonourThreshold]) -> HonourThreshold | None:
    reached = [b for b in bands if b.donations <= count]
    return reached[-1] if reached else None


def honour_list(province, year: int, occasion: str = HonourOccasion.APRIL_7):
    """[(donor, band)] of the province for the occasion: donors living there whose count on
    the occasion's day reached a band they were not honoured for, less those honoured in the
    last N years where the province says so."""
    on = occasion_day(year, occasion)
    bands = thresholds(province, on)
    if not bands:
        return []
    skip_years = max(b.skip_if_honoured_within_years for b in bands)
    donors = Donor.objects.filter(
        individual__commune__province=province, donation_count__gte=bands[0].donations
    ).select_related("individual")
    if skip_years:
        donors = donors.exclude(
            pk__in=Honour.objects.filter(year__gt=year - skip_years - 1, year__lt=year).values(
                "donor_id"
            )
        )
    done: dict[int, int] = {}
    for donor_id, band in Honour.objects.filter(donor__in=donors).values_list(
        "donor_id", "donations"
    ):
        done[donor_id] = max(band, done.get(donor_id, 0))
    # the count on the occasion's day: the stored count for donors who have not given since
    # (nearly all), counted from the rows for the few who have
    since = Donation.objects.filter(donor__in=donors.filter(last_donation_on__gt=on))
    counted = dict(
        since.filter(donated_on__lte=on)
        .values_list("donor_id")
        .annotate(n=Count("id"))
        .values_list("donor_id", "n")
    )
    out = []
    for donor in donors.order_by("-donation_count", "code").iterator(chunk_size=2000):
        count = donor.donation_count
        if donor.last_donation_on and donor.last_donation_on > on:
            count = counted.get(donor.pk, 0)
        band = band_for(count, bands)
        if band is not None and band.donations > done.get(donor.pk, 0):
            donor.count_on_day = count
            out.append((donor, band))
    out.sort(key=lambda pair: -pair[1].donations)  # highest band first, then as listed
    return out


@transaction.atomic
def propose(actor, province, year: int, occasion: str = HonourOccasion.APRIL_7) -> list[Honour]:
    """Record this year's list as proposals (running it again adds only new ones)."""
    made = []
    for donor, band in honour_list(province, year, occasion):
        honour, created = Honour.objects.get_or_create(
            donor=donor,
            donations=band.donations,
            defaults={
                "threshold": band,
                "organisation": donor.organisation,
                "year": year,
                "occasion": occasion,
            },  # fmt: skip
        )
        if created:
            made.append(honour)
            record(actor, "blood.honour_propose", honour,
                   after={"donor": donor.pk, "band": band.donations, "year": year},
                   organisation=donor.organisation)  # fmt: skip
    return made


@transaction.atomic
def mark_awarded(actor, honours: list[Honour], *, decision: str, awarded_on: date) -> int:
    """Record the award decision for proposed honours: only then are they published. The
    caller has checked "edit" at each honour's organisation; an honour already awarded, a
    missing decision number or a date in the future is refused and nothing is written."""
    from django.utils import timezone

    decision = (decision or "").strip()
    if not honours:
        raise Refused("Hãy chọn ít nhất một người đã được khen thưởng.", field="honour")
    if not decision:
        raise Refused("Hãy ghi số quyết định khen thưởng.", field="decision")
    if awarded_on > timezone.localdate():
        raise Refused(f"Ngày quyết định {awarded_on:%d/%m/%Y} ở tương lai.", field="awarded_on")
    locked = list(Honour.objects.select_for_update().filter(pk__in=[h.pk for h in honours]))
    done = [h for h in locked if h.status == HonourStatus.AWARDED]
    if done:
        names = ", ".join(h.donor.individual.full_name for h in done[:3])
        raise Refused(f"Đã ghi khen thưởng trước đó: {names}.", field="honour")
    for honour in locked:
        honour.status = HonourStatus.AWARDED
        honour.decision, honour.awarded_on = decision, awarded_on
        honour.save(update_fields=["status", "decision", "awarded_on"])
        record(actor, "blood.honour_award", honour,
               after={"decision": decision, "awarded_on": awarded_on.isoformat()},
               organisation=honour.organisation)  # fmt: skip
    return len(locked)
