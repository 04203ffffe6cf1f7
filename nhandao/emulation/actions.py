"""What users do in emulation. Each action checks rights, refuses in words (Refused, naming
the field), writes, and records an audit event; status moves go through the pipelines of
models.py, whose history rows keep who moved what, when and why."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from nhandao.audit.actions import record
from nhandao.donations.models import Donation, Donor, DonorKind
from nhandao.emulation import scoring
from nhandao.emulation.models import (
    AWARDS,
    NOMINATIONS,
    SCORECARDS,
    VERSIONS,
    AwardProposal,
    AwardStatus,
    AwardStatusChange,
    CardStatus,
    ClusterTerm,
    CriteriaVersion,
    Criterion,
    DonorHonourRule,
    Evidence,
    Mark,
    Nomination,
    NominationStatusChange,
    Round,
    RoundKind,
    Scorecard,
    ScorecardStatusChange,
    Section,
    Stage,
    VersionStatus,
    VersionStatusChange,
)
from nhandao.lib.dates import format_date
from nhandao.lib.errors import Refused
from nhandao.lib.money import format_vnd
from nhandao.lib.text import search_key
from nhandao.orgs import access
from nhandao.orgs.models import EmulationCluster, Role
from nhandao.reports import building, indicators
from nhandao.reports.models import Report, ReportStatus, ReportValue
from nhandao.reports.periods import parse

MAX_SCORE = Decimal(1000)


def is_own(user, org) -> bool:
    """The user works for `org` or an organisation below it (a role there): they may not
    cross-mark or review its scores. A role above it (the centre over a province) is not."""
    return Role.objects.filter(user=user, organisation__path__startswith=org.path).exists()


def cross_org(user, scorecard: Scorecard):
    """The member the user cross-marks for: another member of the cluster where they hold
    a role that edits (None: they may not cross-mark this scorecard)."""
    if is_own(user, scorecard.organisation):
        return None
    for member in scorecard.round.cluster.members.order_by("name"):
        if member.pk == scorecard.organisation_id or not access.can(user, "edit", member):
            continue
        if access.is_everywhere(user) or is_own(user, member):
            return member
    return None


def can_review(user, scorecard: Scorecard) -> bool:
    return access.can(user, "approve", scorecard.round.cluster.owner) and not is_own(
        user, scorecard.organisation
    )


def can_for(user, scorecard: Scorecard):
    def can(perm: str) -> bool:
        if perm == "cross":
            return cross_org(user, scorecard) is not None
        if perm == "review":
            return can_review(user, scorecard)
        return access.can(user, perm, scorecard.organisation)

    return can


def moves_for(user, scorecard: Scorecard):
    return SCORECARDS.moves_for(scorecard, can=can_for(user, scorecard), actor_id=user.pk)


def stage_for(user, card) -> str:
    """The stage this user marks now on this scorecard ("" for none)."""
    if card.status == CardStatus.SELF and access.can(user, "edit", card.organisation):
        return Stage.SELF
    if card.status == CardStatus.SENT and cross_org(user, card) is not None:
        return Stage.CROSS
    if card.status in (CardStatus.CROSSED, CardStatus.REPLIED) and can_review(user, card):
        return Stage.REVIEW
    if card.status == CardStatus.CROSSED and access.can(user, "edit", card.organisation):
        return Stage.REPLY
    return ""


# --- clusters -------------------------------------------------------------------------------


@transaction.atomic
def save_term(actor, cluster, **fields) -> ClusterTerm:
    """The cluster's year: chair, vice-chair, hosts, handover, pledge."""
    access.require(
        actor, "edit", cluster.owner, "Chỉ đơn vị tổ chức cụm mới sửa được thông tin cụm."
    )
    members = set(cluster.members.values_list("pk", flat=True))
    labels = {
        "chair": "Cụm trưởng",
        "vice_chair": "Cụm phó",
        "midyear_host": "Đơn vị đăng cai sơ kết",
        "yearend_host": "Đơn vị đăng cai tổng kết",
    }
    for name, label in labels.items():
        org = fields.get(name)
        if org is not None and org.pk not in members:
            raise Refused(f"{label} phải là một đơn vị thành viên của cụm.", field=name)
    if fields.get("chair") and fields.get("chair") == fields.get("vice_chair"):
        raise Refused("Cụm trưởng và cụm phó phải là hai đơn vị khác nhau.", field="vice_chair")
    term, _ = ClusterTerm.objects.get_or_create(cluster=cluster)
    before = {k: str(getattr(term, k) or "") for k in fields}
    for name, value in fields.items():
        if name == "pledge_document" and not value:
            continue
        setattr(term, name, value)
    term.save()
    record(
        actor,
        "emulation.term",
        cluster,
        organisation=cluster.owner,
        before=before,
        after={k: str(getattr(term, k) or "") for k in fields},
    )
    return term


