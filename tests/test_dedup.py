"""Duplicate detection across organisations, the review queue, merges and their undo."""

import csv
import random
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from nhandao.beneficiaries import actions, dedup
from nhandao.beneficiaries.models import (
    Household,
    MatchCandidate,
    MatchStatus,
    MergeRecord,
    Person,
    PersonStatus,
    SupportKind,
    SupportRecord,
)
from nhandao.orgs.models import AdminMap, AdminUnit

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thu", "Quang", "Hữu"]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phong",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Việt",
    "Yến",
]


def commune(code, admin_map=AdminMap.NEW):
    return AdminUnit.objects.get(map=admin_map, level="commune", code=code)


def noise(actor, org, count=200, seed=7):
    """`count` distinct, unrelated people in Ba Đình and Ngọc Hà (the background crowd)."""
    rng = random.Random(seed)
    seen, people = set(), []
    places = [commune("4"), commune("8")]
    while len(people) < count:
        name = (rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN))
        year = rng.randint(1940, 2015)
        if (name[0], name[2]) in seen:
            continue
        seen.add((name[0], name[2]))
        people.append(
            Person(
                organisation=org,
                full_name=" ".join(name),
                birth_year=year,
                birth_date=date(year, rng.randint(1, 12), rng.randint(1, 28)),
                commune=rng.choice(places),
                village=f"Tổ {rng.randint(1, 30)}",
            )
        )
    Person.objects.bulk_create([p.normalise() for p in people])


@pytest.fixture
def hoa_twice(cast):
    """The same woman registered by Ba Đình and, differently typed, by Ngọc Hà."""
    noise(cast.root, cast.hanoi)
    ba_dinh = actions.create_person(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        full_name="Nguyễn Thị Hoa",
        sex="female",
        birth_date=date(1985, 3, 5),
        commune=commune("4"),
        village="Tổ 5",
        phone="0912345678",
        id_number="001185012345",
    )
    ngoc_ha = actions.create_person(
        cast.ngoc_ha_officer,
        organisation=cast.ngoc_ha,
        full_name="NGUYEN HOA",
        birth_year=1985,
        commune=commune("4"),
        old_commune=commune("13", AdminMap.OLD),
        village="to 5",
    )
    actions.record_support(
        cast.ngoc_ha_officer,
        organisation=cast.ngoc_ha,
        person=ngoc_ha,
        date=date(2026, 1, 25),
        kind=SupportKind.GIFT,
        value=500_000,
    )
    return ba_dinh, ngoc_ha


def pair_of(a, b):
    low, high = sorted([a.pk, b.pk])
    return MatchCandidate.objects.filter(person_a_id=low, person_b_id=high).first()


def test_the_same_person_typed_differently_by_two_organisations_is_found(hoa_twice):
    ba_dinh, ngoc_ha = hoa_twice
    run = dedup.run_dedup()
    pair = pair_of(ba_dinh, ngoc_ha)
    assert pair is not None and pair.status == MatchStatus.PENDING
    assert pair.score >= 0.9 and pair.method == "splink"
    assert pair.reasons["Tên"] == "giống"
    assert pair.reasons["Tên đệm"] == "thiếu"  # dropped middle name
    assert pair.reasons["Ngày sinh"] == "cùng năm (một bên chỉ có năm)"
    assert pair.reasons["Nơi ở, điện thoại"] == "cùng xã, cùng thôn"  # old commune mapped
    assert run.persons == 202
    assert MatchCandidate.objects.count() == 1  # the unrelated crowd brings no false pair


def test_a_shared_cccd_is_an_exact_duplicate_whatever_the_names(cast):
    a = actions.create_person(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        full_name="Lê Văn Tám",
        id_number="001060012345",
        commune=commune("4"),
    )
    b = actions.create_person(
        cast.tq_officer, organisation=cast.tuyen_quang, full_name="Le Tam", id_number="001060012345"
    )
    dedup.run_dedup()
    assert pair_of(a, b).reasons["CCCD/CMND"] == "giống"


