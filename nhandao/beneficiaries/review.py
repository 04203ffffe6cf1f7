"""The duplicate review queue as groups: pending pairs that share a person (A~B, B~C) are one
group, reviewed together; a group of one pair is an ordinary pair. Used by the queue page and
the API (both reach the pairs through MatchCandidate.objects.for_reviewer).

Groups are computed when the queue is read, from the pairs still pending: the cluster number
stored by a run goes stale as soon as pairs are decided or merged.
"""

import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction

from nhandao.beneficiaries.models import MatchCandidate, MatchStatus, Person

PAIR_RELATED = (
    "person_a__organisation",
    "person_b__organisation",
    "person_a__commune",
    "person_b__commune",
)


def components(pairs) -> list[list[tuple[int, int, int]]]:
    """Connected components of (pair id, person a, person b), each a list of its pairs."""
    parent: dict[int, int] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list] = {}
    for pair in pairs:
        groups.setdefault(find(pair[1]), []).append(pair)
    return list(groups.values())


@dataclass
class Group:
    """Pending pairs linking `person_ids`; `pairs` and `persons` are loaded for one page."""

    pair_ids: list[int]
    person_ids: list[int]
    score: float
    pairs: list[MatchCandidate] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    distinct: list[tuple[Person, Person]] = field(default_factory=list)

    @property
    def key(self) -> int:
        return min(self.pair_ids)

    @property
    def is_cluster(self) -> bool:
        return len(self.person_ids) > 2


def groups_for(user) -> list[Group]:
    """Every group of the user's queue, best score first (ids only; load() a page of them)."""
    rows = list(
        MatchCandidate.objects.for_reviewer(user).values_list(
            "pk", "person_a_id", "person_b_id", "score"
        )
    )
    score = {pk: s for pk, _, _, s in rows}
    groups = []
    for pairs in components([(pk, a, b) for pk, a, b, _ in rows]):
        persons = sorted({p for _, a, b in pairs for p in (a, b)})
        ids = sorted(pk for pk, _, _ in pairs)
        groups.append(Group(ids, persons, max(score[pk] for pk in ids)))
    groups.sort(key=lambda g: (-g.score, g.key))
    return groups


def load(groups: list[Group]) -> list[Group]:
    """Fill the pairs, the persons and the "different people" decisions of `groups`."""
    pair_ids = [pk for g in groups for pk in g.pair_ids]
    pairs = {
        c.pk: c
        for c in MatchCandidate.objects.filter(pk__in=pair_ids).select_related(*PAIR_RELATED)
    }
    person_ids = [pk for g in groups if g.is_cluster for pk in g.person_ids]
    persons = Person.objects.select_related("organisation", "commune").in_bulk(person_ids)
    distinct = distinct_within(person_ids) if person_ids else []
    for group in groups:
        group.pairs = sorted((pairs[pk] for pk in group.pair_ids), key=lambda c: (-c.score, c.pk))
        if group.is_cluster:
            group.persons = [persons[pk] for pk in group.person_ids]
            members = set(group.person_ids)
            group.distinct = [
                (persons[a], persons[b]) for a, b in distinct if a in members and b in members
            ]
    return groups


def distinct_within(person_ids) -> list[tuple[int, int]]:
    """Pairs among `person_ids` already decided to be different people."""
    return list(
        MatchCandidate.objects.filter(
            status=MatchStatus.DISTINCT, person_a__in=person_ids, person_b__in=person_ids
        ).values_list("person_a_id", "person_b_id")
    )


# ---- the home page's count of groups, cached (decision 0024) --------------------------------

COUNT_TTL = 60  # seconds: the bound on staleness for a change no hook below sees
GENERATION_KEY = "beneficiaries:dup-queue:generation"


def queue_changed() -> None:
    """Pairs were written, decided or merged: every cached count is stale. Called by the
    MatchCandidate signals (apps.py) and by the bulk writes that bypass them (a dedup run,
    an import, `.update()`); once now and once more at commit, so that a count computed
    from the old state between the two is not kept."""

    def bump():
        cache.set(GENERATION_KEY, time.time_ns(), None)

    bump()
    transaction.on_commit(bump)


def pair_changed(**kwargs) -> None:
    """The MatchCandidate signals' receiver (apps.py)."""
    queue_changed()


def group_count(user) -> int:
    """How many groups the user's queue holds (len(groups_for(user))), cached per scope — the
    user's roles (organisation and role), so everyone with the same roles at the same
    organisation shares one count — for COUNT_TTL seconds or until the queue changes."""
    from nhandao.orgs import access

    generation = cache.get(GENERATION_KEY, 0)
    key = f"beneficiaries:dup-groups:{generation}:{access.scope_key(user)}"
    count = cache.get(key)
    if count is None:
        count = len(groups_for(user))
        cache.set(key, count, COUNT_TTL)
    return count