def _require_owner(actor, cluster):
    access.require(
        actor, "edit", cluster.owner, "Chỉ đơn vị tổ chức cụm mới sửa được thành viên của cụm."
    )


def _check_member(cluster_owner, org, year, *, exclude_cluster=None) -> None:
    """A member lies below the cluster's owner and belongs to one cluster of that owner in
    a year."""
    if org.pk == cluster_owner.pk or not org.path.startswith(cluster_owner.path):
        raise Refused(
            f"{org.name} không trực thuộc {cluster_owner.name}: không vào cụm được.",
            field="members",
        )
    other = EmulationCluster.objects.filter(owner=cluster_owner, year=year, members=org)
    if exclude_cluster is not None:
        other = other.exclude(pk=exclude_cluster.pk)
    other = other.first()
    if other is not None:
        raise Refused(f"{org.name} đã thuộc {other.name} năm {year}.", field="members")


@transaction.atomic
def create_cluster(actor, *, owner, year, number, name, members=()) -> EmulationCluster:
    """A cluster of one year, owned by an organisation the actor edits; its members lie below
    the owner, each in one of the owner's clusters that year."""
    access.require(actor, "edit", owner, "Chỉ cán bộ của đơn vị tổ chức mới lập được cụm.")
    name = (name or "").strip()
    if not name:
        raise Refused("Hãy ghi tên cụm thi đua.", field="name")
    if EmulationCluster.objects.filter(owner=owner, year=year, number=number).exists():
        raise Refused(f"{owner.name} đã có cụm số {number} năm {year}.", field="number")
    members = list(members)
    for org in members:
        _check_member(owner, org, year)
    cluster = EmulationCluster.objects.create(owner=owner, year=year, number=number, name=name)
    cluster.members.set(members)
    record(
        actor,
        "emulation.cluster.create",
        cluster,
        organisation=owner,
        after={"year": year, "number": number, "name": name, "members": len(members)},
    )
    return cluster


def _membership_open(cluster) -> None:
    """Members change only before the first round: a round gives each member its scorecard,
    and a member added or removed later would be ranked on a different footing."""
    if cluster.rounds.exists():
        raise Refused(
            "Cụm đã mở đợt chấm điểm: không thay đổi thành viên được nữa trong năm "
            f"{cluster.year}.",
            field="organisation",
        )


@transaction.atomic
def add_member(actor, cluster, org) -> None:
    _require_owner(actor, cluster)
    cluster = EmulationCluster.objects.select_for_update().get(pk=cluster.pk)
    _membership_open(cluster)
    if cluster.members.filter(pk=org.pk).exists():
        raise Refused(f"{org.name} đã là thành viên của cụm.", field="organisation")
    try:
        _check_member(cluster.owner, org, cluster.year, exclude_cluster=cluster)
    except Refused as exc:
        raise Refused(exc.message, field="organisation") from None
    cluster.members.add(org)
    record(
        actor,
        "emulation.cluster.member.add",
        cluster,
        organisation=cluster.owner,
        after={"member": org.name},
    )


@transaction.atomic
def remove_member(actor, cluster, org) -> None:
    _require_owner(actor, cluster)
    cluster = EmulationCluster.objects.select_for_update().get(pk=cluster.pk)
    _membership_open(cluster)
    if not cluster.members.filter(pk=org.pk).exists():
        raise Refused(f"{org.name} không phải thành viên của cụm.", field="organisation")
    term = ClusterTerm.objects.filter(cluster=cluster).first()
    roles = {
        "chair": "cụm trưởng",
        "vice_chair": "cụm phó",
        "midyear_host": "đơn vị đăng cai sơ kết",
        "yearend_host": "đơn vị đăng cai tổng kết",
    }
    for name, label in roles.items():
        if term is not None and getattr(term, f"{name}_id") == org.pk:
            raise Refused(
                f"{org.name} đang là {label} của cụm: hãy đổi {label} trước khi bỏ khỏi cụm.",
                field="organisation",
            )
    cluster.members.remove(org)
    record(
        actor,
        "emulation.cluster.member.remove",
        cluster,
        organisation=cluster.owner,
        before={"member": org.name},
    )


