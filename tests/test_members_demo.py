"""The people demo on the test cast (its users made as the demo makes them): leaders of the
commune, of the chapter merged into it and of the province; a Youth Red Cross group with its
members; last year's fee year closed with no membership ended; volunteers' skills."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from nhandao.demo import people as demo
from nhandao.orgs import actions as org_actions
from nhandao.orgs.models import RoleKind
from nhandao.people import leaders, youth
from nhandao.people.models import FeeYearClose, Membership, Volunteer, YouthGroup


@pytest.fixture
def seeded(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    User = get_user_model()
    for username, org, role in (("xa.canbo", cast.ba_dinh, RoleKind.OFFICER),
                                ("xa.ketoan", cast.ba_dinh, RoleKind.ACCOUNTANT),
                                ("xa2.canbo", cast.ngoc_ha, RoleKind.OFFICER)):  # fmt: skip
        user = User.objects.create_user(username, password="x-Mat-khau-1", full_name=username)
        org_actions.grant_role(cast.root, user, org, role)
    demo.seed(cast.root, {})


def test_the_demo_has_leaders_a_youth_group_and_a_closed_year(cast, seeded):
    today = timezone.localdate()
    now = {(p.post, p.individual.full_name) for p in leaders.leaders_on(cast.ba_dinh, today)}
    assert ("chair", "Trần Văn Hưng") in now and len(now) == 3
    assert [p.individual.full_name for p in leaders.leaders_on(cast.hanoi, date(2020, 1, 1))] == [
        "Hoàng Văn Thịnh"
    ]
    assert leaders.leaders_on(cast.quan_thanh, date(2024, 1, 1))[0].post == "chair"
    group = YouthGroup.objects.get(organisation=cast.ba_dinh)
    assert youth.group_members(group, today).count() == 3
    assert youth.rollup(cast.hanoi, today)["total"]["members"] == 3
    # two activities, each with the members of the group on its day
    assert [a.people for a in youth.activities_of(group)] == [3, 2]
    close = FeeYearClose.objects.get(organisation=cast.ba_dinh, year=today.year - 1)
    assert close.standing and close.figures["collected"] > 0 and close.figures["owing"]
    assert close.figures["memberships_ended"] == 0
    # those who owed last year are still members
    owing = [r["code"] for r in close.figures["owing"]]
    assert Membership.objects.filter(individual__code__in=owing, ended_on__isnull=True).count() \
        == len(owing)  # fmt: skip
    assert Volunteer.objects.exclude(skill_tags=[]).count() == 3


def test_the_demo_organisation_page_shows_who_led_when(cast, seeded, login):
    html = login(cast.hn_viewer).get(f"/to-chuc/{cast.hanoi.pk}/").content.decode()
    assert "Lê Thị Minh Châu" in html and "Hoàng Văn Thịnh" in html and "31/03/2023" in html
