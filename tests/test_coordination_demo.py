"""The demo coordination: the 2023–2027 programme with items and yearly actuals, a directive
with tasks in several states (one late), a supervision with findings answered and one
overdue, and a closed, published supervision for the portal."""

from django.contrib.auth import get_user_model

from nhandao.coordination import home, programmes
from nhandao.coordination.models import Directive, Finding, Programme, SupervisionPlan
from nhandao.demo import coordination as demo
from nhandao.orgs import actions as org_actions
from nhandao.orgs.models import OrgKind, OrgLevel, RoleKind
from nhandao.relief import actions as relief
from tests.conftest import make_org, unit
from tests.test_relief_fixtures import donate, make_campaign


def test_the_demo_holds_the_programme_a_directive_and_a_supervision(cast, client):
    hanoi = unit("1", level="province")
    front = make_org(cast.root, cast.front, "MTTQ-1", "Ủy ban MTTQ Thành phố Hà Nội",
                     OrgLevel.PROVINCE, hanoi, kind=OrgKind.FRONT)  # fmt: skip
    User = get_user_model()
    for username, org in (("hn.canbo", cast.hanoi), ("xa.canbo", cast.ba_dinh),
                          ("xa2.canbo", cast.ngoc_ha)):  # fmt: skip
        org_actions.grant_role(cast.root, User.objects.create_user(username), org,
                               RoleKind.OFFICER)  # fmt: skip
    network = {"front_province": {"1": front}, "rc_province": {"1": cast.hanoi}}
    appeal = make_campaign(cast.root, front, code="YAGI-2024-HN")
    donate(front, appeal, 900_000_000)
    logins = demo.seed(cast.root, network)
    assert [login[0] for login in logins] == ["hn.mttq.canbo", "hn.mttq.ketoan"]
    programme = Programme.objects.get()
    assert (programme.start_year, programme.end_year) == (2023, 2027)
    table = programmes.table(programme)
    assert len(table) == 4
    actuals = [c.actual for _, rows in table for r in rows for c in r.cells if c.actual]
    assert len(actuals) >= 12
    tasks = Directive.objects.get().tasks.all()
    assert {t.status for t in tasks} == {"done", "in_progress", "reported", "assigned"}
    assert [t.assignee for t in tasks if t.is_overdue] == [cast.ba_dinh]
    plan = SupervisionPlan.objects.get(status="ongoing")
    assert {f.status for f in plan.findings.all()} == {"closed", "responded", "open"}
    assert [f.title for f in Finding.objects.all() if f.is_overdue] == [
        "Báo cáo kết quả phân phối gửi chậm"
    ]
    waiting = {w.label: w.count for w in home.waiting(User.objects.get(username="xa.canbo"))}
    assert waiting["Nhiệm vụ được giao đã quá hạn"] == 1
    # money moved under the programme: proposed by the Front's accountant, approved, moved
    moved = programme.allocations.get()
    assert (moved.status, moved.amount, moved.target_organisation) == ("executed", 90_000_000,
                                                                        cast.hanoi)  # fmt: skip
    assert relief.balance_of(cast.hanoi, appeal) == 90_000_000
    public = client.get("/cong-khai/giam-sat/").content.decode()
    assert "Giám sát hỗ trợ hộ nghèo dịp Tết" in public and "bão Yagi" not in public
