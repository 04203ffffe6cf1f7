"""Movements (issue #22): a yearly movement launched at every level with inherited dates,
theme and proposed targets; targets beyond money against results from the data, rolled up;
Tết Nhân ái's rule per commune; the bad input of the issue."""

from datetime import date

import pytest

from nhandao.campaigns.models import Campaign, CampaignStatus
from nhandao.lib.errors import Refused
from nhandao.movements import actions, fairs, results
from nhandao.movements.models import LaunchStatus
from nhandao.relief import actions as relief
from tests.test_relief_fixtures import donate, household, unit


def make_movement(cast, **kw):
    fields = {
        "code": "TND",
        "name": "Tháng Nhân đạo",
        "kind": "humanitarian_month",
        "start_month": 5,
        "start_day": 1,
        "end_month": 5,
        "end_day": 31,
    }
    fields.update(kw)
    defaults = {("commune", "gifts"): 50}
    return actions.create_movement(
        cast.tw_manager, organisation=cast.central, defaults=defaults, **fields
    )


@pytest.fixture
def movement(cast):
    return make_movement(cast)


@pytest.fixture
def edition(cast, movement):
    return actions.launch_edition(
        cast.tw_manager,
        movement,
        year=2026,
        theme="Hành trình nhân đạo – Trao nhận yêu thương",
        targets={"money": 1_000_000_000, "gifts": 1000, "people": 2000},
    )


def launch(actor, campaign, tasks, depth="children"):
    run = actions.launch_parts(actor, campaign, depth=depth)
    tasks.run()
    run.refresh_from_db()
    return run


def test_a_year_is_launched_with_the_usual_dates_and_its_targets(cast, edition):
    campaign = edition.campaign
    assert campaign.code == "TND2026"
    assert (campaign.launch_date, campaign.receiving_end) == (date(2026, 5, 1), date(2026, 5, 31))
    assert campaign.status == CampaignStatus.RECEIVING
    assert campaign.theme.startswith("Hành trình")
    assert actions.targets_of(campaign) == {"money": 1_000_000_000, "gifts": 1000, "people": 2000}


def test_each_level_launches_its_parts_which_inherit_dates_theme_and_targets(cast, edition, tasks):
    national = edition.campaign
    run = launch(cast.tw_manager, national, tasks)
    assert (run.status, run.done, run.total) == (LaunchStatus.DONE, 2, 2)
    provinces = {c.organisation_id: c for c in national.parts.all()}
    assert set(provinces) == {cast.hanoi.pk, cast.tuyen_quang.pk}
    hanoi = provinces[cast.hanoi.pk]
    assert hanoi.theme == national.theme and hanoi.launch_date == national.launch_date
    assert hanoi.receiving_end == national.receiving_end
    assert hanoi.status == CampaignStatus.RECEIVING
    # no default for provinces: the national target shared between the two provinces
    assert actions.targets_of(hanoi) == {"money": 500_000_000, "gifts": 500, "people": 1000}
    # the province launches its communes (Ba Đình and Ngọc Hà; the merged Quán Thánh is not)
    run = launch(cast.hn_officer, hanoi, tasks)
    communes = {c.organisation_id: c for c in hanoi.parts.all()}
    assert set(communes) == {cast.ba_dinh.pk, cast.ngoc_ha.pk}
    # the commune default (50 gifts) wins over the share
    assert actions.targets_of(communes[cast.ba_dinh.pk])["gifts"] == 50
    assert actions.targets_of(communes[cast.ba_dinh.pk])["money"] == 250_000_000


def test_the_centre_launches_every_level_at_once(cast, edition, tasks):
    run = launch(cast.tw_manager, edition.campaign, tasks, depth="all")
    assert run.done == run.total == 5  # 2 provinces + 3 communes
    ba_dinh = Campaign.objects.get(organisation=cast.ba_dinh)
    assert ba_dinh.parent.organisation == cast.hanoi
    assert ba_dinh.parent.parent == edition.campaign
    # launching again adds nothing
    with pytest.raises(Refused, match="đã có phần"):
        actions.launch_parts(cast.tw_manager, edition.campaign, depth="all")


