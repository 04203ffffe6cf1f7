# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""Emulation: criteria as data and their scores (weights, bonus, penalty, N/A), the
quantitative criteria from the approved reports, the stages (self → cross → reply →
review and lock), ranking ties and grades, "one achievement, one award", nominations with
consent on the public page, and each bad input of issue #18 refused with nothing written."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from nhandao.emulation import actions, scoring
from nhandao.emulation.models import (
    AwardKind,
    AwardProposal,
    CardStatus,
    Criterion,
    CriterionKind,
    Evidence,
    Mark,
    Nomination,
    RoundKind,
    Stage,
    VersionStatus,
)
from nhandao.lib.errors import Refused
from nhandao.orgs import actions as org_actions
from nhandao.orgs.models import OrgKind, RoleKind
from nhandao.reports import actions as reports
from nhandao.reports import building
from tests.test_relief_fixtures import donate, make_campaign

YEAR = 2024
FAR = date(2099, 12, 31)


def build_version(actor, owner, year=YEAR):
    """I (1.1: max 10 × 2; 1.2: max 10, the Front only → N/A for the Red Cross) and
    II (2.1: max 20 from the report's total value, full at 10.000.000 đ; 2.2 bonus ≤ 5;
    2.3 penalty ≤ 5)."""
    version = actions.create_version(
        actor, owner, year, f"Tiêu chí thi đua {year}", tie_rules=["section:II", "penalty"]
    )
    one = actions.add_section(actor, version, "I", "Công tác tổ chức")
    two = actions.add_section(actor, version, "II", "Vận động nguồn lực")
    actions.add_criterion(
        actor, one, "1.1", "Phát triển hội viên", 10, weight=2, evidence=Evidence.LINK
    )
    actions.add_criterion(actor, one, "1.2", "Phối hợp Mặt trận", 10, org_kinds=[OrgKind.FRONT])
    actions.add_criterion(
        actor, two, "2.1", "Tổng trị giá hoạt động", 20, formula="total_value", target=10_000_000
    )
    actions.add_criterion(actor, two, "2.2", "Mô hình mới", 5, kind=CriterionKind.BONUS)
    actions.add_criterion(
        actor, two, "2.3", "Vi phạm chế độ báo cáo", 5, kind=CriterionKind.PENALTY
    )
    return actions.move_version(actor, version, VersionStatus.PUBLISHED)


@pytest.fixture
def emu(cast):
    """A commune cluster of Hà Nội for 2024 (Ba Đình, Ngọc Hà), owned by Hà Nội, with the
    criteria published and the year-end round open."""
    cluster = org_actions.create_cluster(
        cast.root,
        owner=cast.hanoi,
        year=YEAR,
        number=1,
        name="Cụm thi đua số 1 – các phường",
        members=[cast.ba_dinh, cast.ngoc_ha],
    )
    version = build_version(cast.hn_manager, cast.hanoi)
    rnd = actions.open_round(cast.hn_officer, cluster, version, RoundKind.YEAREND, FAR)
    cards = {c.organisation_id: c for c in rnd.scorecards.all()}
    crit = {c.code: c for c in Criterion.objects.filter(section__version=version)}
    return type(
        "Emu",
        (),
        {
            "cluster": cluster,
            "version": version,
            "round": rnd,
            "crit": crit,
            "ba_dinh": cards[cast.ba_dinh.pk],
            "ngoc_ha": cards[cast.ngoc_ha.pk],
        },
    )


def self_mark(cast, emu, card, marks, user=None):
    user = user or (cast.ba_dinh_officer if card == emu.ba_dinh else cast.ngoc_ha_officer)
    for code, score in marks.items():
        actions.mark(user, card, emu.crit[code], Stage.SELF, score, evidence="/nguoi/1/")


def test_scores_follow_weights_bonus_penalty_and_not_applicable_criteria(cast, emu):
    self_mark(cast, emu, emu.ba_dinh, {"1.1": 8, "2.1": 15, "2.2": 2, "2.3": 1})
    result = actions.recompute(emu.ba_dinh)
    # max = 10 × 2 + 20 = 40 (1.2 does not apply to a Red Cross chapter: left out);
    # points = 8 × 2 + 15 + 2 − 1 = 32 → 32 / 40 = 80.00
    assert result.maximum == Decimal(40) and result.points == Decimal(32)
    assert result.score == Decimal("80.00") and result.not_applicable == ["1.2"]
    assert result.sections == {"I": Decimal(16), "II": Decimal(16)}
    emu.ba_dinh.refresh_from_db()
    assert emu.ba_dinh.total == Decimal("80.00")