def test_relatives_in_one_household_are_not_duplicates(cast):
    noise(cast.root, cast.hanoi, count=100)
    household = actions.create_household(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, commune=commune("4"), village="Tổ 9"
    )
    members = [
        ("Nguyễn Văn Nam", "male", date(1960, 4, 2), "head"),
        ("Trần Thị Lan", "female", date(1962, 8, 15), "spouse"),
        ("Nguyễn Văn Hùng", "male", date(1986, 1, 9), "child"),
        ("Nguyễn Thị Hương", "female", date(1988, 11, 30), "child"),
        ("Nguyễn Thị Hường", "female", date(1990, 6, 1), "child"),  # one letter from her sister
        ("Nguyễn Văn An", "male", date(2012, 2, 2), "grandchild"),
    ]
    for name, sex, born, relationship in members:
        actions.create_person(
            cast.ba_dinh_officer,
            organisation=cast.ba_dinh,
            full_name=name,
            sex=sex,
            birth_date=born,
            phone="0988000111",
            household=household,
            relationship=relationship,
        )
    dedup.run_dedup()
    assert not MatchCandidate.objects.exists()


def test_a_merge_moves_the_support_history_and_can_be_undone(cast, hoa_twice):
    ba_dinh, ngoc_ha = hoa_twice
    dedup.run_dedup()
    pair = pair_of(ba_dinh, ngoc_ha)
    merge = actions.merge_persons(cast.hn_officer, ba_dinh, ngoc_ha, pair)
    ngoc_ha.refresh_from_db()
    assert ngoc_ha.status == PersonStatus.MERGED and ngoc_ha.merged_into == ba_dinh
    assert list(SupportRecord.objects.values_list("person", flat=True)) == [ba_dinh.pk]
    pair.refresh_from_db()
    assert pair.status == MatchStatus.MERGED

    actions.undo_merge(cast.hn_officer, merge)
    ngoc_ha.refresh_from_db()
    assert ngoc_ha.status == PersonStatus.ACTIVE and ngoc_ha.merged_into is None
    assert list(SupportRecord.objects.values_list("person", flat=True)) == [ngoc_ha.pk]
    assert MergeRecord.objects.get().undone_at is not None
    pair.refresh_from_db()
    assert pair.status == MatchStatus.PENDING


def test_a_merge_moves_the_headship_of_a_household_and_undo_gives_it_back(cast, hoa_twice):
    ba_dinh, ngoc_ha = hoa_twice
    household = actions.create_household(
        cast.ngoc_ha_officer, organisation=cast.ngoc_ha, commune=commune("4"), village="Tổ 2"
    )
    Household.objects.filter(pk=household.pk).update(head=ngoc_ha)
    merge = actions.merge_persons(cast.hn_officer, ba_dinh, ngoc_ha)
    household.refresh_from_db()
    assert household.head == ba_dinh and merge.moved["beneficiaries.household.head"]
    actions.undo_merge(cast.hn_officer, merge)
    household.refresh_from_db()
    assert household.head == ngoc_ha


def test_a_merge_fills_what_the_survivor_lacked_and_undo_takes_it_back(cast, hoa_twice):
    ba_dinh, ngoc_ha = hoa_twice
    merge = actions.merge_persons(cast.hn_officer, ngoc_ha, ba_dinh)
    ngoc_ha.refresh_from_db()
    assert ngoc_ha.id_number == "001185012345" and ngoc_ha.birth_date == date(1985, 3, 5)
    actions.undo_merge(cast.hn_officer, merge)
    ngoc_ha.refresh_from_db()
    assert ngoc_ha.id_number == "" and ngoc_ha.birth_date is None and ngoc_ha.phone == ""


def test_a_merge_across_organisations_needs_rights_at_both_and_changes_nothing(cast, hoa_twice):
    ba_dinh, ngoc_ha = hoa_twice
    with pytest.raises(PermissionDenied, match="cần quyền nhập liệu ở cả hai tổ chức"):
        actions.merge_persons(cast.ba_dinh_officer, ba_dinh, ngoc_ha)
    ngoc_ha.refresh_from_db()
    assert ngoc_ha.status == PersonStatus.ACTIVE
    assert not MergeRecord.objects.exists()
    assert SupportRecord.objects.get().person == ngoc_ha


