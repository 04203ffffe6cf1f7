# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""The leaders' dashboard (issue #17): for a period, the totals at the user's top
organisation with each child as a row (its status, its approved totals), a drill-down into a
child's own dashboard down to a commune, and figures linked to the donations behind them
(the donations list narrowed to a subtree and a period, with bounded parameters)."""

import re
from datetime import date
from html import unescape

from nhandao.reports import actions
from nhandao.reports.models import Report
from tests.test_relief_fixtures import donate, make_campaign  # noqa: F401

PERIOD = "2024-H2"
BOARD = "/bao-cao/tong-quan/"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def row(html: str, code: str) -> str:
    found = re.search(rf'<tr data-org="{code}">(.*?)</tr>', html, re.S)
    assert found, f"no row for {code}"
    return found.group(1)


def links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def world(cast):
    campaign = make_campaign(cast.root, cast.central)
    donate(cast.ba_dinh, campaign, 5_000_000)
    donate(cast.ngoc_ha, campaign, 3_000_000)
    donate(cast.hanoi, campaign, 10_000_000)
    ba_dinh = actions.open_report(cast.ba_dinh_officer, cast.ba_dinh, PERIOD)
    actions.save_entries(cast.ba_dinh_officer, ba_dinh, {"state_budget": 1_000_000})
    actions.submit(cast.ba_dinh_officer, ba_dinh)
    actions.mark_not_reporting(cast.hn_manager, cast.quan_thanh, PERIOD, "Gộp vào Ba Đình")
    actions.approve(cast.hn_manager, ba_dinh)
    ngoc_ha = actions.open_report(cast.ngoc_ha_officer, cast.ngoc_ha, PERIOD)
    actions.save_entries(cast.ngoc_ha_officer, ngoc_ha, {"state_budget": 0})
    actions.submit(cast.ngoc_ha_officer, ngoc_ha)
    return campaign


def test_the_province_dashboard_shows_each_child_its_status_and_its_approved_totals(cast, login):
    world(cast)
    manager = login(cast.hn_manager)
    response = manager.get(BOARD, {"ky": PERIOD})  # no organisation: the user's top one
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tổng quan 6 tháng cuối năm 2024: Hội Chữ thập đỏ Hà Nội" in text(html)
    assert not Report.objects.filter(organisation=cast.hanoi).exists()  # looking writes nothing
    # Hà Nội's own 10 M + Ba Đình's approved 5 M; Ngọc Hà (submitted) not counted yet
    totals = re.search(r'id="board-totals">(.*?)</table>', html, re.S).group(1)
    assert "15.000.000" in totals
    assert "Đã duyệt" in row(html, "CTD-X4") and "5.000.000" in row(html, "CTD-X4")
    assert "Đã gửi, chờ duyệt" in row(html, "CTD-X8")
    assert "3.000.000" not in row(html, "CTD-X8")  # not approved: no figure
    assert "Chưa lập" in row(html, "CTD-H1")
    assert "3 đơn vị cấp dưới" in text(html)
    # drill down: Ba Đình's name opens its own dashboard, which leads back up
    drill = next(h for h in links(row(html, "CTD-X4")) if h.startswith(BOARD))
    commune = manager.get(drill).content.decode()
    assert "Tổng quan 6 tháng cuối năm 2024: Hội Chữ thập đỏ Phường Ba Đình" in text(commune)
    assert f"don_vi={cast.hanoi.pk}" in commune  # the crumbs lead back to Hà Nội
    assert "Mở báo cáo" in commune


def test_figures_link_to_the_donations_of_the_subtree_and_the_period(cast, login):
    campaign = world(cast)
    donate(cast.ba_dinh, campaign, 700_000, day=date(2024, 5, 1))  # another period
    manager = login(cast.hn_manager)
    html = manager.get(BOARD, {"ky": PERIOD}).content.decode()
    child_link = next(h for h in links(row(html, "CTD-X4")) if h.startswith("/ung-ho/"))
    listing = manager.get(child_link).content.decode()
    assert "1 khoản · 5.000.000" in text(listing)
    assert "Của Hội Chữ thập đỏ Phường Ba Đình và các đơn vị cấp dưới" in text(listing)
    totals = re.search(r'id="board-totals">(.*?)</table>', html, re.S).group(1)
    province_link = next(h for h in links(totals) if h.startswith("/ung-ho/"))
    # the records behind Hà Nội's figure: its subtree, approved or not (Ngọc Hà's 3 M too)
    assert "3 khoản · 18.000.000" in text(manager.get(province_link).content.decode())


def test_the_donations_list_refuses_bad_filters_in_words(cast, login):
    world(cast)
    officer = login(cast.ngoc_ha_officer)
    for params, reason in (
        ({"tu": "31/02/2024"}, "Từ ngày"),
        ({"den": "2024"}, "Đến ngày"),
        ({"tu": "01/12/2024", "den": "01/07/2024"}, "sau đến ngày"),
        ({"tu": "x" * 500}, "không phải là ngày"),
        ({"don_vi": str(cast.hanoi.pk)}, "Không tìm thấy tổ chức"),  # above the officer
        ({"don_vi": "9" * 40}, "Không tìm thấy tổ chức"),
        ({"don_vi": "-1"}, "Không tìm thấy tổ chức"),
    ):
        response = officer.get("/ung-ho/", params)
        assert response.status_code == 200, params
        page = text(response.content.decode())
        assert reason in page, params
        assert "0 khoản" in page, params  # nothing rather than a wider list
    mine = text(officer.get("/ung-ho/", {"don_vi": cast.ngoc_ha.pk}).content.decode())
    assert "1 khoản · 3.000.000" in mine


def test_the_dashboard_is_scoped_and_refuses_a_bad_period(cast, login):
    world(cast)
    officer = login(cast.ngoc_ha_officer)
    assert officer.get(BOARD, {"don_vi": cast.hanoi.pk, "ky": PERIOD}).status_code == 404
    assert officer.get(BOARD, {"don_vi": "abc"}).status_code == 404
    assert officer.get(BOARD, {"don_vi": "9" * 40}).status_code == 404
    response = officer.get(BOARD, {"ky": "2024-H3"}, follow=True)
    assert "Kỳ báo cáo “2024-H3” không tồn tại" in response.content.decode()
    assert officer.get(BOARD, {"ky": PERIOD}).status_code == 200  # its own commune
    root = login(cast.root)  # everywhere: the top organisations to choose from
    html = root.get(BOARD, {"ky": PERIOD}).content.decode()
    assert "Ủy ban Trung ương MTTQ Việt Nam" in html
    national = text(root.get(BOARD, {"ky": PERIOD, "don_vi": cast.central.pk}).content.decode())
    assert "Hội Chữ thập đỏ Hà Nội" in national and "Chưa lập" in national


def test_the_children_can_be_narrowed_by_name_and_to_the_late_or_waiting_ones(cast, login):
    """A province has a hundred communes, one card each on a phone: a leader looks for one by
    name (typed without accents) or for the late ones; the counts above still cover them all."""
    world(cast)
    manager = login(cast.hn_manager)
    html = manager.get(BOARD, {"ky": PERIOD, "tim": "ngoc ha"}).content.decode()
    assert 'data-org="CTD-X8"' in html
    assert 'data-org="CTD-X4"' not in html and 'data-org="CTD-H1"' not in html
    assert "1 / 3 đơn vị" in text(html)
    waiting = manager.get(BOARD, {"ky": PERIOD, "chi": "waiting"}).content.decode()
    assert 'data-org="CTD-X8"' in waiting and 'data-org="CTD-H1"' in waiting
    assert 'data-org="CTD-X4"' not in waiting  # approved
    late = manager.get(BOARD, {"ky": PERIOD, "chi": "late"}).content.decode()
    assert 'data-org="CTD-H1"' in late  # not opened, long past its due date
    assert 'data-org="CTD-X8"' not in late  # submitted: waits for Hà Nội, not late
    nothing = manager.get(BOARD, {"ky": PERIOD, "tim": "không có xã này"}).content.decode()
    assert "Không có đơn vị nào khớp bộ lọc." in nothing
    odd = manager.get(BOARD, {"ky": PERIOD, "chi": "<script>"})  # unknown: every child
    assert odd.status_code == 200 and 'data-org="CTD-X4"' in odd.content.decode()
