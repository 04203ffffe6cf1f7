"""Organisation lifecycle: create, rename, move, merge N → 1, dissolve; all audited."""

from datetime import date

from nhandao.audit.models import AuditEvent
from nhandao.orgs import access, actions
from nhandao.orgs.models import Organisation, OrgStatus


def test_a_new_organisation_sits_under_its_parent(cast):
    assert cast.ba_dinh.path == f"{cast.hanoi.path}{cast.ba_dinh.pk}/"
    assert set(Organisation.objects.subtree_of(cast.hanoi)) >= {cast.ba_dinh, cast.ngoc_ha}


def test_a_merge_keeps_the_history_with_the_successor(cast):
    quan_thanh = cast.quan_thanh
    assert quan_thanh.status == OrgStatus.MERGED
    assert quan_thanh.successor == cast.ba_dinh
    assert quan_thanh.valid_to == date(2025, 6, 30)
    assert list(cast.ba_dinh.predecessors.all()) == [quan_thanh]
    # whoever reaches the successor reaches the merged chapter and its records
    assert access.can(cast.ba_dinh_officer, "view", quan_thanh)
    assert not access.can(cast.ngoc_ha_officer, "view", quan_thanh)
    assert AuditEvent.objects.about(quan_thanh).filter(action="org.merge").exists()


def test_merging_several_into_one_moves_their_children_to_the_successor(cast):
    branch = actions.create_organisation(
        cast.root,
        parent=cast.ngoc_ha,
        code="CTD-X8-CH1",
        name="Chi hội Tổ dân phố 1",
        kind="red_cross",
        level="branch",
        admin_unit=None,
        partner_type="",
    )
    actions.merge_organisations(cast.root, [cast.ngoc_ha], cast.ba_dinh, date(2026, 1, 1))
    branch.refresh_from_db()
    assert branch.parent == cast.ba_dinh
    assert branch.path.startswith(cast.ba_dinh.path)
    assert Organisation.objects.get(pk=cast.ngoc_ha.pk).status == OrgStatus.MERGED


def test_dissolving_a_district_chapter_hands_its_children_to_the_named_successor(cast):
    district = cast.ba_dinh_district
    assert district.status == OrgStatus.DISSOLVED
    assert district.successor == cast.hanoi
    assert not district.children.filter(status=OrgStatus.ACTIVE).exists()


def test_moving_an_organisation_rewrites_the_paths_of_its_whole_subtree(cast):
    actions.move_organisation(cast.root, cast.ba_dinh, cast.tuyen_quang)
    quan_thanh = Organisation.objects.get(pk=cast.quan_thanh.pk)
    assert quan_thanh.path.startswith(cast.tuyen_quang.path)
    assert access.can(cast.tq_officer, "view", quan_thanh)
    assert not access.can(cast.hn_officer, "view", quan_thanh)


def test_every_change_writes_an_audit_event_with_before_and_after(cast):
    actions.rename_organisation(cast.hn_admin, cast.ngoc_ha, "Hội CTĐ phường Ngọc Hà")
    event = AuditEvent.objects.about(cast.ngoc_ha).get(action="org.rename")
    assert event.actor == cast.hn_admin
    assert event.before == {"name": "Hội Chữ thập đỏ Phường Ngọc Hà"}
    assert event.after == {"name": "Hội CTĐ phường Ngọc Hà"}
    assert cast.ngoc_ha.name_key == "hoi ctd phuong ngoc ha"
