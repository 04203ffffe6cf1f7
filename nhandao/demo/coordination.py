"""Demo coordination in Hà Nội: the 2023–2027 coordination programme of the city's Front
committee and Red Cross (items, indicators with yearly targets and actuals, this year's plan,
the mid-term review), a Front plan whose tasks are in every state (one done, one reported and
waiting for confirmation, one late, one not yet due), and a supervision of the Red Cross's
Yagi fund by the Front (findings answered and closed, one answered and waiting for review,
one overdue) besides last year's closed and published supervision; and money moved under the
programme: the Front's accountant proposes passing part of its Yagi fund to the city's Red
Cross, approved by the system administrator (another person), so the ledger moved it. Dated
from today (demo/dates.py), except the programme's years and the Yagi period, which are
real."""

from datetime import date

from django.contrib.auth import get_user_model

from nhandao.audit.models import LedgerAccount
from nhandao.coordination import actions
from nhandao.demo.dates import days, today
from nhandao.demo.orgs import DEMO_PASSWORD
from nhandao.orgs import actions as org_actions
from nhandao.orgs.models import RoleKind
from nhandao.relief import actions as relief
from nhandao.reports.models import Indicator

LOGIN = ("hn.mttq.canbo", "Cán bộ Ban Thường trực MTTQ Hà Nội")
ACCOUNTANT = ("hn.mttq.ketoan", "Kế toán MTTQ Hà Nội")


def seed(actor, network) -> list[tuple[str, str, str]]:
    """Seeds the demo; returns the login it adds (the Front officer)."""
    User = get_user_model()
    front = network["front_province"]["1"]
    red_cross = network["rc_province"]["1"]
    officer = User.objects.create_user(LOGIN[0], password=DEMO_PASSWORD, full_name=LOGIN[1])
    org_actions.grant_role(actor, officer, front, RoleKind.OFFICER)
    rc_officer = User.objects.get(username="hn.canbo")
    commune_officer = User.objects.get(username="xa.canbo")
    sibling_officer = User.objects.get(username="xa2.canbo")
    commune = commune_officer.roles.first().organisation
    sibling = sibling_officer.roles.first().organisation
    programme = _programme(officer, rc_officer, front, red_cross)
    _directive(officer, front, red_cross, commune, sibling, programme,
               rc_officer, commune_officer, sibling_officer)  # fmt: skip
    _supervision(officer, rc_officer, front, red_cross)
    # the Front's accountant of the demo logins (demo/orgs.py), made here when seeded alone
    accountant = User.objects.filter(username=ACCOUNTANT[0]).first()
    logins = [(LOGIN[0], RoleKind.OFFICER.label, front.name)]
    if accountant is None:
        accountant = User.objects.create_user(
            ACCOUNTANT[0], password=DEMO_PASSWORD, full_name=ACCOUNTANT[1]
        )
        org_actions.grant_role(actor, accountant, front, RoleKind.ACCOUNTANT)
        logins.append((ACCOUNTANT[0], RoleKind.ACCOUNTANT.label, front.name))
    _transfer(accountant, actor, programme, front, red_cross)
    return logins


