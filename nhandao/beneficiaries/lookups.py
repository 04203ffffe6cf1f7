"""Registry records as a user may see them: one place for the pages, the API and the
importers. Every decision comes from orgs/access.py; nothing here is a rule of its own.

- full: the record's owning organisation is in the user's reach (access.scope / access.can);
- area: the person is registered by another organisation but lives in the area of one of the
  user's organisations (access.area_q): the user sees that they exist (name, commune) and the
  support they received (organisation, date, kind, value), nothing else;
- sensitive: full, plus the "sensitive" permission on the owner; every read is logged
  (actions.log_sensitive_read).

Getters answer 404 outside the user's reach (existence not revealed) and 403 within it
without the permission asked for.
"""

from dataclasses import dataclass

from django.http import Http404

from nhandao.beneficiaries.models import (
    Household,
    HumanitarianAddress,
    ImportBatch,
    MatchCandidate,
    MergeRecord,
    Person,
    Sponsor,
    Sponsorship,
)
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
    household = access.get_within(qs, pk, "Không tìm thấy hộ gia đình.")
    return household, access.can(user, "view", household.organisation)


def get_household_to_edit(user, pk) -> Household:
    """As get_person_to_edit, for a household."""
    qs = Household.objects.select_related("organisation", "commune", "old_commune", "head")
    household = access.get_for_user(qs, user, pk)
    access.require(user, "edit", household.organisation)
    return household


def get_candidate(user, pk) -> MatchCandidate:
    """A pending pair of the user's review queue (MatchCandidate.objects.for_reviewer), else 404."""
    pairs = MatchCandidate.objects.for_reviewer(user).select_related(
        "person_a__organisation", "person_b__organisation", "person_a__commune", "person_b__commune"
    )
    return access.get_within(pairs, pk, "Không tìm thấy cặp hồ sơ này.")


def sensitive_persons(user, persons) -> set[int]:
    """The pks among `persons` whose sensitive fields `user` may read."""
    return {p.pk for p in persons if access.can(user, "sensitive", p.organisation)}


def get_merge(user, pk) -> MergeRecord:
    """A merge of two records, reached through the kept record's organisation."""
    merges = MergeRecord.objects.select_related("survivor__organisation", "merged__organisation")
    return access.get_for_user(merges, user, pk, via="survivor__organisation")


def get_import_batch(user, pk) -> ImportBatch:
    """An uploaded list: only those who may edit at its organisation open it (the file holds
    identity numbers)."""
    return access.get_for_user(ImportBatch.objects.all(), user, pk, "edit")


ADDRESS_RELATED = ("organisation", "person", "household__head")


def get_address(user, pk, perm: str = "view") -> HumanitarianAddress:
    addresses = HumanitarianAddress.objects.select_related(*ADDRESS_RELATED)
    return access.get_for_user(addresses, user, pk, perm)


def get_sponsor(user, pk) -> Sponsor:
    return access.get_for_user(Sponsor.objects.select_related("organisation"), user, pk)


def sponsorships(user, perm: str = "view"):
    """Commitments to addresses in the user's reach (a sponsor's own organisation may be
    another)."""
    return Sponsorship.objects.filter(
        access.reach_q(user, perm, via="address__organisation")
    ).select_related("sponsor")


def get_sponsorship(user, pk) -> Sponsorship:
    return access.get_within(sponsorships(user), pk, "Không tìm thấy cam kết đỡ đầu.")
