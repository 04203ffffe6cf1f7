# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""The overlap warning and likely duplicates not merged yet (issue #14 item 7's last part):
a round's line whose recipient the dedup run found likely to be the same as another record,
which received support of the same kind within the window, says "có thể trùng với …" with a
link to that record; once the pair is told apart (or merged) the note goes (a merged record's
support is in the overlap warning proper)."""

import pytest
from django.urls import reverse

from nhandao.beneficiaries import actions as registry
from nhandao.beneficiaries.models import MatchCandidate
from nhandao.relief import actions
from tests.test_relief_fixtures import (  # noqa: F401  (fixtures)
    DAY,
    donate,
    household,
    unit,
    yagi,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(cast, yagi):
    ward = unit("4")
    home = household(cast, ward, cast.ba_dinh, "Lê Thị Mai")
    twin = registry.create_person(
        cast.root, full_name="Lê Thị Mai", organisation=cast.ba_dinh, commune=ward
    )
    registry.record_support(
        cast.root, organisation=cast.front, date=DAY, kind="cash", value=300_000, person=twin
    )
    a, b = sorted([home.head_id, twin.pk])
    pair = MatchCandidate.objects.create(
        person_a_id=a, person_b_id=b, score=0.97, method="splink", reasons={"Tên": "giống"}
    )
    donate(cast.ba_dinh, yagi, 5_000_000)
    rnd = actions.create_round(
        cast.root, organisation=cast.ba_dinh, campaign=yagi, kind="cash", name="Trao tiền",
        date=DAY,
    )  # fmt: skip
    (line,) = actions.add_lines(cast.root, rnd, [("Hộ 1", home, None, 500_000, None)])
    actions.set_round_status(cast.root, rnd, "open")
    return {"rnd": rnd, "line": line, "twin": twin, "pair": pair}


def test_a_likely_duplicate_with_support_is_shown_with_a_link(cast, login, scene):
    rnd, twin = scene["rnd"], scene["twin"]
    assert actions.overlaps_for(scene["line"]) == []  # not merged: not the warning proper
    notes = actions.duplicate_notes(rnd, [scene["line"]], cast.root)
    assert notes == {
        scene["line"].pk: [
            {
                "person_id": twin.pk,
                "name": "Lê Thị Mai",
                "text": "Có thể trùng với “Lê Thị Mai” (hồ sơ chưa gộp), đã nhận Tiền mặt "
                f"300.000 ₫ ngày {DAY:%d/%m/%Y} của “{cast.front}”.",
            }
        ]
    }
    page = login(cast.root).get(reverse("relief_round", args=[rnd.pk])).content.decode()
    assert "Có thể trùng với “Lê Thị Mai”" in page
    assert f'href="/doi-tuong/{twin.pk}/"' in page


def test_a_duplicate_outside_the_users_reach_is_not_named(cast, scene):
    from nhandao.beneficiaries.models import Person

    Person.objects.filter(pk=scene["twin"].pk).update(organisation=cast.tuyen_quang)
    notes = actions.duplicate_notes(scene["rnd"], [scene["line"]], cast.ba_dinh_officer)
    (note,) = notes[scene["line"].pk]
    assert note["person_id"] is None and note["name"] == ""
    assert note["text"].startswith("Có thể trùng với một hồ sơ ngoài phạm vi của bạn, đã nhận")


def test_a_pair_told_apart_or_without_support_in_the_window_says_nothing(cast, scene):
    from nhandao.beneficiaries.models import SupportRecord

    SupportRecord.objects.filter(person=scene["twin"]).update(date=DAY.replace(year=2023))
    assert actions.duplicate_notes(scene["rnd"], [scene["line"]], cast.root) == {}
    SupportRecord.objects.filter(person=scene["twin"]).update(date=DAY)
    MatchCandidate.objects.filter(pk=scene["pair"].pk).update(status="distinct")
    assert actions.duplicate_notes(scene["rnd"], [scene["line"]], cast.root) == {}
