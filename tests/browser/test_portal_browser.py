"""The public portal in a real browser at a phone-sized viewport, without logging in:
statement search typed without diacritics, and a donor checking their own transfer."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_public_finds_a_transfer_typed_without_diacritics(phone):
    phone.goto("/cong-khai/tra-cuu-sao-ke/")
    phone.get_by_label("Tìm trong sao kê").fill("do duc loi")
    phone.get_by_role("button", name="Tìm").first.click()
    expect(phone.get_by_text("DO DUC LOI chuyen tien").first).to_be_visible()
    expect(phone.get_by_text("3.000 ₫").first).to_be_visible()


def test_a_donor_checks_their_transfer_by_its_reference(phone):
    phone.goto("/cong-khai/kiem-tra-ung-ho/")
    phone.get_by_label("Số tham chiếu trong ứng dụng ngân hàng").fill("5218.87149")
    phone.get_by_role("button").filter(has_text="Kiểm tra").first.click()
    expect(phone.get_by_text("DO DUC LOI").first).to_be_visible()
    expect(phone.get_by_text("01/09/2024").first).to_be_visible()


def test_a_donor_finds_their_transfer_by_name_and_amount_as_typed_on_a_phone(phone):
    # a real line of the shared Vietcombank file: "272986.010924.101858.DO DUC LOI chuyen
    # tien", 3.000 ₫, reference 5218.87149 (issue #24: the sender's line comes first)
    phone.goto("/cong-khai/tra-cuu-sao-ke/")
    phone.get_by_label("Tìm trong sao kê").fill("do duc loi 3k")
    phone.get_by_role("button", name="Tìm").first.click()
    first = phone.locator("td.line-desc").first
    expect(first).to_contain_text("DO DUC LOI chuyen tien")
    expect(first).to_contain_text("5218.87149")
    expect(first).to_contain_text("khớp tên người chuyển")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_donor_checks_by_name_amount_and_day_as_typed_on_a_phone(phone):
    phone.goto("/cong-khai/kiem-tra-ung-ho/")
    phone.get_by_label("Số tiền").fill("3k")
    phone.get_by_label("Ngày chuyển").fill("01/09/2024")
    phone.get_by_label("Một phần tên của bạn").fill("do duc loi")
    phone.get_by_role("button").filter(has_text="Kiểm tra").first.click()
    first = phone.locator("td.line-desc").first
    expect(first).to_contain_text("DO DUC LOI chuyen tien")
    expect(first).to_contain_text("5218.87149")
