"""Who was left behind: eligible households of an area (poor and near-poor in the registry)
who received nothing in a campaign (or its parts at lower levels), counted per commune.

One grouped query over the poverty rows of the area; "reached" is membership in two id sets
(households on a received line, households of persons on a received line) that the
database hashes once — no per-household probing, no grouping of the lines themselves.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Case, Q, Value, When

from nhandao.beneficiaries.models import Household, HouseholdPoverty, Person, PovertyStatus
from nhandao.orgs.models import AdminUnit
from nhandao.relief.models import DistributionLine, LineStatus

ELIGIBLE = (PovertyStatus.POOR, PovertyStatus.NEAR_POOR)


@dataclass
class CommuneCoverage:
    commune_id: int
    commune_name: str
    eligible: int
    reached: int
    poor: int
    poor_reached: int

    @property
    def left_behind(self) -> int:
        return self.eligible - self.reached

    @property
    def poor_left_behind(self) -> int:
        """Tết Nhân ái: "không có hộ nghèo nào không có quà Tết" — this should be 0."""
        return self.poor - self.poor_reached


def campaign_ids(campaign) -> list[int]:
    return campaign.subtree_ids()


def default_year(campaign) -> int:
    """The poverty certification year to use: the campaign's year when the registry has it,
    else the latest year before it, else the earliest after it."""
    years = sorted(HouseholdPoverty.objects.values_list("year", flat=True).distinct())
    launch = campaign.launch_date.year
    if not years or launch in years:
        return launch
    before = [y for y in years if y < launch]
    return before[-1] if before else years[0]


def _commune_ids(area: AdminUnit) -> list[int]:
    if area.level == "commune":
        return [area.pk]
    units = AdminUnit.objects.filter(map=area.map, level="commune", province=area)
    return list(units.values_list("pk", flat=True))


def _reached_ids(ids):
    received = DistributionLine.objects.filter(campaign_id__in=ids, status=LineStatus.RECEIVED)
    direct = received.filter(household__isnull=False).values("household_id")
    members = Person.objects.filter(
        pk__in=received.filter(person__isnull=False).values("person_id"), household__isnull=False
    ).values("household_id")
    return direct, members


def _eligible(campaign, area, year, statuses=ELIGIBLE):
    """Poverty rows of the area's eligible households, annotated `reached`."""
    year = year or default_year(campaign)
    direct, members = _reached_ids(campaign_ids(campaign))
    reached = Case(
        When(Q(household_id__in=direct) | Q(household_id__in=members), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return HouseholdPoverty.objects.filter(
        year=year, status__in=list(statuses), household__commune_id__in=_commune_ids(area)
    ).annotate(reached=reached)


def households(campaign, area: AdminUnit, *, year: int | None = None, statuses=ELIGIBLE):
    """The eligible households of the area."""
    eligible = _eligible(campaign, area, year, statuses)
    return Household.objects.filter(pk__in=eligible.values("household_id"))


def _grouped_counts(campaign, area: AdminUnit, year: int | None):
    """(commune id, status, reached 0/1, households) rows. Raw SQL so that the scan starts
    from the poverty rows of the year (CROSS JOIN keeps that order on SQLite, where starting
    from the households of the area measured 3× slower); PostgreSQL plans it freely."""
    year = year or default_year(campaign)
    direct, members = _reached_ids(campaign_ids(campaign))
    d_sql, d_params = direct.query.sql_with_params()
    m_sql, m_params = members.query.sql_with_params()
    communes = _commune_ids(area) or [0]
    marks = ", ".join(["%s"] * len(communes))
    poverty, household = HouseholdPoverty._meta.db_table, Household._meta.db_table
    sql = f"""
        SELECT h.commune_id, p.status,
               CASE WHEN p.household_id IN ({d_sql}) OR p.household_id IN ({m_sql})
                    THEN 1 ELSE 0 END,
               COUNT(*)
        FROM {poverty} p CROSS JOIN {household} h
        WHERE h.id = p.household_id AND p.year = %s AND p.status IN (%s, %s)
              AND h.commune_id IN ({marks})
        GROUP BY 1, 2, 3"""  # noqa: S608 — table names from _meta, values as parameters
    params = [*d_params, *m_params, year, *ELIGIBLE, *communes]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def by_commune(campaign, area: AdminUnit, *, year: int | None = None) -> list[CommuneCoverage]:
    counts: dict[int, list[int]] = {}
    for commune_id, status, reached, n in _grouped_counts(campaign, area, year):
        c = counts.setdefault(commune_id, [0, 0, 0, 0])
        poor = status == PovertyStatus.POOR
        c[0] += n
        c[1] += n if reached else 0
        c[2] += n if poor else 0
        c[3] += n if poor and reached else 0
    names = dict(AdminUnit.objects.filter(pk__in=list(counts)).values_list("pk", "name"))
    out = [CommuneCoverage(pk, names.get(pk, "—"), *c) for pk, c in counts.items()]
    out.sort(key=lambda c: (-c.left_behind, c.commune_name))
    return out


def left_behind(campaign, area: AdminUnit, *, year: int | None = None):
    """The households themselves (callers restrict them to what the user may see)."""
    year = year or default_year(campaign)
    direct, members = _reached_ids(campaign_ids(campaign))
    eligible = HouseholdPoverty.objects.filter(year=year, status__in=list(ELIGIBLE))
    return (
        Household.objects.filter(
            commune_id__in=_commune_ids(area), pk__in=eligible.values("household_id")
        )
        .exclude(pk__in=direct)
        .exclude(pk__in=members)
        .select_related("head", "commune")
        .order_by("commune__name", "pk")
    )
