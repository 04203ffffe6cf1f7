"""In a real browser on a phone: the demo commune's accountant previews and closes last
year's fees (already closed in the demo: reopened with a reason, previewed, closed again),
and the commune's officer records a new member of the executive committee with the person
picker; the organisation page shows who leads it and who led it when."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, pick

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page):
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width[0]} px > {width[1]} px"


def test_the_accountant_reopens_previews_and_closes_last_year(phone):
    phone.set_viewport_size({"width": 360, "height": 800})
    log_in(phone, "xa.ketoan")
    phone.goto("/hoi-phi/khoa-so/")
    phone.get_by_role("button", name="Xem trước").click()
    figures = phone.locator("#year-close-figures")
    expect(figures.get_by_text("Đã khóa sổ")).to_be_visible()
    expect(figures.get_by_text("bị cho thôi sinh hoạt khi khóa sổ: 0")).to_be_visible()
    _no_sideways_scroll(phone)
    history = phone.locator("#year-close-history")
    history.get_by_label("Lý do mở lại sổ").fill("Thu bổ sung biên lai tháng 12")
    history.get_by_role("button", name="Mở lại sổ").click()
    expect(phone.get_by_text("Đã mở lại sổ hội phí năm")).to_be_visible()
    expect(phone.get_by_text("Xem trước — chưa ghi")).to_be_visible()
    expect(history.get_by_text("Thu bổ sung biên lai tháng 12")).to_be_visible()
    phone.locator("#year-close-confirm").get_by_role("button").click()
    expect(phone.get_by_text("Đã khóa sổ hội phí năm")).to_be_visible()
    expect(phone.locator("#year-close-history tbody tr")).to_have_count(2)
    _no_sideways_scroll(phone)


def test_the_officer_records_a_leader_and_the_page_shows_who_led_when(phone):
    phone.set_viewport_size({"width": 360, "height": 800})
    log_in(phone, "xa.canbo")
    phone.goto("/ca-nhan/?q=tran van hung")
    phone.get_by_role("link", name="Trần Văn Hưng").click()
    expect(phone.locator("#individual-posts").get_by_text("Chủ tịch")).to_be_visible()
    phone.locator("#individual-posts a").first.click()  # the commune's page
    leaders = phone.locator("#org-leaders")
    expect(leaders.get_by_text("Trần Văn Hưng").first).to_be_visible()
    _no_sideways_scroll(phone)
    leaders.get_by_role("link", name="+ Ghi chức vụ").click()
    pick(phone, "id_individual", "doan minh", "Đoàn Minh Khôi")
    phone.get_by_label("Chức vụ").select_option(label="Ủy viên Ban Chấp hành")
    phone.get_by_label("Số quyết định").fill("QĐ 09/QĐ-CTĐ")
    phone.get_by_role("button", name="Ghi", exact=True).click()
    expect(phone.get_by_text("Đã ghi chức vụ.")).to_be_visible()
    history = phone.locator("#org-leaders-history")
    expect(history.get_by_text("QĐ 09/QĐ-CTĐ")).to_be_visible()
    _no_sideways_scroll(phone)
