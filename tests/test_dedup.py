"""Duplicate detection across organisations, the review queue, merges and their undo."""

import csv
import random
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from nhandao.beneficiaries import actions, dedup
from nhandao.beneficiaries.models import (
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