def test_quantitative_criteria_equal_the_approved_report_indicators(cast, emu):
    campaign = make_campaign(cast.root, cast.central)
    donate(cast.ngoc_ha, campaign, 6_000_000)
    report = reports.open_report(cast.ngoc_ha_officer, cast.ngoc_ha, str(YEAR))
    reports.save_entries(cast.ngoc_ha_officer, report, {"state_budget": 1_000_000})
    with pytest.raises(Refused, match="chưa có báo cáo kỳ 2024 được duyệt"):
        actions.fill_from_reports(cast.ngoc_ha_officer, emu.ngoc_ha)  # submitted is not enough
    report = reports.submit(cast.ngoc_ha_officer, report)
    reports.approve(cast.hn_manager, report)
    total_value = next(
        line.value for line in building.lines(report) if line.indicator.code == "total_value"
    )
    assert total_value == 6_000_000
    done = actions.fill_from_reports(cast.ngoc_ha_officer, emu.ngoc_ha)
    mark = Mark.objects.get(scorecard=emu.ngoc_ha, criterion=emu.crit["2.1"])
    assert mark.value == total_value and mark.score == Decimal(12)  # 20 × 6 / 10
    assert done == ["2.1: 12 điểm"] and "total_value = 6.000.000" in mark.reason
    assert mark.by == cast.ngoc_ha_officer


def test_the_stages_self_cross_reply_review_and_lock_keep_who_when_why(cast, emu):
    card = emu.ba_dinh
    with pytest.raises(Refused, match="Chưa tự chấm các tiêu chí: 1.1, 2.1, 2.2, 2.3"):
        actions.move_scorecard(cast.ba_dinh_officer, card, CardStatus.SENT)
    self_mark(cast, emu, card, {"1.1": 9, "2.1": 20, "2.2": 5, "2.3": 0})
    actions.move_scorecard(cast.ba_dinh_officer, card, CardStatus.SENT)
    # cross-marking: Ngọc Hà's officer, for Ngọc Hà
    for code, score in {"1.1": 9, "2.1": 20, "2.2": 5, "2.3": 0}.items():
        actions.mark(
            cast.ngoc_ha_officer,
            card,
            emu.crit[code],
            Stage.CROSS,
            2 if code == "2.2" else score,
            reason="Mô hình chưa nhân rộng" if code == "2.2" else "",
        )
    actions.move_scorecard(cast.ngoc_ha_officer, card, CardStatus.CROSSED)
    actions.mark(
        cast.ba_dinh_officer,
        card,
        emu.crit["2.2"],
        Stage.REPLY,
        5,
        reason="Đã nhân rộng ra 3 tổ dân phố (biên bản kèm theo)",
    )
    actions.move_scorecard(cast.ba_dinh_officer, card, CardStatus.REPLIED)
    assert actions.recompute(card).score == Decimal("100.00")  # (18 + 20 + 2) / 40: not the reply
    actions.mark(
        cast.hn_manager, card, emu.crit["2.2"], Stage.REVIEW, 4, reason="Chấp nhận một phần"
    )
    actions.move_scorecard(cast.hn_manager, card, CardStatus.LOCKED)
    card.refresh_from_db()
    assert card.status == CardStatus.LOCKED and card.total == Decimal("105.00")
    cross = Mark.objects.filter(scorecard=card, stage=Stage.CROSS, criterion=emu.crit["2.2"]).get()
    assert (cross.by, cross.by_org, cross.reason) == (
        cast.ngoc_ha_officer,
        cast.ngoc_ha,
        "Mô hình chưa nhân rộng",
    )
    assert [h.to_status for h in card.history.all()] == [
        "self",
        "sent",
        "crossed",
        "replied",
        "locked",
    ]
    with pytest.raises(Refused, match="đã được thẩm định và khóa"):
        actions.mark(cast.hn_manager, card, emu.crit["1.1"], Stage.REVIEW, 1, reason="x")


def test_ranking_ties_are_broken_by_the_rules_kept_as_data(cast, emu):
    # equal scores (80): Ngọc Hà has more in section II → first
    self_mark(cast, emu, emu.ba_dinh, {"1.1": 8, "2.1": 16, "2.3": 0})
    self_mark(cast, emu, emu.ngoc_ha, {"1.1": 6, "2.1": 20, "2.3": 0})
    ranked = actions.ranking(emu.round)
    assert [(r.name, r.score, r.rank) for r in ranked] == [
        ("Hội Chữ thập đỏ Phường Ngọc Hà", Decimal("80.00"), 1),
        ("Hội Chữ thập đỏ Phường Ba Đình", Decimal("80.00"), 2),
    ]
    assert ranked[0].grade == "Khá"
    # with no tie rules they share the rank
    emu.version.tie_rules = []
    emu.version.save()
    emu.round.version.refresh_from_db()
    assert [r.rank for r in actions.ranking(emu.round)] == [1, 1]


