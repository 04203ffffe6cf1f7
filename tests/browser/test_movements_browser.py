"""Tết fair in a real browser at phone size, on the demo site: the ward's officer opens the
fair, finds its vouchers (one per poor household, issued from the registry), redeems two at
a stall through the page the voucher's QR opens, and sees the Tết count fall by two."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, open_menu

pytestmark = pytest.mark.browser


def tet_count(page, url) -> int:
    page.goto(url)
    return int(page.locator("#tet-left-behind").inner_text())


def test_two_vouchers_are_redeemed_at_a_stall_and_the_tet_count_falls(phone):
    page = phone
    log_in(page, "xa.canbo")
    open_menu(page, "Cứu trợ")
    page.get_by_role("link", name="Hội chợ Tết (phiếu quà)").click()
    page.get_by_role("link", name=re.compile("Hội chợ – Tặng quà – Vui Tết")).first.click()
    expect(page.locator("#fair-counts")).to_contain_text("đã đổi 0")
    fair_url = page.url
    tet_url = page.locator("nav.crumbs a").nth(1).get_attribute("href")
    before = tet_count(page, tet_url)
    assert before >= 2
    page.goto(fair_url)
    codes = page.locator("#unredeemed td:first-child").all_inner_texts()[:2]
    assert len(codes) == 2
    for code in codes:
        page.goto(f"{fair_url}doi/?ma={code}")  # what the voucher's QR opens
        page.get_by_role("button", name="Xác nhận trao quà").click()
        expect(page.locator("#redeemed")).to_contain_text("Đã trao quà")
        expect(page.locator("#redeemed")).to_contain_text(code)
    # no sideways scrolling at 390 px
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert tet_count(page, tet_url) == before - 2
    page.goto(fair_url)
    expect(page.locator("#redeemed-count")).to_have_text("2")
