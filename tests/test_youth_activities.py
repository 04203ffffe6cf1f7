"""Youth groups' activities (issue #20 item 5): recorded by an officer with the group's
members on that day, listed on the group page, rolled up to the commune and the province
over a period (pages, API, the reports' indicators)."""

from datetime import date

import pytest

from nhandao.audit.models import AuditEvent
from nhandao.lib.errors import Refused
from nhandao.people import actions as people
from nhandao.people import membership as ms
from nhandao.people import youth
from nhandao.people.models import MembershipKind, YouthActivity, YouthActivityParticipant

D = date


def student(cast, org, name):
    return people.create_individual(cast.root, organisation=org, full_name=name,
                                    birth_date=D(2007, 1, 1))  # fmt: skip


@pytest.fixture
def groups(cast):
    """Two groups in Ba Đình (two members each, one of them leaving), one in Ngọc Hà."""
    root = cast.root
    g1 = youth.create_group(root, cast.ba_dinh, name="Nhóm TTN THPT Phan Đình Phùng",
                            school="THPT Phan Đình Phùng", kind="school",
                            founded_on=D(2025, 9, 1))  # fmt: skip
    g2 = youth.create_group(root, cast.ngoc_ha, name="Nhóm TTN ĐH Thủy lợi",
                            school="ĐH Thủy lợi", kind="university",
                            founded_on=D(2025, 9, 1))  # fmt: skip
    people_of = {}
    for group, org, names in ((g1, cast.ba_dinh, ["An", "Bình", "Chi"]),
                              (g2, cast.ngoc_ha, ["Dũng"])):  # fmt: skip
        people_of[group.pk] = []
        for name in names:
            who = student(cast, org, f"Trần Văn {name}")
            ms.join(root, who, org, kind=MembershipKind.YOUTH, started_on=D(2025, 10, 1),
                    youth_group=group)  # fmt: skip
            people_of[group.pk].append(who)
    chi = people_of[g1.pk][2]
    ms.end(root, chi.memberships.get(), ended_on=D(2025, 12, 31), reason="left")
    return g1, g2, people_of


def test_an_activity_keeps_the_members_running_on_its_day(cast, groups):
    g1, g2, people_of = groups
    an, binh, chi = people_of[g1.pk]
    activity = youth.record_activity(cast.ba_dinh_officer, g1, held_on=D(2025, 11, 20),
                                     kind="first_aid", title="  Tập huấn   sơ cấp cứu ",
                                     participants=[an, binh, chi], hours="2.5")  # fmt: skip
    assert activity.title == "Tập huấn sơ cấp cứu" and str(activity.hours) == "2.5"
    assert activity.organisation == cast.ba_dinh
    assert list(youth.activity_people(activity)) == sorted([an, binh, chi],
                                                           key=lambda p: p.name_key)  # fmt: skip
    kept = YouthActivityParticipant.objects.filter(activity=activity)
    assert {p.membership.individual_id for p in kept} == {an.pk, binh.pk, chi.pk}
    event = AuditEvent.objects.get(action="people.youth_activity_create")
    assert event.organisation_id == cast.ba_dinh.pk


def test_bad_activities_are_refused_and_nothing_written(cast, groups):
    g1, g2, people_of = groups
    an, binh, chi = people_of[g1.pk]
    (dung,) = people_of[g2.pk]
    ok = {"held_on": D(2026, 1, 10), "kind": "blood", "title": "Ngày hội hiến máu"}
    # Chi left on 31/12/2025; Dũng is in another group: both named, nothing written
    with pytest.raises(Refused, match="Trần Văn Chi, Trần Văn Dũng không là hội viên") as refused:
        youth.record_activity(cast.root, g1, participants=[an, chi, dung], **ok)
    assert refused.value.field == "participants"
    with pytest.raises(Refused, match="ít nhất một hội viên"):
        youth.record_activity(cast.root, g1, participants=[], **ok)
    with pytest.raises(Refused, match="trước ngày đó"):
        youth.record_activity(cast.root, g1, participants=[an],
                              **(ok | {"held_on": D(2025, 8, 1)}))  # fmt: skip
    with pytest.raises(Refused, match="sau hôm nay"):
        youth.record_activity(cast.root, g1, participants=[an],
                              **(ok | {"held_on": D(2099, 1, 1)}))  # fmt: skip
    with pytest.raises(Refused, match="Số giờ phải lớn hơn 0"):
        youth.record_activity(cast.root, g1, participants=[an], hours=30, **ok)
    with pytest.raises(Refused, match="tên hoạt động"):
        youth.record_activity(cast.root, g1, participants=[an], **(ok | {"title": "  "}))
    with pytest.raises(Refused, match="loại hoạt động"):
        youth.record_activity(cast.root, g1, participants=[an], **(ok | {"kind": "party"}))
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):  # a sibling commune's officer
        youth.record_activity(cast.ngoc_ha_officer, g1, participants=[an], **ok)
    assert not YouthActivity.objects.exists() and not YouthActivityParticipant.objects.exists()