def test_grades_and_most_improved_from_the_data():
    grades = [
        {"min": 95, "label": "Xuất sắc"},
        {"min": 85, "label": "Tốt"},
        {"min": 0, "label": "Khá"},
    ]
    assert [scoring.grade(Decimal(s), grades) for s in ("95", "94.99", "85", "3")] == [
        "Xuất sắc",
        "Tốt",
        "Tốt",
        "Khá",
    ]
    a = scoring.Result(1, "A", score=Decimal(90), previous=Decimal(70))
    b = scoring.Result(2, "B", score=Decimal(95), previous=Decimal(90))
    assert scoring.most_improved([a, b]) is a


# --- bad input (issue #18): each refused in Vietnamese, nothing written ---


def test_a_mark_above_the_maximum_is_refused(cast, emu):
    with pytest.raises(Refused, match="vượt quá điểm tối đa 10") as exc:
        actions.mark(
            cast.ba_dinh_officer, emu.ba_dinh, emu.crit["1.1"], Stage.SELF, 12, evidence="/nguoi/1/"
        )
    assert exc.value.field == "score" and not Mark.objects.exists()


def test_a_frozen_criteria_version_cannot_be_changed_and_a_draft_cannot_be_marked(cast, emu):
    emu.version.refresh_from_db()
    assert emu.version.status == VersionStatus.FROZEN  # marking started
    section = emu.version.sections.first()
    with pytest.raises(Refused, match="Đã khóa \\(đang chấm\\)”: không sửa được"):
        actions.add_criterion(cast.hn_manager, section, "1.9", "Mới", 5)
    assert Criterion.objects.filter(section__version=emu.version).count() == 5
    draft = actions.create_version(cast.hn_manager, cast.hanoi, YEAR + 1, "Nháp")
    nxt = org_actions.create_cluster(
        cast.root, owner=cast.hanoi, year=YEAR + 1, number=1, name="Cụm 1", members=[cast.ba_dinh]
    )
    with pytest.raises(Refused, match="chưa được công bố"):
        actions.open_round(cast.hn_officer, nxt, draft, RoundKind.MIDYEAR, FAR)
    assert not nxt.rounds.exists()


def test_a_self_mark_after_the_deadline_is_refused(cast, emu):
    emu.round.self_deadline = date(2025, 1, 15)
    emu.round.save()
    late = time_machine.travel(date(2025, 1, 16))
    with late, pytest.raises(Refused, match="Đã quá hạn tự chấm \\(15/01/2025\\)"):
        actions.mark(cast.ba_dinh_officer, emu.ba_dinh, emu.crit["2.2"], Stage.SELF, 1)
    assert not Mark.objects.exists()


def test_a_proposal_for_an_achievement_already_awarded_is_refused(cast, emu):
    achievement = "Dẫn đầu Cụm thi đua số 1 năm 2024"
    proposal = actions.propose_award(
        cast.ba_dinh_officer,
        proposer=cast.ba_dinh,
        grantor=cast.hanoi,
        kind=AwardKind.CERTIFICATE,
        year=YEAR,
        achievement=achievement,
        recipient_org=cast.ba_dinh,
    )
    with pytest.raises(Refused, match="mỗi thành tích chỉ được một hình thức khen thưởng"):
        actions.propose_award(
            cast.hn_officer,
            proposer=cast.hanoi,
            grantor=cast.central,
            kind=AwardKind.MERIT,
            year=YEAR,
            achievement="dẫn đầu cụm thi đua số 1 năm 2024",
            recipient_org=cast.ba_dinh,
        )  # the same words, other case and accents
    for not_the_grantor in (cast.ba_dinh_officer, cast.hn_officer):
        with pytest.raises(PermissionDenied):
            actions.decide_award(not_the_grantor, proposal, "granted")
    actions.decide_award(cast.hn_manager, proposal, "granted", decision_number="15/QĐ-HCTĐ")
    with pytest.raises(Refused, match="lý do thu hồi"):
        actions.decide_award(cast.hn_manager, proposal, "revoked")
    actions.decide_award(cast.hn_manager, proposal, "revoked", note="Thành tích không đúng")
    # revoked: the achievement may be proposed again
    actions.propose_award(
        cast.hn_officer,
        proposer=cast.hanoi,
        grantor=cast.central,
        kind=AwardKind.MERIT,
        year=YEAR,
        achievement=achievement,
        recipient_org=cast.ba_dinh,
    )
    assert AwardProposal.objects.count() == 2


