"""Volunteer skills and languages from lists, ranks as data computed from attended shifts
(issue #20 item 4)."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from nhandao.lib.errors import Refused
from nhandao.people import actions as people
from nhandao.people import volunteers as vol
from nhandao.people.models import VolunteerRank


def at(day, hour):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def helper(cast):
    who = people.create_individual(
        cast.root, organisation=cast.ba_dinh, full_name="Đinh Văn Giúp", birth_date=date(1995, 2, 2)
    )
    volunteer = vol.register(cast.root, who, cast.ba_dinh, since=date(2024, 1, 1))
    team = vol.create_team(cast.root, cast.ba_dinh, name="Đội cứu hộ", kind="disaster",
                           members=[volunteer])  # fmt: skip
    return volunteer, team


def test_the_seeded_ranks_are_the_issues(db):
    names = list(VolunteerRank.objects.values_list("name", flat=True))
    assert names == ["Bạch kim", "Vàng", "Bạc", "Hoạt động"]


def test_rank_comes_from_attended_hours_and_shifts_of_the_year(cast, helper):
    volunteer, team = helper
    VolunteerRank.objects.all().delete()
    VolunteerRank.objects.create(name="Vàng", min_hours=10, min_shifts=3)
    VolunteerRank.objects.create(name="Bạc", min_hours=6, min_shifts=2)
    day = date(2025, 3, 3)
    shifts = []
    for k in range(4):  # four 4-hour shifts in 2025; one of them a no-show
        s = vol.add_shift(cast.root, team, activity=f"Ca {k}", starts_at=at(day + timedelta(k), 7),
                          ends_at=at(day + timedelta(k), 11))  # fmt: skip
        vol.sign_up(cast.root, s, volunteer)
        shifts.append(s)
    vol.record_attendance(cast.root, shifts[0], present=[volunteer])
    r = vol.rank_of(volunteer, 2025)
    assert (r["hours"], r["shifts"], r["rank"]) == (4.0, 1, None)
    assert r["next"].name == "Bạc" and (r["hours_to_next"], r["shifts_to_next"]) == (2.0, 1)
    vol.record_attendance(cast.root, shifts[1], present=[volunteer])
    assert vol.rank_of(volunteer, 2025)["rank"].name == "Bạc"
    vol.record_attendance(cast.root, shifts[2], present=[], absent=[volunteer])  # no-show
    r = vol.rank_of(volunteer, 2025)
    assert (r["hours"], r["shifts"], r["rank"].name) == (8.0, 2, "Bạc")
    vol.record_attendance(cast.root, shifts[3], present=[volunteer])
    r = vol.rank_of(volunteer, 2025)
    assert (r["hours"], r["shifts"], r["rank"].name, r["next"]) == (12.0, 3, "Vàng", None)
    # hours of another year do not count
    assert vol.rank_of(volunteer, 2024)["rank"] is None


def test_skills_and_languages_from_the_lists(cast, helper, login):
    volunteer, _ = helper
    with pytest.raises(Refused, match="Kỹ năng không có trong danh sách: bay"):
        vol.set_skills(cast.root, volunteer, skills=["first_aid", "bay"], languages=[])
    volunteer.refresh_from_db()
    assert volunteer.skill_tags == []
    client = login(cast.ba_dinh_officer)
    page = client.post(f"/tinh-nguyen/{volunteer.pk}/ky-nang/", {
        "skills": ["water_rescue", "first_aid"], "languages": ["en", "tay"],
        "availability": "Cuối tuần"})  # fmt: skip
    assert page.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.skill_tags == ["first_aid", "water_rescue"]
    html = client.get(f"/tinh-nguyen/{volunteer.pk}/").content.decode()
    assert "Sơ cấp cứu, Bơi, cứu hộ dưới nước" in html and "Tiếng Anh, Tiếng Tày" in html
    assert f"Hạng năm {timezone.localdate().year}" in html
    # a value outside the list through the page: the form refuses it, nothing written
    page = client.post(f"/tinh-nguyen/{volunteer.pk}/ky-nang/", {"skills": ["bay"]})
    assert page.status_code == 200 and "không phải là một trong" in page.content.decode()
