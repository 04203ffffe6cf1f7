"""The demo emulation (issue #18's "done when"): this year's two province clusters with their
criteria, marks at several stages, a ranking, award proposals with a granted one whose
certificate prints, the public honour roll, and donors honoured by thresholds, the one who
did not agree to be published on the back office's list only."""

import io

import pytest
from django.contrib.auth import get_user_model
from docx import Document

from nhandao.demo import emulation as demo
from nhandao.emulation import actions
from nhandao.emulation.models import AwardProposal, AwardStatus, Mark, Nomination, Scorecard
from nhandao.orgs import actions as org_actions
from nhandao.orgs.models import AdminMap, AdminUnit, OrgLevel, RoleKind
from tests.conftest import make_org


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_holds_clusters_marks_a_ranking_awards_and_both_honour_rolls(cast, client):
    year = demo.today().year
    provinces = [cast.hanoi, cast.tuyen_quang]
    units = AdminUnit.objects.filter(map=AdminMap.NEW, level="province").exclude(
        code__in=["1", "8"]
    )
    for n, unit in enumerate(units.order_by("code")[:6]):
        provinces.append(
            make_org(
                cast.root,
                cast.central,
                f"CTD-P{n}",
                f"Hội CTĐ {unit.name}",
                OrgLevel.PROVINCE,
                unit,
            )  # fmt: skip
        )
    User = get_user_model()
    for username, org, role in (("tw.lanhdao", cast.central, RoleKind.MANAGER),
                                ("hn.canbo", cast.hanoi, RoleKind.OFFICER)):  # fmt: skip
        org_actions.grant_role(cast.root, User.objects.create_user(username), org, role)
    for number, members in ((1, provinces[1:5]), (2, [provinces[0], *provinces[5:8]])):
        org_actions.create_cluster(cast.root, owner=cast.central, year=year, number=number,
                                   name=f"Cụm thi đua số {number}", members=members)  # fmt: skip
    network = {"rc_central": cast.central, "rc_province": {"1": cast.hanoi, "8": cast.tuyen_quang}}
    demo.seed(cast.root, network)

    statuses = set(Scorecard.objects.values_list("status", flat=True))
    assert {"self", "sent", "crossed", "locked"} <= statuses
    assert {"self", "cross", "reply"} <= set(Mark.objects.values_list("stage", flat=True))
    ranked = actions.ranking(Scorecard.objects.filter(status="locked").first().round)
    assert [r.rank for r in ranked] == sorted(r.rank for r in ranked) and ranked[0].grade
    # Hà Nội's self-assessment is half done, for hn.canbo to finish
    hanoi_card = Scorecard.objects.get(organisation=cast.hanoi)
    assert hanoi_card.status == "self" and hanoi_card.marks.count() == 4
    granted = AwardProposal.objects.get(status=AwardStatus.GRANTED)
    assert AwardProposal.objects.filter(status=AwardStatus.PROPOSED).count() == 1
    client.force_login(User.objects.get(username="tw.lanhdao"))
    answer = client.get(f"/thi-dua/khen-thuong/{granted.pk}/giay-khen.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(answer.content)).paragraphs)
    assert "CỜ THI ĐUA" in text and granted.recipient_name in text
    assert Nomination.objects.public().count() == 3
    # donors: the family consented (210.000.000 đ → Hà Nội's higher title), the business not
    hanoi = {h.name: (h.total, h.title) for h in actions.donor_honours(cast.hanoi, year)}
    assert hanoi["Gia đình ông Nguyễn Văn Bình"] == (210_000_000, "Tấm lòng vàng Thủ đô")
    assert hanoi["Công ty TNHH Xây dựng Long Biên"] == (60_000_000, "Nhà hảo tâm tiêu biểu")
    public = client.get(f"/cong-khai/nguoi-tot-viec-thien/?nam={year}").content.decode()
    assert "Gia đình ông Nguyễn Văn Bình" in public and "Tấm lòng vàng Thủ đô" in public
    assert "Long Biên" not in public
