"""Key relief flow in a real browser, on the demo site: a commune officer opens the Yagi
distribution round, meets the overlap warning (the Women's Union gave the same household
cash three days earlier) and cannot confirm; the province's manager confirms with a reason."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, open_menu

pytestmark = pytest.mark.browser
ROUND = "Hỗ trợ hộ nghèo, cận nghèo bị ảnh hưởng bão số 3"
PHONE = {"viewport": {"width": 390, "height": 844}}


def warned_row(page):
    return page.locator("#lines tr").filter(has=page.locator(".overlap"))


def test_a_round_meets_an_overlap_warning_and_a_manager_confirms_with_a_reason(chromium, live_site):
    officer = chromium.new_context(**PHONE, base_url=live_site)
    page = officer.new_page()
    log_in(page, "xa.canbo")
    open_menu(page, "Cứu trợ")
    page.get_by_role("link", name="Tổng quan cứu trợ").click()
    page.get_by_role("link", name=ROUND).first.click()
    expect(page.get_by_role("heading", name=ROUND)).to_be_visible()
    row = warned_row(page)
    expect(row).to_have_count(1)
    expect(row.locator(".overlap")).to_contain_text("Cảnh báo trùng")
    expect(row.locator(".overlap")).to_contain_text("Hội Liên hiệp Phụ nữ")
    row.get_by_role("button", name="Xác nhận đã nhận").click()
    expect(page.locator(".msg").first).to_contain_text("Cảnh báo trùng")
    expect(warned_row(page).get_by_text("Chưa nhận")).to_be_visible()
    round_url = page.url
    officer.close()

    manager = chromium.new_context(**PHONE, base_url=live_site)
    page = manager.new_page()
    log_in(page, "hn.lanhdao")
    page.goto(round_url)
    row = warned_row(page)
    row.get_by_label("Lý do vẫn cấp").fill("Nhà bị ngập sâu, khoản trước chỉ đủ mua lương thực")
    row.get_by_role("button", name="Xác nhận đã nhận").click()
    expect(page.locator(".msg").first).to_contain_text(re.compile("Đã xác nhận"))
    expect(page.get_by_text("Vẫn cấp khi trùng: Nhà bị ngập sâu")).to_be_visible()
    expect(warned_row(page)).to_have_count(0)
    manager.close()
