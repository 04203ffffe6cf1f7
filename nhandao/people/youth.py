"""Youth Red Cross groups (issue #20 item 5): groups in schools and universities, each
belonging to an organisation; youth members (16–30 on joining, people/membership.py) linked
to a group; counts rolled up over an organisation's subtree to the commune and the
province; the groups' activities (a day, a kind, a title, the members who took part, hours
if any) and their counts over a period, rolled up the same way. Atomic, audited; callers
checked access."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from nhandao.audit.actions import record, snapshot
from nhandao.lib.errors import Refused
from nhandao.lib.text import nfc
from nhandao.orgs import access
from nhandao.orgs.models import Organisation
from nhandao.people.models import (
    Individual,
    Membership,
    MembershipKind,
    YouthActivity,
    YouthActivityKind,
    YouthActivityParticipant,
    YouthGroup,
    YouthGroupKind,
)

FIELDS = ["organisation", "name", "school", "kind", "founded_on"]
ACTIVITY_FIELDS = ["group", "held_on", "kind", "title", "hours"]


@transaction.atomic
def create_group(actor, organisation: Organisation, *, name: str, school: str, kind: str,
                 founded_on: date) -> YouthGroup:  # fmt: skip
    access.require(actor, "edit", organisation, "Bạn không có quyền lập nhóm ở tổ chức này.")
    name, school = " ".join(nfc(name or "").split()), " ".join(nfc(school or "").split())
    if not name:
        raise Refused("Cần nhập tên nhóm.", field="name")
    if not school:
        raise Refused("Cần nhập tên trường.", field="school")
    if kind not in YouthGroupKind.values:
        raise Refused("Hãy chọn loại trường.", field="kind")
    if founded_on > timezone.localdate():
        raise Refused("Ngày thành lập không được sau hôm nay.", field="founded_on")
    if not organisation.is_active:
        raise Refused(f"“{organisation}” đã ngừng hoạt động; hãy chọn tổ chức kế thừa.",
                      field="organisation")  # fmt: skip
    if YouthGroup.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise Refused(f"“{organisation}” đã có nhóm “{name}”.", field="name")
    group = YouthGroup.objects.create(
        organisation=organisation, name=name, school=school, kind=kind, founded_on=founded_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    record(actor, "people.youth_group_create", group, organisation=organisation,
           after=snapshot(group, FIELDS))  # fmt: skip
    return group


def _youth_on(day: date):
    return Membership.objects.filter(kind=MembershipKind.YOUTH).on(day)


def group_members(group: YouthGroup, day: date):
    return _youth_on(day).filter(youth_group=group).select_related("individual")


def rollup(org: Organisation, day: date) -> dict:
    """Youth groups and youth members on `day`, over `org`'s subtree: the total and one row
    per active organisation directly under it (a province → its communes), each its own
    subtree. Two grouped queries, whatever the tree's size."""
    children = list(org.children.active().order_by("name_key"))
    depth = len(org.path)
    groups = (
        YouthGroup.objects.filter(organisation__path__startswith=org.path, founded_on__lte=day)
        .values_list("organisation__path")
        .annotate(n=Count("pk"))
    )
    members = (
        _youth_on(day)
        .filter(organisation__path__startswith=org.path)
        .values_list("organisation__path")
        .annotate(n=Count("pk"))
    )
    by_child = {c.path: {"organisation": c, "groups": 0, "members": 0} for c in children}

    def add(path, key, n):
        for child_path, row in by_child.items():
            if path.startswith(child_path):
                row[key] += n
                return

    total = {"groups": 0, "members": 0}
    for key, rows in (("groups", groups), ("members", members)):
        for path, n in rows:
            total[key] += n
            if len(path) > depth:
                add(path, key, n)
    own = {
        "groups": total["groups"] - sum(r["groups"] for r in by_child.values()),
        "members": total["members"] - sum(r["members"] for r in by_child.values()),
    }
    return {"organisation": org, "day": day, "total": total, "own": own,
            "rows": [r for r in by_child.values() if r["groups"] or r["members"]]}  # fmt: skip


def groups_for(user):
    """The groups in the user's reach with their youth members today."""
    today = timezone.localdate()
    running = Q(memberships__started_on__lte=today) & (
        Q(memberships__ended_on__isnull=True) | Q(memberships__ended_on__gte=today)
    )
    return (
        YouthGroup.objects.for_user(user)
        .select_related("organisation")
        .annotate(members=Count("memberships", filter=running))
        .order_by("organisation__name_key", "name_key")
    )


def groups_in(org: Organisation, day: date):
    """The groups of `org`'s subtree founded by `day`, each with its youth members on `day`."""
    running = Q(memberships__kind=MembershipKind.YOUTH, memberships__started_on__lte=day) & (
        Q(memberships__ended_on__isnull=True) | Q(memberships__ended_on__gte=day)
    )
    return (
        YouthGroup.objects.filter(organisation__path__startswith=org.path, founded_on__lte=day)
        .annotate(members=Count("memberships", filter=running))
        .order_by("organisation__path", "name_key")
    )


