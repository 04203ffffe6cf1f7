"""Youth Red Cross groups (issue #20 item 5): groups in schools and universities, each
belonging to an organisation; youth members (16–30 on joining, people/membership.py) linked
to a group; counts rolled up over an organisation's subtree to the commune and the
province. Atomic, audited; callers checked access."""

from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from nhandao.audit.actions import record, snapshot
from nhandao.lib.errors import Refused
from nhandao.lib.text import nfc
from nhandao.orgs import access
from nhandao.orgs.models import Organisation
from nhandao.people.models import Membership, MembershipKind, YouthGroup, YouthGroupKind

FIELDS = ["organisation", "name", "school", "kind", "founded_on"]


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
