"""The rules of the field (Circular 26/2013/TT-BYT; DOMAIN.md §6, §10), as functions the
actions, the importer and the commands share. The intervals are data (IntervalRule, dated);
the age and weight limits of the circular are the constants below.

Nothing here decides eligibility: the collection site does (haemoglobin, health questions).
What is derived is "có thể hiến lại từ …" (likely eligible from)."""

from datetime import date, timedelta

from nhandao.blood.models import APHERESIS, Abo, Deferral, Donation, Donor, IntervalRule, Rh
from nhandao.lib.errors import Refused

MIN_AGE, MAX_AGE = 18, 60
MIN_WEIGHT = {"female": 42, "male": 45}
SMALL_WEIGHT = 45  # below it (42–45 kg) at most 250 ml
SMALL_VOLUME = 250
ML_PER_KG = 9
MAX_VOLUME = 500
APHERESIS_MIN_WEIGHT = 50


def interval_days(kind: str, on: date, rules: list[IntervalRule] | None = None) -> int:
    """Days to wait after a donation of `kind` made on `on`: the rule of that kind in force
    on that day (the latest valid_from not after it)."""
    rules = rules if rules is not None else rule_table()
    found = [r for r in rules if r.kind == kind and r.valid_from <= on]
    if not found:
        raise Refused(f"Chưa có quy định khoảng cách sau loại “{kind}” áp dụng ngày {on:%d/%m/%Y}.")
    return max(found, key=lambda r: r.valid_from).days


def rule_table() -> list[IntervalRule]:
    return list(IntervalRule.objects.all())


def likely_eligible_from(
    last_on: date | None, last_kind: str, deferred_until: date | None = None, rules=None
) -> date | None:
    """The interval set by the type of the LAST donation, or the end of a deferral, whichever
    is later (None: no history, nothing known against it)."""
    candidates = []
    if last_on is not None:
        candidates.append(last_on + timedelta(days=interval_days(last_kind, last_on, rules)))
    if deferred_until is not None:
        candidates.append(deferred_until)
    return max(candidates) if candidates else None


def refresh_donor(donor: Donor, rules=None) -> Donor:
    """Recompute what the history says (count, last donation, deferral, likely eligible
    from) and save it; call after every change of the donor's history."""
    last = Donation.objects.filter(donor=donor).order_by("-donated_on", "-pk").first()
    count = Donation.objects.filter(donor=donor).count()
    deferral = Deferral.objects.filter(donor=donor).order_by("-until").first()
    donor.donation_count = count
    donor.last_donation_on = last.donated_on if last else None
    donor.last_kind = last.kind if last else ""
    if last and last.weight_kg:
        donor.weight_kg = last.weight_kg
    donor.deferred_until = deferral.until if deferral else None
    donor.eligible_from = likely_eligible_from(
        donor.last_donation_on, donor.last_kind, donor.deferred_until, rules
    )
    donor.save(
        update_fields=[
            "donation_count",
            "last_donation_on",
            "last_kind",
            "weight_kg",
            "deferred_until",
            "eligible_from",
        ]
    )
    return donor


def refresh_dates(kind: str = "", batch: int = 2000) -> int:
    """After the rule table changed: recompute "likely eligible from" of every donor whose
    last donation is of `kind` (every donor with a history when empty) and return how many
    dates moved. Only that date reads the table; the rest of what a donor carries is its
    history's, unchanged. Read by key in batches, each written before the next is read (a
    million donors: never all in memory, never a cursor open over rows being written)."""
    table = rule_table()
    donors = Donor.objects.filter(last_donation_on__isnull=False).order_by("pk")
    if kind:
        donors = donors.filter(last_kind=kind)
    fields = ("pk", "last_donation_on", "last_kind", "deferred_until", "eligible_from")
    moved, after = 0, 0
    while rows := list(donors.filter(pk__gt=after).values_list(*fields)[:batch]):
        changed = [
            Donor(pk=pk, eligible_from=now)
            for pk, last_on, last_kind, deferred, stored in rows
            if (now := likely_eligible_from(last_on, last_kind, deferred, table)) != stored
        ]
        Donor.objects.bulk_update(changed, ["eligible_from"])
        moved, after = moved + len(changed), rows[-1][0]
    return moved


