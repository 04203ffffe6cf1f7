"""The rules of relief that several actions share: where an organisation reaches, what an
earmark allows, what unconditional money may be spent on, and overlap between supports.
Plain functions, no writes."""

from datetime import timedelta

from django.db.models import Q

from nhandao.lib.errors import NeedsConfirmation, Refused
from nhandao.lib.text import search_key
from nhandao.orgs import access
from nhandao.orgs.models import AdminMap, AdminUnit, Organisation


class ReliefError(Refused):
    """A request that a relief rule refuses (message in Vietnamese)."""


class OverlapWarning(ReliefError, NeedsConfirmation):
    """Confirming would give support that overlaps an earlier one; `matches` lists them.
    A manager lifts it by confirming again with a reason (`override_reason`)."""

    def __init__(self, message, matches):
        super().__init__(message, field="override_reason")
        self.matches = matches

    def facts(self) -> dict:
        return {
            "overlaps": [
                {
                    "organisation": s.organisation.name,
                    "date": s.date.isoformat(),
                    "kind": s.kind,
                    "value": s.value,
                }
                for s in self.matches
            ]
        }


# ---- areas (orgs/access.py defines an organisation's area) --------------------------------


def serves_q(org: Organisation) -> Q:
    """Registry records an organisation may serve: owned in its subtree or located in its
    area (the same records its registry shows it, fully or in the area)."""
    return access.subtree_q(org, via="organisation") | access.org_area_q(org)


# ---- earmarks -----------------------------------------------------------------------------


def split_earmark(key: str) -> tuple[str, str]:
    if not key:
        return "", ""
    kind, _, ref = key.partition(":")
    return kind, ref


def earmark_units(key: str) -> list[AdminUnit]:
    """The new-map units a locality earmark names ("unit:<name key>" as donations write it,
    or "unit:<map>:<code>")."""
    kind, ref = split_earmark(key)
    if kind != "unit" or not ref:
        return []
    parts = ref.split(":")
    if len(parts) == 2 and parts[0] in AdminMap.values:
        units = list(AdminUnit.objects.filter(map=parts[0], code=parts[1]))
    else:
        units = list(
            AdminUnit.objects.filter(map=AdminMap.NEW, name_key=ref).exclude(level="district")
        )
        if not units:
            units = list(
                AdminUnit.objects.filter(map=AdminMap.NEW, name_key__endswith=" " + ref).exclude(
                    level="district"
                )
            )
    out = []
    for unit in units:
        out += [unit] if unit.map == AdminMap.NEW else list(unit.new_units())
    return out


def _overlaps(units_a: list[AdminUnit], units_b: list[AdminUnit] | None) -> bool:
    """Do two areas overlap (one contains the other)?"""
    if units_b is None:
        return True
    for a in units_a:
        if access.unit_within(a, units_b) or any(access.unit_within(b, [a]) for b in units_b):
            return True
    return False


def earmark_label(key: str, label: str = "") -> str:
    return label or split_earmark(key)[1] or "không chỉ định"


def check_transfer_earmark(key: str, target: Organisation, label: str = "") -> None:
    """Earmarked money may only travel towards its earmark: a locality earmark to an
    organisation whose area contains the locality or lies in it."""
    kind, _ = split_earmark(key)
    if kind != "unit":
        return  # household/purpose earmarks stay on the account; spending is checked later
    units = earmark_units(key)
    if not units or not _overlaps(units, access.area_units(target)):
        raise ReliefError(
            f"Tiền chỉ định cho địa phương “{earmark_label(key, label)}” chỉ được chuyển tới "
            f"tổ chức ở đúng địa phương đó; “{target}” không thuộc địa phương này."
        )


def check_spend_earmark(
    key: str,
    *,
    org: Organisation,
    commune=None,
    purpose_text: str = "",
    recipient_key: str = "",
    label: str = "",
    household_id: int | None = None,
    person_id: int | None = None,
    incident_id: int | None = None,
) -> None:
    """Earmarked money spent: a locality earmark only inside that locality, a household or
    person earmark only to that recipient, a purpose earmark only for that purpose, an
    incident earmark only for that incident. A household or person chosen from the registry
    (structured, decision 0026) is matched by its record; a name typed before
    ("beneficiary") by its folded name."""
    kind, ref = split_earmark(key)
    name = earmark_label(key, label)
    if not kind:
        return
    if kind == "household":
        if household_id is None or str(household_id) != ref:
            raise ReliefError(f"Tiền chỉ định cho “{name}” chỉ được cấp cho đúng hộ gia đình đó.")
        return
    if kind == "person":
        if person_id is None or str(person_id) != ref:
            raise ReliefError(f"Tiền chỉ định cho “{name}” chỉ được cấp cho đúng người đó.")
        return
    if kind == "incident":
        if incident_id is None or str(incident_id) != ref:
            raise ReliefError(
                f"Tiền chỉ định cho sự cố “{name}” chỉ được chi cho việc ứng phó sự cố đó."
            )
        return
    if kind == "unit":
        units = earmark_units(key)
        place = [commune] if commune is not None else access.area_units(org)
        # a central body (everywhere) or an organisation without an area (nowhere) is not
        # inside a locality
        inside = bool(units) and bool(place) and all(access.unit_within(p, units) for p in place)
        if not inside:
            raise ReliefError(
                f"Tiền chỉ định cho địa phương “{name}” chỉ được chi tại địa phương đó."
            )
    elif kind == "beneficiary":
        if not recipient_key or recipient_key != ref:
            raise ReliefError(f"Tiền chỉ định cho “{name}” chỉ được cấp cho đúng hộ/người đó.")
    elif kind == "purpose":
        words = ref.split()
        text = search_key(purpose_text)
        if not words or not all(w in text.split() for w in words):
            raise ReliefError(f"Tiền chỉ định cho mục đích “{name}” chỉ được chi đúng mục đích đó.")


