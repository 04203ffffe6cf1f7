"""Likely matches for one person being entered: cheap indexed queries, in the area.

The full probabilistic linkage (dedup.py) runs over the whole registry; this is what the
entry form shows before a new person is saved.
"""

from django.db.models import Q

from nhandao.beneficiaries.identity import split_name
from nhandao.beneficiaries.models import Person, PersonStatus


def likely_matches(
    user, *, full_name, commune=None, birth_year=None, id_number="", phone="", limit=10
):
    """Active persons visible to `user` who may be the person described."""
    parts = split_name(full_name)
    q = Q(pk__in=[])
    if id_number:
        q |= Q(id_number=id_number)
    if parts.given:
        same_name = Q(given_name=parts.given, family_name=parts.family)
        if birth_year:
            same_name &= Q(birth_year__in=[birth_year - 1, birth_year, birth_year + 1]) | Q(
                birth_year=None
            )
        if commune is not None:
            same_name &= Q(commune=commune)
        q |= same_name
        if phone:
            q |= Q(phone=phone, given_name=parts.given)
    qs = Person.objects.visible_to(user).filter(q, status=PersonStatus.ACTIVE)
    return list(qs.select_related("organisation", "commune").order_by("name_key", "pk")[:limit])
