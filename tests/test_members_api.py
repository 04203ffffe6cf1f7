"""The people API beyond individuals (issue #20 item 8): leaders now, on a date and over
time, appointing and ending a post; the fee year-end close previewed (nothing written),
closed and reopened; youth groups of a subtree with their counts. Same actions and access
rules as the pages; refusals are 422s in Vietnamese, nothing partial."""

from datetime import date

from django.utils import timezone

from nhandao.people import actions as people
from nhandao.people import membership as ms
from nhandao.people import youth
from nhandao.people.models import FeeYearClose, LeadershipPost

SHARES = {"commune": 80, "province": 15, "central": 5}


def person(cast, name, birth=date(1970, 1, 1), org=None):
    return people.create_individual(cast.root, organisation=org or cast.ba_dinh, full_name=name,
                                    birth_date=birth)  # fmt: skip


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_leaders_through_the_api(cast, login):
    a, b = person(cast, "Nguyễn Văn Trưởng"), person(cast, "Lê Thị Phó")
    client = login(cast.ba_dinh_officer)
    url = f"/api/people/leaders/{cast.ba_dinh.pk}"
    made = post(client, url, {"individual_id": a.pk, "post": "chair", "started_on": "2025-07-01",
                              "decision": "QĐ 12"})  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["post_label"] == "Chủ tịch" and made.json()["full_name"] == a.full_name
    # a second chair on a shared day: 422 with the action's Vietnamese reason, nothing written
    clash = post(client, url, {"individual_id": b.pk, "post": "chair", "started_on": "2026-01-05"})
    assert clash.status_code == 422
    assert "mỗi lúc chỉ một Chủ tịch" in clash.json()["detail"]
    assert LeadershipPost.objects.filter(organisation=cast.ba_dinh).count() == 1
    # an unknown post, a person out of reach, a malformed date: 422 on the field
    bad = post(client, url, {"individual_id": b.pk, "post": "king", "started_on": "2025-07-01"})
    assert bad.status_code == 422 and "post" in bad.json()["errors"]
    far = person(cast, "Hoàng Văn Xa", org=cast.tuyen_quang)
    out = post(client, url, {"individual_id": far.pk, "post": "vice_chair",
                             "started_on": "2025-07-01"})  # fmt: skip
    assert out.status_code == 422
    assert out.json()["errors"]["individual_id"] == [
        "Không tìm thấy người này trong phạm vi của bạn."
    ]
    typo = post(client, url, {"individual_id": b.pk, "post": "vice_chair", "started_on": "1/7"})
    assert typo.status_code == 422 and "started_on" in typo.json()["errors"]
    assert LeadershipPost.objects.filter(organisation=cast.ba_dinh).count() == 1
    # end the chair's term, appoint the next one; now and over time
    held = made.json()["id"]
    ended = post(client, f"/api/people/leader-posts/{held}/end",
                 {"ended_on": "2026-01-04", "note": "Nghỉ hưu"})  # fmt: skip
    assert ended.status_code == 200 and ended.json()["ended_on"] == "2026-01-04"
    again = post(client, f"/api/people/leader-posts/{held}/end", {"ended_on": "2026-01-05"})
    assert again.status_code == 422 and "đã kết thúc ngày 04/01/2026" in again.json()["detail"]
    assert post(client, url, {"individual_id": b.pk, "post": "chair",
                              "started_on": "2026-01-05"}).status_code == 201  # fmt: skip
    then = client.get(f"{url}?on=2025-09-01").json()
    assert [r["full_name"] for r in then["leaders"]] == ["Nguyễn Văn Trưởng"]
    now = client.get(url).json()
    assert now["date"] == timezone.localdate().isoformat()
    assert [r["full_name"] for r in now["leaders"]] == ["Lê Thị Phó"]
    assert [r["full_name"] for r in now["history"]] == ["Lê Thị Phó", "Nguyễn Văn Trưởng"]
    # a viewer of Hà Nội reads but cannot appoint; another province does not see Ba Đình
    viewer = login(cast.hn_viewer)
    assert viewer.get(url).status_code == 200
    assert post(viewer, url, {"individual_id": b.pk, "post": "standing",
                              "started_on": "2025-07-01"}).status_code == 403  # fmt: skip
    assert login(cast.tq_officer).get(url).status_code == 404


