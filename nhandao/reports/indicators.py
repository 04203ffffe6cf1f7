"""How each kind of indicator gets its value.

Computed indicators read nhandao's own records for ONE organisation and ONE period (its
children's figures arrive through their approved reports: the roll-up, in building.py).
Each provider answers {breakdown: value}, "" being the whole. Formulas are expressions over
other indicators' codes with + − × ÷ and numbers, read with Python's `ast` — never `eval`.
An app that adds figures (blood, members) adds a provider here."""

import ast
import operator
from datetime import date

from django.db.models import Count, Q, Sum

from nhandao.donations.models import Channel, Donation
from nhandao.lib.errors import Refused
from nhandao.people.models import (
    Attendance,
    EndReason,
    Membership,
    MembershipKind,
    ShiftSignup,
    StartVia,
    Volunteer,
    YouthActivity,
    YouthActivityParticipant,
)
from nhandao.people.training import people_trained as trained
from nhandao.people.volunteers import hours as shift_hours
from nhandao.relief.models import Allocation, AllocationStatus, Direction, DistributionLine
from nhandao.relief.models.distributions import LineStatus

Figures = dict[str, int]


def _donations(org, start: date, end: date):
    return Donation.objects.filter(
        organisation=org, received_on__range=(start, end), reversed_at__isnull=True
    )


def received_money(org, start, end) -> Figures:
    """Money received (transfer, cash, other), by channel."""
    rows = (
        _donations(org, start, end)
        .exclude(channel=Channel.IN_KIND)
        .values("channel")
        .annotate(total=Sum("amount"))
    )
    figures = {row["channel"]: row["total"] for row in rows}
    figures[""] = sum(figures.values())
    return figures


def received_goods_value(org, start, end) -> Figures:
    """Goods received, at the value recorded on receipt."""
    total = (
        _donations(org, start, end)
        .filter(channel=Channel.IN_KIND)
        .aggregate(total=Sum("amount"))["total"]
    )
    return {"": total or 0}


def allocated(org, start, end) -> Figures:
    """Allocated down to other organisations (executed decisions dated in the period)."""
    total = Allocation.objects.filter(
        organisation=org,
        direction=Direction.DOWN,
        status=AllocationStatus.EXECUTED,
        decision_date__range=(start, end),
    ).aggregate(total=Sum("amount"))["total"]
    return {"": total or 0}


def allocated_in(org, start, end) -> Figures:
    """Allocated to this organisation by the level above (executed decisions in the period)."""
    total = Allocation.objects.filter(
        target_organisation=org,
        direction=Direction.DOWN,
        status=AllocationStatus.EXECUTED,
        decision_date__range=(start, end),
    ).aggregate(total=Sum("amount"))["total"]
    return {"": total or 0}


def _received_lines(org, start, end):
    return DistributionLine.objects.filter(
        organisation=org, status=LineStatus.RECEIVED, received_on__range=(start, end)
    )


def distributed(org, start, end) -> Figures:
    """Cash and goods handed to people (lines marked received), at their value."""
    total = _received_lines(org, start, end).aggregate(total=Sum("value"))["total"]
    return {"": total or 0}


def people_reached(org, start, end) -> Figures:
    """Distinct people helped: those named on a line, and the members of households helped."""
    lines = _received_lines(org, start, end)
    from nhandao.beneficiaries.models import Person

    helped = Person.objects.filter(
        Q(pk__in=lines.filter(person__isnull=False).values("person"))
        | Q(household__in=lines.filter(household__isnull=False).values("household"))
    )
    return {"": helped.count()}


def households_reached(org, start, end) -> Figures:
    """Distinct households helped, directly or through one of their members."""
    lines = _received_lines(org, start, end)
    direct = lines.filter(household__isnull=False).values_list("household", flat=True)
    through = lines.filter(person__household__isnull=False).values_list(
        "person__household", flat=True
    )
    return {"": len(set(direct) | set(through))}


def donors(org, start, end) -> Figures:
    """Distinct named donors who gave in the period (anonymous gifts not counted)."""
    count = _donations(org, start, end).aggregate(n=Count("donor", distinct=True))["n"]
    return {"": count or 0}


def _blood(org, start, end):
    """Confirmed donations recorded by the organisation in the period (a drive's once its
    result sheet is confirmed; an imported history is the centre's own)."""
    from nhandao.blood.models import Donation

    return Donation.objects.filter(organisation=org, donated_on__range=(start, end)).filter(
        Q(confirmed_at__isnull=False) | Q(drive__isnull=True)
    )


def blood_units(org, start, end) -> Figures:
    """Units of blood given, by type (whole blood, red cells, platelets, plasma)."""
    rows = _blood(org, start, end).values("kind").annotate(n=Count("pk"))
    figures = {row["kind"]: row["n"] for row in rows}
    figures[""] = sum(figures.values())
    return figures