# ---- activities ----------------------------------------------------------------------------


def _clean_hours(hours) -> Decimal | None:
    if hours in (None, ""):
        return None
    try:
        value = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise Refused("Số giờ phải là một số, ví dụ 2 hoặc 1,5.", field="hours") from None
    if not Decimal(0) < value <= Decimal(24):
        raise Refused("Số giờ phải lớn hơn 0 và không quá 24.", field="hours")
    return value


@transaction.atomic
def record_activity(actor, group: YouthGroup, *, held_on: date, kind: str, title: str,
                    participants, hours=None) -> YouthActivity:  # fmt: skip
    """The activity and its participants, all or nothing. Each participant must be a youth
    member of the group on the day (their running membership is what is kept)."""
    access.require(actor, "edit", group.organisation,
                   "Bạn không có quyền ghi hoạt động của nhóm này.")  # fmt: skip
    title = " ".join(nfc(title or "").split())
    if not title:
        raise Refused("Cần nhập tên hoạt động.", field="title")
    if kind not in YouthActivityKind.values:
        raise Refused("Hãy chọn loại hoạt động.", field="kind")
    if held_on > timezone.localdate():
        raise Refused("Ngày hoạt động không được sau hôm nay.", field="held_on")
    if held_on < group.founded_on:
        raise Refused(f"Nhóm thành lập ngày {group.founded_on:%d/%m/%Y}: hoạt động không thể "
                      "trước ngày đó.", field="held_on")  # fmt: skip
    hours = _clean_hours(hours)
    people = {p.pk: p for p in participants}
    if not people:
        raise Refused("Hãy chọn ít nhất một hội viên của nhóm đã tham gia.", field="participants")
    running = {m.individual_id: m for m in group_members(group, held_on).filter(
        individual_id__in=list(people))}  # fmt: skip
    strangers = [people[pk].full_name for pk in sorted(people) if pk not in running]
    if strangers:
        raise Refused(f"Ngày {held_on:%d/%m/%Y}, {', '.join(strangers[:10])}"
                      f"{' và những người khác' if len(strangers) > 10 else ''} không là hội viên "
                      "của nhóm.", field="participants")  # fmt: skip
    activity = YouthActivity.objects.create(
        group=group, organisation=group.organisation, held_on=held_on, kind=kind, title=title,
        hours=hours, created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    YouthActivityParticipant.objects.bulk_create(
        YouthActivityParticipant(activity=activity, membership=m)
        for m in sorted(running.values(), key=lambda m: m.pk)
    )
    after = snapshot(activity, ACTIVITY_FIELDS) | {"participant_count": len(running)}
    record(actor, "people.youth_activity_create", activity, organisation=group.organisation,
           after=after)  # fmt: skip
    return activity


def activity_people(activity: YouthActivity):
    """The people who took part, by name."""
    return Individual.objects.filter(
        pk__in=activity.participants.values("membership__individual_id")
    ).order_by("name_key", "pk")


def group_candidates(group: YouthGroup):
    """Everyone who has been a youth member of the group (the form's choices; the action
    checks the day)."""
    return Individual.objects.filter(
        pk__in=Membership.objects.filter(youth_group=group).values("individual_id")
    ).order_by("name_key", "pk")


def activities_of(group: YouthGroup):
    return group.activities.annotate(people=Count("participants")).order_by("-held_on", "-pk")


def activity_rollup(org: Organisation, start: date, end: date) -> dict:
    """Activities and the people who took part in them from `start` to `end`, over `org`'s
    subtree: the total and one row per active organisation directly under it. A person is
    counted once per row however many activities they joined. One grouped query for the
    activities, one for the distinct (organisation, person) pairs of the period."""
    children = list(org.children.active().order_by("name_key"))
    depth = len(org.path)
    period = YouthActivity.objects.filter(organisation__path__startswith=org.path,
                                          held_on__range=(start, end))  # fmt: skip
    counts = period.values_list("organisation__path").annotate(n=Count("pk")).order_by()
    pairs = (
        YouthActivityParticipant.objects.filter(activity__in=period)
        .values_list("activity__organisation__path", "membership__individual_id")
        .distinct()
        .order_by()
    )
    by_child = {c.path: {"organisation": c, "activities": 0, "people": set()} for c in children}
    own = {"activities": 0, "people": set()}

    def row_of(path):
        if len(path) > depth:
            for child_path, row in by_child.items():
                if path.startswith(child_path):
                    return row
        return own

    total_activities, everyone = 0, set()
    for path, n in counts:
        total_activities += n
        row_of(path)["activities"] += n
    for path, individual_id in pairs:
        everyone.add(individual_id)
        row_of(path)["people"].add(individual_id)

    def counted(row):
        people = row.pop("people")
        return {**row, "participants": len(people)}

    return {
        "organisation": org, "start": start, "end": end,
        "total": {"activities": total_activities, "participants": len(everyone)},
        "own": counted(own),
        "rows": [counted(r) for r in by_child.values() if r["activities"] or r["people"]],
    }  # fmt: skip
