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
    DonorFamily,
    FamilyHonour,
    Honour,
    HonourArea,
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


def _in_force(on: date, *, for_family: bool = False):
    return HonourThreshold.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on, for_family=for_family
    )


def thresholds(province, on: date, *, for_family: bool = False) -> list[HonourThreshold]:
    """The bands in force on `on` for the whole of `province` (an AdminUnit or its id): the
    province's own rows when it has any in force, else the defaults; lowest band first.
    Persons' and families' bands are separate sets."""
    in_force = _in_force(on, for_family=for_family)
    own = list(in_force.filter(province=province, area__isnull=True).order_by("donations"))
    return own or list(in_force.filter(province__isnull=True).order_by("donations"))


def area_thresholds(province, on: date) -> dict[HonourArea, list[HonourThreshold]]:
    """The areas of `province` with bands of their own in force on `on`, and those bands."""
    province_id = getattr(province, "pk", province)
    found: dict[HonourArea, list[HonourThreshold]] = {}
    rows = _in_force(on).filter(area__province_id=province_id).select_related("area")
    for band in rows.order_by("area__name", "donations"):
        found.setdefault(band.area, []).append(band)
    return found


def band_for(count: int, bands: list[HonourThreshold]) -> HonourThreshold | None:
    reached = [b for b in bands if b.donations <= count]
    return reached[-1] if reached else None


@dataclass(frozen=True)
class Candidate:
    """Someone on the list, as the list needs it (read as a tuple: a province has tens of
    thousands of candidates, and a model instance each costs more than the query). For a
    family, `code` is empty and `full_name` is the family's name."""

    pk: int
    code: str
    full_name: str
    organisation_id: int
    count_on_day: int
    is_family: bool = False


def _reaching(rows, count_on_day, bands, honours, owner: str, year: int):
    """`rows` (donors or families) annotated with their count on the day and the band it
    reaches, less those already honoured for that band (or a higher one) and, where the
    bands say so, those honoured in the last N years. One query: the count is one aggregate
    per row, the band a CASE over it and the dated bands (a handful), the honours correlated
    reads by owner."""
    reached = Case(
        *[When(count_on_day__gte=b.donations, then=Value(b.donations)) for b in reversed(bands)],
        default=Value(0),
        output_field=IntegerField(),
    )
    honoured = (
        honours.filter(**{f"{owner}_id": OuterRef("pk")})
        .order_by()
        .values(f"{owner}_id")
        .annotate(top=Max("donations"))
        .values("top")
    )
    rows = (
        rows.annotate(count_on_day=count_on_day)
        .annotate(band=reached)
        .filter(band__gt=Coalesce(Subquery(honoured), 0))
    )
    skip_years = max(b.skip_if_honoured_within_years for b in bands)
    if skip_years:
        recent = honours.filter(
            **{f"{owner}_id": OuterRef("pk")}, year__gt=year - skip_years - 1, year__lt=year
        )
        rows = rows.exclude(Exists(recent))
    return rows


def honour_list(province, year: int, occasion: str = HonourOccasion.APRIL_7):
    """[(candidate, band)] of the province for the occasion: donors living there whose count
    on the occasion's day reached a band they were not honoured for (the bands of their
    area where it has its own, the province's otherwise), less those honoured in the last N
    years where the bands say so; highest band first, then most donations.

    One query per set of bands (the province's, and each area's with bands of its own):
    the donors of the province (Donor.province, indexed with the count) from the lowest
    band up, joined to their donations and grouped."""
    on = occasion_day(year, occasion)
    province_id = getattr(province, "pk", province)
    count_on_day = Count("donations", filter=Q(donations__donated_on__lte=on))
    fields = ("pk", "code", "individual__full_name", "organisation_id", "count_on_day")
    listed = []
    areas = area_thresholds(province_id, on)
    parts = [(Q(individual__commune__in=area.communes.all()), bands)
             for area, bands in areas.items()]  # fmt: skip
    general = Q()
    for in_area, _ in parts:
        general &= ~in_area
    bands = thresholds(province_id, on)
    if bands:
        parts.append((general, bands))
    for where, bands in parts:
        donors = Donor.objects.filter(
            where, province_id=province_id, donation_count__gte=bands[0].donations
        )
        donors = _reaching(donors, count_on_day, bands, Honour.objects, "donor", year)
        by_count = {b.donations: b for b in bands}
        for *row, band, total in donors.values_list(*fields, "band", "donation_count"):
            listed.append((-band, -total, row[1], Candidate(*row), by_count[band]))
    listed.sort(key=lambda listing: listing[:3])
    return [(candidate, band) for *_, candidate, band in listed]


