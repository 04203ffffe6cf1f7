"""An organisation's area, defined once (orgs/access.py): its administrative unit on the new
map, or its nearest ancestor's for a branch without one; everywhere for a central body.
The registry's area view and relief's rules both read it."""

from datetime import date

import pytest

from nhandao.beneficiaries import actions as registry
from nhandao.beneficiaries import lookups
from nhandao.beneficiaries.models import Person
from nhandao.orgs import access
from nhandao.orgs.models import AdminMap, AdminUnit, OrgKind, OrgLevel, RoleKind
from nhandao.relief import actions as relief
from nhandao.relief.rules import ReliefError
from tests.conftest import make_org


def commune(code):
    return AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code=code)


@pytest.fixture
def branch(cast):
    """A branch (chi hội) of Ba Đình: no administrative unit of its own; an officer there."""
    from nhandao.orgs import actions

    org = make_org(cast.root, cast.ba_dinh, "CTD-X4-CH1", "Chi hội Tổ dân phố 1", OrgLevel.BRANCH)
    officer = actions.create_user(
        cast.root,
        username="branch_officer",
        full_name="Cán bộ chi hội",
        email="",
        password="Mat-khau-thu-nghiem-1",
        organisation=org,
        role=RoleKind.OFFICER,
    )
    return org, officer


def test_a_commune_chapter_works_in_its_commune(cast):
    assert access.area_units(cast.ba_dinh) == [commune("4")]


def test_a_province_chapter_works_in_its_province(cast):
    assert access.area_units(cast.hanoi) == [cast.hanoi.admin_unit]


def test_an_old_map_unit_counts_as_the_units_it_became(cast):
    """Quán Thánh (an old-map ward, merged into Ba Đình) works in the new Ba Đình ward."""
    assert commune("4") in access.area_units(cast.quan_thanh)


def test_a_central_body_works_everywhere(cast):
    assert access.area_units(cast.central) is None
    assert access.area_units(cast.front) is None


def test_a_branch_without_a_unit_works_in_its_nearest_ancestors_area(cast, branch):
    org, _ = branch
    assert access.area_units(org) == [commune("4")]
    deeper = make_org(cast.root, org, "CTD-X4-CH1-T1", "Tổ hội 1", OrgLevel.BRANCH)
    assert access.area_units(deeper) == [commune("4")]
    under_centre = make_org(cast.root, cast.central, "CTD-TW-B1", "Ban công tác", OrgLevel.BRANCH)
    assert access.area_units(under_centre) is None


def test_an_organisation_with_no_unit_up_its_tree_works_nowhere(cast):
    """Neither it nor an ancestor has a unit and none is central: no area (not everywhere)."""
    root = make_org(
        cast.root, None, "DT-1", "Đối tác độc lập", OrgLevel.PROVINCE, kind=OrgKind.PARTNER
    )
    assert access.area_units(root) == []
    registry.create_person(
        cast.root, organisation=cast.ba_dinh, full_name="Lê Văn Nam", commune=commune("4")
    )
    assert not Person.objects.filter(access.org_area_q(root)).exists()
    assert Person.objects.filter(access.org_area_q(cast.ba_dinh)).exists()


def test_a_user_area_is_the_union_of_their_organisations_areas(cast):
    assert access.in_area(cast.ba_dinh_officer, commune("4"))
    assert not access.in_area(cast.ba_dinh_officer, commune("8"))
    assert access.in_area(cast.hn_viewer, commune("8"))
    assert not access.in_area(cast.tq_officer, commune("4"))
    assert access.in_area(cast.front_manager, commune("4"))  # a central body
    assert not access.in_area(cast.outsider, commune("4"))


def test_the_registry_area_view_of_a_branch_follows_its_nearest_ancestor(cast, branch):
    """Ngọc Hà helps Minh, who lives in Ba Đình: the branch of Ba Đình sees that he exists
    and what he received (the area view), as Ba Đình does, and nothing of Ngọc Hà's
    people who live elsewhere."""
    org, officer = branch
    minh = registry.create_person(
        cast.ngoc_ha_officer, organisation=cast.ngoc_ha, full_name="Phạm Văn Minh",
        commune=commune("4"), id_number="001060012345",
    )  # fmt: skip
    lan = registry.create_person(
        cast.ngoc_ha_officer, organisation=cast.ngoc_ha, full_name="Trần Thị Lan",
        commune=commune("8"),
    )  # fmt: skip
    view = lookups.get_person(officer, minh.pk)
    assert view.level == lookups.AREA and not view.sensitive
    assert set(Person.objects.visible_to(officer)) == {minh}
    assert lan not in Person.objects.visible_to(officer)


def test_relief_reads_the_same_area(cast, branch):
    """A round of the branch may be held in Ba Đình (its ancestor's commune), not elsewhere."""
    from nhandao.campaigns import actions as campaign_actions

    org, officer = branch
    campaign = campaign_actions.create_campaign(
        cast.root, code="BD-CH", name="Quà Tết", kind="other", organisation=cast.ba_dinh,
        launch_date=date(2025, 12, 1), status="receiving",
    )  # fmt: skip
    fields = dict(organisation=org, campaign=campaign, kind="gift", name="Đợt 1")
    relief.create_round(officer, date=date(2026, 1, 10), commune=commune("4"), **fields)
    with pytest.raises(ReliefError, match="nằm ngoài địa bàn"):
        relief.create_round(officer, date=date(2026, 1, 10), commune=commune("8"), **fields)