def test_activities_roll_up_to_the_commune_and_the_province(cast, groups):
    g1, g2, people_of = groups
    an, binh, chi = people_of[g1.pk]
    (dung,) = people_of[g2.pk]
    record = youth.record_activity
    record(cast.root, g1, held_on=D(2025, 11, 1), kind="social", title="A",
           participants=[an, binh, chi])  # fmt: skip
    record(cast.root, g1, held_on=D(2026, 1, 5), kind="social", title="B", participants=[an])
    record(cast.root, g2, held_on=D(2026, 1, 6), kind="other", title="C", participants=[dung])
    year = (D(2025, 1, 1), D(2025, 12, 31))
    both = (D(2025, 1, 1), D(2026, 12, 31))
    province = youth.activity_rollup(cast.hanoi, *both)
    assert province["total"] == {"activities": 3, "participants": 4}
    rows = {r["organisation"].code: (r["activities"], r["participants"]) for r in province["rows"]}
    assert rows == {"CTD-X4": (2, 3), "CTD-X8": (1, 1)}  # An counted once in Ba Đình
    assert youth.activity_rollup(cast.hanoi, *year)["total"] == {"activities": 1,
                                                                  "participants": 3}  # fmt: skip
    assert youth.activity_rollup(cast.ba_dinh, *both)["own"] == {"activities": 2,
                                                                 "participants": 3}  # fmt: skip
    assert youth.activity_rollup(cast.central, D(2027, 1, 1), D(2027, 12, 31))["total"] == {
        "activities": 0, "participants": 0}  # fmt: skip

    # the reports' indicators: the commune's own activities in a half-year
    from nhandao.reports.indicators import youth_activities, youth_participants

    h1 = (D(2026, 1, 1), D(2026, 6, 30))
    assert youth_activities(cast.ba_dinh, *h1) == {"": 1}
    assert youth_participants(cast.ba_dinh, *h1) == {"": 1}
    assert youth_participants(cast.ba_dinh, D(2025, 7, 1), D(2025, 12, 31)) == {"": 3}
    assert youth_activities(cast.hanoi, *h1) == {"": 0}  # its communes report their own


def test_the_activity_pages(cast, groups, login):
    g1, g2, people_of = groups
    an, binh, chi = people_of[g1.pk]
    client = login(cast.ba_dinh_officer)
    form = client.get(f"/thanh-thieu-nien/{g1.pk}/hoat-dong/").content.decode()
    assert "Trần Văn An" in form and "Trần Văn Dũng" not in form  # only the group's people
    data = {"held_on": "10/01/2026", "kind": "first_aid", "title": "Sơ cứu đuối nước",
            "hours": "3", "participants": [an.code, chi.code]}  # fmt: skip
    page = client.post(f"/thanh-thieu-nien/{g1.pk}/hoat-dong/", data)
    assert page.status_code == 200  # Chi left before that day: said on the form
    assert "Trần Văn Chi không là hội viên của nhóm" in page.content.decode()
    page = client.post(f"/thanh-thieu-nien/{g1.pk}/hoat-dong/", data | {"participants": [an.code]})
    assert page.status_code == 302
    activity = YouthActivity.objects.get()
    html = client.get(f"/thanh-thieu-nien/{g1.pk}/").content.decode()
    assert "Sơ cứu đuối nước" in html and "10/01/2026" in html
    html = client.get(f"/thanh-thieu-nien/hoat-dong/{activity.pk}/").content.decode()
    assert "Trần Văn An" in html and "Trần Văn Bình" not in html
    html = (
        login(cast.hn_officer)
        .get("/thanh-thieu-nien/?organisation=CTD-1&start=01/01/2026&end=31/01/2026")
        .content.decode()
    )
    assert "01/01/2026 đến 31/01/2026" in html and "1</strong> hoạt động" in html
    # a sibling commune sees neither the activity nor the form
    other = login(cast.ngoc_ha_officer)
    assert other.get(f"/thanh-thieu-nien/hoat-dong/{activity.pk}/").status_code == 404
    assert other.get(f"/thanh-thieu-nien/{g1.pk}/hoat-dong/").status_code == 404


def test_activities_through_the_api(cast, groups, login):
    g1, g2, people_of = groups
    an, binh, chi = people_of[g1.pk]
    (dung,) = people_of[g2.pk]
    client = login(cast.ba_dinh_officer)
    url = f"/api/people/youth/groups/{g1.pk}/activities"
    body = {"held_on": "2026-01-10", "kind": "environment", "title": "Dọn rác bờ hồ",
            "hours": "1.5", "participant_ids": [an.pk, binh.pk]}  # fmt: skip
    made = client.post(url, body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["participant_ids"] == sorted([an.pk, binh.pk])
    assert made.json()["kind_label"] == "Môi trường, phòng chống thiên tai"
    # someone of another group; an unknown kind; Chi, gone by then: 422, nothing written
    for wrong, where in (({"participant_ids": [an.pk, dung.pk]}, "participant_ids"),
                         ({"kind": "party"}, "kind"),
                         ({"participant_ids": [chi.pk]}, "participants")):  # fmt: skip
        answer = client.post(url, body | wrong, content_type="application/json")
        assert answer.status_code == 422, answer.content
        assert where in str(answer.json()["errors"])
    assert YouthActivity.objects.count() == 1
    listed = client.get(url).json()
    assert [a["title"] for a in listed["items"]] == ["Dọn rác bờ hồ"]
    period = {"start": "2026-01-01", "end": "2026-12-31"}
    rollup = login(cast.hn_officer).get(f"/api/people/youth/{cast.hanoi.pk}/activities", period)
    rollup = rollup.json()
    assert rollup["total"] == {"activities": 1, "participants": 2}
    assert rollup["rows"][0]["organisation_id"] == cast.ba_dinh.pk
    # out of reach: 404 for the sibling commune
    assert login(cast.ngoc_ha_officer).get(url).status_code == 404
