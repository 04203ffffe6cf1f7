"""Scores and rankings from the criteria data, without side effects.

A member's score out of 100 (what is ranked and graded):

    100 × (Σ standard score × weight + Σ bonus × weight − Σ penalty × weight)
          ÷ Σ standard max × weight over the criteria that APPLY to the member

A criterion that does not apply to the member's organisation kind or level ("không áp
dụng") leaves both sums, so the member's maximum is its own. The mark that counts for a
criterion is the latest of the highest stage given: review, else cross-marking, else the
self-assessment (a reply argues, it never changes the score by itself).

Ranking in a cluster: by score, then by the version's tie rules in turn ("section:<code>":
the higher section score first; "penalty": the fewer penalty points first); members still
equal share the rank. Grades: the first threshold (highest first) the score reaches.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from nhandao.emulation.models import SCORECARDS, CriterionKind, Stage

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ORDER = {Stage.SELF: 1, Stage.CROSS: 2, Stage.REVIEW: 3}


def q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def shown(value: Decimal | None) -> str:
    """A score as Vietnamese write it: 12 · 12,5 · 80,25 ("—" for none)."""
    if value is None:
        return "—"
    text = f"{q(Decimal(value)):f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


@dataclass
class Result:
    organisation_id: int
    name: str
    score: Decimal = ZERO  # out of 100, bonus and penalty included
    points: Decimal = ZERO  # weighted points (standard + bonus − penalty)
    maximum: Decimal = ZERO  # weighted maximum of the applicable standard criteria
    bonus: Decimal = ZERO
    penalty: Decimal = ZERO
    sections: dict[str, Decimal] = field(default_factory=dict)  # section code → points
    not_applicable: list[str] = field(default_factory=list)  # criterion codes
    rank: int = 0
    grade: str = ""
    previous: Decimal | None = None  # last year's score in the same kind of round
    scorecard_id: int | None = None
    status: str = ""

    @property
    def status_label(self) -> str:
        return SCORECARDS.label(self.status)

    @property
    def improvement(self) -> Decimal | None:
        return None if self.previous is None else self.score - self.previous


def counting_marks(marks) -> dict[int, Decimal]:
    """criterion id → the score that counts (marks in the order given, i.e. by time)."""
    best: dict[int, tuple[int, Decimal]] = {}
    for mark in marks:
        level = ORDER.get(mark.stage)
        if level is None:
            continue
        held = best.get(mark.criterion_id)
        if held is None or level >= held[0]:
            best[mark.criterion_id] = (level, mark.score)
    return {cid: score for cid, (_, score) in best.items()}


def compute(org, criteria, scores: dict[int, Decimal]) -> Result:
    """`criteria`: (criterion, section code) pairs of the version; `scores`: criterion id →
    the mark that counts (missing: 0)."""
    result = Result(organisation_id=org.pk, name=org.name)
    for criterion, section in criteria:
        if not criterion.applies_to(org):
            result.not_applicable.append(criterion.code)
            continue
        weighted = scores.get(criterion.pk, ZERO) * criterion.weight
        if criterion.kind == CriterionKind.STANDARD:
            result.maximum += criterion.max_score * criterion.weight
        elif criterion.kind == CriterionKind.BONUS:
            result.bonus += weighted
        else:
            result.penalty += weighted
            weighted = -weighted
        result.points += weighted
        result.sections[section] = result.sections.get(section, ZERO) + weighted
    result.score = q(HUNDRED * result.points / result.maximum) if result.maximum else ZERO
    return result


def grade(score: Decimal, grades: list[dict]) -> str:
    for step in sorted(grades, key=lambda g: -Decimal(str(g["min"]))):
        if score >= Decimal(str(step["min"])):
            return step["label"]
    return ""


def _key(result: Result, rules: list[str]) -> tuple:
    key = [-result.score]
    for rule in rules:
        if rule.startswith("section:"):
            key.append(-result.sections.get(rule.split(":", 1)[1], ZERO))
        elif rule == "penalty":
            key.append(result.penalty)
    return tuple(key)


def rank(results: list[Result], rules: list[str], grades: list[dict]) -> list[Result]:
    """Ranked in place and returned in order: equal keys share the rank (1, 2, 2, 4)."""
    ordered = sorted(results, key=lambda r: (_key(r, rules), r.name))
    previous_key = None
    for position, result in enumerate(ordered, start=1):
        key = _key(result, rules)
        result.rank = ordered[position - 2].rank if key == previous_key else position
        previous_key = key
        result.grade = grade(result.score, grades)
    return ordered


def most_improved(results: list[Result]) -> Result | None:
    candidates = [r for r in results if r.improvement is not None]
    if not candidates:
        return None
    best = max(candidates, key=lambda r: (r.improvement, r.score))
    return best if best.improvement > 0 else None
