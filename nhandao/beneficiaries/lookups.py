"""Who sees which beneficiary, and how much of them. Decisions come from orgs/access.py.

- full: the person's owning organisation is in the user's reach (access.scope / access.can);
- area: the person is registered by another organisation but lives in the area of one of the
  user's organisations (access.area_q): the user sees that they exist (name, commune) and the
  support they received (organisation, date, kind, value), nothing else;
- sensitive: full, plus the "sensitive" permission on the owner; every read is logged.
"""

from dataclasses import dataclass

from django.http import Http404

from nhandao.beneficiaries.models import Household, MatchCandidate, Person, SensitiveRead
from nhandao.orgs import access

FULL, AREA = "full", "area"


def visible(queryset, user):
    """Records of `queryset` (with `organisation` and `commune`) seen fully or in the area."""
    if not access.can_anywhere(user, "view"):
        return queryset.none()
    area = access.area_q(user)
    if not area:  # an empty Q means "everywhere" (a central body); OR-ing it would drop it
        return queryset
    return queryset.filter(access.reach_q(user, "view", via="organisation") | area)


@dataclass
class View:
    person: Person
    level: str  # FULL or AREA
    sensitive: bool

    @property
    def full(self) -> bool:
        return self.level == FULL


def view_of(user, person: Person) -> View | None:
    if access.can(user, "view", person.organisation):
        return View(person, FULL, access.can(user, "sensitive", person.organisation))
    if visible(Person.objects.filter(pk=person.pk), user).exists():
        return View(person, AREA, False)
    return None


def get_person(user, pk) -> View:
    """The person `pk` as `user` may see them, else 404 (no leak of existence)."""
    try:
        person = Person.objects.select_related(
            "organisation", "commune__province", "household", "merged_into"
        ).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy đối tượng.") from None
    view = view_of(user, person)
    if view is None:
        raise Http404("Không tìm thấy đối tượng.")
    return view


def get_person_to_edit(user, pk) -> Person:
    """The person `pk` for a change: 404 outside the reach of the user's organisations (an
    "area" view is not enough), 403 without the "edit" permission at its organisation."""
    qs = Person.objects.select_related("organisation", "commune", "household", "old_commune")
    person = access.get_for_user(qs, user, pk)
    access.require(user, "edit", person.organisation)
    return person


def get_household(user, pk) -> tuple[Household, bool]:
    """The household `pk` seen fully or in the area (the bool says full), else 404."""
    qs = Household.objects.visible_to(user).select_related("organisation", "commune", "head")
    try:
        household = qs.get(pk=pk)
    except (Household.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy hộ gia đình.") from None
    return household, access.can(user, "view", household.organisation)


def get_household_to_edit(user, pk) -> Household:
    """As get_person_to_edit, for a household."""
    qs = Household.objects.select_related("organisation", "commune", "old_commune", "head")
    household = access.get_for_user(qs, user, pk)
    access.require(user, "edit", household.organisation)
    return household


def get_candidate(user, pk) -> MatchCandidate:
    """A pending pair of the user's review queue (MatchCandidate.objects.for_reviewer), else 404."""
    try:
        return (
            MatchCandidate.objects.for_reviewer(user)
            .select_related(
                "person_a__organisation",
                "person_b__organisation",
                "person_a__commune",
                "person_b__commune",
            )
            .get(pk=pk)
        )
    except (MatchCandidate.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy cặp hồ sơ này.") from None


def log_sensitive_read(user, persons, channel: str, fields=Person.SENSITIVE) -> None:
    """Record that `user` read the sensitive fields of each of `persons`."""
    SensitiveRead.objects.bulk_create(
        SensitiveRead(
            user=user,
            person=p,
            organisation_id=p.organisation_id,
            fields=",".join(fields),
            channel=channel,
        )
        for p in persons
    )


def sensitive_persons(user, persons) -> set[int]:
    """The pks among `persons` whose sensitive fields `user` may read."""
    return {p.pk for p in persons if access.can(user, "sensitive", p.organisation)}


def log_household_read(user, household, channel: str) -> None:
    """Poverty status is a household's sensitive data: its reads go to the audit log."""
    from nhandao.audit.actions import record

    record(user, "beneficiaries.sensitive_read", household,
           after={"fields": ["poverty"], "channel": channel})  # fmt: skip
