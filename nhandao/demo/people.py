"""Demo members and volunteers: the demo commune's members (some carried over from the
chapters merged into it on 1 July 2025), this year's fee schedule with paid and unpaid
months, last year's fees collected and the year closed, a transfer from the sibling commune
waiting for the commune's agreement, a first-aid team with this week's shifts (one done,
with attendance), a Youth Red Cross group in a school with its members, and who led the
commune, the chapter merged into it and the province when."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from nhandao.demo.dates import days, today
from nhandao.orgs import actions as org_actions
from nhandao.orgs.models import MERGER_DAY, Organisation, OrgLevel
from nhandao.people import actions, leaders, training, youth
from nhandao.people import membership as ms
from nhandao.people import volunteers as vol
from nhandao.people.models import Membership

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Thị", "Văn", "Minh", "Thu", "Đức", "Ngọc", "Hữu", "Thanh"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam",
         "Oanh", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Yến"]  # fmt: skip
SHARES = {"branch": 50, "commune": 30, "province": 15, "central": 5}  # DOMAIN §10 (2009 notice)


def _name(i: int) -> str:
    return f"{FAMILY[i % 10]} {MIDDLE[(i // 10) % 8]} {GIVEN[(i * 7) % 20]}"


def _user(username):
    return get_user_model().objects.get(username=username)


def seed(actor, network) -> None:
    officer, accountant = _user("xa.canbo"), _user("xa.ketoan")
    commune = officer.roles.first().organisation
    sibling = _user("xa2.canbo").roles.first().organisation
    year = today().year
    for y in (year - 1, year):
        ms.set_schedule(actor, year=y, amount_per_month=1_000, exemption_cap_percent=10,
                        shares=SHARES)  # fmt: skip
    branch = org_actions.create_organisation(
        actor, parent=commune, code=f"{commune.code}-CH1", name="Chi hội Tổ dân phố số 1",
        kind=commune.kind, level=OrgLevel.BRANCH, admin_unit=None, partner_type="",
    )  # fmt: skip
    # members of a chapter merged into the commune, from before the reform, carried over
    old = Organisation.objects.filter(successor=commune).order_by("pk").first()
    i = 0
    if old is not None:
        for _ in range(6):
            person = actions.create_individual(actor, organisation=old, full_name=_name(i),
                                               birth_date=date(1960 + i, 3, 1 + i))  # fmt: skip
            ms.join(actor, person, old, kind="member", started_on=date(2019 + i % 4, 5, 19))
            i += 1
        ms.carry_merged_members(actor, old)
    # the commune's and its branch's own members; most paid the first months of the year
    members = []
    for n in range(24):
        org = branch if n % 2 else commune
        person = actions.create_individual(
            actor, organisation=org, full_name=_name(i), birth_date=date(1965 + n, 1 + n % 12, 9),
            phone=f"09{12345600 + i:08d}"[:10], consent_contact=True,
        )  # fmt: skip
        i += 1
        start = max(MERGER_DAY, days(-400 + 11 * n)) if n < 20 else days(-20 * (n - 19))
        members.append(ms.join(officer, person, org, kind="member", started_on=start))
    _youth(actor, officer, commune)
    upto = today().month - 1 if today().month > 1 else 1
    for n, m in enumerate(members[:16]):
        due = ms.months_due(m, year, date(year, upto, 28))
        if due:
            ms.record_payment(accountant, m, year=year, months=due[: 3 + n % 4],
                              paid_on=days(-n))  # fmt: skip
    ms.exempt(officer, members[3], year=year, reason="Hộ nghèo, người cao tuổi sống một mình")
    _last_year_closed(accountant, commune, year - 1)
    _leaders(actor, commune, old)
    # a member of the sibling commune moving here: the sibling agreed, the commune has not yet
    mover = actions.create_individual(actor, organisation=sibling, full_name="Cao Văn Chuyển",
                                      birth_date=date(1988, 8, 8))  # fmt: skip
    moving = ms.join(actor, mover, sibling, kind="member", started_on=date(2025, 9, 1))
    ms.request_transfer(_user("xa2.canbo"), moving, to_org=commune, effective_on=days(7),
                        reason="Chuyển nơi ở")  # fmt: skip
    _volunteers(actor, officer, commune, members)
    _training(officer, commune, members)


def _volunteers(actor, officer, commune, members) -> None:
    volunteers = [
        vol.register(
            officer,
            m.individual,
            commune,
            since=days(-300),
            skills="Sơ cấp cứu" if k % 2 else "Sơ cấp cứu, tiếng Anh",
        )  # fmt: skip
        for k, m in enumerate(members[:8])
    ]
    team = vol.create_team(officer, commune, name="Đội sơ cấp cứu phường", kind="first_aid",
                           members=volunteers)  # fmt: skip
    monday = today() - timedelta(days=today().weekday())

    def at(day, hour):
        return timezone.make_aware(datetime.combine(day, time(hour, 0)))

    done = vol.add_shift(officer, team, activity="Trực sơ cứu tại chợ phường",
                         starts_at=at(days(-1), 7), ends_at=at(days(-1), 11))  # fmt: skip
    for v in volunteers[:4]:
        vol.sign_up(officer, done, v)
    vol.record_attendance(officer, done, present=volunteers[:3] + [volunteers[5]],
                          absent=[volunteers[3]])  # fmt: skip
    for offset, activity in ((2, "Hướng dẫn sơ cứu cho học sinh"), (4, "Trực hiến máu")):
        day = max(monday + timedelta(days=offset), days(1))
        shift = vol.add_shift(officer, team, activity=activity, starts_at=at(day, 8),
                              ends_at=at(day, 11))  # fmt: skip
        for v in volunteers[4:7]:
            vol.sign_up(officer, shift, v)
    vol.create_team(officer, commune, name="Nhóm Thanh thiếu niên CTĐ trường THPT", kind="youth")
    for k, v in enumerate(volunteers[:3]):
        skills = ["first_aid", "water_rescue"][: 1 + k % 2]
        languages = ["en"] if k == 0 else []
        vol.set_skills(officer, v, skills=skills, languages=languages, availability="Cuối tuần")


def _training(officer, commune, members) -> None:
    """A first-aid course last month: five participants, four passed with certificates."""
    course = training.create_course(officer, commune, name="Sơ cấp cứu cơ bản cho cộng đồng",
                                    kind="first_aid", trainer="BS. Nguyễn Hữu Tâm",
                                    starts_on=days(-35), ends_on=days(-33))  # fmt: skip
    for k, m in enumerate(members[8:13]):
        p = training.add_participant(officer, course, m.individual)
        training.set_result(officer, p, "failed" if k == 4 else "passed")
        if k != 4:
            training.issue_certificate(officer, p, issued_on=days(-30))


def _youth(actor, officer, commune) -> None:
    """A Youth Red Cross group at a secondary school with three members (16–30 on joining),
    and two of its activities (each with the members of the group on that day)."""
    group = youth.create_group(officer, commune, name="Nhóm Thanh thiếu niên CTĐ trường THPT",
                               school=f"Trường THPT {commune.name.split('Phường ')[-1]}",
                               kind="school", founded_on=days(-200))  # fmt: skip
    for name, age, joined in (("Lý Thu Trang", 19, -60), ("Mai Đức Huy", 17, -120),
                              ("Tạ Ngọc Ánh", 16, -30)):  # fmt: skip
        born = date(today().year - age - 1, 4, 2)
        person = actions.create_individual(actor, organisation=commune, full_name=name,
                                           birth_date=born)  # fmt: skip
        ms.join(officer, person, commune, kind="youth", started_on=days(joined), youth_group=group)
    activities = [("Tập huấn sơ cấp cứu cho học sinh lớp 10", "first_aid", -40, "3"),
                  ("Vận động hiến máu tại trường", "blood", -10, None)]  # fmt: skip
    for title, kind, ago, hours in activities:
        present = [m.individual for m in youth.group_members(group, days(ago))]
        youth.record_activity(officer, group, held_on=days(ago), kind=kind, title=title,
                              participants=present, hours=hours)  # fmt: skip


def _last_year_closed(accountant, commune, last) -> None:
    """Last year: three members in four paid their months, then the commune's accountant
    closed the year (nobody's membership ended by it; those who owe stay in the arrears
    list)."""
    running = Membership.objects.filter(organisation=commune).on(date(last, 12, 31))
    for n, m in enumerate(running.order_by("pk")):
        due = ms.months_due(m, last, date(last, 12, 31))
        if due and n % 4:
            ms.record_payment(accountant, m, year=last, months=due, paid_on=date(last, 12, 10))
    ms.close_year(accountant, commune, last)


def _leaders(actor, commune, old) -> None:
    """Who led the commune since the merger, the chapter merged into it before, and the
    province (a chair who handed over, the current chair and deputies)."""
    province = commune.parent

    def person(org, name, born):
        return actions.create_individual(actor, organisation=org, full_name=name,
                                         birth_date=date(born, 6, 15))  # fmt: skip

    if old is not None:
        leaders.appoint(actor, person(old, "Nguyễn Thị Hằng", 1962), old, post="chair",
                        started_on=date(2017, 7, 1), ended_on=old.valid_to,
                        decision="QĐ 21/QĐ-CTĐ (nhiệm kỳ 2017–2022, kéo dài)")  # fmt: skip
    since = commune.valid_from or MERGER_DAY
    chair = person(commune, "Trần Văn Hưng", 1968)
    leaders.appoint(actor, chair, commune, post="chair", started_on=since,
                    decision="QĐ 05/QĐ-CTĐ")  # fmt: skip
    leaders.appoint(actor, person(commune, "Phạm Thị Lụa", 1975), commune, post="vice_chair",
                    started_on=since, decision="QĐ 05/QĐ-CTĐ")  # fmt: skip
    leaders.appoint(actor, person(commune, "Đoàn Minh Khôi", 1985), commune, post="standing",
                    started_on=since, decision="QĐ 05/QĐ-CTĐ")  # fmt: skip
    if province is None:
        return
    former = person(province, "Hoàng Văn Thịnh", 1958)
    leaders.appoint(actor, former, province, post="chair", started_on=date(2017, 9, 1),
                    ended_on=date(2023, 3, 31), decision="QĐ 112/QĐ-TWH")  # fmt: skip
    leaders.appoint(actor, person(province, "Lê Thị Minh Châu", 1970), province, post="chair",
                    started_on=date(2023, 4, 1), decision="QĐ 58/QĐ-TWH")  # fmt: skip
    leaders.appoint(actor, person(province, "Vương Đình Sơn", 1972), province,
                    post="vice_chair", started_on=date(2022, 10, 1),
                    decision="QĐ 301/QĐ-TWH")  # fmt: skip
