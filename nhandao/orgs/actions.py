"""Everything that changes organisations, roles and clusters. Each action is atomic and
writes an audit event; callers (views, API, commands) have already checked access and
validated input with orgs/forms.py."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from nhandao.audit.actions import record, snapshot
from nhandao.lib.text import nfc, search_key
from nhandao.orgs.models import EmulationCluster, Organisation, OrgStatus, Role

ORG_FIELDS = [
    "code",
    "name",
    "kind",
    "partner_type",
    "level",
    "parent",
    "admin_unit",
    "status",
    "successor",
    "valid_from",
    "valid_to",
]


def _set_path(org: Organisation) -> None:
    prefix = org.parent.path if org.parent_id else "/"
    org.path = f"{prefix}{org.pk}/"
    org.save(update_fields=["path"])


@transaction.atomic
def create_organisation(actor, **fields) -> Organisation:
    org = Organisation(**fields)
    org.path = ""
    _normalise(org)
    org.save()
    _set_path(org)
    record(actor, "org.create", org, after=snapshot(org, ORG_FIELDS))
    return org


def _normalise(org: Organisation) -> None:
    org.name = nfc(org.name)
    org.name_key = search_key(org.name)
    org.code = org.code.strip()


@transaction.atomic
def rename_organisation(actor, org: Organisation, name: str) -> Organisation:
    before = snapshot(org, ["name"])
    org.name = name
    _normalise(org)
    org.save(update_fields=["name", "name_key"])
    record(actor, "org.rename", org, before=before, after=snapshot(org, ["name"]))
    return org


def _reparent(org: Organisation, new_parent: Organisation) -> None:
    """Move `org` and its subtree under `new_parent`: one UPDATE rewrites every path."""
    old_path = org.path
    new_path = f"{new_parent.path}{org.pk}/"
    Organisation.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
    )
    Organisation.objects.filter(pk=org.pk).update(parent=new_parent)
    org.refresh_from_db(fields=["path", "parent"])


@transaction.atomic
def move_organisation(actor, org: Organisation, new_parent: Organisation) -> Organisation:
    before = snapshot(org, ["parent"])
    _reparent(org, new_parent)
    record(actor, "org.move", org, before=before, after=snapshot(org, ["parent"]))
    return org


def _retire(actor, org: Organisation, successor: Organisation, status: str, on: date, action):
    """Shared by merge and dissolve: children go to the successor, the organisation becomes
    inactive, links to its successor and moves under it (so the successor keeps its history
    and whoever reaches the successor reaches it)."""
    before = snapshot(org, ORG_FIELDS)
    for child in list(org.children.filter(status=OrgStatus.ACTIVE)):
        child_before = snapshot(child, ["parent"])
        _reparent(child, successor)
        record(actor, "org.move", child, before=child_before, after=snapshot(child, ["parent"]))
    _reparent(org, successor)
    org.status = status
    org.successor = successor
    org.valid_to = on - timedelta(days=1)
    org.save(update_fields=["status", "successor", "valid_to"])
    record(actor, action, org, before=before, after=snapshot(org, ORG_FIELDS))


@transaction.atomic
def merge_organisations(actor, sources: list[Organisation], into: Organisation, on: date):
    """Merge N → 1: `into` keeps the history, the sources become inactive under it."""
    for source in sources:
        _retire(actor, source, into, OrgStatus.MERGED, on, "org.merge")
    record(
        actor,
        "org.absorb",
        into,
        after={"merged": [s.pk for s in sources], "on": on.isoformat()},
    )
    return into


@transaction.atomic
def dissolve_organisation(actor, org: Organisation, successor: Organisation, on: date):
    _retire(actor, org, successor, OrgStatus.DISSOLVED, on, "org.dissolve")
    return org


@transaction.atomic
def grant_role(actor, user, organisation: Organisation, role: str) -> Role:
    obj, created = Role.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"granted_by": actor}
    )
    if created:
        record(actor, "role.grant", obj, after=snapshot(obj, ["user", "organisation", "role"]))
    return obj


@transaction.atomic
def revoke_role(actor, role: Role) -> None:
    before = snapshot(role, ["user", "organisation", "role"])
    record(actor, "role.revoke", role, before=before)
    role.delete()


@transaction.atomic
def create_user(actor, *, username, full_name, email, password, organisation, role):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=username, email=email, password=password, full_name=full_name
    )
    record(
        actor,
        "user.create",
        user,
        organisation=organisation,
        after={"username": username, "full_name": full_name},
    )
    grant_role(actor, user, organisation, role)
    return user


@transaction.atomic
def create_cluster(actor, *, owner, year, number, name, members) -> EmulationCluster:
    cluster = EmulationCluster.objects.create(owner=owner, year=year, number=number, name=name)
    cluster.members.set(members)
    record(
        actor,
        "cluster.create",
        cluster,
        organisation=owner,
        after={
            "year": year,
            "number": number,
            "name": name,
            "members": sorted(m.pk for m in members),
        },
    )
    return cluster