def check_age(birth_date: date | None, on: date, field: str = "birth_date") -> None:
    if birth_date is None:
        return
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if not MIN_AGE <= age <= MAX_AGE:
        raise Refused(
            f"Người hiến {age} tuổi vào ngày {on:%d/%m/%Y}: chỉ nhận người từ {MIN_AGE} "
            f"đến {MAX_AGE} tuổi.",
            field=field,
        )


def max_volume(sex: str, weight_kg: int | None, kind: str) -> int | None:
    """The largest volume the weight allows (None: weight unknown); 0: too light to give."""
    if weight_kg is None:
        return None
    if weight_kg < MIN_WEIGHT.get(sex, MIN_WEIGHT["male"] if sex else MIN_WEIGHT["female"]):
        return 0
    if kind in APHERESIS and weight_kg < APHERESIS_MIN_WEIGHT:
        return 0
    if weight_kg < SMALL_WEIGHT:
        return SMALL_VOLUME
    return min(ML_PER_KG * weight_kg, MAX_VOLUME)


def check_volume(sex: str, weight_kg: int | None, kind: str, volume_ml: int) -> None:
    """Refuse a volume above what the weight allows (women ≥ 42 kg, men ≥ 45 kg; 42–45 kg
    at most 250 ml; otherwise at most 9 ml/kg and 500 ml; apheresis ≥ 50 kg)."""
    if kind not in APHERESIS and volume_ml not in (250, 350, 450):
        raise Refused(
            f"Thể tích {volume_ml} ml không phải túi 250, 350 hay 450 ml.", field="volume_ml"
        )
    if kind in APHERESIS and not 0 < volume_ml <= 650:
        raise Refused(f"Thể tích gạn tách {volume_ml} ml không hợp lệ.", field="volume_ml")
    limit = max_volume(sex, weight_kg, kind)
    if limit is None:
        return
    if limit == 0:
        least = APHERESIS_MIN_WEIGHT if kind in APHERESIS else MIN_WEIGHT.get(sex, 42)
        raise Refused(
            f"Cân nặng {weight_kg} kg dưới mức tối thiểu {least} kg cho loại hiến này.",
            field="weight_kg",
        )
    if volume_ml > limit:
        raise Refused(
            f"Thể tích {volume_ml} ml vượt mức cho cân nặng {weight_kg} kg (tối đa {limit} ml).",
            field="volume_ml",
        )


def parse_group(text: str) -> tuple[str, str]:
    """ "O+", "AB-", "A Rh+", "b", "" → (abo, rh); Refused on anything else."""
    raw = (text or "").strip().upper().replace(" ", "").replace("RH", "").replace("−", "-")
    if not raw:
        return "", ""
    rh = ""
    if raw[-1] in "+-":
        raw, rh = raw[:-1], raw[-1]
    if raw not in Abo.values or (rh and rh not in Rh.values):
        raise Refused(
            f"Nhóm máu “{text}” không hợp lệ: ghi O, A, B hoặc AB, có thể kèm Rh + hoặc −.",
            field="blood_group",
        )
    return raw, rh


def unit_value(volume_ml: int, on: date, values=None) -> int:
    """What a unit of `volume_ml` given on `on` is worth (UnitValue in force that day; a
    volume between bag sizes counts as the bag below it)."""
    from nhandao.blood.models import UnitValue

    values = values if values is not None else list(UnitValue.objects.all())
    in_force = [v for v in values if v.valid_from <= on]
    if not in_force:
        return 0
    sizes = sorted({v.volume_ml for v in in_force})
    size = max([s for s in sizes if s <= volume_ml] or [sizes[0]])
    return max((v for v in in_force if v.volume_ml == size), key=lambda v: v.valid_from).value