def test_year_close_preview_close_and_reopen(cast, login):
    y = timezone.localdate().year - 1
    ms.set_schedule(cast.root, year=y, amount_per_month=1_000, exemption_cap_percent=10,
                    shares=SHARES)  # fmt: skip
    m = ms.join(cast.root, person(cast, "Trần Thị Nửa"), cast.ba_dinh, kind="member",
                started_on=date(y - 2, 1, 1))  # fmt: skip
    ms.record_payment(cast.root, m, year=y, months=[1, 2, 3], paid_on=date(y, 3, 1))
    client = login(cast.ba_dinh_accountant)
    url = f"/api/people/fee-years/{cast.ba_dinh.pk}"
    preview = client.get(f"{url}?year={y}")
    assert preview.status_code == 200
    body = preview.json()
    assert body["closed"] is None and body["figures"]["collected"] == 3_000
    assert body["figures"]["expected"] == 12_000 and body["figures"]["owed"] == 9_000
    assert FeeYearClose.objects.count() == 0  # the preview wrote nothing
    assert client.get(f"{url}?year=1999").status_code == 422  # bounded
    assert client.get(url).status_code == 422  # the year is required
    # the current year cannot be closed
    now = post(client, f"{url}/close?year={y + 1}")
    assert now.status_code == 422 and "chưa kết thúc" in now.json()["detail"]
    closed = post(client, f"{url}/close?year={y}")
    assert closed.status_code == 201 and closed.json()["figures"]["collected"] == 3_000
    twice = post(client, f"{url}/close?year={y}")
    assert twice.status_code == 422 and "đã khóa sổ rồi" in twice.json()["detail"]
    standing = client.get(f"{url}?year={y}").json()
    assert standing["closed"]["id"] == closed.json()["id"]
    # a payment of the closed year is refused until reopened (with a reason)
    reopen = f"/api/people/fee-year-closes/{closed.json()['id']}/reopen"
    assert post(client, reopen, {"reason": ""}).status_code == 422
    assert ms.closed_year(cast.ba_dinh, y) is not None
    reopened = post(client, reopen, {"reason": "Thu bổ sung"})
    assert reopened.status_code == 200 and reopened.json()["reopen_reason"] == "Thu bổ sung"
    assert ms.closed_year(cast.ba_dinh, y) is None
    # an officer without money rights: 403 on the preview, the close and the reopen
    officer = login(cast.ba_dinh_officer)
    assert officer.get(f"{url}?year={y}").status_code == 403
    assert post(officer, f"{url}/close?year={y}").status_code == 403
    assert post(officer, reopen, {"reason": "x"}).status_code == 403


def test_youth_groups_of_a_subtree_with_counts(cast, login):
    group = youth.create_group(cast.root, cast.ba_dinh, name="Nhóm TTN CTĐ Chu Văn An",
                               school="THPT Chu Văn An", kind="school",
                               founded_on=date(2025, 9, 5))  # fmt: skip
    youth.create_group(cast.root, cast.ngoc_ha, name="Nhóm TTN Ngọc Hà", school="THCS Ngọc Hà",
                       kind="school", founded_on=date(2025, 9, 5))  # fmt: skip
    student = person(cast, "Phạm Thu Trang", birth=date(2006, 1, 1))
    ms.join(cast.root, student, cast.ba_dinh, kind="youth", started_on=date(2025, 10, 1),
            youth_group=group)  # fmt: skip
    hanoi = login(cast.hn_viewer).get(f"/api/people/youth/{cast.hanoi.pk}").json()
    assert hanoi["total"] == {"groups": 2, "members": 1}
    by_org = {r["organisation_id"]: (r["groups"], r["members"]) for r in hanoi["rows"]}
    assert by_org[cast.ba_dinh.pk] == (1, 1) and by_org[cast.ngoc_ha.pk] == (1, 0)
    assert sorted(g["name"] for g in hanoi["groups"]) == ["Nhóm TTN CTĐ Chu Văn An",
                                                          "Nhóm TTN Ngọc Hà"]  # fmt: skip
    before = (
        login(cast.ba_dinh_officer).get(f"/api/people/youth/{cast.ba_dinh.pk}?on=2025-09-30").json()
    )
    assert before["total"] == {"groups": 1, "members": 0}
    assert before["groups"][0]["members"] == 0
    assert login(cast.ba_dinh_officer).get(f"/api/people/youth/{cast.hanoi.pk}").status_code == 404
