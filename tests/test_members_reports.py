"""The reports' indicators read people's records: members at period end, new, left, youth,
volunteers, active volunteers and hours from attended shifts."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from nhandao.people import actions as people
from nhandao.people import membership as ms
from nhandao.people import volunteers as vol
from nhandao.reports import actions, building


def test_member_and_volunteer_indicators(cast):
    root, org = cast.root, cast.ba_dinh

    def member(name, born, kind, start):
        p = people.create_individual(root, organisation=org, full_name=name, birth_date=born)
        return ms.join(root, p, org, kind=kind, started_on=start)

    old = member("An", date(1970, 1, 1), "member", date(2023, 5, 1))
    member("Bình", date(1980, 1, 1), "member", date(2025, 8, 1))  # new in 2025-H2
    young = member("Chi", date(2005, 1, 1), "youth", date(2025, 9, 1))  # new, youth
    left = member("Dũng", date(1975, 1, 1), "member", date(2024, 1, 1))
    ms.end(root, left, ended_on=date(2025, 10, 31), reason="left")  # left in the period
    moved = member("Giang", date(1985, 1, 1), "member", date(2024, 1, 1))
    t = ms.request_transfer(root, moved, to_org=cast.ngoc_ha, effective_on=date(2025, 11, 1))
    ms.approve_transfer(root, t)  # a transfer out is not "left"
    v = vol.register(root, old.individual, org, since=date(2025, 1, 1))
    v2 = vol.register(root, young.individual, org, since=date(2025, 1, 1))
    team = vol.create_team(root, org, name="Đội sơ cứu", kind="first_aid", members=[v, v2])
    start = timezone.make_aware(datetime(2025, 9, 6, 7, 0))
    shift = vol.add_shift(root, team, activity="Trực", starts_at=start,
                          ends_at=start + timedelta(hours=5))  # fmt: skip
    vol.sign_up(root, shift, v)
    vol.sign_up(root, shift, v2)
    vol.record_attendance(root, shift, present=[v], absent=[v2])

    report = actions.open_report(cast.ba_dinh_officer, org, "2025-H2")
    figures = {line.indicator.code: line.value for line in building.lines(report)}
    assert figures["members_end"] == 3  # An, Bình, Chi
    assert figures["members_new"] == 2
    assert figures["members_left"] == 1
    assert figures["youth_members"] == 1
    assert (figures["volunteers"], figures["active_volunteers"]) == (2, 1)
    assert figures["volunteer_hours"] == 5
