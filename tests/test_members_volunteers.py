"""Volunteers (18 or older), teams and shifts; hours computed from attended shifts only."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from nhandao.lib.errors import Refused
from nhandao.people import actions as people
from nhandao.people import volunteers as vol
from nhandao.people.models import Attendance, ShiftSignup, Volunteer


def individual(cast, name, born):
    return people.create_individual(cast.root, organisation=cast.ba_dinh, full_name=name,
                                    birth_date=born)  # fmt: skip


def test_volunteers_are_18_or_older(cast):
    young = individual(cast, "Nguyễn Nhỏ", date(2010, 1, 1))
    with pytest.raises(Refused, match="từ 18 tuổi trở lên.*16 tuổi") as refused:
        vol.register(cast.ba_dinh_officer, young, cast.ba_dinh, since=date(2026, 6, 1))
    assert refused.value.field == "individual" and not Volunteer.objects.exists()
    with pytest.raises(Refused, match="cần có ngày sinh"):
        vol.register(cast.ba_dinh_officer, individual(cast, "Không Rõ", None), cast.ba_dinh,
                     since=date(2026, 6, 1))  # fmt: skip


def test_hours_come_from_attended_shifts_only(cast):
    a = vol.register(cast.root, individual(cast, "Trần An", date(1995, 1, 1)), cast.ba_dinh,
                     since=date(2025, 1, 1), skills="Sơ cấp cứu, tiếng Anh")  # fmt: skip
    b = vol.register(cast.root, individual(cast, "Lê Bình", date(1996, 1, 1)), cast.ba_dinh,
                     since=date(2025, 1, 1))  # fmt: skip
    c = vol.register(cast.root, individual(cast, "Phạm Cúc", date(1997, 1, 1)), cast.ba_dinh,
                     since=date(2025, 1, 1))  # fmt: skip
    team = vol.create_team(cast.ba_dinh_officer, cast.ba_dinh, name="Đội sơ cấp cứu phường",
                           kind="first_aid", members=[a, b, c])  # fmt: skip
    start = timezone.make_aware(datetime(2026, 3, 1, 7, 30))
    shift = vol.add_shift(
        cast.ba_dinh_officer,
        team,
        activity="Trực sơ cứu giải chạy",
        starts_at=start,
        ends_at=start + timedelta(hours=4, minutes=30),
    )
    with pytest.raises(Refused, match="kết thúc phải sau"):
        vol.add_shift(cast.ba_dinh_officer, team, activity="x", starts_at=start, ends_at=start)
    vol.sign_up(cast.ba_dinh_officer, shift, a)
    vol.sign_up(cast.ba_dinh_officer, shift, b)
    warnings = vol.record_attendance(cast.ba_dinh_officer, shift, present=[a, c], absent=[b])
    assert warnings == ["Phạm Cúc có mặt nhưng chưa đăng ký: đã ghi nhận, đánh dấu."]
    assert ShiftSignup.objects.get(volunteer=c).walk_in
    assert ShiftSignup.objects.get(volunteer=b).status == Attendance.NO_SHOW
    assert (vol.volunteer_hours(a), vol.volunteer_hours(b), vol.volunteer_hours(c)) == (4.5, 0, 4.5)
    # a shift not yet started takes no attendance; hours are never typed (no field for it)
    later = vol.add_shift(cast.ba_dinh_officer, team, activity="Ca sau",
                          starts_at=timezone.now() + timedelta(days=2),
                          ends_at=timezone.now() + timedelta(days=2, hours=3))  # fmt: skip
    with pytest.raises(Refused, match="khi ca đã bắt đầu"):
        vol.record_attendance(cast.ba_dinh_officer, later, present=[a])
    assert vol.volunteer_hours(a) == 4.5
