"""Roles and clusters as a user may reach them (organisations themselves: access.get_org).
Built from orgs/access.py only: 404 outside the user's reach, 403 without the permission."""

from nhandao.orgs import access
from nhandao.orgs.models import EmulationCluster, Organisation, Role


def get_role(user, pk) -> Role:
    """A role held at an organisation the user administers ("manage_users" there)."""
    roles = Role.objects.select_related("organisation")
    return access.get_for_user(roles, user, pk, "manage_users")


def clusters(user):
    """Emulation clusters whose owner or one of whose members is within the user's reach."""
    reachable = Organisation.objects.for_user(user)
    return (
        EmulationCluster.objects.filter(owner__in=reachable)
        | EmulationCluster.objects.filter(members__in=reachable)
    ).distinct()
