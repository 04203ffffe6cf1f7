"""Individuals as a user may reach them; built only from orgs/access.py."""

from nhandao.orgs import access
from nhandao.people.models import Individual


def get_individual(user, pk, perm: str = "view") -> Individual:
    records = Individual.objects.select_related("organisation", "commune")
    return access.get_for_user(records, user, pk, perm)