def test_different_people_are_remembered_and_never_proposed_again(cast, hoa_twice):
    ba_dinh, ngoc_ha = hoa_twice
    dedup.run_dedup()
    actions.mark_distinct(cast.ba_dinh_officer, pair_of(ba_dinh, ngoc_ha))
    run = dedup.run_dedup()
    assert run.pairs == 0
    pair = pair_of(ba_dinh, ngoc_ha)
    assert pair.status == MatchStatus.DISTINCT and pair.decided_by == cast.ba_dinh_officer


def test_the_export_gives_one_row_per_person_with_its_cluster(cast, hoa_twice, tmp_path):
    ba_dinh, ngoc_ha = hoa_twice
    Person.objects.filter(pk=ngoc_ha.pk).update(external_id="NH-0001")
    call_command("dedup")
    path = tmp_path / "clusters.csv"
    call_command("dedup", export=str(path))
    rows = {int(r["person_id"]): r for r in csv.DictReader(path.open(encoding="utf-8"))}
    assert len(rows) == Person.objects.count()
    assert rows[ngoc_ha.pk]["external_id"] == "NH-0001"
    assert rows[ngoc_ha.pk]["cluster_id"] == rows[ba_dinh.pk]["cluster_id"]
    others = [r["cluster_id"] for pk, r in rows.items() if pk not in (ba_dinh.pk, ngoc_ha.pk)]
    assert len(set(others)) == len(others)


# ---- the review queue page ----


def test_the_review_queue_shows_the_pair_with_score_and_reasons(cast, hoa_twice, login):
    ba_dinh, ngoc_ha = hoa_twice
    dedup.run_dedup()
    pair = pair_of(ba_dinh, ngoc_ha)
    html = login(cast.ba_dinh_officer).get("/trung-lap/").content.decode()
    assert f'id="pair-{pair.pk}"' in html and "NGUYEN HOA" not in html  # stored in Title Case
    assert "Nguyen Hoa" in html and 'data-field="Tên" data-verdict="giống"' in html
    # Tuyên Quang neither owns nor sees these people
    html = login(cast.tq_officer).get("/trung-lap/").content.decode()
    assert f'id="pair-{pair.pk}"' not in html


def test_deciding_on_the_queue_page(cast, hoa_twice, login):
    ba_dinh, ngoc_ha = hoa_twice
    dedup.run_dedup()
    pair = pair_of(ba_dinh, ngoc_ha)
    client = login(cast.ba_dinh_officer)
    client.post(f"/trung-lap/{pair.pk}/quyet-dinh/", {"decision": "same"})
    pair.refresh_from_db()
    assert pair.status == MatchStatus.PENDING  # no rights at Ngọc Hà: refused, nothing merged
    page = client.get("/trung-lap/").content.decode()
    assert "cần quyền nhập liệu ở cả hai tổ chức" in page
    client = login(cast.hn_officer)
    client.post(f"/trung-lap/{pair.pk}/quyet-dinh/", {"decision": "same", "survivor": ba_dinh.pk})
    ngoc_ha.refresh_from_db()
    assert ngoc_ha.merged_into == ba_dinh


