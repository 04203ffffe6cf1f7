"""Reports (issue #17) in a real browser on the demo, on 390-px phones: the demo commune's
officer (xa.canbo) sends the draft report, Hà Nội's leader (hn.lanhdao) returns it with a
comment, the officer corrects and sends it again, the leader approves it and publishes it,
and anyone reads its figures on the portal. (The sibling commune's returned report, xa2.canbo's,
is answered by tests/browser/test_ten_daily_tasks.py::test_08: the browser tests share one demo
database, so it is left returned here.)"""

from datetime import date

import pytest
from playwright.sync_api import expect

from nhandao.demo.reports import last_half_year
from tests.browser.conftest import log_in, wait_for

pytestmark = pytest.mark.browser

PHONE_390 = {"viewport": {"width": 390, "height": 844}, "locale": "vi-VN"}
HOUSES = "Nhà nhân đạo xây mới, sửa chữa (căn)"


@pytest.fixture
def phone390_as(chromium, live_site):
    wait_for(live_site)
    contexts = []

    def open_as(username=None):
        context = chromium.new_context(**PHONE_390, base_url=live_site)
        contexts.append(context)
        page = context.new_page()
        if username:
            log_in(page, username)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _no_sideways_scroll(page):
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width[0]} px > {width[1]} px"


def _own_report(page, period):
    page.goto(f"/bao-cao/?ky={period}")
    page.get_by_role("link", name="Mở báo cáo").first.click()
    expect(page.get_by_role("heading", name="Số liệu chủ yếu")).to_be_visible()
    return page.url


def _move(page, button, note=""):
    if note:
        page.get_by_label("Ý kiến / lý do").fill(note)
    page.get_by_role("button", name=button, exact=True).click()


def _approve(leader, url):
    """The leader approves; the commune's branches (chi hội) do not report in the demo, so
    the leader first marks them so from the children's table, as the refusal asks."""
    leader.goto(url)
    _move(leader, "Duyệt")
    refused = leader.get_by_text("Chưa duyệt được:")
    if refused.count():
        not_reporting = leader.get_by_role("button", name="Không báo cáo kỳ này")
        while not_reporting.count():
            not_reporting.first.click()
            expect(leader.get_by_text("không báo cáo kỳ này.")).to_be_visible()
        _move(leader, "Duyệt")
    expect(leader.locator(".card .badge").first).to_have_text("Đã duyệt")


def test_submit_return_correct_resubmit_approve_and_publish(phone390_as):
    period = last_half_year(date.today())
    officer = phone390_as("xa.canbo")
    url = _own_report(officer, period)
    expect(officer.locator(".card .badge").first).to_have_text("Đang soạn")
    _no_sideways_scroll(officer)
    _move(officer, "Gửi cấp trên")
    expect(officer.locator(".card .badge").first).to_have_text("Đã gửi, chờ duyệt")

    leader = phone390_as("hn.lanhdao")
    leader.goto(url)
    _move(leader, "Trả lại để sửa", "Thiếu số nhà nhân đạo đã sửa chữa")
    expect(leader.locator(".card .badge").first).to_have_text("Bị trả lại")

    officer.goto(url)
    expect(officer.get_by_text("Cấp trên trả lại: Thiếu số nhà nhân đạo")).to_be_visible()
    officer.get_by_label(HOUSES).fill("2")
    officer.get_by_role("button", name="Lưu", exact=True).click()
    expect(officer.get_by_text("Đã lưu số liệu và thuyết minh.")).to_be_visible()
    _move(officer, "Gửi lại cấp trên")
    expect(officer.locator(".card .badge").first).to_have_text("Đã gửi, chờ duyệt")
    # the maker cannot approve
    expect(officer.get_by_role("button", name="Duyệt", exact=True)).to_have_count(0)

    _approve(leader, url)
    leader.get_by_role("button", name="Công khai trên cổng thông tin").click()
    expect(leader.get_by_text("Đã công khai báo cáo trên cổng thông tin.")).to_be_visible()
    leader.get_by_role("link", name="xem trên cổng thông tin").click()

    visitor = phone390_as()  # anyone, not logged in
    visitor.goto(leader.url)
    table = visitor.locator("#public-figures")
    expect(table.locator("tr", has_text="Nhà nhân đạo")).to_contain_text("2")
    expect(visitor.get_by_role("link", name="Tải báo cáo Word")).to_be_visible()
    _no_sideways_scroll(visitor)
    visitor.locator(".crumbs").get_by_role("link", name="Báo cáo", exact=True).click()
    expect(visitor.get_by_role("heading", name="Báo cáo công khai")).to_be_visible()
    _no_sideways_scroll(visitor)


def test_the_leaders_dashboard_drills_down_and_links_to_the_donations_at_360_px(
    chromium, live_site
):
    """Hà Nội's leader, on a 360-px phone: the province's dashboard with its communes as
    rows, a commune's own dashboard by its name, the donations behind the province's money
    figure; no page scrolls sideways."""
    wait_for(live_site)
    context = chromium.new_context(
        viewport={"width": 360, "height": 800}, locale="vi-VN", base_url=live_site
    )
    try:
        page = context.new_page()
        log_in(page, "hn.lanhdao")
        period = last_half_year(date.today())
        page.goto(f"/bao-cao/tong-quan/?ky={period}")
        expect(page.get_by_role("heading", name="Số liệu chủ yếu")).to_be_visible()
        expect(page.locator("#board-children tr[data-org]").first).to_be_visible()
        _no_sideways_scroll(page)
        board = page.url
        child = page.locator("#board-children tr[data-org] td:first-child a").first
        name = child.inner_text()
        child.click()
        expect(page.locator("h1")).to_contain_text(name)
        _no_sideways_scroll(page)
        page.goto(board)
        page.locator("#board-totals a").first.click()
        expect(page.locator("#donation-within")).to_contain_text("và các đơn vị cấp dưới")
        _no_sideways_scroll(page)
    finally:
        context.close()