# --- targets against results, rolled up; the Tết rule ---------------------------------------

TET_DAY = date(2024, 12, 20)


@pytest.fixture
def tet(cast, tasks):
    """Tết Nhân ái 2024 launched at every level, with last year's (2023) beside it."""
    movement = make_movement(
        cast, code="TNA", name="Tết Nhân ái", kind="tet", start_month=12, start_day=1,
        end_month=2, end_day=15,
    )  # fmt: skip
    editions = {}
    for year in (2023, 2024):
        editions[year] = actions.launch_edition(
            cast.tw_manager, movement, year=year, targets={"money": 8_000_000, "gifts": 400}
        )
        launch(cast.tw_manager, editions[year].campaign, tasks, depth="all")
    return editions


def part(edition, org):
    return Campaign.objects.get(pk__in=edition.campaign.subtree_ids(), organisation=org)


def gift_round(cast, campaign, homes, *, confirm=()):
    rnd = relief.create_round(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, campaign=campaign, kind="gift",
        name="Quà Tết", date=TET_DAY,
    )  # fmt: skip
    relief.add_lines(
        cast.ba_dinh_officer,
        rnd,
        [(f"Dòng {i}", h, None, 300_000, None) for i, h in enumerate(homes)],
    )
    relief.set_round_status(cast.ba_dinh_officer, rnd, "open")
    for line in rnd.lines.filter(household__in=confirm):
        relief.confirm_line(cast.ba_dinh_officer, line, method="signature")
    return rnd


def test_targets_are_compared_with_results_from_the_data_and_rolled_up(cast, tet):
    this_year = tet[2024]
    ba_dinh, hanoi = part(this_year, cast.ba_dinh), part(this_year, cast.hanoi)
    donate(cast.ba_dinh, ba_dinh, 3_000_000, day=TET_DAY)
    donate(cast.hanoi, hanoi, 1_000_000, day=TET_DAY)
    donate(cast.ba_dinh, part(tet[2023], cast.ba_dinh), 700_000, day=date(2023, 12, 20))
    homes = [household(cast, unit("4"), cast.ba_dinh, n) for n in ("Nguyễn Văn Một", "Lê Hai")]
    gift_round(cast, ba_dinh, homes, confirm=homes[:1])

    national = results.rollup(this_year.campaign, this_year)
    assert national.own.targets == {"money": 8_000_000, "gifts": 400}
    assert national.own.results["money"] == 4_000_000 and national.own.results["gifts"] == 1
    assert national.own.percent("money") == 50
    assert national.parts_targets == {"money": 8_000_000, "gifts": 400}  # 2 × the half
    rows = {r.organisation_id: r for r in national.parts}
    assert rows[cast.hanoi.pk].results["money"] == 4_000_000
    assert rows[cast.tuyen_quang.pk].results["money"] == 0
    assert rows[cast.hanoi.pk].last_year["money"] == 700_000  # last year beside this year
    province = results.rollup(hanoi, this_year)
    rows = {r.organisation_id: r for r in province.parts}
    assert rows[cast.ba_dinh.pk].results["money"] == 3_000_000
    assert rows[cast.ba_dinh.pk].results["gifts"] == 1
    assert rows[cast.ngoc_ha.pk].results["gifts"] == 0
    # the home page's shorter question reads the same own row as the full roll-up
    for campaign, rolled in ((this_year.campaign, national), (hanoi, province)):
        own = results.own_progress(campaign)
        assert (own.targets, own.results) == (rolled.own.targets, rolled.own.results)


def test_the_tet_rule_counts_poor_households_without_a_gift_down_to_zero(cast, tet):
    this_year = tet[2024]
    ba_dinh, hanoi = part(this_year, cast.ba_dinh), part(this_year, cast.hanoi)
    donate(cast.ba_dinh, ba_dinh, 3_000_000, day=TET_DAY)
    homes = [household(cast, unit("4"), cast.ba_dinh, n) for n in ("Nguyễn Văn Một", "Lê Hai")]
    homes.append(household(cast, unit("4"), cast.ba_dinh, "Trần Ba", status="near_poor"))
    household(cast, unit("4"), cast.ba_dinh, "Không nghèo", status="none")
    rnd = gift_round(cast, ba_dinh, homes)
    assert results.rollup(hanoi, this_year).tet_left_behind == 3
    assert results.rollup(ba_dinh, this_year).tet_left_behind == 3
    for n, line in enumerate(rnd.lines.order_by("pk"), start=1):
        relief.confirm_line(cast.ba_dinh_officer, line, method="signature")
        assert results.rollup(hanoi, this_year).tet_left_behind == 3 - n
    assert results.rollup(ba_dinh, this_year).tet_left_behind == 0


