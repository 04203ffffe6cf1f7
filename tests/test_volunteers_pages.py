"""Volunteers, teams and shifts through the pages: a team's week and coming shifts, sign-up
with the picker (no ids; under 18 refused), attendance on the shift page (walk-ins accepted
and flagged, hours computed and never typed), the volunteer's hours, the home page item."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from nhandao.lib.errors import Refused
from nhandao.people import actions as people
from nhandao.people import volunteers as vol
from nhandao.people.models import Attendance, ShiftSignup, Volunteer


def volunteer(cast, name, born, org=None):
    org = org or cast.ba_dinh
    person = people.create_individual(cast.root, organisation=org, full_name=name,
                                      birth_date=born)  # fmt: skip
    return vol.register(cast.root, person, org, since=date(2025, 1, 1))


@pytest.fixture
def team(cast):
    a = volunteer(cast, "Trần Văn An", date(1995, 1, 1))
    b = volunteer(cast, "Lê Thị Bình", date(1996, 1, 1))
    return vol.create_team(cast.ba_dinh_officer, cast.ba_dinh, name="Đội sơ cấp cứu Ba Đình",
                           kind="first_aid", members=[a, b])  # fmt: skip


def shift_at(cast, team, starts_at, hours=3, activity="Trực sơ cứu"):
    return vol.add_shift(cast.ba_dinh_officer, team, activity=activity, starts_at=starts_at,
                         ends_at=starts_at + timedelta(hours=hours))  # fmt: skip


def test_team_page_lists_this_weeks_and_coming_shifts(cast, login, team):
    monday = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    monday -= timedelta(days=timezone.localdate().weekday())
    shift_at(cast, team, monday + timedelta(hours=8), activity="Ca đầu tuần")
    shift_at(cast, team, monday + timedelta(days=9), activity="Ca tuần sau")
    shift_at(cast, team, monday - timedelta(days=3), activity="Ca tuần trước")
    page = login(cast.ba_dinh_officer).get(f"/tinh-nguyen/doi/{team.pk}/").content.decode()
    week, coming = page.split('id="team-week"')[1].split('id="team-coming"')
    assert "Ca đầu tuần" in week and "Ca tuần sau" not in week
    assert "Ca tuần sau" in coming and "Ca đầu tuần" not in coming
    assert "Ca tuần trước" not in page
    assert "Trần Văn An" in page  # members listed
    listing = login(cast.ba_dinh_officer).get("/tinh-nguyen/doi/").content.decode()
    assert "Đội sơ cấp cứu Ba Đình" in listing and "Ca đầu tuần" in listing
    # out of reach: another province sees no team
    assert login(cast.tq_officer).get(f"/tinh-nguyen/doi/{team.pk}/").status_code == 404
    assert "Đội sơ cấp cứu" not in login(cast.tq_officer).get("/tinh-nguyen/doi/").content.decode()


def test_sign_up_by_picker_and_the_picker_is_scoped(cast, login, team):
    shift = shift_at(cast, team, timezone.now() + timedelta(days=1))
    an = Volunteer.objects.get(individual__full_name="Trần Văn An")
    volunteer(cast, "Đỗ Tuyên Quang", date(1990, 1, 1), org=cast.tq_commune)
    client = login(cast.ba_dinh_officer)
    found = client.get(f"/tra-cuu/tinh-nguyen-vien?to-chuc={cast.ba_dinh.pk}&q=tran an").json()
    assert [r["text"] for r in found["results"]] == ["Trần Văn An"]
    assert client.get(f"/tra-cuu/tinh-nguyen-vien?to-chuc={cast.tq_commune.pk}").json() == {
        "results": []
    }
    page = client.get(f"/tinh-nguyen/ca/{shift.pk}/").content.decode()
    assert "tra-cuu/tinh-nguyen-vien" in page
    done = client.post(f"/tinh-nguyen/ca/{shift.pk}/dang-ky/",
                       {"volunteer": an.individual.code})  # fmt: skip
    assert done.status_code == 302 and ShiftSignup.objects.get().volunteer == an
    again = client.post(f"/tinh-nguyen/ca/{shift.pk}/dang-ky/", {"volunteer": an.individual.code})
    assert again.status_code == 422 and "đã đăng ký ca này" in again.content.decode()
    # someone of another organisation cannot be chosen (not in the picker's list)
    tq = Volunteer.objects.get(individual__full_name="Đỗ Tuyên Quang")
    other = client.post(f"/tinh-nguyen/ca/{shift.pk}/dang-ky/", {"volunteer": tq.individual.code})
    assert other.status_code == 422 and ShiftSignup.objects.count() == 1


def test_a_volunteer_under_18_cannot_sign_up(cast, team):
    shift = shift_at(cast, team, timezone.now() + timedelta(days=1))
    young = people.create_individual(cast.root, organisation=cast.ba_dinh, full_name="Em Nhỏ",
                                     birth_date=date(2000, 1, 1))  # fmt: skip
    v = vol.register(cast.root, young, cast.ba_dinh, since=date(2025, 1, 1))
    # the birth date was corrected afterwards: 16 on the shift's day
    today = timezone.localdate()
    young.birth_date = date(today.year - 16, 1, 1)
    young.save()
    v.refresh_from_db()
    with pytest.raises(Refused, match="chưa đủ 18 tuổi") as refused:
        vol.sign_up(cast.ba_dinh_officer, shift, v)
    assert refused.value.field == "volunteer" and not ShiftSignup.objects.exists()


def test_attendance_on_the_page_walk_in_flagged_hours_computed_not_typed(cast, login, team):
    shift = shift_at(cast, team, timezone.now() - timedelta(hours=5), hours=4)
    an = Volunteer.objects.get(individual__full_name="Trần Văn An")
    binh = Volunteer.objects.get(individual__full_name="Lê Thị Bình")
    walk = volunteer(cast, "Phạm Văn Cường", date(1990, 5, 5))
    su_an = vol.sign_up(cast.ba_dinh_officer, shift, an)
    su_binh = vol.sign_up(cast.ba_dinh_officer, shift, binh)
    client = login(cast.ba_dinh_officer)
    done = client.post(f"/tinh-nguyen/ca/{shift.pk}/diem-danh/", {
        f"su-{su_an.pk}": Attendance.ATTENDED, f"su-{su_binh.pk}": Attendance.NO_SHOW,
        "walkin-volunteer": walk.individual.code, "hours": "99",
    }, follow=True)  # fmt: skip
    page = done.content.decode()
    assert "Phạm Văn Cường có mặt nhưng chưa đăng ký: đã ghi nhận, đánh dấu." in page
    assert "chưa đăng ký trước" in page
    assert ShiftSignup.objects.get(volunteer=walk).walk_in
    assert ShiftSignup.objects.get(volunteer=binh).status == Attendance.NO_SHOW
    # hours are the shift's length for those present: the typed 99 is ignored
    assert (vol.volunteer_hours(an), vol.volunteer_hours(binh), vol.volunteer_hours(walk)) == (
        4.0, 0, 4.0)  # fmt: skip
    assert "<strong>8,0</strong> giờ" in page
    mine = client.get(f"/tinh-nguyen/{an.pk}/").content.decode()
    assert "Trực sơ cứu" in mine and "<strong>4,0</strong> giờ" in mine
    # a viewer sees the shift but cannot mark it
    assert "attendance-form" not in login(cast.hn_viewer).get(
        f"/tinh-nguyen/ca/{shift.pk}/").content.decode()  # fmt: skip
    assert login(cast.hn_viewer).post(f"/tinh-nguyen/ca/{shift.pk}/diem-danh/").status_code == 403


def test_attendance_before_the_shift_starts_is_refused(cast, login, team):
    shift = shift_at(cast, team, timezone.now() + timedelta(days=1))
    su = vol.sign_up(cast.ba_dinh_officer, shift, Volunteer.objects.first())
    page = (
        login(cast.ba_dinh_officer)
        .post(
            f"/tinh-nguyen/ca/{shift.pk}/diem-danh/",
            {f"su-{su.pk}": Attendance.ATTENDED},
            follow=True,
        )
        .content.decode()
    )
    assert "Chỉ ghi điểm danh khi ca đã bắt đầu." in page
    assert ShiftSignup.objects.get().status == Attendance.SIGNED_UP


def test_home_shows_shifts_this_week(cast, team):
    from nhandao.people.home import waiting

    monday = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    monday -= timedelta(days=timezone.localdate().weekday())
    shift_at(cast, team, monday + timedelta(days=2))
    shift_at(cast, team, monday + timedelta(days=8))
    items = {w.label: w for w in waiting(cast.ba_dinh_officer)}
    assert items["Ca trực tình nguyện tuần này"].count == 1
    assert items["Ca trực tình nguyện tuần này"].url == "/tinh-nguyen/doi/"
    assert "Ca trực tình nguyện tuần này" not in {w.label for w in waiting(cast.tq_officer)}