@transaction.atomic
def next_year_cluster(actor, cluster, handed_over_on=None) -> EmulationCluster:
    """Next year's cluster: the same number, owner and members (with the organisation this
    year hands the hosting over to, if it was not a member), that organisation chair and
    host of both conferences; this year's term keeps the handover date."""
    _require_owner(actor, cluster)
    term = ClusterTerm.objects.select_for_update().filter(cluster=cluster).first()
    host = term.next_host if term is not None else None
    if host is None:
        raise Refused(
            "Chưa ghi đơn vị nhận bàn giao đăng cai năm sau: hãy ghi ở “Bàn giao đăng cai năm "
            "sau cho” trước.",
            field="handed_over_on",
        )
    year = cluster.year + 1
    if EmulationCluster.objects.filter(
        owner=cluster.owner, year=year, number=cluster.number
    ).exists():
        raise Refused(f"{cluster.owner.name} đã có cụm số {cluster.number} năm {year}.")
    members = list(cluster.members.all())
    if host not in members:
        members.append(host)
    name = cluster.name.replace(str(cluster.year), str(year))
    new = create_cluster(
        actor,
        owner=cluster.owner,
        year=year,
        number=cluster.number,
        name=name,
        members=members,
    )
    ClusterTerm.objects.create(cluster=new, chair=host, midyear_host=host, yearend_host=host)
    term.handed_over_on = handed_over_on or term.handed_over_on or timezone.localdate()
    term.save(update_fields=["handed_over_on", "updated_at"])
    record(
        actor,
        "emulation.cluster.next_year",
        cluster,
        organisation=cluster.owner,
        after={"next": str(new), "host": host.name, "handed_over_on": str(term.handed_over_on)},
    )
    return new


# --- criteria -------------------------------------------------------------------------------


def _editable(actor, version: CriteriaVersion):
    access.require(actor, "edit", version.owner, "Chỉ cấp ban hành mới sửa được bộ tiêu chí.")
    if version.status != VersionStatus.DRAFT:
        raise Refused(
            f"Bộ tiêu chí năm {version.year} đang ở tình trạng “{version.status_label}”: không "
            "sửa được. Muốn thay đổi, hãy lập bộ tiêu chí cho năm sau."
        )


@transaction.atomic
def create_version(actor, owner, year, name, *, grades=None, tie_rules=None, previous=None):
    access.require(actor, "edit", owner, "Chỉ cán bộ của cấp ban hành mới lập được bộ tiêu chí.")
    if CriteriaVersion.objects.filter(owner=owner, year=year).exists():
        raise Refused(f"{owner.name} đã có bộ tiêu chí năm {year}.", field="year")
    version = CriteriaVersion.objects.create(
        owner=owner,
        year=year,
        name=name,
        previous=previous,
        grades=grades
        or [
            {"min": 95, "label": "Xuất sắc"},
            {"min": 85, "label": "Tốt"},
            {"min": 70, "label": "Khá"},
            {"min": 0, "label": "Trung bình"},
        ],
        tie_rules=tie_rules or [],
    )
    VersionStatusChange.log(version, VersionStatus.DRAFT, actor=actor, note="Lập bộ tiêu chí")
    record(actor, "emulation.version.create", version, organisation=owner)
    return version


@transaction.atomic
def add_section(actor, version, code, title) -> Section:
    _editable(actor, version)
    if version.sections.filter(code=code).exists():
        raise Refused(f"Bộ tiêu chí đã có phần {code}.", field="number")
    order = version.sections.count() + 1
    return Section.objects.create(version=version, code=code, title=title, order=order)