def test_a_nomination_without_consent_is_refused_and_only_consented_honours_are_public(
    cast, client
):
    with pytest.raises(Refused, match="Cần sự đồng ý công khai") as exc:
        actions.nominate(
            cast.ba_dinh_officer,
            nominator=cast.ba_dinh,
            year=YEAR,
            name="Nguyễn Văn An",
            story="Cứu người đuối nước",
            consent=False,
        )
    assert exc.value.field == "consent" and not Nomination.objects.exists()
    n = actions.nominate(
        cast.ba_dinh_officer,
        nominator=cast.ba_dinh,
        year=YEAR,
        name="Nguyễn Văn An",
        story="Cứu người đuối nước",
        consent=True,
    )
    assert (
        "Nguyễn Văn An"
        not in client.get(f"/cong-khai/nguoi-tot-viec-thien/?nam={YEAR}").content.decode()
    )
    actions.review_nomination(cast.hn_manager, n, "honoured")
    page = client.get(f"/cong-khai/nguoi-tot-viec-thien/?nam={YEAR}").content.decode()
    assert "Nguyễn Văn An" in page and "Cứu người đuối nước" in page
    Nomination.objects.filter(pk=n.pk).update(consent=False)  # consent withdrawn
    assert (
        "Nguyễn Văn An"
        not in client.get(f"/cong-khai/nguoi-tot-viec-thien/?nam={YEAR}").content.decode()
    )
    assert client.get(f"/cong-khai/nguoi-tot-viec-thien/{n.pk}/").status_code == 404


def test_a_reviewer_marking_their_own_organisation_is_refused(cast, emu):
    self_mark(cast, emu, emu.ba_dinh, {"1.1": 9, "2.1": 20, "2.2": 5, "2.3": 0})
    actions.move_scorecard(cast.ba_dinh_officer, emu.ba_dinh, CardStatus.SENT)
    with pytest.raises(Refused, match="Không được chấm chéo chính đơn vị của mình"):
        actions.mark(cast.ba_dinh_officer, emu.ba_dinh, emu.crit["1.1"], Stage.CROSS, 10)
    for code in ("1.1", "2.1", "2.2", "2.3"):
        actions.mark(
            cast.ngoc_ha_officer,
            emu.ba_dinh,
            emu.crit[code],
            Stage.CROSS,
            {"1.1": 9, "2.1": 20, "2.2": 5, "2.3": 0}[code],
        )
    actions.move_scorecard(cast.ngoc_ha_officer, emu.ba_dinh, CardStatus.CROSSED)
    # a leader of Hà Nội who also holds a role at Ba Đình reviews Ba Đình: refused
    org_actions.grant_role(cast.root, cast.hn_manager, cast.ba_dinh, RoleKind.VIEWER)
    before = Mark.objects.count()
    with pytest.raises(Refused, match="Người thẩm định không được chấm điểm chính đơn vị"):
        actions.mark(cast.hn_manager, emu.ba_dinh, emu.crit["1.1"], Stage.REVIEW, 10, reason="x")
    with pytest.raises(PermissionDenied):
        actions.move_scorecard(cast.hn_manager, emu.ba_dinh, CardStatus.LOCKED)
    assert Mark.objects.count() == before


def test_evidence_is_required_where_the_criterion_says_and_na_criteria_are_refused(cast, emu):
    with pytest.raises(Refused, match="cần minh chứng") as exc:
        actions.mark(cast.ba_dinh_officer, emu.ba_dinh, emu.crit["1.1"], Stage.SELF, 5)
    assert exc.value.field == "evidence"
    with pytest.raises(Refused, match="không áp dụng"):
        actions.mark(cast.ba_dinh_officer, emu.ba_dinh, emu.crit["1.2"], Stage.SELF, 5)
    with pytest.raises(PermissionDenied):
        actions.mark(cast.tq_officer, emu.ba_dinh, emu.crit["2.2"], Stage.SELF, 1)
    assert not Mark.objects.exists()


def test_cluster_term_chair_must_be_a_member(cast, emu):
    with pytest.raises(Refused, match="Cụm trưởng phải là một đơn vị thành viên") as exc:
        actions.save_term(cast.hn_officer, emu.cluster, chair=cast.tuyen_quang)
    assert exc.value.field == "chair"
    term = actions.save_term(
        cast.hn_officer,
        emu.cluster,
        chair=cast.ba_dinh,
        vice_chair=cast.ngoc_ha,
        yearend_host=cast.ngoc_ha,
        next_host=cast.ba_dinh,
        pledge_date=date(2024, 2, 20),
        pledge_signatories="Hội CTĐ Phường Ba Đình\nHội CTĐ Phường Ngọc Hà",
    )
    assert term.chair == cast.ba_dinh and term.pledge_date == date(2024, 2, 20)
    with pytest.raises(PermissionDenied):
        actions.save_term(cast.ba_dinh_officer, emu.cluster, chair=cast.ngoc_ha)


def test_next_years_version_links_each_criterion_to_last_years(cast, emu):
    new = actions.copy_version(cast.hn_manager, emu.version, YEAR + 1)
    assert new.status == VersionStatus.DRAFT and new.previous == emu.version
    copied = Criterion.objects.get(section__version=new, code="2.1")
    assert copied.previous == emu.crit["2.1"] and copied.formula == "total_value"
