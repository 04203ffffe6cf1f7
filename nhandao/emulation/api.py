"""API of emulation (scoped by emulation/lookups.py): the rounds within reach, a round's
ranking, a scorecard with its marks, marking at the stage the user may mark, and the moves."""

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema, Status

from nhandao.emulation import actions, forms, lookups, scoring
from nhandao.emulation.models import Criterion, Mark, Round
from nhandao.lib.api import FormInvalid
from nhandao.lib.pagination import MAX_YEAR, MIN_YEAR
from nhandao.orgs.lookups import clusters

router = Router(tags=["Thi đua, khen thưởng"])


class MarkIn(Schema):
    criterion: str  # its number in the criteria ("1.1"), as printed
    score: str  # "8" or "7,5"
    reason: str = ""
    evidence: str = ""


class EmulationMoveIn(Schema):
    to_status: str
    note: str = ""


def _result(r: scoring.Result) -> dict:
    return {
        "organisation_id": r.organisation_id,
        "name": r.name,
        "rank": r.rank,
        "grade": r.grade,
        "score": str(r.score),
        "points": str(r.points),
        "maximum": str(r.maximum),
        "bonus": str(r.bonus),
        "penalty": str(r.penalty),
        "status": r.status,
        "sections": {k: str(v) for k, v in r.sections.items()},
        "not_applicable": r.not_applicable,
        "previous": None if r.previous is None else str(r.previous),
    }


@router.get("/emulation/rounds", response=list[dict], summary="Các đợt chấm điểm trong phạm vi")
def list_rounds(request, year: int | None = Query(None, ge=MIN_YEAR, le=MAX_YEAR)):
    rounds = Round.objects.filter(cluster__in=clusters(request.auth).values("pk"))
    if year:
        rounds = rounds.filter(cluster__year=year)
    return [
        {
            "id": r.pk,
            "cluster": r.cluster.name,
            "year": r.cluster.year,
            "kind": r.kind,
            "period": r.period,
            "self_deadline": r.self_deadline.isoformat(),
        }
        for r in rounds.select_related("cluster")[:500]
    ]


@router.get("/emulation/rounds/{round_id}/ranking", response=list[dict], summary="Xếp hạng")
def round_ranking(request, round_id: int):
    return [_result(r) for r in actions.ranking(lookups.get_round(request.auth, round_id))]


def _card(card) -> dict:
    marks = Mark.objects.filter(scorecard=card).select_related("criterion", "by")
    return {
        "id": card.pk,
        "organisation_id": card.organisation_id,
        "status": card.status,
        "result": _result(actions.recompute(card)),
        "marks": [
            {
                "criterion": m.criterion.code,
                "stage": m.stage,
                "score": str(m.score),
                "reason": m.reason,
                "evidence": m.evidence,
                "by": str(m.by or ""),
                "by_organisation_id": m.by_org_id,
                "at": m.at.isoformat(),
            }
            for m in marks
        ],
    }


@router.get("/emulation/scorecards/{card_id}", response=dict, summary="Một bảng điểm")
def scorecard(request, card_id: int):
    return _card(lookups.get_scorecard(request.auth, card_id))


@router.post("/emulation/scorecards/{card_id}/marks", response={201: dict}, summary="Chấm điểm")
def add_mark(request, card_id: int, payload: MarkIn):
    card = lookups.get_scorecard(request.auth, card_id)
    stage = actions.stage_for(request.auth, card)
    if not stage:
        raise PermissionDenied("Bạn không chấm được bảng điểm này ở bước hiện tại.")
    criteria = Criterion.objects.filter(section__version=card.round.version)
    found = criteria.filter(code=payload.criterion).first()
    form = forms.MarkForm(
        {**payload.dict(), "criterion": found.pk if found else ""}, criteria=criteria
    )
    if not form.is_valid():
        raise FormInvalid(form)
    d = form.cleaned_data
    actions.mark(
        request.auth,
        card,
        d["criterion"],
        stage,
        d["score"],
        reason=d["reason"],
        evidence=d["evidence"],
    )
    return Status(201, _card(card))


@router.post("/emulation/scorecards/{card_id}/move", response=dict, summary="Chuyển bước")
def move(request, card_id: int, payload: EmulationMoveIn):
    card = lookups.get_scorecard(request.auth, card_id)
    actions.move_scorecard(request.auth, card, payload.to_status, payload.note)
    return _card(card)


@router.get(
    "/emulation/donor-honours",
    response=list[dict],
    summary="Nhà hảo tâm đạt ngưỡng tôn vinh trong năm",
)
def donor_honours(request, year: int = Query(..., ge=MIN_YEAR, le=MAX_YEAR)):
    """The thresholds of the organisations within reach for `year`, each with the donors who
    reach them; `published` says whether the donor agreed to be named publicly."""
    groups = actions.donor_honour_groups(lookups.donor_rules(request.auth), year)
    return [
        {
            "organisation_id": g["owner"].pk,
            "organisation": g["owner"].name,
            "rules": [{"min_total": r.min_total, "title": r.title} for r in g["rules"]],
            "donors": [
                {
                    "donor_id": d.donor_id,
                    "name": d.name,
                    "book": d.book,
                    "total": d.total,
                    "title": d.title,
                    "published": d.published,
                }
                for d in g["donors"]
            ],
        }
        for g in groups
    ]