def test_the_api_lists_and_decides_pairs_with_the_same_rules(cast, hoa_twice, login):
    ba_dinh, ngoc_ha = hoa_twice
    dedup.run_dedup()
    pair = pair_of(ba_dinh, ngoc_ha)
    client = login(cast.ba_dinh_officer)
    listed = client.get("/api/duplicates").json()
    assert listed["count"] == 1 and listed["items"][0]["person_b"]["visibility"] == "area"
    assert listed["items"][0]["person_b"].get("id_number") is None
    refused = client.post(
        f"/api/duplicates/{pair.pk}/decision", {"decision": "same"}, content_type="application/json"
    )
    assert refused.status_code == 403
    bad = client.post(
        f"/api/duplicates/{pair.pk}/decision",
        {"decision": "maybe"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "Khác người" in bad.json()["errors"]["decision"][0]
    done = client.post(
        f"/api/duplicates/{pair.pk}/decision",
        {"decision": "distinct"},
        content_type="application/json",
    )
    assert done.json()["status"] == "distinct"


# ---- groups: pairs sharing a person are reviewed together ----


def candidate(a, b, score=0.99):
    low, high = sorted([a, b], key=lambda p: p.pk)
    return MatchCandidate.objects.create(
        person_a=low, person_b=high, score=score, method="splink", reasons={"Tên": "giống"}
    )


@pytest.fixture
def hoa_thrice(cast):
    """Hoa registered by Ba Đình (no phone), by Ngọc Hà (with her CCCD) and by the Hà Nội
    chapter (with her phone); a run linked A~B and B~C. Lan and Lam are a separate pair."""
    place = {"commune": commune("4"), "birth_year": 1985}
    a = actions.create_person(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Nguyễn Thị Hoa", **place
    )
    b = actions.create_person(
        cast.ngoc_ha_officer,
        organisation=cast.ngoc_ha,
        full_name="NGUYEN HOA",
        id_number="001185012345",
        **place,
    )
    c = actions.create_person(
        cast.hn_officer,
        organisation=cast.hanoi,
        full_name="Nguyễn T. Hoa",
        phone="0912345678",
        **place,
    )
    lan = actions.create_person(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Trần Thị Lan", **place
    )
    lam = actions.create_person(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Trần Thị Lam", **place
    )
    for person, org in ((b, cast.ngoc_ha), (c, cast.hanoi)):
        actions.record_support(
            cast.hn_officer,
            organisation=org,
            person=person,
            date=date(2026, 1, 25),
            kind=SupportKind.GIFT,
            value=500_000,
        )
    return a, b, c, candidate(a, b, 0.98), candidate(b, c, 0.95), candidate(lan, lam, 0.93)


def test_pairs_sharing_a_person_are_shown_as_one_group(cast, hoa_thrice, login):
    a, b, c, ab, bc, other = hoa_thrice
    html = login(cast.hn_officer).get("/trung-lap/").content.decode()
    group = html[html.index(f'id="group-{ab.pk}"') : html.index(f'id="pair-{other.pk}"')]
    assert f'data-persons="{a.pk},{b.pk},{c.pk}"' in group
    assert f'id="pair-{ab.pk}"' in group and f'id="pair-{bc.pk}"' in group
    assert f'id="merge-group-{ab.pk}"' in group and "Nguyễn T. Hoa" in group
    assert html.count('class="card group"') == 1  # Lan ~ Lam stays an ordinary pair
    assert "3 cặp chờ xem xét, trong 2 nhóm" in html


def test_a_whole_group_is_merged_in_one_action_and_undone_record_by_record(cast, hoa_thrice, login):
    a, b, c, ab, bc, _ = hoa_thrice
    client = login(cast.hn_officer)
    response = client.post("/trung-lap/gop-nhom/", {"pairs": [ab.pk, bc.pk], "survivor": a.pk})
    assert response.status_code == 302
    b.refresh_from_db()
    c.refresh_from_db()
    a.refresh_from_db()
    assert b.merged_into == a and c.merged_into == a
    assert set(SupportRecord.objects.values_list("person", flat=True)) == {a.pk}
    assert (a.id_number, a.phone) == ("001185012345", "0912345678")  # filled from both
    assert set(
        MatchCandidate.objects.filter(pk__in=[ab.pk, bc.pk]).values_list("status", flat=True)
    ) == {MatchStatus.MERGED}
    merges = {m.merged_id: m for m in MergeRecord.objects.all()}
    assert set(merges) == {b.pk, c.pk}
    assert merges[b.pk].candidate == ab and merges[c.pk].candidate == bc
    from nhandao.audit.models import AuditEvent

    event = AuditEvent.objects.about(a).get(action="beneficiaries.group_merged")
    assert event.after == {"merged": [b.pk, c.pk], "pairs": [ab.pk, bc.pk]}

    # undoing B's merge takes back what B brought (its CCCD, its support), not C's phone
    response = client.post(f"/gop-ho-so/{merges[b.pk].pk}/hoan-tac/")
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.status == PersonStatus.ACTIVE and (a.id_number, a.phone) == ("", "0912345678")
    assert SupportRecord.objects.get(organisation=cast.ngoc_ha).person == b
    ab.refresh_from_db()
    assert ab.status == MatchStatus.PENDING
    html = client.get("/trung-lap/").content.decode()
    assert f'id="pair-{ab.pk}"' in html and f'id="pair-{bc.pk}"' not in html  # C still merged


def test_the_pairs_between_two_merged_records_come_back_when_either_is_undone(cast, hoa_thrice):
    a, b, c, ab, bc, _ = hoa_thrice
    ac = candidate(a, c, 0.97)  # a triangle: B ~ C is decided along with C's merge
    merges = actions.merge_group(cast.hn_officer, b, [a, c], [ab, bc, ac])
    by_merged = {m.merged_id: m for m in merges}
    assert by_merged[a.pk].candidate == ab and by_merged[c.pk].candidate == bc
    assert by_merged[c.pk].group_pairs == [ac.pk]
    actions.undo_merge(cast.hn_officer, by_merged[c.pk])
    statuses = dict(MatchCandidate.objects.values_list("pk", "status"))
    assert statuses[bc.pk] == statuses[ac.pk] == MatchStatus.PENDING
    assert statuses[ab.pk] == MatchStatus.MERGED


def test_merging_a_group_needs_rights_at_every_organisation_and_is_all_or_nothing(
    cast, hoa_thrice, login
):
    a, b, c, ab, bc, _ = hoa_thrice
    with pytest.raises(PermissionDenied, match="Hội Chữ thập đỏ Phường Ngọc Hà"):
        actions.merge_group(cast.ba_dinh_officer, a, [b, c], [ab, bc])
    assert not MergeRecord.objects.exists()
    assert Person.objects.filter(status=PersonStatus.ACTIVE).count() == 5
    assert set(MatchCandidate.objects.values_list("status", flat=True)) == {MatchStatus.PENDING}


def test_a_group_with_two_records_known_to_be_different_people_is_not_merged(
    cast, hoa_thrice, login
):
    a, b, c, ab, bc, _ = hoa_thrice
    ac = candidate(a, c, 0.9)
    actions.mark_distinct(cast.hn_officer, ac)  # remembered: A and C are different people
    client = login(cast.hn_officer)
    html = client.get("/trung-lap/").content.decode()
    assert f'id="group-{ab.pk}"' in html and f'id="merge-group-{ab.pk}"' not in html
    assert "đã được xác định là khác người" in html
    client.post("/trung-lap/gop-nhom/", {"pairs": [ab.pk, bc.pk], "survivor": b.pk})
    assert not MergeRecord.objects.exists()
    assert "hãy quyết định từng cặp" in client.get("/trung-lap/").content.decode()
    ac.refresh_from_db()
    assert ac.status == MatchStatus.DISTINCT
    client.post(f"/trung-lap/{ab.pk}/quyet-dinh/", {"decision": "same", "survivor": a.pk})
    b.refresh_from_db()
    assert b.merged_into == a  # the pair-by-pair flow still works


def test_bad_group_requests_change_nothing(cast, hoa_thrice, login):
    a, b, c, ab, bc, other = hoa_thrice
    client = login(cast.hn_officer)
    client.post("/trung-lap/gop-nhom/", {"pairs": [ab.pk, other.pk], "survivor": a.pk})
    client.post("/trung-lap/gop-nhom/", {"pairs": [ab.pk, bc.pk], "survivor": other.person_a_id})
    client.post("/trung-lap/gop-nhom/", {"pairs": ["x"], "survivor": a.pk})
    html = client.get("/trung-lap/").content.decode()
    assert "không nối với nhau thành một nhóm" in html
    assert "Hồ sơ được giữ phải là một người trong nhóm." in html
    assert "Danh sách mã không hợp lệ" in html
    assert not MergeRecord.objects.exists()
    # a pair decided meanwhile, or out of reach: 404
    actions.mark_distinct(cast.hn_officer, other)
    data = {"pairs": [other.pk], "survivor": other.person_a_id}
    assert client.post("/trung-lap/gop-nhom/", data).status_code == 404
    data = {"pairs": [ab.pk, bc.pk], "survivor": a.pk}
    assert login(cast.tq_officer).post("/trung-lap/gop-nhom/", data).status_code == 404
    assert login(cast.outsider).post("/trung-lap/gop-nhom/", data).status_code == 403


def test_the_api_lists_groups_and_merges_one_with_the_same_rules(cast, hoa_thrice, login):
    a, b, c, ab, bc, other = hoa_thrice
    client = login(cast.hn_officer)
    groups = client.get("/api/duplicates/groups").json()
    assert groups["count"] == 2
    first = groups["items"][0]
    assert [p["id"] for p in first["persons"]] == [a.pk, b.pk, c.pk]
    assert [p["id"] for p in first["pairs"]] == [ab.pk, bc.pk] and first["distinct"] == []
    url = "/api/duplicates/groups/merge"
    refused = login(cast.ba_dinh_officer).post(
        url, {"pairs": [ab.pk], "survivor": a.pk}, content_type="application/json"
    )
    assert refused.status_code == 403 and "Ngọc Hà" in refused.json()["detail"]
    client = login(cast.hn_officer)  # one test client: log the officer in again
    bad = client.post(
        url, {"pairs": [ab.pk, bc.pk], "survivor": 0}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["errors"]["survivor"] == ["Hồ sơ được giữ phải là một người trong nhóm."]
    stranger = login(cast.tq_officer).post(
        url, {"pairs": [ab.pk, bc.pk], "survivor": a.pk}, content_type="application/json"
    )
    assert stranger.status_code == 404
    client = login(cast.hn_officer)
    done = client.post(
        url, {"pairs": [ab.pk, bc.pk], "survivor": c.pk}, content_type="application/json"
    ).json()
    assert done["status"] == "merged" and done["survivor"] == c.pk and len(done["merge_ids"]) == 2
    assert client.get("/api/duplicates/groups").json()["count"] == 1


def test_undoing_a_merge_out_of_reach_is_not_found_on_the_page_and_in_the_api(
    cast, hoa_twice, login
):
    # the same gatekeeper for both doors: out of reach the merge does not exist (404)
    ba_dinh, ngoc_ha = hoa_twice
    dedup.run_dedup()
    merge = actions.merge_persons(cast.hn_officer, ba_dinh, ngoc_ha, pair_of(ba_dinh, ngoc_ha))
    client = login(cast.tq_officer)
    assert client.post(reverse("merge_undo", args=[merge.pk])).status_code == 404
    assert client.post(f"/api/merges/{merge.pk}/undo").status_code == 404
    assert client.post("/api/merges/999999/undo").status_code == 404
    merge.refresh_from_db()
    assert merge.undone_at is None
    client = login(cast.hn_officer)
    assert client.post(f"/api/merges/{merge.pk}/undo").json()["status"] == "pending"
    merge.refresh_from_db()
    assert merge.undone_at is not None
    # a second undo is a refused rule, not a missing right: 422 with the reason
    again = client.post(f"/api/merges/{merge.pk}/undo")
    assert again.status_code == 422
    assert again.json() == {
        "detail": "Việc gộp này đã được hoàn tác.",
        "errors": {"__all__": ["Việc gộp này đã được hoàn tác."]},
    }
    page = client.post(reverse("merge_undo", args=[merge.pk]), follow=True)
    assert "Việc gộp này đã được hoàn tác." in page.content.decode()