def check_unconditional_use(campaign, *, purpose=None, kind_label: str = "") -> None:
    """Unconditional money of a relief appeal (Decree 93/2021) only for the art. 11 uses."""
    if not campaign.under_decree_93:
        return
    if purpose is None or not purpose.active:
        what = f"hình thức “{kind_label}”" if kind_label else "nội dung này"
        raise ReliefError(
            "Tiền ủng hộ không chỉ định của đợt vận động cứu trợ chỉ được chi cho các nội dung "
            f"tại Điều 11 Nghị định 93/2021/NĐ-CP; {what} không thuộc danh mục."
        )


# ---- Decree 93 deadline -------------------------------------------------------------------


def check_distribution_deadline(campaign, day) -> None:
    """A relief appeal under Decree 93/2021 distributes by its deadline (art. 10: at most 20
    days after receiving ends): no round, and no receipt, dated after it."""
    if not campaign.under_decree_93:
        return
    closes = campaign.distribution_closes_on()
    if closes is not None and day > closes:
        raise ReliefError(
            f"Chiến dịch “{campaign}” phải kết thúc phân phối chậm nhất ngày {closes:%d/%m/%Y} "
            f"(Nghị định 93/2021/NĐ-CP); không thể cấp phát ngày {day:%d/%m/%Y}."
        )


def distribution_deadline_warning(campaign, today) -> str | None:
    """The warning a round page shows when a Decree 93 appeal's distribution deadline is
    within the campaign's warning window (or past)."""
    from nhandao.campaigns.models import WARN_DAYS

    if not campaign.under_decree_93:
        return None
    closes = campaign.distribution_closes_on()
    if closes is None:
        return None
    left = (closes - today).days
    if left < 0:
        return (
            f"Đã quá hạn kết thúc phân phối của chiến dịch ({closes:%d/%m/%Y}, Nghị định "
            "93/2021/NĐ-CP): không lập đợt hay xác nhận cấp phát sau ngày này."
        )
    if left <= WARN_DAYS:
        when = "hôm nay" if left == 0 else f"còn {left} ngày"
        return (
            f"Hạn kết thúc phân phối của chiến dịch là ngày {closes:%d/%m/%Y} ({when}, Nghị "
            "định 93/2021/NĐ-CP): hãy hoàn thành cấp phát và xác nhận trước hạn."
        )
    return None


# ---- overlap ------------------------------------------------------------------------------


def overlapping_supports(targets, *, kinds: tuple[str, ...], day, days: int) -> dict:
    """Support records of one of the registry `kinds` within `days` of `day`, for the same
    household (or any of its members) or the same person (or their household), for many
    targets in one query (a round's page shows a warning per line). `targets` = iterable of
    (key, household_id, person_id, person's household_id, exclude_pk); returns
    {key: [support records, newest first]} for the keys with any."""
    from nhandao.beneficiaries import support
    from nhandao.beneficiaries.models import SupportRecord

    targets = list(targets)
    people = {t[2] for t in targets if t[2]}
    households = {h for t in targets for h in (t[1], t[3]) if h}
    if not people and not households:
        return {}
    # the registry's one rule: members, merged records and their households count too
    reach = support.reach_many({t[0]: ([t[2]], [t[1] or t[3]]) for t in targets})
    people = set().union(*(p for p, _ in reach.values()))
    households = set().union(*(h for _, h in reach.values()))
    window = timedelta(days=days)
    records = list(
        SupportRecord.objects.counted()
        .filter(
            Q(person_id__in=people)
            | Q(household_id__in=households)
            | Q(person__household_id__in=households),
            kind__in=kinds,
            date__gte=day - window,
            date__lte=day + window,
        )
        .select_related("organisation", "person")
        .order_by("-date")
    )

    def touches(record, persons, households) -> bool:
        if record.person_id and record.person_id in persons:
            return True
        record_households = (record.household_id, record.person and record.person.household_id)
        return any(h and h in households for h in record_households)

    found = {}
    for key, _household, _person, _person_household, exclude_pk in targets:
        persons, homes = reach[key]
        matches = [r for r in records if r.pk != exclude_pk and touches(r, persons, homes)]
        if matches:
            found[key] = matches
    return found