def family_list(province, year: int, occasion: str = HonourOccasion.APRIL_7):
    """[(candidate, band)] of the families of the province whose members' donations, counted
    together up to the occasion's day, reached a family band not yet honoured."""
    on = occasion_day(year, occasion)
    province_id = getattr(province, "pk", province)
    bands = thresholds(province_id, on, for_family=True)
    if not bands:
        return []
    count_on_day = Count(
        "members__donations", filter=Q(members__donations__donated_on__lte=on)
    )  # fmt: skip
    families = DonorFamily.objects.filter(province_id=province_id)
    families = _reaching(families, count_on_day, bands, FamilyHonour.objects, "family", year)
    rows = families.order_by("-band", "-count_on_day", "name_key").values_list(
        "pk", "name", "organisation_id", "count_on_day", "band"
    )
    by_count = {b.donations: b for b in bands}
    return [(Candidate(pk, "", name, org, count, is_family=True), by_count[band])
            for pk, name, org, count, band in rows]  # fmt: skip


@transaction.atomic
def propose(actor, province, year: int, occasion: str = HonourOccasion.APRIL_7) -> list:
    """Record this year's lists (persons, then families) as proposals; running it again
    adds only new ones. Returns the Honour and FamilyHonour rows made."""
    from nhandao.orgs.models import Organisation

    made = []
    listed = honour_list(province, year, occasion) + family_list(province, year, occasion)
    orgs = Organisation.objects.in_bulk({who.organisation_id for who, _ in listed})
    for who, band in listed:
        model, owner = (FamilyHonour, "family_id") if who.is_family else (Honour, "donor_id")
        honour, created = model.objects.get_or_create(
            **{owner: who.pk},
            donations=band.donations,
            defaults={
                "threshold": band,
                "organisation": orgs[who.organisation_id],
                "year": year,
                "occasion": occasion,
            },  # fmt: skip
        )
        if created:
            made.append(honour)
            record(actor, "blood.honour_propose", honour,
                   after={owner[:-3]: who.pk, "band": band.donations, "year": year},
                   organisation=orgs[who.organisation_id])  # fmt: skip
    return made


@transaction.atomic
def mark_awarded(actor, honours: list, *, decision: str, awarded_on: date) -> int:
    """Record the award decision for proposed honours (of persons or families): only then
    are they published. The caller has checked "edit" at each honour's organisation; an
    honour already awarded, a missing decision number or a date in the future is refused
    and nothing is written."""
    from django.utils import timezone

    decision = (decision or "").strip()
    if not honours:
        raise Refused("Hãy chọn ít nhất một người đã được khen thưởng.", field="honour")
    if not decision:
        raise Refused("Hãy ghi số quyết định khen thưởng.", field="decision")
    if awarded_on > timezone.localdate():
        raise Refused(f"Ngày quyết định {awarded_on:%d/%m/%Y} ở tương lai.", field="awarded_on")
    locked = []
    for model in (Honour, FamilyHonour):
        chosen = [h.pk for h in honours if isinstance(h, model)]
        locked += model.objects.select_for_update().filter(pk__in=chosen) if chosen else []
    done = [h for h in locked if h.status == HonourStatus.AWARDED]
    if done:
        names = ", ".join(honoured_name(h) for h in done[:3])
        raise Refused(f"Đã ghi khen thưởng trước đó: {names}.", field="honour")
    for honour in locked:
        honour.status = HonourStatus.AWARDED
        honour.decision, honour.awarded_on = decision, awarded_on
        honour.save(update_fields=["status", "decision", "awarded_on"])
        record(actor, "blood.honour_award", honour,
               after={"decision": decision, "awarded_on": awarded_on.isoformat()},
               organisation=honour.organisation)  # fmt: skip
    return len(locked)


def honoured_name(honour) -> str:
    """Who an honour is for: the person's name, or the family's."""
    if isinstance(honour, FamilyHonour):
        return honour.family.name
    return honour.donor.individual.full_name