def _decimal(value, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        raise Refused(f"{label}: phải là một số.", field=field) from None
    if not number.is_finite() or number < 0 or number > MAX_SCORE:
        raise Refused(f"{label}: phải từ 0 đến {MAX_SCORE}.", field=field)
    return number


@transaction.atomic
def add_criterion(actor, section, code, name, max_score, **extra) -> Criterion:
    _editable(actor, section.version)
    if Criterion.objects.filter(section__version=section.version_id, code=code).exists():
        raise Refused(f"Bộ tiêu chí đã có tiêu chí số {code}.", field="number")
    max_score = _decimal(max_score, "max_score", "Điểm tối đa")
    if max_score == 0:
        raise Refused("Điểm tối đa phải lớn hơn 0.", field="max_score")
    weight = _decimal(extra.pop("weight", 1), "weight", "Hệ số")
    formula = extra.get("formula", "")
    if formula:
        try:
            indicators.names_in(formula)
            indicators.evaluate(formula, {})
        except (SyntaxError, Refused):
            raise Refused(f"Công thức “{formula}” không hợp lệ.", field="formula") from None
    order = Criterion.objects.filter(section=section).count() + 1
    return Criterion.objects.create(
        section=section,
        code=code,
        name=name,
        max_score=max_score,
        weight=weight,
        order=order,
        **extra,
    )


@transaction.atomic
def move_version(actor, version, target, note="") -> CriteriaVersion:
    version = CriteriaVersion.objects.select_for_update().get(pk=version.pk)
    if (
        target == VersionStatus.PUBLISHED
        and not Criterion.objects.filter(section__version=version).exists()
    ):
        raise Refused("Bộ tiêu chí chưa có tiêu chí nào: chưa công bố được.")
    withdrawn = version.status == VersionStatus.PUBLISHED and target == VersionStatus.DRAFT
    if withdrawn and version.rounds.exists():
        raise Refused("Đã có đợt chấm điểm theo bộ tiêu chí này: không rút lại được.")
    before = VERSIONS.move(
        version,
        target,
        actor=actor,
        history=VersionStatusChange,
        note=note,
        can=lambda perm: access.can(actor, perm, version.owner),
    )
    record(
        actor,
        "emulation.version.move",
        version,
        organisation=version.owner,
        before={"status": before},
        after={"status": target},
    )
    return version


@transaction.atomic
def copy_version(actor, version, year) -> CriteriaVersion:
    """Next year's draft: the same sections and criteria, each linked to last year's."""
    new = create_version(
        actor,
        version.owner,
        year,
        version.name.replace(str(version.year), str(year)),
        grades=version.grades,
        tie_rules=version.tie_rules,
        previous=version,
    )
    for section in version.sections.all():
        copy = Section.objects.create(
            version=new, code=section.code, title=section.title, order=section.order
        )
        for c in section.criteria.all():
            Criterion.objects.create(
                section=copy,
                code=c.code,
                name=c.name,
                max_score=c.max_score,
                weight=c.weight,
                kind=c.kind,
                evidence=c.evidence,
                org_kinds=c.org_kinds,
                org_levels=c.org_levels,
                formula=c.formula,
                target=c.target,
                previous=c,
                order=c.order,
            )
    return new


# --- rounds and marks -----------------------------------------------------------------------


@transaction.atomic
def open_round(actor, cluster, version, kind, self_deadline) -> Round:
    """Marking starts: the criteria are frozen, every member gets its scorecard."""
    access.require(actor, "edit", cluster.owner, "Chỉ đơn vị tổ chức cụm mới mở được đợt chấm.")
    version = CriteriaVersion.objects.select_for_update().get(pk=version.pk)
    if version.status == VersionStatus.DRAFT:
        raise Refused(
            "Bộ tiêu chí chưa được công bố cho các đơn vị: chưa chấm được.", field="version"
        )
    if version.year != cluster.year:
        raise Refused(
            f"Bộ tiêu chí năm {version.year} không dùng cho cụm năm {cluster.year}.",
            field="version",
        )
    if Round.objects.filter(cluster=cluster, kind=kind).exists():
        raise Refused(
            f"Cụm đã có đợt {RoundKind(kind).label.lower()} năm {cluster.year}.", field="kind"
        )
    if version.status == VersionStatus.PUBLISHED:
        VERSIONS.move(
            version,
            VersionStatus.FROZEN,
            actor=actor,
            history=VersionStatusChange,
            note="Bắt đầu chấm điểm",
        )
    period = f"{cluster.year}-H1" if kind == RoundKind.MIDYEAR else str(cluster.year)
    rnd = Round.objects.create(
        cluster=cluster,
        version=version,
        kind=kind,
        period=period,
        self_deadline=self_deadline,
        opened_by=actor,
    )
    for member in cluster.members.all():
        card = Scorecard.objects.create(round=rnd, organisation=member)
        ScorecardStatusChange.log(card, CardStatus.SELF, actor=actor, note="Mở đợt chấm")
    record(actor, "emulation.round.open", rnd, organisation=cluster.owner)
    return rnd


def criteria_of(version) -> list[tuple[Criterion, str]]:
    return [
        (c, c.section.code)
        for c in Criterion.objects.filter(section__version=version).select_related("section")
    ]


def _lock(scorecard) -> Scorecard:
    return (
        Scorecard.objects.select_for_update()
        .select_related("round__cluster__owner", "round__version", "organisation")
        .get(pk=scorecard.pk)
    )


def _check_mark(scorecard, criterion, score) -> Decimal:
    if criterion.section.version_id != scorecard.round.version_id:
        raise Refused("Tiêu chí không thuộc bộ tiêu chí của đợt chấm này.", field="criterion")
    if not criterion.applies_to(scorecard.organisation):
        raise Refused(
            f"Tiêu chí {criterion.code} không áp dụng cho {scorecard.organisation.name}.",
            field="criterion",
        )
    score = _decimal(score, "score", f"Điểm tiêu chí {criterion.code}")
    if score > criterion.max_score:
        raise Refused(
            f"Điểm {scoring.shown(score)} của tiêu chí {criterion.code} vượt quá điểm tối đa "
            f"{scoring.shown(criterion.max_score)}.",
            field="score",
        )
    return score


@transaction.atomic
def mark(
    actor,
    scorecard,
    criterion,
    stage,
    score,
    reason="",
    evidence="",
    evidence_file=None,
    value=None,
) -> Mark:
    """One mark at one stage; refuses a mark above the maximum, on a locked scorecard or after
    the self-assessment deadline, a reviewer over their own organisation, missing evidence or
    a missing reason."""
    scorecard = _lock(scorecard)
    reason, evidence = (reason or "").strip(), (evidence or "").strip()
    by_org = scorecard.organisation
    if scorecard.round.version.status != VersionStatus.FROZEN:
        raise Refused("Bộ tiêu chí của đợt này không còn hiệu lực để chấm.")
    if scorecard.status == CardStatus.LOCKED:
        raise Refused("Bảng điểm đã được thẩm định và khóa: không chấm thêm được.")
    if stage == Stage.SELF:
        access.require(
            actor, "edit", scorecard.organisation, "Chỉ cán bộ của đơn vị mới tự chấm được."
        )
        if scorecard.status != CardStatus.SELF:
            raise Refused("Bảng tự chấm đã gửi: không sửa được điểm tự chấm.")
        if timezone.localdate() > scorecard.round.self_deadline:
            raise Refused(f"Đã quá hạn tự chấm ({format_date(scorecard.round.self_deadline)}).")
        needs = criterion.evidence
        if needs in (Evidence.FILE, Evidence.LINK) and not (evidence or evidence_file):
            raise Refused(
                f"Tiêu chí {criterion.code} cần minh chứng ({Evidence(needs).label.lower()}).",
                field="evidence",
            )
    elif stage == Stage.CROSS:
        if is_own(actor, scorecard.organisation):
            raise Refused("Không được chấm chéo chính đơn vị của mình.")
        by_org = cross_org(actor, scorecard)
        if by_org is None:
            raise PermissionDenied("Chỉ cán bộ của một đơn vị khác trong cụm mới chấm chéo được.")
        if scorecard.status != CardStatus.SENT:
            raise Refused("Bảng điểm chưa gửi tự chấm hoặc đã chấm chéo xong.")
    elif stage == Stage.REPLY:
        access.require(
            actor, "edit", scorecard.organisation, "Chỉ cán bộ của đơn vị mới phản hồi được."
        )
        if scorecard.status != CardStatus.CROSSED:
            raise Refused("Chỉ phản hồi được sau khi chấm chéo xong và trước khi thẩm định.")
        if not reason:
            raise Refused("Phản hồi cần ghi lý do.", field="reason")
    elif stage == Stage.REVIEW:
        if is_own(actor, scorecard.organisation):
            raise Refused("Người thẩm định không được chấm điểm chính đơn vị của mình.")
        if not access.can(actor, "approve", scorecard.round.cluster.owner):
            raise PermissionDenied("Chỉ lãnh đạo cấp tổ chức cụm mới thẩm định được.")
        by_org = scorecard.round.cluster.owner
        if scorecard.status not in (CardStatus.CROSSED, CardStatus.REPLIED):
            raise Refused("Chỉ thẩm định được sau khi chấm chéo xong.")
        if not reason:
            raise Refused("Điểm thẩm định cần ghi lý do.", field="reason")
    else:
        raise Refused("Bước chấm không hợp lệ.", field="stage")
    score = _check_mark(scorecard, criterion, score)
    if stage == Stage.CROSS and not reason:
        own = Mark.objects.filter(scorecard=scorecard, criterion=criterion, stage=Stage.SELF).last()
        if own is None or own.score != score:
            raise Refused("Điểm chấm chéo khác điểm tự chấm: hãy ghi lý do.", field="reason")
    made = Mark.objects.create(
        scorecard=scorecard,
        criterion=criterion,
        stage=stage,
        score=score,
        reason=reason,
        evidence=evidence,
        evidence_file=evidence_file or "",
        value=value,
        by=actor,
        by_org=by_org,
    )
    recompute(scorecard)
    record(
        actor,
        "emulation.mark",
        scorecard,
        organisation=scorecard.organisation,
        after={"criterion": criterion.code, "stage": stage, "score": str(score), "reason": reason},
    )
    return made


def recompute(scorecard) -> scoring.Result:
    """The scorecard's score from its marks and the criteria, stored on it for rankings."""
    criteria = criteria_of(scorecard.round.version)
    marks = Mark.objects.filter(scorecard=scorecard).order_by("at", "pk")
    result = scoring.compute(scorecard.organisation, criteria, scoring.counting_marks(marks))
    stored = {
        "total": result.score,
        "points": result.points,
        "maximum": result.maximum,
        "bonus": result.bonus,
        "penalty": result.penalty,
        "sections": {k: str(v) for k, v in result.sections.items()},
        "not_applicable": result.not_applicable,
    }
    Scorecard.objects.filter(pk=scorecard.pk).update(**stored)
    scorecard.total = result.score
    return result


def _missing(scorecard, stage) -> list[str]:
    marked = set(
        Mark.objects.filter(scorecard=scorecard, stage=stage).values_list("criterion", flat=True)
    )
    return [
        c.code
        for c, _ in criteria_of(scorecard.round.version)
        if c.applies_to(scorecard.organisation) and c.pk not in marked
    ]


def check_self_done(scorecard):
    if timezone.localdate() > scorecard.round.self_deadline:
        raise Refused(f"Đã quá hạn tự chấm ({format_date(scorecard.round.self_deadline)}).")
    missing = _missing(scorecard, Stage.SELF)
    if missing:
        raise Refused("Chưa tự chấm các tiêu chí: " + ", ".join(missing) + ".")


def check_cross_done(scorecard):
    missing = _missing(scorecard, Stage.CROSS)
    if missing:
        raise Refused("Chưa chấm chéo các tiêu chí: " + ", ".join(missing) + ".")


@transaction.atomic
def move_scorecard(actor, scorecard, target, note="") -> Scorecard:
    scorecard = _lock(scorecard)
    before = SCORECARDS.move(
        scorecard,
        target,
        actor=actor,
        history=ScorecardStatusChange,
        note=note,
        can=can_for(actor, scorecard),
    )
    if target == CardStatus.SENT:
        Scorecard.objects.filter(pk=scorecard.pk).update(submitted_by=actor)
    record(
        actor,
        "emulation.scorecard.move",
        scorecard,
        organisation=scorecard.organisation,
        before={"status": before},
        after={"status": target},
    )
    return scorecard


def report_values(org, period: str) -> dict[str, int | float | None] | None:
    """The organisation's APPROVED report of the period: the totals snapshotted on approval,
    with the form's formulas (reports.building's own evaluation), and last year's approved
    figures as `last_<code>` (None: no approved report)."""
    report = Report.objects.filter(
        organisation=org, period=period, status=ReportStatus.APPROVED
    ).first()
    if report is None:
        return None
    form_indicators = report.form.ordered_indicators()

    def stored(rep):
        rows = ReportValue.objects.filter(report=rep, scope="total", breakdown="")
        values = {(code, ""): v for code, v in rows.values_list("indicator__code", "value")}
        return building.with_formulas(form_indicators, values)

    values = stored(report)
    previous = Report.objects.filter(
        organisation=org,
        period=parse(period).previous_year().code,
        form=report.form,
        status=ReportStatus.APPROVED,
    ).first()
    if previous is not None:
        values.update({f"last_{code}": v for code, v in stored(previous).items()})
    return values


def formula_score(criterion, value) -> Decimal:
    if value is None:
        return Decimal(0)
    value = Decimal(str(value))
    if criterion.target:
        value = criterion.max_score * value / Decimal(criterion.target)
    return scoring.q(max(Decimal(0), min(criterion.max_score, value)))


@transaction.atomic
def fill_from_reports(actor, scorecard) -> list[str]:
    """Self-marks of the quantitative criteria from the member's approved report of the
    round's period, by their formulas; returns what was done, in words."""
    scorecard = _lock(scorecard)
    access.require(actor, "edit", scorecard.organisation)
    values = report_values(scorecard.organisation, scorecard.round.period)
    if values is None:
        raise Refused(
            f"{scorecard.organisation.name} chưa có báo cáo kỳ {scorecard.round.period} "
            "được duyệt: chưa tính được các tiêu chí định lượng."
        )
    done = []
    for criterion, _ in criteria_of(scorecard.round.version):
        if not criterion.formula or not criterion.applies_to(scorecard.organisation):
            continue
        value = indicators.evaluate(criterion.formula, values)
        score = formula_score(criterion, value)
        shown = "—" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", ".")
        reason = f"Từ báo cáo kỳ {scorecard.round.period} đã duyệt: {criterion.formula} = {shown}"
        mark(
            actor,
            scorecard,
            criterion,
            Stage.SELF,
            score,
            reason=reason,
            evidence=f"/bao-cao/?ky={scorecard.round.period}",
            value=None if value is None else int(value),
        )
        done.append(f"{criterion.code}: {scoring.shown(score)} điểm")
    return done


def ranking(rnd: Round) -> list[scoring.Result]:
    """The round's members ranked (total and by section), graded, with last year's score."""
    return rank_rounds(Round.objects.filter(pk=rnd.pk))[rnd.pk]


def rank_rounds(rounds) -> dict[int, list[scoring.Result]]:
    """Every round of `rounds` ranked from the scores stored on the scorecards (recompute),
    in three queries whatever their number (a year's province clusters and every province's
    commune clusters: 3,355 members)."""
    rounds = {r.pk: r for r in rounds.select_related("version", "cluster")}
    cards = Scorecard.objects.filter(round__in=rounds).values_list(
        "pk",
        "round_id",
        "organisation_id",
        "organisation__name",
        "status",
        "total",
        "points",
        "maximum",
        "bonus",
        "penalty",
        "sections",
        "not_applicable",
    )
    cards = list(cards)
    previous: dict[tuple[str, int], Decimal] = {}
    years = {r.cluster.year - 1 for r in rounds.values()}
    last_year = Scorecard.objects.filter(round__cluster__year__in=years)
    for kind, org, total in last_year.values_list("round__kind", "organisation_id", "total"):
        previous[(kind, org)] = total
    results: dict[int, list[scoring.Result]] = defaultdict(list)
    for (
        pk,
        round_id,
        org,
        name,
        status,
        total,
        points,
        maximum,
        bonus,
        penalty,
        sections,
        na,
    ) in cards:
        rnd = rounds[round_id]
        results[round_id].append(
            scoring.Result(
                organisation_id=org,
                name=name,
                score=total,
                points=points,
                maximum=maximum,
                bonus=bonus,
                penalty=penalty,
                not_applicable=na,
                sections={k: Decimal(v) for k, v in sections.items()},
                previous=previous.get((rnd.kind, org)),
                scorecard_id=pk,
                status=status,
            )
        )
    return {
        pk: scoring.rank(results.get(pk, []), rnd.version.tie_rules, rnd.version.grades)
        for pk, rnd in rounds.items()
    }


# --- awards ---------------------------------------------------------------------------------


def _awarded_already(proposal_or_fields) -> AwardProposal | None:
    p = proposal_or_fields
    same = AwardProposal.objects.filter(
        achievement_key=p.achievement_key,
        recipient_org=p.recipient_org_id,
        recipient_person=p.recipient_person_id,
        status__in=[AwardStatus.PROPOSED, AwardStatus.GRANTED],
    )
    if p.pk:
        same = same.exclude(pk=p.pk)
    return same.first()


def check_one_award(proposal):
    """Law on Emulation and Commendation 2022: one achievement, one award."""
    other = _awarded_already(proposal)
    if other is not None:
        raise Refused(
            f"Thành tích này đã được đề nghị hoặc khen thưởng ({other.get_kind_display()}, "
            f"{other.status_label.lower()}): mỗi thành tích chỉ được một hình thức khen thưởng.",
            field="achievement",
        )


@transaction.atomic
def propose_award(
    actor,
    *,
    proposer,
    grantor,
    kind,
    year,
    achievement,
    recipient_org=None,
    recipient_person=None,
    scorecard=None,
) -> AwardProposal:
    access.require(
        actor, "edit", proposer, "Chỉ cán bộ của đơn vị mới lập được đề nghị khen thưởng."
    )
    if (recipient_org is None) == (recipient_person is None):
        raise Refused(
            "Hãy chọn một tập thể hoặc một cá nhân được đề nghị khen.", field="recipient_org"
        )
    if not (achievement or "").strip():
        raise Refused("Hãy ghi thành tích được đề nghị khen.", field="achievement")
    if proposer.path.startswith(grantor.path) is False:
        raise Refused(
            "Cấp khen thưởng phải là đơn vị đề nghị hoặc cấp trên của đơn vị.", field="grantor"
        )
    proposal = AwardProposal(
        proposer=proposer,
        grantor=grantor,
        kind=kind,
        year=year,
        achievement=achievement.strip(),
        recipient_org=recipient_org,
        recipient_person=recipient_person,
        scorecard=scorecard,
        proposed_by=actor,
    )
    proposal.achievement_key = search_key(proposal.achievement)[:300]
    check_one_award(proposal)
    proposal.save()
    AwardStatusChange.log(proposal, AwardStatus.PROPOSED, actor=actor, note="Lập đề nghị")
    record(actor, "emulation.award.propose", proposal, organisation=proposer)
    return proposal


def award_moves(user, proposal):
    return AWARDS.moves_for(
        proposal,
        can=lambda perm: access.can(user, perm, proposal.grantor),
        actor_id=user.pk,
        maker_id=proposal.proposed_by_id,
    )


@transaction.atomic
def decide_award(actor, proposal, target, note="", decision_number="") -> AwardProposal:
    proposal = AwardProposal.objects.select_for_update().get(pk=proposal.pk)
    before = AWARDS.move(
        proposal,
        target,
        actor=actor,
        history=AwardStatusChange,
        note=note,
        maker_id=proposal.proposed_by_id,
        can=lambda perm: access.can(actor, perm, proposal.grantor),
    )
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.decision_note = note[:255]
    if decision_number:
        proposal.decision_number = decision_number[:40]
    proposal.save(update_fields=["decided_by", "decided_at", "decision_note", "decision_number"])
    record(
        actor,
        "emulation.award.decide",
        proposal,
        organisation=proposal.grantor,
        before={"status": before},
        after={"status": target, "note": note},
    )
    return proposal


# --- "Người tốt, việc thiện" ----------------------------------------------------------------


@transaction.atomic
def nominate(
    actor, *, nominator, year, name, story, consent, is_group=False, person=None, consent_on=None
) -> Nomination:
    access.require(actor, "edit", nominator, "Chỉ cán bộ của đơn vị mới đề cử được.")
    if not (name or "").strip():
        raise Refused("Hãy ghi tên người hoặc tập thể được đề cử.", field="name")
    if not (story or "").strip():
        raise Refused("Hãy kể việc tốt của người được đề cử.", field="story")
    if not consent:
        raise Refused(
            "Cần sự đồng ý công khai của người (tập thể) được đề cử trước khi đề cử.",
            field="consent",
        )
    unit = nominator.admin_unit
    province = (unit.province or unit) if unit is not None else None
    nomination = Nomination.objects.create(
        nominator=nominator,
        year=year,
        name=name.strip(),
        story=story.strip(),
        consent=True,
        consent_on=consent_on or timezone.localdate(),
        is_group=is_group,
        person=person,
        province=province,
        proposed_by=actor,
    )
    NominationStatusChange.log(nomination, nomination.status, actor=actor, note="Đề cử")
    record(actor, "emulation.nomination", nomination, organisation=nominator)
    return nomination


def nomination_moves(user, nomination):
    return NOMINATIONS.moves_for(
        nomination,
        can=lambda perm: access.can(user, perm, nomination.nominator),
        actor_id=user.pk,
        maker_id=nomination.proposed_by_id,
    )


@transaction.atomic
def review_nomination(actor, nomination, target, note="") -> Nomination:
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    before = NOMINATIONS.move(
        nomination,
        target,
        actor=actor,
        history=NominationStatusChange,
        note=note,
        maker_id=nomination.proposed_by_id,
        can=lambda perm: access.can(actor, perm, nomination.nominator),
    )
    record(
        actor,
        "emulation.nomination.review",
        nomination,
        organisation=nomination.nominator,
        before={"status": before},
        after={"status": target},
    )
    return nomination


# --- donors honoured by thresholds ------------------------------------------------------------


@transaction.atomic
def create_donor_rule(actor, *, owner, year, min_total, title) -> DonorHonourRule:
    access.require(
        actor, "edit", owner, "Chỉ cán bộ của đơn vị mới lập được ngưỡng tôn vinh nhà hảo tâm."
    )
    title = (title or "").strip()
    if not title:
        raise Refused("Hãy ghi danh hiệu tôn vinh.", field="title")
    if min_total is None or min_total <= 0:
        raise Refused("Tổng ủng hộ để được tôn vinh phải lớn hơn 0 đồng.", field="min_total")
    if DonorHonourRule.objects.filter(owner=owner, year=year, min_total=min_total).exists():
        raise Refused(
            f"{owner.name} đã có ngưỡng {format_vnd(min_total)} năm {year}.", field="min_total"
        )
    rule = DonorHonourRule.objects.create(
        owner=owner, year=year, min_total=min_total, title=title, created_by=actor
    )
    record(
        actor,
        "emulation.donor_rule.create",
        rule,
        organisation=owner,
        after={"year": year, "min_total": min_total, "title": title},
    )
    return rule


@dataclass
class DonorHonour:
    donor_id: int
    name: str  # the name as may be shown: the donor's, or "Nhà hảo tâm ẩn danh"
    book: str  # the organisation whose donor book holds the donor
    total: int
    title: str
    published: bool  # the donor agreed to have their name published (and is not anonymous)


def donor_honours(owner, year: int, *, public: bool = False) -> list[DonorHonour]:
    """The donors whose active donations received in `year` by `owner` and the organisations
    below it reach one of the owner's thresholds of that year, the highest title reached,
    largest total first. A donor is one record of an organisation's donor book (a donation
    with only a name typed counts for no one: a name alone does not identify a person).
    `public`: only the donors who agreed to be published (the portal's rule)."""
    rules = list(DonorHonourRule.objects.filter(owner=owner, year=year).order_by("-min_total"))
    if not rules:
        return []
    donations = Donation.objects.active().filter(
        organisation__path__startswith=owner.path,
        received_on__gte=date(year, 1, 1),
        received_on__lte=date(year, 12, 31),
        donor__isnull=False,
    )
    if public:
        donations = donations.filter(donor__consent_publish=True).exclude(
            donor__kind=DonorKind.ANONYMOUS
        )
    totals = (
        donations.values("donor")
        .annotate(total=Sum("amount"))
        .filter(total__gte=rules[-1].min_total)
        .order_by("-total", "donor")
    )
    totals = {row["donor"]: row["total"] for row in totals}
    donors = Donor.objects.select_related("organisation").in_bulk(list(totals))
    honours = []
    for donor_id, total in totals.items():
        donor = donors[donor_id]
        rule = next(r for r in rules if total >= r.min_total)
        published = donor.consent_publish and donor.kind != DonorKind.ANONYMOUS
        honours.append(
            DonorHonour(
                donor_id=donor_id,
                name=donor.name if not public else donor.public_name,
                book=donor.organisation.name,
                total=total,
                title=rule.title,
                published=published,
            )
        )
    return honours


def donor_honour_groups(rules, year: int) -> list[dict]:
    """`rules` of `year` grouped by owner, each with the donors who reach them (donor_honours,
    every donor: the back office's list)."""
    owners: dict = {}
    for rule in rules.filter(year=year).order_by("owner__path", "-min_total"):
        owners.setdefault(rule.owner, []).append(rule)
    return [
        {"owner": owner, "rules": owned, "donors": donor_honours(owner, year)}
        for owner, owned in owners.items()
    ]
