"""Milestone honours: the thresholds in force for a province on a day (dated data, a
province's own rows replacing the defaults), the yearly list of who reached a band not yet
honoured, and proposing it (Honour rows)."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from nhandao.audit.actions import record
from nhandao.blood.models import (
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


@dataclass(frozen=True)
class Candidate:
    """A donor on the list, as the list needs it (read as a tuple: a province has tens of
    thousands of candidates, and a model instance each costs more than the query)."""

    pk: int
    code: str
    full_name: str
    organisation_id: int
    count_on_day: int


def honour_list(province, year: int, occasion: str = HonourOccasion.APRIL_7):
    """[(candidate, band)] of the province for the occasion: donors living there whose count
    on the occasion's day reached a band they were not honoured for, less those honoured in
    the last N years where the province says so; highest band first, then most donations.

    One query: the donors of the province (Donor.province, indexed with the count) from the
    lowest band up, joined to their donations and grouped: the count on the day is one
    aggregate per donor (donations up to the day), the band reached a CASE over it and the
    dated bands (a handful); the bands already honoured and the recent honours are
    correlated reads of the honours by donor."""
    on = occasion_day(year, occasion)
    bands = thresholds(province, on)
    if not bands:
        return []
    by_count = {b.donations: b for b in bands}
    skip_years = max(b.skip_if_honoured_within_years for b in bands)
    province_id = getattr(province, "pk", province)
    # the donations made by the day, counted once per donor (an aggregate: the CASE below
    # reads it without counting again)
    count_on_day = Count("donations", filter=Q(donations__donated_on__lte=on))
    reached = Case(
        *[When(count_on_day__gte=n, then=Value(n)) for n in sorted(by_count, reverse=True)],
        default=Value(0),
        output_field=IntegerField(),
    )
    honoured = (
        Honour.objects.filter(donor_id=OuterRef("pk"))
        .order_by()
        .values("donor_id")
        .annotate(top=Max("donations"))
        .values("top")
    )
    donors = (
        Donor.objects.filter(province_id=province_id, donation_count__gte=min(by_count))
        .annotate(count_on_day=count_on_day)
        .annotate(band=reached)
        .filter(band__gt=Coalesce(Subquery(honoured), 0))
    )
    if skip_years:
        recent = Honour.objects.filter(
            donor_id=OuterRef("pk"), year__gt=year - skip_years - 1, year__lt=year
        )
        donors = donors.exclude(Exists(recent))
    rows = donors.order_by("-band", "-donation_count", "code").values_list(
        "pk", "code", "individual__full_name", "organisation_id", "count_on_day", "band"
    )
    return [(Candidate(*row[:5]), by_count[row[5]]) for row in rows]


@transaction.atomic
def propose(actor, province, year: int, occasion: str = HonourOccasion.APRIL_7) -> list[Honour]:
    """Record this year's list as proposals (running it again adds only new ones)."""
    from nhandao.orgs.models import Organisation

    made = []
    listed = honour_list(province, year, occasion)
    orgs = Organisation.objects.in_bulk({donor.organisation_id for donor, _ in listed})
    for donor, band in listed:
        honour, created = Honour.objects.get_or_create(
            donor_id=donor.pk,
            donations=band.donations,
            defaults={
                "threshold": band,
                "organisation": orgs[donor.organisation_id],
                "year": year,
                "occasion": occasion,
            },  # fmt: skip
        )
        if created:
            made.append(honour)
            record(actor, "blood.honour_propose", honour,
                   after={"donor": donor.pk, "band": band.donations, "year": year},
                   organisation=orgs[donor.organisation_id])  # fmt: skip
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