# --- bad input: clear Vietnamese messages, nothing written ----------------------------------


def test_a_target_below_zero_is_refused_on_its_field_and_nothing_changes(cast, edition, login):
    url = f"/phong-trao/chien-dich/{edition.campaign.pk}/chi-tieu/"
    page = login(cast.tw_manager).post(
        url, {"launch_date": "01/05/2026", "receiving_end": "31/05/2026", "target_gifts": "-5",
              "target_money": "2.000.000.000"},
    )  # fmt: skip
    assert page.status_code == 422
    assert "Chỉ tiêu không được nhỏ hơn 0 (đã nhập -5)" in page.content.decode()
    assert actions.targets_of(edition.campaign)["money"] == 1_000_000_000
    with pytest.raises(Refused, match="“Suất quà” không được nhỏ hơn 0"):
        actions.check_targets({"gifts": -1})


def test_a_part_outside_the_parents_dates_is_refused_and_nothing_changes(
    cast, edition, tasks, login
):
    launch(cast.tw_manager, edition.campaign, tasks)
    hanoi = part(edition, cast.hanoi)
    client = login(cast.hn_officer)
    url = f"/phong-trao/chien-dich/{hanoi.pk}/chi-tieu/"
    page = client.post(url, {"launch_date": "25/04/2026", "receiving_end": "31/05/2026",
                             "target_gifts": "800"})  # fmt: skip
    assert page.status_code == 422
    text = page.content.decode()
    assert "Ngày phát động 25/04/2026 nằm ngoài thời gian của cấp trên" in text
    assert "01/05/2026 – 31/05/2026" in text
    page = client.post(url, {"launch_date": "05/05/2026", "receiving_end": "10/06/2026"})
    assert "Ngày kết thúc phải trong thời gian của cấp trên" in page.content.decode()
    hanoi.refresh_from_db()
    assert hanoi.launch_date == date(2026, 5, 1)
    assert actions.targets_of(hanoi)["gifts"] == 500
    # within the parent's dates: saved, and the targets adjusted
    page = client.post(url, {"launch_date": "05/05/2026", "receiving_end": "25/05/2026",
                             "target_gifts": "1.200", "target_money": "600.000.000"})  # fmt: skip
    assert page.status_code == 302
    hanoi.refresh_from_db()
    assert hanoi.launch_date == date(2026, 5, 5)
    assert actions.targets_of(hanoi) == {"money": 600_000_000, "gifts": 1200, "people": 1000}


