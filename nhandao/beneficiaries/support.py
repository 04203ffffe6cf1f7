"""Support history as ONE rule (issue #14, item 7): what counts as support received by a
person or a household, for their pages and for the overlap warning alike.

- A person: support recorded for them, for their household, and for every person record
  later merged into them (and those records' households).
- A household: support recorded for it, for any of its members, and for every person record
  merged into one of its members.

A likely duplicate not merged yet (a pending MatchCandidate) is not part of that history: the
overlap warning shows it apart, as "có thể trùng với …" (`likely_duplicates`).
"""

from django.db.models import Q

from nhandao.beneficiaries.models import MatchCandidate, MatchStatus, Person, SupportRecord


def reach_many(wanted: dict) -> dict:
    """{key: (person ids, household ids)} → {key: (persons, households) whose support counts
    for them}: members of the households, every record merged into those persons (however
    deep) and the households of all of these. A few queries for any number of keys (a
    round's page asks for every line at once)."""
    households = {k: {h for h in hs if h} for k, (_, hs) in wanted.items()}
    all_households = set().union(*households.values()) if households else set()
    members: dict[int, set] = {}
    for pk, home in Person.objects.filter(household_id__in=all_households).values_list(
        "pk", "household_id"
    ):
        members.setdefault(home, set()).add(pk)
    persons = {
        k: {p for p in ps if p} | set().union(*(members.get(h, set()) for h in households[k]))
        for k, (ps, _) in wanted.items()
    }
    merged_from: dict[int, set] = {}  # survivor → records merged into it
    frontier = set().union(*persons.values()) if persons else set()
    seen = set(frontier)
    while frontier:
        rows = list(
            Person.objects.filter(merged_into_id__in=frontier).values_list("pk", "merged_into_id")
        )
        for pk, survivor in rows:
            merged_from.setdefault(survivor, set()).add(pk)
        frontier = {pk for pk, _ in rows} - seen
        seen |= frontier

    def with_merged(ids):
        out, todo = set(ids), list(ids)
        while todo:
            for pk in merged_from.get(todo.pop(), ()):
                if pk not in out:
                    out.add(pk)
                    todo.append(pk)
        return out

    persons = {k: with_merged(ps) for k, ps in persons.items()}
    home_of = dict(
        Person.objects.filter(pk__in=set().union(*persons.values()) if persons else set())
        .exclude(household_id=None)
        .values_list("pk", "household_id")
    )
    return {
        k: (ps, households[k] | {home_of[p] for p in ps if p in home_of})
        for k, ps in persons.items()
    }


def reach(*, person_ids=(), household_ids=()) -> tuple[set[int], set[int]]:
    """(persons, households) whose support counts for these persons and households."""
    return reach_many({0: (person_ids, household_ids)})[0]


def history_q(*, person_ids=(), household_ids=()) -> Q:
    persons, households = reach(person_ids=person_ids, household_ids=household_ids)
    if not persons and not households:
        return Q(pk__in=[])
    return Q(person_id__in=persons) | Q(household_id__in=households)


def person_history(person):
    return _ordered(history_q(person_ids=[person.pk], household_ids=[person.household_id]))


def household_history(household):
    return _ordered(history_q(household_ids=[household.pk]))


def _ordered(q):
    return (
        SupportRecord.objects.counted()
        .filter(q)
        .select_related("organisation", "person")
        .order_by("-date", "-pk")
    )


def likely_duplicates(person_ids) -> dict[int, set[int]]:
    """{person id: ids of the active persons the dedup run found likely to be the same
    (pending pairs, neither merged nor told apart)} for the given persons, in one query."""
    wanted = set(person_ids)
    out: dict[int, set[int]] = {}
    if not wanted:
        return out
    pairs = MatchCandidate.objects.filter(
        Q(person_a_id__in=wanted) | Q(person_b_id__in=wanted), status=MatchStatus.PENDING
    ).values_list("person_a_id", "person_b_id")
    for a, b in pairs:
        if a in wanted:
            out.setdefault(a, set()).add(b)
        if b in wanted:
            out.setdefault(b, set()).add(a)
    return out
