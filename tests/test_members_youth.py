"""Youth Red Cross groups (issue #20 item 5): groups in schools and universities, youth
members 16–30 on joining linked to a group, counts rolled up to the commune and province."""

from datetime import date

import pytest
from django.utils import timezone

from nhandao.lib.errors import Refused
from nhandao.people import actions as people
from nhandao.people import membership as ms
from nhandao.people import youth
from nhandao.people.models import Membership, YouthGroup

D = date


def student(cast, org, name, age_on_join, joined):
    born = D(joined.year - age_on_join, 1, 1)
    return people.create_individual(cast.root, organisation=org, full_name=name, birth_date=born)


def test_youth_members_join_a_group_and_are_rolled_up(cast):
    root = cast.root
    g1 = youth.create_group(root, cast.ba_dinh, name="Nhóm TTN CTĐ THPT Phan Đình Phùng",
                            school="Trường THPT Phan Đình Phùng", kind="school",
                            founded_on=D(2025, 9, 5))  # fmt: skip
    g2 = youth.create_group(root, cast.ngoc_ha, name="Nhóm TTN CTĐ Đại học Thủy lợi",
                            school="Trường Đại học Thủy lợi", kind="university",
                            founded_on=D(2025, 10, 1))  # fmt: skip
    joined = D(2025, 11, 1)
    for n, (org, group) in enumerate([(cast.ba_dinh, g1), (cast.ba_dinh, g1), (cast.ngoc_ha, g2)]):
        who = student(cast, org, f"Học Sinh {n}", 17 + n, joined)
        ms.join(root, who, org, kind="youth", started_on=joined, youth_group=group)
    # a youth member without a group still counts; an ordinary member does not
    ms.join(root, student(cast, cast.ba_dinh, "Không Nhóm", 25, joined), cast.ba_dinh,
            kind="youth", started_on=joined)  # fmt: skip
    ms.join(root, student(cast, cast.ba_dinh, "Người Lớn", 45, joined), cast.ba_dinh,
            kind="member", started_on=joined)  # fmt: skip
    today = timezone.localdate()
    province = youth.rollup(cast.hanoi, today)
    assert province["total"] == {"groups": 2, "members": 4}
    rows = {r["organisation"].code: (r["groups"], r["members"]) for r in province["rows"]}
    assert rows == {"CTD-X4": (1, 3), "CTD-X8": (1, 1)}
    assert youth.rollup(cast.ba_dinh, today)["total"] == {"groups": 1, "members": 3}
    assert youth.rollup(cast.central, today)["total"] == {"groups": 2, "members": 4}
    # on a day before the groups and members: nothing
    assert youth.rollup(cast.hanoi, D(2025, 8, 1))["total"] == {"groups": 0, "members": 0}
    assert youth.group_members(g1, today).count() == 2


def test_youth_bad_input_is_refused_and_nothing_written(cast):
    root = cast.root
    group = youth.create_group(root, cast.ba_dinh, name="Nhóm A", school="Trường B",
                               kind="school", founded_on=D(2025, 9, 5))  # fmt: skip
    joined = D(2025, 11, 1)
    old = student(cast, cast.ba_dinh, "Quá Tuổi", 31, joined)
    with pytest.raises(Refused, match="từ 16 đến 30 tuổi khi kết nạp"):
        ms.join(root, old, cast.ba_dinh, kind="youth", started_on=joined, youth_group=group)
    young = student(cast, cast.ba_dinh, "Còn Nhỏ", 15, joined)
    with pytest.raises(Refused, match="từ 16 đến 30 tuổi"):
        ms.join(root, young, cast.ba_dinh, kind="youth", started_on=joined, youth_group=group)
    ok = student(cast, cast.ngoc_ha, "Khác Phường", 20, joined)
    with pytest.raises(Refused, match="không thuộc") as refused:
        ms.join(root, ok, cast.ngoc_ha, kind="youth", started_on=joined, youth_group=group)
    assert refused.value.field == "youth_group"
    with pytest.raises(Refused, match="Chỉ hội viên thanh thiếu niên"):
        ms.join(root, ok, cast.ba_dinh, kind="member", started_on=joined, youth_group=group)
    with pytest.raises(Refused, match="thành lập ngày 05/09/2025"):
        ms.join(root, ok, cast.ba_dinh, kind="youth", started_on=D(2025, 9, 1), youth_group=group)
    assert not Membership.objects.filter(individual__in=[old, young, ok]).exists()
    with pytest.raises(Refused, match="đã có nhóm"):
        youth.create_group(root, cast.ba_dinh, name="nhóm a", school="Trường C", kind="school",
                           founded_on=D(2025, 9, 5))  # fmt: skip
    with pytest.raises(Refused, match="ngừng hoạt động"):
        youth.create_group(root, cast.quan_thanh, name="Nhóm Cũ", school="Trường D",
                           kind="school", founded_on=D(2025, 1, 5))  # fmt: skip
    assert YouthGroup.objects.count() == 1


def test_the_youth_pages(cast, login):
    client = login(cast.ba_dinh_officer)
    page = client.post("/thanh-thieu-nien/them/", {
        "organisation": "CTD-X4", "name": "Nhóm TTN CTĐ THCS Ba Đình", "school": "THCS Ba Đình",
        "kind": "school", "founded_on": "05/09/2025"})  # fmt: skip
    assert page.status_code == 302
    group = YouthGroup.objects.get()
    who = student(cast, cast.ba_dinh, "Trần Thu Hà", 18, D(2025, 10, 1))
    page = client.post(f"/ca-nhan/{who.pk}/ket-nap/", {
        "organisation": "CTD-X4", "kind": "youth", "started_on": "01/10/2025",
        "youth_group": group.pk})  # fmt: skip
    assert page.status_code == 302
    html = client.get("/thanh-thieu-nien/").content.decode()
    assert "Nhóm TTN CTĐ THCS Ba Đình" in html and "1</strong> hội viên thanh thiếu niên" in html
    html = client.get(f"/thanh-thieu-nien/{group.pk}/").content.decode()
    assert "Trần Thu Hà" in html
    # the province's officer sees the roll-up by commune
    html = login(cast.hn_officer).get("/thanh-thieu-nien/?organisation=CTD-1").content.decode()
    assert "Hội Chữ thập đỏ Phường Ba Đình" in html and "1</strong> nhóm" in html
    # a sibling commune does not see the group
    assert login(cast.ngoc_ha_officer).get(f"/thanh-thieu-nien/{group.pk}/").status_code == 404
