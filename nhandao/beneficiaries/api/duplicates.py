"""The duplicate review queue: pairs, groups, decisions, merges and their undoing."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import paginate

from nhandao.beneficiaries import actions, forms, lookups, review
from nhandao.beneficiaries.api.paging import Mapped
from nhandao.beneficiaries.api.persons import PersonOut, person_out
from nhandao.beneficiaries.models import MatchCandidate, Person
from nhandao.lib.api import FormInvalid
from nhandao.lib.pagination import Pagination
from nhandao.orgs import access

router = Router()


class CandidateOut(Schema):
    id: int
    score: float
    method: str
    reasons: dict
    person_a: PersonOut
    person_b: PersonOut


def _side(user, p: Person) -> dict:
    """One person of a pair or group, without sensitive fields."""
    full = access.can(user, "view", p.organisation)
    return person_out(p, lookups.FULL if full else lookups.AREA, False)


def candidate_out(user, c) -> dict:
    return {
        "id": c.pk,
        "score": c.score,
        "method": c.method,
        "reasons": c.reasons,
        "person_a": _side(user, c.person_a),
        "person_b": _side(user, c.person_b),
    }


@router.get("/duplicates", response=list[CandidateOut], summary="Cặp hồ sơ có thể trùng")
@paginate(Pagination)
def list_candidates(request):
    access.require_anywhere(request.auth, "view")
    pairs = (
        MatchCandidate.objects.for_reviewer(request.auth)
        .select_related(*review.PAIR_RELATED)
        .order_by("-score", "pk")
    )
    return [candidate_out(request.auth, c) for c in pairs[:1000]]


class GroupOut(Schema):
    key: int
    score: float
    persons: list[PersonOut]
    pairs: list[CandidateOut]
    distinct: list[list[int]]  # pairs of the group's persons decided to be different people


@router.get(
    "/duplicates/groups",
    response=list[GroupOut],
    summary="Nhóm hồ sơ có thể trùng (các cặp có chung một người)",
)
@paginate(Pagination)
def list_groups(request):
    access.require_anywhere(request.auth, "view")
    groups = review.groups_for(request.auth)
    return Mapped(groups, lambda page: [group_out(request.auth, g) for g in review.load(page)])


def group_out(user, group) -> dict:
    persons = group.persons or list(
        {p.pk: p for c in group.pairs for p in (c.person_a, c.person_b)}.values()
    )
    return {
        "key": group.key,
        "score": group.score,
        "persons": [_side(user, p) for p in sorted(persons, key=lambda p: p.pk)],
        "pairs": [candidate_out(user, c) for c in group.pairs],
        "distinct": [[a.pk, b.pk] for a, b in group.distinct],
    }


class GroupMergeIn(Schema):
    pairs: list[int]
    survivor: int


class GroupMergedOut(Schema):
    status: str
    survivor: int
    merge_ids: list[int]


@router.post(
    "/duplicates/groups/merge",
    response=GroupMergedOut,
    summary="Gộp cả một nhóm vào hồ sơ được giữ (mỗi hồ sơ hoàn tác riêng được)",
)
def merge_group(request, payload: GroupMergeIn):
    access.require_anywhere(request.auth, "view")
    form = forms.GroupMergeForm(payload.dict(), actor=request.auth)
    if form.has_error(NON_FIELD_ERRORS, "not_found"):
        raise Http404(forms.GROUP_NOT_FOUND)
    if not form.is_valid():
        raise FormInvalid(form)
    data = form.cleaned_data
    merges = actions.merge_group(
        request.auth, data["survivor_obj"], data["others"], data["candidates"]
    )
    return {
        "status": "merged",
        "survivor": data["survivor_obj"].pk,
        "merge_ids": sorted(m.pk for m in merges),
    }


class DecisionIn(Schema):
    decision: str  # same | distinct
    survivor: int | None = None


class DecisionOut(Schema):
    status: str
    merge_id: int | None = None


@router.post(
    "/duplicates/{candidate_id}/decision",
    response=DecisionOut,
    summary="Quyết định: cùng một người (gộp) hoặc khác người",
)
def decide(request, candidate_id: int, payload: DecisionIn):
    candidate = lookups.get_candidate(request.auth, candidate_id)
    form = forms.DecisionForm(payload.dict())
    if not form.is_valid():
        raise FormInvalid(form)
    if form.cleaned_data["decision"] == "distinct":
        actions.mark_distinct(request.auth, candidate)
        return {"status": "distinct"}
    merge = actions.merge_pair(request.auth, candidate, form.cleaned_data.get("survivor"))
    return {"status": "merged", "merge_id": merge.pk}


@router.post("/merges/{merge_id}/undo", response=DecisionOut, summary="Hoàn tác một lần gộp")
def undo(request, merge_id: int):
    merge = lookups.get_merge(request.auth, merge_id)
    actions.undo_merge(request.auth, merge)
    return {"status": "pending", "merge_id": merge.pk}
