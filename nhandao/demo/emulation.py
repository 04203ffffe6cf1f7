"""Demo emulation: this year's two province clusters (orgs.py made them) with their chair,
hosts and pledge, the Central Committee's criteria for the year (published, then frozen by
the rounds), the mid-year round of both clusters with scorecards at every stage — cluster 1
reviewed and locked (a full ranking), cluster 2 in progress, Hà Nội's own self-assessment
half done for its officer (hn.canbo) to finish with evidence from nhandao's records —, award
proposals (a flag granted — its certificate printable, with a QR code to its verify page —, a
certificate waiting for the centre's leader), the public "Người tốt, việc thiện" honour roll,
and donors honoured by the thresholds of the centre and of Hà Nội (one who agreed to be
published, one who did not: on the back office's list only)."""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from nhandao.demo.dates import days, today
from nhandao.donations import actions as donations
from nhandao.emulation import actions
from nhandao.emulation.models import (
    AwardKind,
    CardStatus,
    Criterion,
    CriterionKind,
    Evidence,
    RoundKind,
    Stage,
    VersionStatus,
)
from nhandao.orgs.models import EmulationCluster

SECTIONS = [
    (
        "I",
        "Công tác tổ chức, xây dựng Hội",
        [
            (
                "1.1",
                "Phát triển hội viên, tình nguyện viên",
                10,
                1,
                CriterionKind.STANDARD,
                Evidence.LINK,
                "",
            ),
            (
                "1.2",
                "Kiện toàn tổ chức Hội cấp xã sau sắp xếp",
                10,
                1,
                CriterionKind.STANDARD,
                Evidence.FILE,
                "",
            ),
        ],
    ),
    (
        "II",
        "Vận động nguồn lực, trợ giúp nhân đạo",
        [
            (
                "2.1",
                "Tổng trị giá hoạt động nhân đạo",
                20,
                2,
                CriterionKind.STANDARD,
                Evidence.REPORT,
                "total_value",
            ),
            (
                "2.2",
                "Tháng Nhân đạo, Tết Nhân ái",
                15,
                1,
                CriterionKind.STANDARD,
                Evidence.LINK,
                "",
            ),
            (
                "2.3",
                "Địa chỉ nhân đạo được hỗ trợ thường xuyên",
                10,
                1,
                CriterionKind.STANDARD,
                Evidence.LINK,
                "",
            ),
        ],
    ),
    (
        "III",
        "Chăm sóc sức khỏe, hiến máu, ứng phó thảm họa",
        [
            ("3.1", "Hiến máu tình nguyện", 15, 1, CriterionKind.STANDARD, Evidence.LINK, ""),
            ("3.2", "Mô hình mới, cách làm hay", 5, 1, CriterionKind.BONUS, Evidence.LINK, ""),
            (
                "3.3",
                "Chậm báo cáo, sai sót tài chính",
                5,
                1,
                CriterionKind.PENALTY,
                Evidence.NONE,
                "",
            ),
        ],
    ),
]


def _score(criterion, member_index: int, salt: int = 0) -> Decimal:
    """A plausible, repeatable mark: most members near the top, some lower."""
    share = (70 + ((member_index * 37 + int(criterion.pk) * 11 + salt) % 31)) / 100
    if criterion.kind == CriterionKind.PENALTY:
        share = (member_index % 4 == 3) * 0.4
    elif criterion.kind == CriterionKind.BONUS:
        share = (member_index % 3 == 0) * 0.8
    return (criterion.max_score * Decimal(str(min(share, 1)))).quantize(Decimal("0.5"))


