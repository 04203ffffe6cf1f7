"""The reports' member indicators counted by hand on both sides of a transfer and over an end
(issue #20 item 8): a transfer in is not a new member, a transfer out is not one who left."""

from datetime import date

from nhandao.people import actions as people
from nhandao.people import membership as ms
from nhandao.reports import actions, building


def _figures(officer, org, period="2025-H2"):
    report = actions.open_report(officer, org, period)
    return {line.indicator.code: line.value for line in building.lines(report)}


def test_member_indicators_on_both_sides_of_a_transfer_and_over_an_end(cast):
    root = cast.root

    def member(name, org, start, born=date(1980, 1, 1), kind="member"):
        person = people.create_individual(root, organisation=org, full_name=name, birth_date=born)
        return ms.join(root, person, org, kind=kind, started_on=start)

    def move(membership, to_org, day):
        ms.approve_transfer(root, ms.request_transfer(root, membership, to_org=to_org,
                                                      effective_on=day))  # fmt: skip

    move(member("Anh Đến", cast.ba_dinh, date(2024, 3, 1)), cast.ngoc_ha, date(2025, 11, 1))
    gone = member("Bảo Mất", cast.ngoc_ha, date(2025, 8, 1))
    ms.end(root, gone, ended_on=date(2025, 12, 1), reason="died")
    move(member("Cúc Đi", cast.ngoc_ha, date(2025, 9, 1)), cast.ba_dinh, date(2025, 10, 15))
    member("Dương Trẻ", cast.ngoc_ha, date(2026, 1, 5), born=date(2006, 1, 1), kind="youth")

    # Ngọc Hà, 2025-H2: at the end only Anh (moved in); new: Bảo and Cúc (joined there);
    # left: Bảo (died) — Cúc moved out, which is not leaving; Dương joined after the period
    ngoc_ha = _figures(cast.ngoc_ha_officer, cast.ngoc_ha)
    assert (ngoc_ha["members_end"], ngoc_ha["members_new"], ngoc_ha["members_left"]) == (1, 2, 1)
    assert ngoc_ha["youth_members"] == 0
    # Ba Đình, 2025-H2: Cúc (moved in); Anh moved out: nobody new, nobody left
    ba_dinh = _figures(cast.ba_dinh_officer, cast.ba_dinh)
    assert (ba_dinh["members_end"], ba_dinh["members_new"], ba_dinh["members_left"]) == (1, 0, 0)
    # Ngọc Hà, 2026-H1: Anh and the youth member Dương; one new
    h1 = _figures(cast.ngoc_ha_officer, cast.ngoc_ha, "2026-H1")
    assert (h1["members_end"], h1["members_new"], h1["youth_members"]) == (2, 1, 1)