def _transfer(accountant, checker, programme, front, red_cross):
    """A tenth of the Front's largest general fund (at most 200.000.000 ₫) to the Red Cross,
    decided on 05/10/2024 (inside the programme's 2023–2027), proposed and approved."""
    accounts = LedgerAccount.objects.filter(organisation=front, earmark="", campaign__isnull=False)
    funded = max(accounts, key=lambda a: a.balance(), default=None)
    if funded is None or funded.balance() < 10:
        return None
    amount = min(200_000_000, funded.balance() // 10)
    allocation = actions.propose_transfer(
        accountant, programme, organisation=front, campaign=funded.campaign,
        target_organisation=red_cross, amount=amount, decision_no="112/QĐ-MTTQ",
        decision_date=date(2024, 10, 5),
        note="Chuyển Hội Chữ thập đỏ thành phố hỗ trợ hộ bị thiệt hại do bão Yagi",
    )  # fmt: skip
    return relief.approve_allocation(checker, allocation, "Đồng ý chuyển theo chương trình")


def _programme(officer, rc_officer, front, red_cross):
    programme = actions.create_programme(
        officer, organisation=front, parties=[red_cross], level="province",
        title="Chương trình phối hợp giữa Ủy ban MTTQ Việt Nam thành phố Hà Nội và Hội Chữ thập "
              "đỏ thành phố Hà Nội giai đoạn 2023–2027",
        number="03/CTPH-MTTQ-CTĐ", signed_on=date(2023, 3, 15), start_year=2023, end_year=2027,
    )  # fmt: skip
    items = [
        ("Tuyên truyền, phổ biến chủ trương, pháp luật về công tác nhân đạo", front,
         [("Số buổi tuyên truyền chung", "buổi", 20, 150, {2023: 42, 2024: 35, 2025: 38})]),
        ("Vận động, tiếp nhận, phân phối nguồn đóng góp khi thiên tai, dịch bệnh", red_cross,
         [("Số đợt vận động chung", "đợt", 1, 5, {2023: 1, 2024: 2, 2025: 1})]),
        ("Chăm lo hộ nghèo, đối tượng yếu thế dịp Tết", red_cross,
         [("Số suất quà Tết trao hộ nghèo", "suất", 5_000, 30_000,
           {2023: 6_200, 2024: 5_800, 2025: 6_400})]),
        ("Phối hợp kiểm tra, giám sát, phản biện xã hội", front,
         [("Số cuộc giám sát việc sử dụng nguồn đóng góp", "cuộc", 0, 10,
           {2023: 2, 2024: 3, 2025: 2})]),
    ]  # fmt: skip
    for title, responsible, indicators in items:
        item = actions.add_item(officer, programme, title=title, responsible=responsible,
                                partners=[front, red_cross])  # fmt: skip
        for name, unit, baseline, target, actuals in indicators:
            indicator = actions.add_indicator(
                officer, item, name=name, unit=unit, baseline=baseline, target=target,
                yearly_targets={y: target // 5 for y in programme.years},
            )  # fmt: skip
            who = officer if responsible == front else rc_officer
            for year, value in actuals.items():
                actions.set_actual(who, indicator, year, value)
        if responsible == red_cross and item.order == 2:
            # fed by the Red Cross's approved reports (the demo's province report still waits)
            actions.add_indicator(
                officer, item, name="Ngân sách Nhà nước hỗ trợ công tác nhân đạo", unit="đồng",
                source=Indicator.objects.filter(code="state_budget").first(),
            )  # fmt: skip
    actions.set_year_plan(
        officer, programme, today().year,
        "Tháng Nhân đạo; Tết Nhân ái; vận động ủng hộ khi có thiên tai; giám sát quỹ cứu trợ.",
    )  # fmt: skip
    actions.record_review(
        officer, programme, kind="mid_term", held_on=date(2025, 6, 30), number="45/BC-MTTQ",
        summary="Hai bên phối hợp chặt chẽ, vượt chỉ tiêu suất quà Tết; cần đẩy mạnh giám sát "
                "việc phân phối nguồn đóng góp ở cấp xã.",
    )  # fmt: skip
    return programme


def _directive(officer, front, red_cross, commune, sibling, programme,
               rc_officer, commune_officer, sibling_officer):  # fmt: skip
    directive = actions.issue_directive(
        officer, organisation=front, kind="ke_hoach", number="15/KH-MTTQ-BTT",
        title="Kế hoạch phối hợp vận động, tiếp nhận, phân phối quà Tết cho hộ nghèo",
        issued_on=days(-40), programme=programme,
        tasks=[
            ("Tổng hợp danh sách hộ nghèo, cận nghèo cần hỗ trợ", [red_cross], days(-10)),
            ("Trao quà tận tay hộ nghèo, có danh sách ký nhận", [commune, sibling], days(-3)),
            ("Báo cáo kết quả về Ban Thường trực", [red_cross], days(14)),
        ],
    )  # fmt: skip
    first = directive.tasks.get(order=1)
    actions.report_progress(rc_officer, first, progress=100, complete=True,
                            text="Đã tổng hợp 1.240 hộ từ các xã, phường.",
                            evidence_note="Danh sách tổng hợp gửi kèm công văn 88/CTĐ")  # fmt: skip
    actions.move_task(officer, first, "done")
    late = directive.tasks.get(order=2, assignee=commune)
    actions.report_progress(commune_officer, late, progress=60,
                            text="Đã trao 120/200 suất; còn các hộ ở tổ dân phố xa.")  # fmt: skip
    reported = directive.tasks.get(order=2, assignee=sibling)
    actions.report_progress(sibling_officer, reported, progress=100, complete=True,
                            text="Đã trao đủ 150 suất.",
                            evidence_note="Danh sách ký nhận lưu tại văn phòng Hội")  # fmt: skip


def _supervision(officer, rc_officer, front, red_cross):
    last_year = today().year - 1
    past = actions.create_plan(
        officer, organisation=front, supervised=red_cross, subject="relief",
        title=f"Giám sát hỗ trợ hộ nghèo dịp Tết năm {last_year}",
        period_start=date(last_year, 1, 1), period_end=date(last_year, 3, 31),
        access_from=date(last_year, 5, 1), access_until=date(last_year, 5, 31),
    )  # fmt: skip
    visit = actions.add_visit(officer, past, held_on=date(last_year, 5, 10), place="Trụ sở Hội")
    done = actions.add_finding(
        officer, past, visit=visit, title="Một số biên bản trao quà thiếu chữ ký người nhận",
        severity="low", evidence="3/40 biên bản kiểm tra", recommendation="Bổ sung chữ ký",
        due_on=date(last_year, 6, 30), criterion=past.checklist.last(),
    )  # fmt: skip
    actions.respond(rc_officer, done, response="Đã bổ sung đủ chữ ký.",
                    corrective_action="Nhắc các chi hội lập biên bản đúng mẫu.")  # fmt: skip
    actions.move_finding(officer, done, "accepted")
    actions.move_finding(officer, done, "closed", "Đã kiểm tra lại hồ sơ ngày 15/7.")
    actions.close_plan(officer, past, publish=True,
                       conclusion="Hội Chữ thập đỏ thành phố hỗ trợ đúng đối tượng, công khai "
                                  "danh sách; đã khắc phục thiếu sót về biên bản.")  # fmt: skip

    plan = actions.create_plan(
        officer, organisation=front, supervised=red_cross, subject="funds",
        title="Giám sát vận động, tiếp nhận, phân phối ủng hộ đồng bào bị bão Yagi",
        period_start=date(2024, 9, 1), period_end=date(2024, 12, 31),
        access_from=days(-20), access_until=days(40),
        team="Trưởng đoàn: Phó Chủ tịch Ủy ban MTTQ thành phố; thành viên: Ban Dân chủ - "
             "Pháp luật, đại diện Sở Tài chính.",
    )  # fmt: skip
    visit = actions.add_visit(officer, plan, held_on=days(-15), place="Trụ sở Hội CTĐ Hà Nội",
                              note="Làm việc với Thường vụ, kiểm tra sổ sách.")  # fmt: skip
    checklist = list(plan.checklist.all())
    closed = actions.add_finding(
        officer, plan, visit=visit, criterion=checklist[1], severity="medium",
        title="Chưa công khai danh sách ủng hộ trên trang thông tin của Hội",
        evidence="Trang thông tin chỉ đăng tổng số tiền", due_on=days(-8),
        recommendation="Công khai danh sách, số tiền từng khoản theo Nghị định 93",
    )  # fmt: skip
    actions.respond(rc_officer, closed, response="Đã đăng danh sách đầy đủ ngày "
                    f"{days(-10):%d/%m/%Y}.", corrective_action="Cập nhật hằng tuần.")  # fmt: skip
    actions.move_finding(officer, closed, "accepted")
    actions.move_finding(officer, closed, "closed", "Đã kiểm tra trang thông tin.")
    answered = actions.add_finding(
        officer, plan, visit=visit, criterion=checklist[3], severity="high",
        title="Một số khoản chi chưa đủ chứng từ", evidence="5 khoản chi tháng 10/2024",
        recommendation="Bổ sung chứng từ hoặc thu hồi", due_on=days(5),
    )  # fmt: skip
    actions.respond(rc_officer, answered, response="Đã bổ sung chứng từ 4/5 khoản.",
                    corrective_action="Khoản còn lại: đang đối chiếu với ngân hàng.")  # fmt: skip
    actions.add_finding(
        officer, plan, visit=visit, criterion=checklist[4], severity="medium",
        title="Báo cáo kết quả phân phối gửi chậm", evidence="Báo cáo quý IV/2024 gửi chậm",
        recommendation="Báo cáo giải trình, bảo đảm hạn báo cáo", due_on=days(-2),
    )  # fmt: skip
