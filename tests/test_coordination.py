"""Coordination (issue #21): directives and tasks followed to the end, programme indicators
fed by approved reports, findings with their own lifecycle, and the supervisor's time-bound
read-only access to the supervised organisation's donations."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from nhandao.coordination import actions, home, lookups, programmes
from nhandao.coordination.models import FindingStatus, Task, TaskStatus
from nhandao.lib.errors import Refused
from nhandao.orgs import actions as org_actions
from nhandao.orgs.models import OrgKind, OrgLevel, RoleKind, SupervisedRead
from nhandao.reports import actions as reports
from nhandao.reports.models import Indicator
from tests.conftest import make_org, unit

TODAY = timezone.localdate()


@pytest.fixture
def front(cast):
    """The Hà Nội Front committee (a province of the other tree) and its officer."""
    from django.contrib.auth import get_user_model

    cast.hn_front = make_org(
        cast.root, cast.front, "MTTQ-1", "Ủy ban MTTQ Việt Nam thành phố Hà Nội",
        OrgLevel.PROVINCE, unit("1", level="province"), kind=OrgKind.FRONT,
    )  # fmt: skip
    user = get_user_model().objects.create_user("hn_front_officer", full_name="Cán bộ MTTQ")
    org_actions.grant_role(cast.root, user, cast.hn_front, RoleKind.OFFICER)
    cast.hn_front_officer = user
    return cast


def directive(cast, tasks, issued_on=None):
    return actions.issue_directive(
        cast.hn_front_officer, organisation=cast.hn_front, kind="ke_hoach",
        number="12/KH-MTTQ-BTT", title="Phối hợp vận động ủng hộ đồng bào bị thiên tai",
        issued_on=issued_on or TODAY - timedelta(days=30), tasks=tasks,
    )  # fmt: skip


def test_a_directive_gives_tasks_across_to_the_red_cross_and_down_its_communes(front):
    cast = front
    d = directive(cast, [
        ("Tổ chức tiếp nhận ủng hộ", [cast.hanoi], TODAY + timedelta(days=10)),
        ("Phân phối, công khai kết quả", [cast.ba_dinh, cast.ngoc_ha], TODAY - timedelta(days=1)),
    ])  # fmt: skip
    tasks = list(d.tasks.order_by("order", "assignee__code"))
    assert [(t.ordinal, t.assignee.code) for t in tasks] == [
        ("Thứ nhất", "CTD-1"), ("Thứ hai", "CTD-X4"), ("Thứ hai", "CTD-X8")
    ]  # fmt: skip
    # the assignee sees the directive and its own task; another province sees nothing
    assert lookups.get_directive(cast.ba_dinh_officer, d.pk) == d
    assert Task.objects.for_user(cast.ba_dinh_officer).get().assignee == cast.ba_dinh
    with pytest.raises(Http404):
        lookups.get_directive(cast.tq_officer, d.pk)


def test_tasks_out_of_reach_or_due_before_the_directive_are_refused_and_nothing_is_written(front):
    cast = front
    from nhandao.coordination.models import Directive

    with pytest.raises(Refused, match="Tuyên Quang.*không giao được"):
        directive(cast, [("Việc 1", [cast.hanoi], TODAY),
                         ("Việc 2", [cast.tuyen_quang], TODAY)])  # fmt: skip
    with pytest.raises(Refused, match="Nhiệm vụ thứ nhất: hạn hoàn thành .* trước ngày ban hành"):
        directive(cast, [("Việc 1", [cast.hanoi], TODAY - timedelta(days=31))])
    with pytest.raises(Refused, match="chưa chọn đơn vị"):
        directive(cast, [("Việc 1", [], TODAY)])
    with pytest.raises(PermissionDenied):  # a Red Cross officer cannot issue for the Front
        actions.issue_directive(
            cast.hn_officer, organisation=cast.hn_front, kind="ke_hoach", number="1",
            title="x", issued_on=TODAY,
        )  # fmt: skip
    assert not Directive.objects.exists() and not Task.objects.exists()


def test_task_lifecycle_with_evidence_and_overdue_on_both_home_pages(front):
    cast = front
    d = directive(cast, [("Phân phối", [cast.ba_dinh, cast.ngoc_ha], TODAY - timedelta(days=2))])
    late, other = d.tasks.order_by("assignee__code")
    assert late.is_overdue
    labels = {w.label: w.count for w in home.waiting(cast.ba_dinh_officer)}
    assert labels["Nhiệm vụ được giao đã quá hạn"] == 1
    labels = {w.label: w.count for w in home.waiting(cast.hn_front_officer)}
    assert labels["Nhiệm vụ đã giao bị quá hạn (theo dõi, đôn đốc)"] == 2
    # progress, then completion: evidence is required
    actions.report_progress(cast.ba_dinh_officer, late, progress=40, text="Đã trao 20 suất quà")
    late.refresh_from_db()
    assert late.status == TaskStatus.IN_PROGRESS and late.progress == 40
    with pytest.raises(Refused, match="cần minh chứng"):
        actions.report_progress(cast.ba_dinh_officer, late, progress=100, text="Xong",
                                complete=True)  # fmt: skip
    with pytest.raises(PermissionDenied):  # Ngọc Hà does not report Ba Đình's task
        actions.report_progress(cast.ngoc_ha_officer, late, progress=50, text="x")
    actions.report_progress(cast.ba_dinh_officer, late, progress=90, text="Đã trao đủ 50 suất",
                            evidence_note="Biên bản trao quà", complete=True)  # fmt: skip
    late.refresh_from_db()
    assert late.status == TaskStatus.REPORTED and late.progress == 100
    # the assignee cannot confirm its own task; the issuer returns, then confirms
    with pytest.raises(PermissionDenied):
        actions.move_task(cast.ba_dinh_officer, late, TaskStatus.DONE)
    with pytest.raises(Refused, match="lý do trả lại"):
        actions.move_task(cast.hn_front_officer, late, TaskStatus.IN_PROGRESS)
    actions.move_task(cast.hn_front_officer, late, TaskStatus.IN_PROGRESS, "Thiếu danh sách ký")
    actions.report_progress(cast.ba_dinh_officer, late, progress=100, text="Bổ sung danh sách",
                            evidence_note="Danh sách ký nhận", complete=True)  # fmt: skip
    actions.move_task(cast.hn_front_officer, late, TaskStatus.DONE)
    late.refresh_from_db()
    assert late.status == TaskStatus.DONE and late.done_on == TODAY and not late.is_overdue
    assert [h.to_status for h in late.history.all()] == [
        "assigned",
        "in_progress",
        "reported",
        "in_progress",
        "reported",
        "done",
    ]
    labels = {w.label: w.count for w in home.waiting(cast.hn_front_officer)}
    assert labels["Nhiệm vụ đã giao bị quá hạn (theo dõi, đôn đốc)"] == 1  # Ngọc Hà's


def approved_report(cast, org, officer, period, budget):
    report = reports.open_report(officer, org, period)
    reports.save_entries(officer, report, {"state_budget": budget})
    return reports.approve(cast.hn_manager, reports.submit(officer, report))


def test_programme_indicators_take_actuals_from_approved_reports_and_entered_ones(front):
    cast = front
    p = actions.create_programme(
        cast.hn_front_officer, organisation=cast.hn_front, parties=[cast.ngoc_ha],
        title="Chương trình phối hợp 2023–2027", level="commune", signed_on=date(2023, 3, 1),
        start_year=2023, end_year=2027,
    )  # fmt: skip
    item = actions.add_item(cast.hn_front_officer, p, title="Vận động nguồn lực",
                            responsible=cast.ngoc_ha)  # fmt: skip
    fed = actions.add_indicator(
        cast.hn_front_officer, item, name="Ngân sách Nhà nước hỗ trợ", unit="đồng",
        baseline=0, target=50_000_000, source=Indicator.objects.get(code="state_budget"),
        yearly_targets={2024: 10_000_000},
    )  # fmt: skip
    typed = actions.add_indicator(cast.hn_front_officer, item, name="Hộ được hỗ trợ",
                                  unit="hộ", target=100)  # fmt: skip
    approved_report(cast, cast.ngoc_ha, cast.ngoc_ha_officer, "2024-H1", 4_000_000)
    approved_report(cast, cast.ngoc_ha, cast.ngoc_ha_officer, "2024-H2", 6_500_000)
    draft = reports.open_report(cast.ngoc_ha_officer, cast.ngoc_ha, "2025-H1")
    reports.save_entries(cast.ngoc_ha_officer, draft, {"state_budget": 99})  # not approved
    actions.set_actual(cast.ngoc_ha_officer, typed, 2024, 37)
    with pytest.raises(Refused, match="lấy số từ báo cáo"):
        actions.set_actual(cast.ngoc_ha_officer, fed, 2024, 1)
    with pytest.raises(Refused, match="Năm 2030 nằm ngoài giai đoạn"):
        actions.set_actual(cast.ngoc_ha_officer, typed, 2030, 1)
    with pytest.raises(Refused, match="không được âm|phải từ 0"):
        actions.set_actual(cast.ngoc_ha_officer, typed, 2025, -5)
    ((_, rows),) = programmes.table(p)
    cells = {r.indicator.name: {c.year: (c.actual, c.origin) for c in r.cells} for r in rows}
    assert cells["Ngân sách Nhà nước hỗ trợ"][2024] == (10_500_000, "reports")
    assert cells["Ngân sách Nhà nước hỗ trợ"][2025] == (None, "")
    assert cells["Hộ được hỗ trợ"][2024] == (37, "entered")
    assert rows[0].percent == 21


@pytest.fixture
def plan(front):
    cast = front
    return actions.create_plan(
        cast.hn_front_officer, organisation=cast.hn_front, supervised=cast.ba_dinh,
        title="Giám sát tiếp nhận, phân phối ủng hộ bão Yagi", subject="funds",
        period_start=date(2024, 9, 1), period_end=date(2024, 12, 31),
        access_from=TODAY - timedelta(days=5), access_until=TODAY + timedelta(days=25),
        team="Trưởng đoàn: Phó Chủ tịch MTTQ thành phố",
    )  # fmt: skip


def finding(cast, plan, due=None):
    return actions.add_finding(
        cast.hn_front_officer, plan, title="Chưa công khai danh sách nhận hỗ trợ",
        severity="medium", evidence="Bảng tin phường không có danh sách",
        recommendation="Niêm yết danh sách trong 5 ngày", due_on=due or TODAY + timedelta(7),
        criterion=plan.checklist.all()[1],
    )  # fmt: skip


def test_a_finding_is_never_closed_without_a_response_or_a_waiver(front, plan):
    cast = front
    assert plan.checklist.count() == 5  # the subject's standard checklist, as rows
    f = finding(cast, plan)
    with pytest.raises(Refused, match="chưa có phản hồi .* miễn thực hiện"):
        actions.move_finding(cast.hn_front_officer, f, FindingStatus.CLOSED)
    with pytest.raises(PermissionDenied):  # the supervised does not close its own finding
        actions.move_finding(cast.ba_dinh_officer, f, FindingStatus.WAIVED, "x")
    with pytest.raises(Refused, match="biện pháp khắc phục"):
        actions.respond(cast.ba_dinh_officer, f, response="Đã niêm yết", corrective_action="")
    actions.respond(cast.ba_dinh_officer, f, response="Đã niêm yết ngày 3/12",
                    corrective_action="Niêm yết tại nhà văn hóa tổ dân phố")  # fmt: skip
    actions.move_finding(cast.hn_front_officer, f, FindingStatus.OPEN, "Thiếu ảnh chụp")
    actions.respond(cast.ba_dinh_officer, f, response="Bổ sung ảnh",
                    corrective_action="Niêm yết tại nhà văn hóa")  # fmt: skip
    actions.move_finding(cast.hn_front_officer, f, FindingStatus.ACCEPTED)
    with pytest.raises(Refused, match="kết quả kiểm tra lại"):
        actions.move_finding(cast.hn_front_officer, f, FindingStatus.CLOSED)
    actions.move_finding(cast.hn_front_officer, f, FindingStatus.CLOSED, "Đã kiểm tra tại chỗ")
    f.refresh_from_db()
    assert f.status == "closed" and f.recheck_note and f.closed_on == TODAY
    waived = finding(cast, plan)
    with pytest.raises(Refused, match="phải có lý do"):
        actions.move_finding(cast.hn_front_officer, waived, FindingStatus.WAIVED)
    actions.move_finding(cast.hn_front_officer, waived, FindingStatus.WAIVED,
                         "Đơn vị đã giải thể quỹ")  # fmt: skip
    actions.move_finding(cast.hn_front_officer, waived, FindingStatus.CLOSED)
    assert [h.to_status for h in waived.history.all()] == ["open", "waived", "closed"]
    actions.close_plan(cast.hn_front_officer, plan, conclusion="Cơ bản đúng quy định",
                       publish=True)  # fmt: skip
    plan.refresh_from_db()
    assert plan.status == "closed" and plan.grant.valid_until == TODAY
    from io import BytesIO

    from docx import Document

    from nhandao.coordination import outputs

    text = "\n".join(p.text for p in Document(BytesIO(outputs.plan_docx(plan))).paragraphs)
    assert "Chưa công khai danh sách nhận hỗ trợ" in text and "Cơ bản đúng quy định" in text
    assert "Miễn thực hiện: Đơn vị đã giải thể quỹ" in text


def test_findings_due_and_overdue_wait_on_the_supervised_home(front, plan):
    cast = front
    late = finding(cast, plan, due=TODAY)
    late.due_on = TODAY - timedelta(days=3)  # the deadline passed since
    late.save()
    labels = {w.label: w.count for w in home.waiting(cast.ba_dinh_officer)}
    assert labels["Kết luận giám sát quá hạn khắc phục"] == 1
    actions.respond(cast.ba_dinh_officer, late, response="Đã làm", corrective_action="Niêm yết")
    labels = {w.label: w.count for w in home.waiting(cast.hn_front_officer)}
    assert labels["Phản hồi kết luận giám sát chờ bạn xem xét"] == 1


def test_plan_refuses_bad_periods_and_organisations_outside_the_area(front):
    cast = front
    base = dict(organisation=cast.hn_front, title="x", subject="funds",
                period_start=date(2024, 1, 1), period_end=date(2024, 12, 31),
                access_from=TODAY, access_until=TODAY + timedelta(days=10))  # fmt: skip
    with pytest.raises(Refused, match="không giao được"):
        actions.create_plan(cast.hn_front_officer, supervised=cast.tuyen_quang, **base)
    with pytest.raises(Refused, match="tối đa một năm"):
        actions.create_plan(cast.hn_front_officer, supervised=cast.hanoi,
                            **{**base, "access_until": TODAY + timedelta(days=400)})  # fmt: skip
    with pytest.raises(Refused, match="ngày bắt đầu phải trước"):
        actions.create_plan(cast.hn_front_officer, supervised=cast.hanoi,
                            **{**base, "period_start": date(2025, 1, 1)})  # fmt: skip


def donation(cast, day):
    from nhandao.donations import actions as donations

    return donations.record_donation(
        cast.root, organisation=cast.ba_dinh, channel="cash", received_on=day, amount=500_000,
        donor_name="Nguyễn Văn An",
    )  # fmt: skip


def test_the_supervisor_reads_the_periods_donations_only_while_the_plan_lasts(front, plan):
    cast = front
    from nhandao.donations.lookups import get_donation

    inside, outside = donation(cast, date(2024, 9, 20)), donation(cast, date(2024, 3, 1))
    assert get_donation(cast.hn_front_officer, inside.pk) == inside
    assert SupervisedRead.objects.filter(user=cast.hn_front_officer).count() == 1
    with pytest.raises(PermissionDenied, match="chỉ được xem sổ sách từ 01/09/2024"):
        get_donation(cast.hn_front_officer, outside.pk)
    with pytest.raises(Http404):  # read only: for any other permission it stays out of reach
        get_donation(cast.hn_front_officer, inside.pk, "money")
    assert get_donation(cast.front_manager, inside.pk) == inside  # the central Front is above
    with pytest.raises(Http404):  # no grant held in Tuyên Quang
        get_donation(cast.tq_officer, inside.pk)
    plan.grant.valid_until = TODAY - timedelta(days=1)  # the window ended
    plan.grant.save()
    with pytest.raises(Http404):
        get_donation(cast.hn_front_officer, inside.pk)
    assert SupervisedRead.objects.count() == 2


def test_pages_show_the_follow_up_board_and_refuse_bad_input_in_words(front, login):
    cast = front
    d = directive(cast, [("Tổ chức tiếp nhận", [cast.hanoi], TODAY - timedelta(days=1))])
    client = login(cast.hn_front_officer)
    board = client.get(f"/chi-dao/{d.pk}/").content.decode()
    assert "Hội Chữ thập đỏ Hà Nội" in board and "quá hạn" in board
    # the assignee picker lists the issuer's partners in its area, not the user's reach only
    assert 'value="CTD-X4"' in board and 'value="CTD-8"' not in board
    # a task due before the directive: the form shows why, nothing is written
    before = Task.objects.count()
    refused = client.post(f"/chi-dao/{d.pk}/giao/", {
        "title": "Việc muộn", "assignees": ["CTD-X4"],
        "due_on": (d.issued_on - timedelta(days=1)).strftime("%d/%m/%Y"),
    })  # fmt: skip
    assert refused.status_code == 422 and "trước ngày ban hành" in refused.content.decode()
    refused = client.post(f"/chi-dao/{d.pk}/giao/", {
        "title": "Việc xa", "assignees": ["CTD-8"], "due_on": TODAY.strftime("%d/%m/%Y"),
    })  # fmt: skip
    assert refused.status_code == 422 and "ngoài phạm vi" in refused.content.decode()
    assert Task.objects.count() == before
    assert client.get(f"/chi-dao/{d.pk}/?format=xlsx").status_code == 200
    for url in ("/chi-dao/", "/nhiem-vu/?ben=giao", "/phoi-hop/", "/giam-sat/",
                "/ket-luan-giam-sat/"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    assert client.get("/").status_code == 200
    task = d.tasks.get()
    page = login(cast.hn_officer).get(f"/nhiem-vu/{task.pk}/").content.decode()
    assert "Báo cáo tiến độ" in page


def test_the_api_issues_a_directive_and_refuses_a_deadline_before_it(front, client):
    cast = front
    client.force_login(cast.hn_front_officer)
    payload = {
        "organisation": "MTTQ-1", "number": "5/CV-MTTQ", "title": "Đôn đốc báo cáo",
        "issued_on": TODAY.isoformat(),
        "tasks": [{"title": "Báo cáo kết quả", "assignees": ["CTD-1", "CTD-X4"],
                   "due_on": (TODAY + timedelta(days=5)).isoformat()}],
    }  # fmt: skip
    made = client.post("/api/coordination/directives", payload, content_type="application/json")
    assert made.status_code == 201, made.content
    assert [t["assignee"] for t in made.json()["tasks"]] == ["CTD-1", "CTD-X4"]
    payload["tasks"][0]["due_on"] = (TODAY - timedelta(days=5)).isoformat()
    refused = client.post("/api/coordination/directives", payload,
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 422 and "trước ngày ban hành" in refused.json()["detail"]
    from nhandao.coordination.models import Directive

    assert Directive.objects.count() == 1


def test_the_reminders_command_prints_what_is_due_and_late(front):
    from io import StringIO

    from django.core.management import CommandError, call_command

    cast = front
    out = StringIO()
    call_command("coordination_reminders", stdout=out)
    assert out.getvalue() == "Không có việc nào đến hạn trong 7 ngày tới.\n"
    directive(cast, [("Trao quà", [cast.ba_dinh], TODAY - timedelta(days=2)),
                     ("Báo cáo", [cast.hanoi], TODAY + timedelta(days=3)),
                     ("Tổng kết", [cast.hanoi], TODAY + timedelta(days=30))])  # fmt: skip
    out = StringIO()
    call_command("coordination_reminders", "--days", "7", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{(TODAY - timedelta(days=2)):%d/%m/%Y} · quá hạn 2 ngày · "
                               "nhiệm vụ · Hội Chữ thập đỏ Phường Ba Đình")  # fmt: skip
    assert "còn 3 ngày" in lines[1] and lines[2] == "2 việc cần nhắc."
    with pytest.raises(CommandError, match="--days phải từ 0 đến 365"):
        call_command("coordination_reminders", "--days", "-1")


def test_the_reminders_tell_the_organisations_that_must_act_once_a_day(front):
    from io import StringIO

    from django.core.management import call_command

    from nhandao.lib.models import Notification

    cast = front
    directive(cast, [("Trao quà", [cast.ba_dinh], TODAY - timedelta(days=2))])
    out = StringIO()
    call_command("coordination_reminders", "--notify", stdout=out)
    assert out.getvalue().splitlines()[-2:] == ["1 việc cần nhắc.", "Đã gửi 1 thông báo."]
    (note,) = Notification.objects.all()
    assert note.user == cast.ba_dinh_officer and note.kind == "deadlines"
    assert note.subject == "Nhiệm vụ quá hạn 2 ngày: Trao quà"
    assert note.link.startswith("/nhiem-vu/")
    out = StringIO()
    call_command("coordination_reminders", "--notify", stdout=out)
    assert out.getvalue().splitlines()[-1] == "Đã gửi 0 thông báo."  # not twice a day


def test_the_daily_deadlines_command_tells_coordination_reminders_too(front):
    from io import StringIO

    from django.core.management import call_command

    from nhandao.lib.models import Notification

    cast = front
    directive(cast, [("Trao quà", [cast.ba_dinh], TODAY - timedelta(days=2))])
    out = StringIO()
    call_command("deadlines", "--notify", stdout=out)
    assert any(line.startswith(f"{(TODAY - timedelta(days=2)):%d/%m/%Y} · quá hạn 2 ngày · "
                               "nhiệm vụ · Hội Chữ thập đỏ Phường Ba Đình · Trao quà")
               for line in out.getvalue().splitlines())  # fmt: skip
    (note,) = Notification.objects.filter(link__startswith="/nhiem-vu/")
    assert note.user == cast.ba_dinh_officer and note.kind == "deadlines"
    out = StringIO()
    call_command("coordination_reminders", "--notify", stdout=out)  # the same reminder: told
    assert out.getvalue().splitlines()[-1] == "Đã gửi 0 thông báo."  # once, by either command
