"""The one place that decides who may see and do what.

A user holds roles at organisations (orgs.Role). A role reaches the organisation and its
whole subtree (merged and dissolved predecessors sit under their successor, so they are
reached too). Each permission below is granted by some roles; every page, endpoint,
importer and task gets its records through `scope()` / `get_org()` / `require()`, directly
or through its app's `lookups.py`, whose getters are built from these primitives only.

This module holds the single definitions: reach (an organisation's subtree), above (its
parents), area (where it works, on the map) and the getters that answer 404 outside reach
and 403 without the permission.

Anonymous users reach nothing here; public data (the map, the portal) does not come
through this module.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from nhandao.lib.dates import format_date
from nhandao.orgs.models import (
    SUBJECT_RECORDS,
    AdminLevel,
    AdminMap,
    AdminUnit,
    Organisation,
    OrgLevel,
    Role,
    RoleKind,
    SupervisedRead,
    SupervisionGrant,
)

VIEWER, OFFICER, ACCOUNTANT, MANAGER, ORG_ADMIN = (
    RoleKind.VIEWER,
    RoleKind.OFFICER,
    RoleKind.ACCOUNTANT,
    RoleKind.MANAGER,
    RoleKind.ORG_ADMIN,
)

# permission → roles that grant it (over the subtree of the organisation holding the role)
PERMISSIONS: dict[str, frozenset[str]] = {
    # see the records of the subtree
    "view": frozenset({VIEWER, OFFICER, ACCOUNTANT, MANAGER, ORG_ADMIN}),
    # enter and change ordinary records
    "edit": frozenset({OFFICER, MANAGER, ORG_ADMIN}),
    # donations, statements, ledgers
    "money": frozenset({ACCOUNTANT, MANAGER}),
    # approve what someone else proposed
    "approve": frozenset({MANAGER}),
    # read personal data (IDs, health, poverty); every read is logged
    "sensitive": frozenset({OFFICER, MANAGER}),
    # create, rename, move, merge, dissolve organisations
    "manage_orgs": frozenset({ORG_ADMIN}),
    # create users, grant and revoke roles
    "manage_users": frozenset({ORG_ADMIN}),
    # browse the audit events of the subtree
    "audit": frozenset({ORG_ADMIN}),
}


def _role_paths(user) -> list[tuple[str, str]]:
    """(organisation path, role) pairs of the user, read once per user object."""
    cached = getattr(user, "_nhandao_roles", None)
    if cached is None:
        cached = list(Role.objects.filter(user=user).values_list("organisation__path", "role"))
        user._nhandao_roles = cached
    return cached


def scope_key(user) -> str:
    """A short key naming what the user may reach (superuser, or each role and where): two users
    with the same key see the same records, so a cache may share a count between them."""
    import hashlib

    if is_everywhere(user):
        return "everywhere"
    roles = ";".join(f"{path}:{role}" for path, role in sorted(_role_paths(user)))
    return hashlib.sha256(roles.encode()).hexdigest()[:24]


def forget(user) -> None:
    """Drop the cached roles (after granting or revoking within one request)."""
    if hasattr(user, "_nhandao_roles"):
        del user._nhandao_roles


def is_everywhere(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def reach_paths(user, perm: str = "view") -> list[str]:
    """The minimal list of subtree roots where `user` has `perm`."""
    if not (user and user.is_authenticated and user.is_active):
        return []
    granting = PERMISSIONS[perm]
    paths = sorted({path for path, role in _role_paths(user) if role in granting})
    roots: list[str] = []
    for path in paths:  # sorted, so an ancestor comes before its descendants
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    return roots


def reach_q(user, perm: str = "view", via: str = "") -> Q:
    """A filter on `<via>path` selecting the organisations where `user` has `perm`."""
    if is_everywhere(user):
        return Q()
    field = f"{via}__path__startswith" if via else "path__startswith"
    roots = reach_paths(user, perm)
    if not roots:
        return Q(pk__in=[])
    q = Q()
    for root in roots:
        q |= Q(**{field: root})
    return q


def subtree_q(org: Organisation, via: str = "") -> Q:
    """A filter on `<via>path` selecting `org` and its whole subtree (one organisation's
    reach, whoever the user)."""
    return Q(**{f"{via}__path__startswith" if via else "path__startswith": org.path})


def ancestor_paths(path: str) -> list[str]:
    """The paths above `path`, root first: "/1/7/42/" → ["/1/", "/1/7/"]."""
    parts = path.strip("/").split("/")[:-1]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def above_q(user, perm: str = "view", via: str = "") -> Q:
    """A filter on `<via>path` selecting the organisations ABOVE those where `user` has
    `perm` (their parents up to the root): what a commune chapter takes part in, such as a
    national campaign, without reaching that organisation's records."""
    if is_everywhere(user):
        return Q()
    above = set()
    for path in reach_paths(user, perm):
        above.update(ancestor_paths(path))
    field = f"{via}__path__in" if via else "path__in"
    return Q(**{field: sorted(above)}) if above else Q(pk__in=[])


