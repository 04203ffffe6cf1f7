"""The blood donation flow in a real browser, on phones, on the demo site: someone finds a
drive on the public list and registers from its page; the commune officer enters a result
on the sheet of a drive held yesterday and sees the donor's next likely date; the province's
manager finds the donor, at her 10th donation, on this year's honour list."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE_412, pick, wait_for

pytestmark = pytest.mark.browser


def test_register_record_a_result_see_the_next_date_and_the_honour(chromium, live_site, phone_as):
    wait_for(live_site)
    visitor = chromium.new_context(**PHONE_412, base_url=live_site)
    page = visitor.new_page()
    page.goto("/cong-khai/hien-mau/")
    page.get_by_label("Tỉnh/thành phố").select_option(label="Thành phố Hà Nội")
    page.get_by_role("button", name="Xem").click()
    page.get_by_role("link", name="Giọt hồng Thủ đô").click()
    page.get_by_label("Họ và tên").fill("Trịnh Thu Trang")
    page.get_by_label("Ngày sinh (dd/mm/yyyy)").fill("14/02/1996")
    page.get_by_label("Giới tính").select_option(label="Nữ")
    page.get_by_label("Số điện thoại").fill("0977123456")
    page.get_by_label("Hôm nay tôi thấy khỏe").check()
    page.get_by_label("Đồng ý được nhắc lịch hiến máu lần sau").check()
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.locator("#registered")).to_contain_text("Bạn đã đăng ký hiến máu ngày")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_412["viewport"]["width"]  # no sideways scrolling
    visitor.close()

    officer = phone_as("xa.canbo")
    officer.goto("/hien-mau/dot/")
    officer.get_by_role("link", name="Hiến máu tại trường THPT").click()
    pick(officer, "result_donor", "le thi muoi", "Lê Thị Mười")
    officer.get_by_label("Thể tích").select_option("250")
    officer.get_by_role("button", name="Ghi kết quả").click()
    expect(officer.locator(".msg").first).to_contain_text(
        re.compile(r"Lê Thị Mười, lần hiến thứ 10; có thể hiến lại từ \d\d/\d\d/\d{4}")
    )
    officer.get_by_role("link", name="Lê Thị Mười").first.click()
    expect(officer.locator("#next-date")).to_contain_text("Có thể hiến lại từ")

    manager = phone_as("hn.lanhdao")
    manager.goto("/hien-mau/vinh-danh/?tinh=1")
    row = manager.locator("#candidates tr").filter(has_text="Lê Thị Mười")
    expect(row).to_contain_text("10 lần")
