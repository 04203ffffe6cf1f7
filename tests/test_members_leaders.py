"""Leadership posts with dates (issue #20 item 7): one Chủ tịch at a time, the organisation
page shows who leads it now and who led it when, a person picker, refusals in Vietnamese."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from nhandao.lib.errors import Refused
from nhandao.people import actions as people
from nhandao.people import leaders
from nhandao.people.models import LeadershipPost

D = date


def person(org, name, root):
    return people.create_individual(root, organisation=org, full_name=name,
                                    birth_date=D(1970, 1, 1))  # fmt: skip


def test_one_chair_at_a_time_and_who_led_when(cast):
    root, org = cast.root, cast.ba_dinh
    a, b = person(org, "Nguyễn Văn Trưởng", root), person(org, "Lê Thị Mới", root)
    first = leaders.appoint(root, a, org, post="chair", started_on=D(2025, 7, 1),
                            decision="QĐ 12/QĐ-CTĐ")  # fmt: skip
    # a second chair while the first still holds the post: refused, nothing written
    with pytest.raises(Refused, match="đã có Chủ tịch Nguyễn Văn Trưởng từ 01/07/2025 đến nay"):
        leaders.appoint(root, b, org, post="chair", started_on=D(2026, 1, 5))
    # a past term that overlaps the current one: refused too
    with pytest.raises(Refused, match="mỗi lúc chỉ một Chủ tịch"):
        leaders.appoint(root, b, org, post="chair", started_on=D(2025, 6, 1),
                        ended_on=D(2025, 7, 1))  # fmt: skip
    assert LeadershipPost.objects.filter(organisation=org).count() == 1
    # a term that ended the day before is fine
    leaders.appoint(root, b, org, post="chair", started_on=D(2025, 7, 1) - timedelta(days=400),
                    ended_on=D(2025, 6, 30))  # fmt: skip
    # the vice-chair may be anyone, even alongside
    leaders.appoint(root, b, org, post="vice_chair", started_on=D(2025, 7, 1))
    leaders.end_post(root, first, ended_on=D(2026, 1, 4), note="Nghỉ hưu")
    leaders.appoint(root, b, org, post="chair", started_on=D(2026, 1, 5))
    on = [(p.individual.full_name, p.post) for p in leaders.leaders_on(org, D(2025, 9, 1))]
    assert on == [("Nguyễn Văn Trưởng", "chair"), ("Lê Thị Mới", "vice_chair")]
    today = timezone.localdate()
    assert [p.post for p in leaders.leaders_on(org, today)] == ["chair", "vice_chair"]
    assert leaders.leaders_on(org, today)[0].individual == b
    assert len(leaders.history(org)) == 4


def test_the_database_refuses_two_open_chairs(cast):
    root, org = cast.root, cast.ngoc_ha
    a, b = person(org, "Phạm Văn Một", root), person(org, "Phạm Văn Hai", root)
    leaders.appoint(root, a, org, post="chair", started_on=D(2025, 8, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        LeadershipPost.objects.create(individual=b, organisation=org, post="chair",
                                      started_on=D(2025, 9, 1))  # fmt: skip


def test_bad_dates_and_rights_are_refused(cast):
    root, org = cast.root, cast.ba_dinh
    a = person(org, "Trần Văn Ba", root)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(Refused, match="không được sau hôm nay"):
        leaders.appoint(root, a, org, post="standing", started_on=tomorrow)
    with pytest.raises(Refused, match="không được trước ngày nhận chức"):
        leaders.appoint(root, a, org, post="standing", started_on=D(2025, 8, 1),
                        ended_on=D(2025, 7, 1))  # fmt: skip
    # a merged chapter: only a term that ended before its last day
    with pytest.raises(Refused, match="ngừng hoạt động"):
        leaders.appoint(root, a, cast.quan_thanh, post="chair", started_on=D(2024, 1, 1))
    leaders.appoint(root, a, cast.quan_thanh, post="chair", started_on=D(2024, 1, 1),
                    ended_on=D(2025, 6, 30))  # fmt: skip
    with pytest.raises(PermissionDenied):
        leaders.appoint(cast.ngoc_ha_officer, a, org, post="executive", started_on=D(2025, 8, 1))
    held = leaders.appoint(root, a, org, post="executive", started_on=D(2025, 8, 1))
    leaders.end_post(root, held, ended_on=D(2025, 12, 31))
    with pytest.raises(Refused, match="đã kết thúc ngày 31/12/2025"):
        leaders.end_post(root, held, ended_on=D(2026, 1, 1))


def test_the_organisation_page_shows_its_leaders_and_the_form_appoints(cast, login):
    root, org = cast.root, cast.ba_dinh
    old = person(org, "Đỗ Văn Cũ", root)
    new = person(org, "Vũ Thị Nay", root)
    leaders.appoint(root, old, org, post="chair", started_on=D(2020, 1, 1), ended_on=D(2025, 6, 30))
    client = login(cast.ba_dinh_officer)
    page = client.post(f"/lanh-dao/to-chuc/{org.pk}/ghi/", {
        "individual": new.code, "post": "chair", "started_on": "01/07/2025",
        "decision": "QĐ 5/QĐ-CTĐ"})  # fmt: skip
    assert page.status_code == 302
    html = client.get(f"/to-chuc/{org.pk}/").content.decode()
    assert "Lãnh đạo" in html and "Vũ Thị Nay" in html and "Đỗ Văn Cũ" in html
    assert "01/07/2025" in html and "30/06/2025" in html and "Ghi chức vụ" in html
    # a second chair through the form: the message on the form, nothing written
    other = person(org, "Hoàng Văn Thừa", root)
    page = client.post(f"/lanh-dao/to-chuc/{org.pk}/ghi/", {
        "individual": other.code, "post": "chair", "started_on": "01/09/2025"})  # fmt: skip
    assert page.status_code == 200 and "mỗi lúc chỉ một Chủ tịch" in page.content.decode()
    assert not LeadershipPost.objects.filter(individual=other).exists()
    # a viewer sees the leaders but no button
    html = login(cast.hn_viewer).get(f"/to-chuc/{org.pk}/").content.decode()
    assert "Vũ Thị Nay" in html and "+ Ghi chức vụ" not in html
    # and the person's record lists the posts they held
    html = client.get(f"/ca-nhan/{old.pk}/").content.decode()
    assert "Chủ tịch" in html and "01/01/2020 – 30/06/2025" in html


def test_the_person_picker_stays_within_reach(cast, login):
    person(cast.tq_commune, "Nông Văn Xa", cast.root)
    person(cast.ba_dinh, "Nông Văn Gần", cast.root)
    found = login(cast.ba_dinh_officer).get("/tra-cuu/ca-nhan?q=nong+van").json()["results"]
    assert [r["text"] for r in found] == ["Nông Văn Gần"]