def test_the_api_refuses_the_same_bad_input_with_the_fields_named(cast, edition, tasks, login):
    launch(cast.tw_manager, edition.campaign, tasks)
    hanoi = part(edition, cast.hanoi)
    client = login(cast.hn_officer)
    url = f"/api/movements/parts/{hanoi.pk}"
    answer = client.post(url, {"launch_date": "2026-05-01", "targets": {"gifts": "-3"}},
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 422
    assert "Chỉ tiêu không được nhỏ hơn 0" in answer.json()["errors"]["target_gifts"][0]
    answer = client.post(url, {"launch_date": "2026-04-01", "receiving_end": "2026-05-31"},
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 422
    assert "nằm ngoài thời gian của cấp trên" in answer.json()["errors"]["launch_date"][0]
    answer = client.post(
        url,
        {"launch_date": "2026-05-02", "receiving_end": "2026-05-30", "targets": {"gifts": 700}},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["targets"]["gifts"] == 700
    assert actions.targets_of(hanoi)["gifts"] == 700


def test_a_year_cannot_be_launched_twice(cast, movement, edition):
    with pytest.raises(Refused, match="năm 2026 đã được phát động"):
        actions.launch_edition(cast.tw_manager, movement, year=2026)


# --- pages, API, progress, export, home ----------------------------------------------------


def test_the_pages_show_targets_results_and_the_parts_to_each_level(cast, edition, tasks, login):
    central = login(cast.tw_manager)
    assert "Tháng Nhân đạo" in central.get("/phong-trao/").content.decode()
    page = central.get(f"/phong-trao/{edition.movement_id}/").content.decode()
    assert "Hành trình nhân đạo" in page and "Phát động năm mới" in page
    page = central.get(f"/phong-trao/chien-dich/{edition.campaign.pk}/").content.decode()
    assert "1.000.000.000 ₫" in page and "Cấp dưới chưa được phát động" in page
    answer = central.post(f"/phong-trao/chien-dich/{edition.campaign.pk}/phat-dong/",
                          {"depth": "all"})  # fmt: skip
    assert answer.status_code == 302
    tasks.run()
    progress = central.get(answer.url).content.decode()
    assert "Đã xong" in progress and "5</span>/5" in progress
    page = central.get(f"/phong-trao/chien-dich/{edition.campaign.pk}/").content.decode()
    assert "Hội Chữ thập đỏ Hà Nội" in page and "500 suất" in page
    sheet = central.get(f"/phong-trao/chien-dich/{edition.campaign.pk}/tai/csv/")
    lines = b"".join(sheet.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Đơn vị,Tiền vận động (đồng): chỉ tiêu")
    assert any(line.startswith("Hội Chữ thập đỏ Hà Nội,500000000,0,") for line in lines)
    # a commune officer sees their part, read-only above it
    commune = login(cast.ba_dinh_officer)
    ba_dinh = part(edition, cast.ba_dinh)
    page = commune.get(f"/phong-trao/chien-dich/{ba_dinh.pk}/").content.decode()
    assert "Điều chỉnh thời gian và chỉ tiêu" in page
    hanoi = part(edition, cast.hanoi)
    page = commune.get(f"/phong-trao/chien-dich/{hanoi.pk}/").content.decode()
    assert "Điều chỉnh" not in page
    assert commune.post(f"/phong-trao/chien-dich/{hanoi.pk}/chi-tieu/", {}).status_code == 403


def test_the_api_lists_movements_and_launches_a_level_with_progress(cast, edition, tasks, login):
    client = login(cast.hn_viewer)
    rows = client.get("/api/movements").json()["items"]
    assert rows[0]["code"] == "TND" and rows[0]["editions"][0]["year"] == 2026
    central = login(cast.tw_manager)
    answer = central.post(f"/api/movements/parts/{edition.campaign.pk}/launch", {},
                          content_type="application/json")  # fmt: skip
    assert answer.status_code == 202 and answer.json()["total"] == 2
    tasks.run()
    launched = central.get(f"/api/movements/launches/{answer.json()['id']}").json()
    assert (launched["status"], launched["done"]) == ("done", 2)
    body = central.get(f"/api/movements/parts/{edition.campaign.pk}").json()
    assert body["targets"] == {"money": 1_000_000_000, "gifts": 1000, "people": 2000}
    assert {p["name"] for p in body["parts"]} == {"Hội Chữ thập đỏ Hà Nội",
                                                  "Hội Chữ thập đỏ Tuyên Quang"}  # fmt: skip


def test_the_home_page_shows_a_part_not_launched_below_and_targets_behind(
    cast, edition, tasks, login, settings
):
    from nhandao.movements import home

    launch(cast.tw_manager, edition.campaign, tasks)
    waiting = {w.label: w for w in home.waiting(cast.hn_officer)}
    hanoi = part(edition, cast.hanoi)
    assert waiting["Phong trào chưa phát động cho cấp dưới"].count == 1
    assert waiting["Phong trào chưa phát động cho cấp dưới"].url == (
        f"/phong-trao/chien-dich/{hanoi.pk}/"
    )
    late = home.behind(hanoi, date(2026, 5, 20))
    assert late == ["Tiền vận động (đồng)", "Suất quà", "Lượt người được hỗ trợ"]
    assert home.behind(hanoi, date(2026, 4, 20)) == []
    page = login(cast.hn_officer).get("/").content.decode()
    assert "Phong trào chưa phát động cho cấp dưới" in page


# --- Tết fairs: vouchers to the registry's poor households, redeemed once at a stall --------


def make_fair(cast, campaign, name="Hội chợ Tết Phường Ba Đình"):
    return fairs.create_fair(
        cast.ba_dinh_officer, campaign=campaign, organisation=cast.ba_dinh, name=name,
        place="Nhà văn hóa phường", date=TET_DAY, commune=unit("4"), gift_value=500_000,
        stalls=[{"name": "Gian gạo", "sponsor": "Công ty Lương thực", "goods": "Gạo, dầu ăn",
                 "value": 2_000_000}],
    )  # fmt: skip


@pytest.fixture
def fair_world(cast, tet):
    this_year = tet[2024]
    ba_dinh = part(this_year, cast.ba_dinh)
    donate(cast.ba_dinh, ba_dinh, 5_000_000, day=TET_DAY)
    homes = [household(cast, unit("4"), cast.ba_dinh, n) for n in ("Nguyễn Văn Một", "Lê Hai")]
    homes.append(household(cast, unit("4"), cast.ba_dinh, "Trần Ba", status="near_poor"))
    household(cast, unit("4"), cast.ba_dinh, "Không nghèo", status="none")
    fair = make_fair(cast, ba_dinh)
    return this_year, ba_dinh, fair, homes


def test_vouchers_go_to_the_poor_households_and_a_redemption_is_a_received_gift(cast, fair_world):
    edition, ba_dinh, fair, homes = fair_world
    vouchers = fairs.issue_vouchers(cast.ba_dinh_officer, fair)
    assert {v.household_id for v in vouchers} == {h.pk for h in homes}  # not the non-poor one
    assert len({v.code for v in vouchers}) == 3
    with pytest.raises(Refused, match="chưa có phiếu quà"):
        fairs.issue_vouchers(cast.ba_dinh_officer, fair)  # nothing issued twice
    hanoi = part(edition, cast.hanoi)
    assert results.rollup(hanoi, edition).tet_left_behind == 3
    stall = fair.stalls.get()
    voucher = fairs.redeem(cast.ba_dinh_officer, fair, vouchers[0].code.lower(), stall=stall,
                           request_id="scan-1")  # fmt: skip
    assert voucher.redeemed and voucher.stall == stall
    voucher.line.refresh_from_db()
    assert voucher.line.status == "received"
    assert results.rollup(hanoi, edition).tet_left_behind == 2  # the Tết count falls
    assert results.rollup(ba_dinh, edition).own.results["gifts"] == 1
    assert [v.code for v in fairs.unredeemed(fair)] == sorted(v.code for v in vouchers[1:])
    assert fairs.counts(fair) == {"issued": 3, "redeemed": 1, "left": 2, "sponsored": 2_000_000}


def test_a_voucher_is_redeemed_once_a_retry_is_answered_and_another_fair_refuses(cast, fair_world):
    _edition, ba_dinh, fair, _homes = fair_world
    first, second, _ = fairs.issue_vouchers(cast.ba_dinh_officer, fair)
    stall = fair.stalls.get()
    fairs.redeem(cast.ba_dinh_officer, fair, first.code, stall=stall, request_id="scan-1")
    # the same scan sent again on a poor connection: the same answer, nothing new
    again = fairs.redeem(cast.ba_dinh_officer, fair, first.code, stall=stall, request_id="scan-1")
    assert again.pk == first.pk
    from nhandao.relief.models import DistributionLine

    assert DistributionLine.objects.filter(round=fair.round, status="received").count() == 1
    with pytest.raises(Refused, match=f"Phiếu quà {first.code} đã được đổi lúc .* tại gian hàng"):
        fairs.redeem(cast.ba_dinh_officer, fair, first.code, stall=stall, request_id="scan-2")
    other = make_fair(cast, ba_dinh, name="Hội chợ Tết lần hai")
    with pytest.raises(Refused, match="thuộc “Hội chợ Tết Phường Ba Đình”, không dùng được"):
        fairs.redeem(cast.ba_dinh_officer, other, second.code, stall=None, request_id="x")
    second.refresh_from_db()
    assert not second.redeemed
    with pytest.raises(Refused, match="Không có phiếu quà mã “NOPE”"):
        fairs.redeem(cast.ba_dinh_officer, fair, "nope", stall=stall)


def test_a_stall_redeems_on_a_phone_and_a_resent_scan_is_answered_not_repeated(
    cast, fair_world, login
):
    _edition, ba_dinh, fair, _homes = fair_world
    first, second, _ = fairs.issue_vouchers(cast.ba_dinh_officer, fair)
    client = login(cast.ba_dinh_officer)
    page = client.get(f"/hoi-cho-tet/{fair.pk}/doi/?ma={first.code}").content.decode()
    assert f'value="{first.code}"' in page and "Xác nhận trao quà" in page
    stall = fair.stalls.get()
    scan = {"code": first.code, "stall": stall.pk, "request_id": "r-1"}
    done = client.post(f"/hoi-cho-tet/{fair.pk}/doi/", scan)
    assert done.status_code == 200 and "Đã trao quà" in done.content.decode()
    resent = client.post(f"/hoi-cho-tet/{fair.pk}/doi/", scan)  # the connection dropped
    assert resent.status_code == 200 and "Đã trao quà" in resent.content.decode()
    twice = client.post(f"/hoi-cho-tet/{fair.pk}/doi/", {**scan, "request_id": "r-2"})
    assert twice.status_code == 422 and "không đổi lần hai" in twice.content.decode()
    other = make_fair(cast, ba_dinh, name="Hội chợ khác")
    wrong = client.post(f"/hoi-cho-tet/{other.pk}/doi/", {"code": second.code, "request_id": "r"})
    assert wrong.status_code == 422 and "không dùng được ở hội chợ này" in wrong.content.decode()
    # the API: the same rules
    url = f"/api/movements/fairs/{fair.pk}/redeem"
    body = {"code": second.code, "stall": stall.pk, "request_id": "a-1"}
    answer = client.post(url, body, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["code"] == second.code
    assert client.post(url, body, content_type="application/json").status_code == 200
    again = client.post(url, {**body, "request_id": "a-2"}, content_type="application/json")
    assert again.status_code == 422 and "không đổi lần hai" in again.json()["detail"]
    assert client.get(f"/api/movements/fairs/{fair.pk}").json()["redeemed"] == 2
    # the fair's page: counts, the unredeemed list with names only for "sensitive"
    page = client.get(f"/hoi-cho-tet/{fair.pk}/").content.decode()
    assert 'id="redeemed-count">2<' in page and "Trần Ba" in page
    page = login(cast.ba_dinh_accountant).get(f"/hoi-cho-tet/{fair.pk}/").content.decode()
    assert "Trần Ba" not in page and "Tên chủ hộ chỉ hiện" in page
    assert client.get(f"/hoi-cho-tet/{fair.pk}/in-phieu/").status_code == 403  # not sensitive
    sheet = login(cast.ba_dinh_officer).get(f"/hoi-cho-tet/{fair.pk}/in-phieu/").content.decode()
    assert sheet.count("data:image/svg+xml") == 3
    assert first.code in sheet


def test_a_year_whose_campaign_is_still_a_draft_is_linked_only_for_its_organiser(
    cast, movement, edition, login
):
    """A national campaign in draft is its organiser's (campaigns' for_user): the movement's
    pages do not link a commune officer to a page that would answer 404."""
    Campaign.objects.filter(pk=edition.campaign_id).update(status=CampaignStatus.DRAFT)
    part = f"/phong-trao/chien-dich/{edition.campaign_id}/"
    officer = login(cast.ba_dinh_officer)
    assert officer.get(part).status_code == 404
    for page in ("/phong-trao/", f"/phong-trao/{movement.pk}/"):
        assert part not in officer.get(page).content.decode()
    manager = login(cast.tw_manager)
    assert part in manager.get(f"/phong-trao/{movement.pk}/").content.decode()