def scope_orgs(queryset: QuerySet, user, perm: str = "view") -> QuerySet:
    return queryset.filter(reach_q(user, perm))


def scope(queryset: QuerySet, user, perm: str = "view", via: str = "organisation") -> QuerySet:
    """Records of `queryset` whose owning organisation (field `via`) is in reach."""
    return queryset.filter(reach_q(user, perm, via=via))


def can(user, perm: str, org: Organisation | None) -> bool:
    if org is None:
        return False
    if is_everywhere(user):
        return True
    return any(org.path.startswith(root) for root in reach_paths(user, perm))


def holders(perm: str, org: Organisation):
    """The active users who hold `perm` at `org` itself or, if nobody there does, at its
    nearest ancestor where somebody does: whom to tell that something waits for `perm`."""
    from django.contrib.auth import get_user_model

    granting = PERMISSIONS[perm]
    for path in [org.path, *reversed(ancestor_paths(org.path))]:
        found = (
            get_user_model()
            .objects.filter(
                is_active=True, roles__organisation__path=path, roles__role__in=granting
            )
            .distinct()
        )
        if found.exists():
            return found
    return get_user_model().objects.none()


def can_anywhere(user, perm: str) -> bool:
    return is_everywhere(user) or bool(reach_paths(user, perm))


def require_anywhere(user, perm: str) -> None:
    """For pages that start something (create, upload, run) before an organisation is
    chosen: 403 unless the user holds `perm` in at least one organisation."""
    if not can_anywhere(user, perm):
        raise PermissionDenied("Bạn không có quyền dùng chức năng này ở tổ chức nào.")


def require(user, perm: str, org: Organisation | None, message: str = "") -> None:
    """403 unless `user` has `perm` at `org`; `message` says what was refused, if the
    general sentence would not."""
    if not can(user, perm, org):
        raise PermissionDenied(message or "Bạn không có quyền thực hiện việc này ở tổ chức này.")


def get_org(user, pk, perm: str = "view") -> Organisation:
    """The organisation `pk` if `user` reaches it, else 404 (not 403: no leak of existence)."""
    try:
        org = Organisation.objects.select_related("parent", "admin_unit", "successor").get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy tổ chức.") from None
    if not can(user, "view", org):
        raise Http404("Không tìm thấy tổ chức.")
    require(user, perm, org)
    return org


def get_for_user(
    queryset: QuerySet, user, pk, perm: str = "view", via: str = "organisation", supervised=None
):
    """One record of `queryset` by primary key: 404 outside the user's reach (its existence is
    not revealed), 403 inside it without `perm` at the owning organisation (field `via`).
    `supervised`: (kind, date field) of a money record a supervision grant may open for
    reading (see `supervised_record`)."""
    if supervised is not None and perm == "view":
        try:
            return get_within(scope(queryset, user, "view", via), pk)
        except Http404:
            record = supervised_record(queryset, user, pk, via, *supervised)
            if record is None:
                raise
            return record
    record = get_within(scope(queryset, user, "view", via), pk)
    if perm != "view":
        owner = record
        for name in via.split("__"):
            owner = getattr(owner, name)
        require(user, perm, owner)
    return record


def supervised_record(queryset: QuerySet, user, pk, via: str, kind: str, date_field: str):
    """Supervision (issue #21): a money record outside the user's reach that a grant held by
    one of the user's organisations opens, read only, on a day within the grant's window;
    each read is logged (SupervisedRead). None when no live grant covers the record's
    organisation (the caller answers 404, as for anyone outside reach); 403 with the reason
    when one does but the record lies outside its period or its subject."""
    today = timezone.localdate()
    grants = SupervisionGrant.objects.filter(
        reach_q(user, "view", via="supervisor"), valid_from__lte=today, valid_until__gte=today
    ).select_related("supervised")
    refusal = ""
    for grant in grants:
        try:
            record = queryset.filter(subtree_q(grant.supervised, via)).get(pk=pk)
        except (queryset.model.DoesNotExist, ValueError, TypeError):
            continue
        if kind not in SUBJECT_RECORDS.get(grant.subject, ()):
            refusal = (
                f"Quyền xem của đoàn giám sát ({grant.get_subject_display()}) không gồm "
                "loại sổ sách này."
            )
            continue
        day = getattr(record, date_field)
        if day is None or not grant.period_start <= day <= grant.period_end:
            when = f"ngày {format_date(day)}" if day else "chưa rõ ngày"
            refusal = (
                f"Đoàn giám sát chỉ được xem sổ sách từ {format_date(grant.period_start)} "
                f"đến {format_date(grant.period_end)}; khoản này {when}."
            )
            continue
        SupervisedRead.objects.create(
            grant=grant, user=user, record_type=kind, record_id=str(record.pk)
        )
        return record
    if refusal:
        raise PermissionDenied(refusal)
    return None