def blood_volume(org, start, end) -> Figures:
    """Millilitres of blood given."""
    return {"": _blood(org, start, end).aggregate(total=Sum("volume_ml"))["total"] or 0}


def blood_value(org, start, end) -> Figures:
    """Units valued by the configurable value per unit (blood.UnitValue, dated), in đồng."""
    from nhandao.blood.models import UnitValue
    from nhandao.blood.rules import unit_value

    values = list(UnitValue.objects.all())
    rows = _blood(org, start, end).values("volume_ml", "donated_on").annotate(n=Count("pk"))
    total = sum(unit_value(r["volume_ml"], r["donated_on"], values) * r["n"] for r in rows)
    return {"": total}


# --- members and volunteers (people, issue #20): the organisation's own rows ---


def _memberships(org):
    return Membership.objects.filter(organisation=org)


def members_end(org, start, end) -> Figures:
    """Members on the period's last day, by kind."""
    rows = _memberships(org).on(end).values("kind").annotate(n=Count("pk"))
    figures = {row["kind"]: row["n"] for row in rows}
    figures[""] = sum(figures.values())
    return figures


def members_new(org, start, end) -> Figures:
    """Members admitted in the period (joined; transfers in and the merger are not new)."""
    new = _memberships(org).filter(started_via=StartVia.JOIN, started_on__range=(start, end))
    return {"": new.count()}


def members_left(org, start, end) -> Figures:
    """Members who left in the period, by reason (transfers out and the merger excluded)."""
    rows = (
        _memberships(org)
        .filter(ended_on__range=(start, end))
        .exclude(end_reason__in=[EndReason.TRANSFER, EndReason.MERGER])
        .values("end_reason")
        .annotate(n=Count("pk"))
    )
    figures = {row["end_reason"]: row["n"] for row in rows}
    figures[""] = sum(figures.values())
    return figures


def youth_members(org, start, end) -> Figures:
    return {"": _memberships(org).on(end).filter(kind=MembershipKind.YOUTH).count()}


def volunteers(org, start, end) -> Figures:
    return {"": Volunteer.objects.filter(organisation=org, since__lte=end).count()}


def _attended(org, start, end):
    return ShiftSignup.objects.filter(
        shift__organisation=org, status=Attendance.ATTENDED,
        shift__starts_at__date__range=(start, end),
    )  # fmt: skip


def active_volunteers(org, start, end) -> Figures:
    """Volunteers present at one shift at least in the period."""
    return {"": _attended(org, start, end).values("volunteer").distinct().count()}


def volunteer_hours(org, start, end) -> Figures:
    """Hours of attended shifts (computed from the shifts, never typed), rounded."""
    return {"": round(shift_hours(_attended(org, start, end)))}


def people_trained(org, start, end) -> Figures:
    """People who passed a course of the organisation ending in the period (counted once)."""
    return {"": trained(Q(course__organisation=org), start, end)}


def _youth_activities(org, start, end):
    return YouthActivity.objects.filter(organisation=org, held_on__range=(start, end))


def youth_activities(org, start, end) -> Figures:
    """Activities of the organisation's youth groups held in the period."""
    return {"": _youth_activities(org, start, end).count()}


def youth_participants(org, start, end) -> Figures:
    """Youth members who took part in one of those activities at least (counted once)."""
    taking_part = YouthActivityParticipant.objects.filter(
        activity__in=_youth_activities(org, start, end)
    )
    return {"": taking_part.values("membership__individual_id").distinct().count()}


PROVIDERS = {
    "received_money": received_money,
    "received_goods_value": received_goods_value,
    "allocated": allocated,
    "allocated_in": allocated_in,
    "distributed": distributed,
    "people_reached": people_reached,
    "households_reached": households_reached,
    "donors": donors,
    "members_end": members_end,
    "members_new": members_new,
    "members_left": members_left,
    "youth_members": youth_members,
    "volunteers": volunteers,
    "active_volunteers": active_volunteers,
    "volunteer_hours": volunteer_hours,
    "people_trained": people_trained,
    "youth_activities": youth_activities,
    "youth_participants": youth_participants,
    "blood_units": blood_units,
    "blood_volume": blood_volume,
    "blood_value": blood_value,
}

# --- formulas ---

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: None}


def names_in(expression: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(expression, mode="eval")) if isinstance(n, ast.Name)}


def evaluate(expression: str, values: dict[str, int | float | None]) -> int | float | None:
    """The expression's value over `values`; None when a value it needs is missing or it
    divides by zero (shown as "—", never an error)."""

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.Name):
            return values.get(node.id)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            left, right = walk(node.left), walk(node.right)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Div):
                return None if right == 0 else left / right
            return _OPS[type(node.op)](left, right)
        raise Refused(f"Công thức “{expression}” có phần không hiểu được.", field="expression")

    return walk(ast.parse(expression, mode="eval"))
