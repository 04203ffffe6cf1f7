"""Key flow in a real browser: a member of the sibling commune asks to move to the demo
commune (the sibling agreed when asking); the demo commune's officer finds the request in
their queue on a phone, agrees, and the member's page shows the move in their history."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page):
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width[0]} px > {width[1]} px"


def test_the_receiving_commune_agrees_and_the_member_moves(phone):
    log_in(phone, "xa.canbo")
    phone.goto("/hoi-vien/chuyen-sinh-hoat/")
    queue = phone.locator("#transfer-queue")
    expect(queue.get_by_text("Cao Văn Chuyển")).to_be_visible()
    _no_sideways_scroll(phone)
    queue.get_by_role("button", name="Đồng ý").first.click()
    expect(phone.get_by_text("Hội viên đã được chuyển.")).to_be_visible()
    expect(phone.locator("#transfer-queue").get_by_text("Cao Văn Chuyển")).to_have_count(0)

    phone.goto("/ca-nhan/?q=cao van chuyen")
    phone.get_by_role("link", name="Cao Văn Chuyển").click()
    history = phone.locator("#membership-history")
    expect(history.get_by_text(re.compile("Chuyển sinh hoạt đến"))).to_be_visible()
    expect(history.get_by_text("Hội Chữ thập đỏ Phường Ba Đình", exact=True)).to_be_visible()
    _no_sideways_scroll(phone)


def test_another_commune_does_not_see_the_request(phone):
    log_in(phone, "tq.quantri")
    phone.goto("/hoi-vien/chuyen-sinh-hoat/")
    expect(phone.get_by_text("Không có yêu cầu nào chờ bạn.")).to_be_visible()
    expect(phone.get_by_text("Cao Văn Chuyển")).to_have_count(0)
