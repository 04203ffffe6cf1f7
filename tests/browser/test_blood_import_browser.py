"""A drive's result sheet from a file, on a phone, on the demo site: the commune officer
opens the held drive, sends the centre's sheet with one walk-in donor, and reads the result
(then the donation on the drive's page, flagged as not registered beforehand)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for

pytestmark = pytest.mark.browser

SHEET = (
    "Họ và tên,Ngày sinh,Giới tính,Loại,Thể tích (ml)\nPhan Văn Mới,01/01/1995,Nam,Toàn phần,350\n"
)


def test_the_officer_imports_a_result_sheet_on_a_phone(live_site, phone_as):
    wait_for(live_site)
    officer = phone_as("xa.canbo")
    officer.goto("/hien-mau/dot/")
    officer.get_by_role("link", name="Hiến máu tại trường THPT").click()
    officer.locator("#import-results").click()
    expect(officer.locator("#drive-import-template")).to_be_visible()
    officer.get_by_label("Tệp danh sách (.xlsx hoặc .csv)").set_input_files(
        {"name": "ket-qua.csv", "mimeType": "text/csv", "buffer": SHEET.encode()}
    )
    officer.get_by_role("button", name="Nhập").click()
    expect(officer.locator("#import-result")).to_contain_text("Đã ghi 1 kết quả")
    width = officer.evaluate("document.documentElement.scrollWidth")
    assert width <= officer.viewport_size["width"]  # no sideways scrolling
    officer.get_by_role("link", name="Trang đợt hiến máu").click()
    row = officer.locator("#results tr").filter(has_text="Phan Văn Mới")
    expect(row).to_contain_text("không đăng ký trước")
