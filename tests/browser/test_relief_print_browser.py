"""The printed distribution list in chromium, on the demo site: a commune officer opens it from
the round's page on a phone (no sideways scroll), then the same page as printed (print media
emulated, A4 landscape): the top bar, menu and buttons gone, the table's head set to repeat on
each page, and a PDF printed. Screenshots in docs/screens/."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE_412, SCREENS, log_in, phone_screen, wait_for

pytestmark = pytest.mark.browser
ROUND = "Hỗ trợ hộ nghèo, cận nghèo bị ảnh hưởng bão số 3"
A4_LANDSCAPE = {"viewport": {"width": 1123, "height": 794}, "locale": "vi-VN"}  # 96 dpi


def test_the_distribution_list_prints_with_a_signature_column(chromium, live_site):
    wait_for(live_site)
    phone = chromium.new_context(**PHONE_412, base_url=live_site)
    page = phone.new_page()
    log_in(page, "xa.canbo")
    page.goto("/cuu-tro/")
    page.get_by_role("link", name=ROUND).first.click()
    page.get_by_role("link", name="In danh sách ký nhận").click()
    expect(page.get_by_role("heading", name="DANH SÁCH CẤP PHÁT")).to_be_visible()
    expect(page.locator("#sign-list thead")).to_contain_text("Ký nhận")
    rows = page.locator("#sign-list tbody tr").count()
    assert rows >= 1
    phone_screen(page, "relief-print-list-412")
    print_url = page.url
    cookies = phone.cookies()
    phone.close()

    paper = chromium.new_context(**A4_LANDSCAPE, base_url=live_site)
    paper.add_cookies(cookies)
    page = paper.new_page()
    page.emulate_media(media="print")
    page.goto(print_url)
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator(".print-tools")).to_be_hidden()
    expect(page.locator("#sign-list")).to_be_visible()
    head = page.evaluate("getComputedStyle(document.querySelector('#sign-list thead')).display")
    assert head == "table-header-group"
    page.screenshot(path=str(SCREENS / "relief-print-list-a4.png"))
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 1
    paper.close()