def get_within(scoped: QuerySet, pk, missing: str = "Không tìm thấy bản ghi."):
    """One record of a queryset already limited to what the user may see (a `for_user()`
    scope, or a scope of an app's lookups.py), else 404: a record out of reach and a record
    that does not exist answer alike."""
    try:
        return scoped.get(pk=pk)
    except (scoped.model.DoesNotExist, ValueError, TypeError):
        raise Http404(missing) from None


def home_organisation(user) -> Organisation | None:
    """The highest organisation where the user holds a role (the home page shows it)."""
    roots = reach_paths(user, "view")
    if roots:
        return Organisation.objects.filter(path=roots[0]).first()
    if is_everywhere(user):
        return Organisation.objects.filter(parent=None).order_by("pk").first()
    return None


def grantable_roles(user, org: Organisation) -> list[str]:
    """Roles `user` may grant at `org`: any role, inside the subtree they administer."""
    return [r.value for r in RoleKind] if can(user, "manage_users", org) else []


# ---- areas: where organisations work on the map -----------------------------------------


def area_units(org: Organisation) -> list[AdminUnit] | None:
    """An organisation's area, as new-map units: its administrative unit (an old-map unit
    counts as the units it became); for an organisation without a unit (a branch), its
    nearest ancestor's. None means everywhere (a central body); [] nowhere (neither it nor
    any ancestor has a unit, and none is central)."""
    node, chain = org, None
    while node is not None:
        if node.admin_unit_id is not None:
            unit = node.admin_unit
            return [unit] if unit.map == AdminMap.NEW else list(unit.new_units())
        if node.level == OrgLevel.CENTRAL:
            return None
        if chain is None:  # the ancestors in one query, not one per level
            chain = Organisation.objects.filter(path__in=ancestor_paths(org.path))
            chain = {o.pk: o for o in chain.select_related("admin_unit")}
        node = chain.get(node.parent_id)
    return []


def units_q(units: list[AdminUnit] | None, via: str = "commune") -> Q:
    """A filter on the new-map commune field `via` selecting records located in `units`
    (a province: any of its communes; None: everywhere)."""
    if units is None:
        return Q()
    q = Q(pk__in=[])
    for unit in units:
        field = via if unit.level == AdminLevel.COMMUNE else f"{via}__province"
        q |= Q(**{field: unit})
    return q


def org_area_q(org: Organisation, via: str = "commune") -> Q:
    """Records located (new-map commune field `via`) in `org`'s area."""
    return units_q(area_units(org), via)


def _reached_orgs(user, perm: str):
    return Organisation.objects.filter(path__in=reach_paths(user, perm)).select_related(
        "admin_unit"
    )


def area_q(user, perm: str = "view", via: str = "commune") -> Q:
    """A filter on the new-map commune field `via` selecting records located in the area of
    the organisations where `user` has `perm`: a commune chapter's commune, a province
    chapter's province, a branch's nearest ancestor's, everywhere for a central body. (The
    registry shows such records of other organisations in a reduced form.)"""
    if is_everywhere(user):
        return Q()
    q = Q(pk__in=[])
    for org in _reached_orgs(user, perm):
        units = area_units(org)
        if units is None:
            return Q()
        q |= units_q(units, via)
    return q


def unit_within(unit: AdminUnit | None, area: list[AdminUnit] | None) -> bool:
    """Does the new-map `unit` lie in `area` (a list of new-map units; None: everywhere)?"""
    if area is None:
        return True
    if unit is None:
        return False
    return any(
        unit.pk == a.pk or (a.level == AdminLevel.PROVINCE and unit.province_id == a.pk)
        for a in area
    )


def in_area(user, unit: AdminUnit | None, perm: str = "view") -> bool:
    """Does `unit` lie in the area of one of the organisations where `user` has `perm`?"""
    if is_everywhere(user):
        return True
    return any(unit_within(unit, area_units(org)) for org in _reached_orgs(user, perm))


def require_area(user, unit: AdminUnit | None, perm: str = "view") -> None:
    """403 unless `unit` lies in the area of one of the user's organisations."""
    if not in_area(user, unit, perm):
        raise PermissionDenied("Địa bàn này nằm ngoài phạm vi của bạn.")
