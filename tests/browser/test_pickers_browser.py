"""Pickers in a real browser at 412 px: a commune chapter's accountant records a cash
donation choosing everything by name (the organisation preselected, the campaign found by
typing without accents, today's date already there), never a code; a new household's commune
is found by the name it had before 2025. Screenshots go to docs/screens/."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENS, log_in

pytestmark = pytest.mark.browser


def test_a_commune_records_a_cash_donation_with_the_pickers_only(phone412):
    page = phone412
    log_in(page, "xa.ketoan")
    page.goto("/ung-ho/them/cash/")
    organisation = page.locator("#id_organisation + .ts-wrapper .ts-control .item")
    expect(organisation).to_contain_text("Hội Chữ thập đỏ")  # theirs, preselected
    expect(page.get_by_label("Ngày nhận (dd/mm/yyyy)")).to_have_value(
        re.compile(r"^\d\d/\d\d/\d{4}$")
    )
    page.locator("#id_campaign + .ts-wrapper .ts-control").click()
    expect(page.get_by_role("combobox", name="Chiến dịch")).to_be_focused()
    page.keyboard.type("thang nhan dao ha noi")  # no accents, no code
    option = page.locator(".ts-dropdown .option").filter(has_text="Hà Nội").first
    expect(option).to_contain_text("Tháng Nhân đạo")
    expect(option.locator(".picker-hint")).to_contain_text("Đang tiếp nhận")
    active = page.locator(".ts-dropdown .option.active")
    expect(active).to_contain_text("Hà Nội")  # the best match comes first
    page.keyboard.press("Enter")
    expect(page.locator("#id_campaign + .ts-wrapper .item")).to_contain_text("Hà Nội")
    page.get_by_label("Số tiền (đồng)").fill("200000")
    page.get_by_label("Tên người/đơn vị ủng hộ").fill("Phạm Thị Hồng")
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENS / "picker-donation-412.png", full_page=True)
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page).to_have_url(re.compile(r"/ung-ho/\d+/$"))
    expect(page.get_by_text("Phạm Thị Hồng").first).to_be_visible()


def test_a_household_commune_is_found_by_its_old_name(phone412):
    page = phone412
    log_in(page, "hn.canbo")  # a province officer: communes are searched, not listed
    page.goto("/ho-gia-dinh/them/")
    page.locator("#id_commune_code + .ts-wrapper .ts-control").click()
    page.keyboard.type("quan thanh")  # a ward merged into Ba Đình on 1/7/2025
    option = page.locator(".ts-dropdown .option").filter(has_text="Ba Đình").first
    expect(option).to_be_visible()
    expect(option.locator(".picker-hint")).to_contain_text("Quán Thánh")
    page.screenshot(path=SCREENS / "picker-household-commune-412.png", full_page=True)
    option.click()  # below "Xã Quan Thành" (Nghệ An), whose own name matches
    expect(page.locator("#id_commune_code + .ts-wrapper .item")).to_contain_text("Ba Đình")


def test_a_list_closed_before_the_late_redraw_stays_closed(phone_as):
    """A quick hand chooses an option of the unfiltered list within 300 ms of a key and
    closes the list: Tom Select's late redraw reopened it, unfiltered, over the button below
    (the directive form's "Giao nhiệm vụ" took the click of an option instead)."""
    page = phone_as("hn.mttq.canbo")
    page.goto("/chi-dao/")
    page.get_by_role("link", name=re.compile("KH-MTTQ-BTT")).first.click()
    control = page.locator("#id_assignees + .ts-wrapper .ts-control")
    control.click()
    first = page.locator(".ts-dropdown .option").first
    expect(first).to_be_visible()
    page.keyboard.type("h")  # the redraw is due 300 ms from now
    first.click()  # chosen before it comes
    page.keyboard.press("Escape")
    page.wait_for_timeout(600)
    expect(page.locator(".ts-dropdown:visible")).to_have_count(0)