def seed(actor, network) -> None:
    User = get_user_model()
    leader = User.objects.get(username="tw.lanhdao")
    hanoi_officer = User.objects.get(username="hn.canbo")
    centre = network["rc_central"]
    year = today().year
    version = actions.create_version(
        actor,
        centre,
        year,
        f"Bộ tiêu chí thi đua các cụm tỉnh, thành Hội năm {year}",
        tie_rules=["section:II", "penalty"],
    )
    for code, title, criteria in SECTIONS:
        section = actions.add_section(actor, version, code, title)
        for number, name, maximum, weight, kind, evidence, formula in criteria:
            actions.add_criterion(
                actor,
                section,
                number,
                name,
                maximum,
                weight=weight,
                kind=kind,
                evidence=evidence,
                formula=formula,
                target=50_000_000_000 if formula else None,
            )
    actions.move_version(leader, version, VersionStatus.PUBLISHED)
    criteria = list(Criterion.objects.filter(section__version=version).order_by("pk"))
    clusters = list(EmulationCluster.objects.filter(year=year, owner=centre).order_by("number"))
    for cluster in clusters:
        members = list(cluster.members.order_by("name"))
        actions.save_term(
            actor,
            cluster,
            chair=members[0],
            vice_chair=members[1],
            midyear_host=members[1],
            yearend_host=members[2],
            next_host=members[3],
            pledge_date=days(-300),
            pledge_signatories="\n".join(m.name for m in members),
        )
        rnd = actions.open_round(actor, cluster, version, RoundKind.MIDYEAR, days(14))
        locked_cluster = cluster.number == 1
        # by code, not by pk: the members' order (and so the cards') is the database's own
        cards = rnd.scorecards.select_related("organisation").order_by("organisation__code")
        moved = 0  # the cards that move on, so each stage is there whatever Hà Nội's place
        for i, card in enumerate(cards):
            is_hanoi = card.organisation.code == "CTD-1"
            who = hanoi_officer if is_hanoi else actor
            marked = criteria[:4] if is_hanoi else criteria
            for c in marked:
                evidence = "/bao-cao/" if c.evidence != Evidence.NONE else ""
                actions.mark(
                    who,
                    card,
                    c,
                    Stage.SELF,
                    _score(c, i),
                    evidence=evidence,
                    reason="Theo báo cáo sơ kết 6 tháng",
                )
            if is_hanoi:
                continue  # for hn.canbo to finish
            stage = 4 if locked_cluster else moved % 4  # 0 sent, 1 crossed, 2 replied, 3 locked
            moved += 1
            actions.move_scorecard(actor, card, CardStatus.SENT)
            if not locked_cluster and stage == 0:
                continue
            for c in criteria:
                score = _score(c, i, salt=3)
                same = score == _score(c, i)
                actions.mark(
                    actor,
                    card,
                    c,
                    Stage.CROSS,
                    score,
                    reason="" if same else "Minh chứng chưa đủ so với mức tự chấm",
                )
            actions.move_scorecard(actor, card, CardStatus.CROSSED)
            if stage == 1:
                continue
            if stage == 2:
                actions.mark(
                    actor,
                    card,
                    criteria[0],
                    Stage.REPLY,
                    _score(criteria[0], i),
                    reason="Đã bổ sung danh sách hội viên mới",
                )
                actions.move_scorecard(actor, card, CardStatus.REPLIED)
                continue
            actions.move_scorecard(leader, card, CardStatus.LOCKED)
    # awards: the leader of cluster 1 gets the flag; a certificate waits for the centre
    ranked = actions.ranking(clusters[0].rounds.get())
    first = ranked[0]
    first_org = clusters[0].members.get(pk=first.organisation_id)
    flag = actions.propose_award(
        actor,
        proposer=centre,
        grantor=centre,
        kind=AwardKind.FLAG,
        year=year,
        recipient_org=first_org,
        achievement=f"Dẫn đầu {clusters[0].name} sơ kết 6 tháng năm {year}",
    )
    actions.decide_award(leader, flag, "granted", decision_number=f"112/QĐ-TƯHCTĐ-{year}")
    second_org = clusters[1].members.order_by("name").first()
    actions.propose_award(
        actor,
        proposer=centre,
        grantor=centre,
        kind=AwardKind.MERIT,
        year=year,
        recipient_org=second_org,
        achievement=f"Thành tích xuất sắc trong Tháng Nhân đạo năm {year}",
    )
    # "Người tốt, việc thiện"
    stories = [
        ("1", "Nguyễn Thị Hằng", "Hơn 20 năm nấu cơm miễn phí cho bệnh nhân nghèo tại bệnh viện."),
        ("8", "Lò Văn Thắng", "Vượt lũ đưa 12 người dân bản ra nơi an toàn trong bão Yagi."),
        (
            "79",
            "Nhóm thiện nguyện Bánh mì 0 đồng",
            "Mỗi sáng phát 300 ổ bánh mì cho người lao động.",
        ),
        ("1", "Trần Văn Phúc", "Hiến máu tình nguyện 52 lần, vận động 200 người cùng hiến."),
    ]
    for n, (code, name, story) in enumerate(stories):
        org = network["rc_province"].get(code) or centre
        nomination = actions.nominate(
            actor,
            nominator=org,
            year=year,
            name=name,
            story=story,
            consent=True,
            is_group=name.startswith("Nhóm"),
            consent_on=days(-60),
        )
        if n < 3:
            actions.review_nomination(leader, nomination, "honoured")
    _donor_honours(actor, network, year)


def _donor_honours(actor, network, year: int) -> None:
    """Thresholds of the centre (national) and of Hà Nội for the year, and gifts of this year
    to Hà Nội's Red Cross that reach them: a family who agreed to be published (on the public
    honour page) and a business that did not (on the back office's list only)."""
    centre, hanoi = network["rc_central"], network["rc_province"]["1"]
    for owner, rules in (
        (centre, [(500_000_000, "Tấm lòng vàng vì người nghèo")]),
        (hanoi, [(50_000_000, "Nhà hảo tâm tiêu biểu"), (200_000_000, "Tấm lòng vàng Thủ đô")]),
    ):
        for minimum, title in rules:
            actions.create_donor_rule(actor, owner=owner, year=year, min_total=minimum, title=title)
    early = max(days(-40), date(year, 1, 1))
    givers = [
        (
            "Gia đình ông Nguyễn Văn Bình",
            "individual",
            "0912345678",
            True,
            [120_000_000, 90_000_000],
        ),
        ("Công ty TNHH Xây dựng Long Biên", "business", "0109876543", False, [60_000_000]),
    ]
    for name, kind, ident, consent, amounts in givers:
        donor = donations.find_or_create_donor(
            actor,
            hanoi,
            name=name,
            kind=kind,
            phone=ident if kind == "individual" else "",
            code=ident if kind == "business" else "",
            consent_publish=consent,
        )
        for amount in amounts:
            donations.record_donation(
                actor,
                organisation=hanoi,
                channel="transfer",
                received_on=early,
                amount=amount,
                donor=donor,
                donor_name=donor.name,
            )
