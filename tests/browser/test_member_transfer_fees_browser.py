"""Key flow in a real browser (issue #20): a member of the demo commune pays this month's fee,
the commune's officer asks to move her to the commune next door (the sending side agrees by
asking), that commune's officer agrees from their own queue, and the receiving commune now
keeps her record with its fee history: the receipt issued by the first commune."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import pick

pytestmark = pytest.mark.browser

MEMBER = "Lý Thu Trang"  # the demo commune's youth member (nhandao/demo/people.py)


def _open_member(page):
    page.goto("/ca-nhan/?q=ly thu trang")
    page.get_by_role("link", name=MEMBER).click()


def test_a_member_moves_to_the_next_commune_with_her_fee_history(phone_as):
    # the accountant of the demo commune collects this month's fee
    accountant = phone_as("xa.ketoan")
    _open_member(accountant)
    accountant.locator("#fee-pay").click()
    accountant.get_by_label(f"Tháng {date.today().month}", exact=True).check()
    accountant.get_by_role("button", name="Thu", exact=True).click()
    done = accountant.get_by_text(re.compile("Đã thu hội phí, biên lai số"))
    expect(done).to_be_visible()
    receipt = re.search(r"biên lai số (\S+)\.", done.inner_text()).group(1)
    sending = accountant.locator("#fee-history td[data-label='Đơn vị thu']").first.inner_text()

    # the commune's officer asks to move her to the commune next door
    officer = phone_as("xa.canbo")
    officer.goto("/hoi-vien/chuyen-sinh-hoat/")
    demo_move = officer.locator("tr", has_text="Cao Văn Chuyển").first
    sibling = demo_move.locator("td[data-label='Từ']").inner_text().strip()
    _open_member(officer)
    officer.locator("#membership-transfer").click()
    pick(officer, "id_to_org", sibling, sibling)
    officer.get_by_label("Lý do").fill("Chuyển nơi ở")
    officer.get_by_role("button", name="Gửi yêu cầu").click()
    expect(officer.get_by_text("chờ tổ chức nhận đồng ý")).to_be_visible()
    waiting = officer.locator("#transfer-others tr", has_text=MEMBER)
    expect(waiting).to_contain_text("Chờ hai bên đồng ý")

    # the receiving commune's officer agrees from their own queue
    receiver = phone_as("xa2.canbo")
    receiver.goto("/hoi-vien/chuyen-sinh-hoat/")
    row = receiver.locator("#transfer-queue tr", has_text=MEMBER)
    expect(row).to_contain_text(sibling)
    row.get_by_role("button", name="Đồng ý").click()
    expect(receiver.get_by_text("Hội viên đã được chuyển.")).to_be_visible()

    # her record is the receiving commune's now, with the receipt of the first commune
    _open_member(receiver)
    history = receiver.locator("#membership-history")
    expect(history.get_by_text(re.compile("Chuyển sinh hoạt đến"))).to_be_visible()
    expect(history.get_by_text(sibling, exact=True)).to_be_visible()
    fees = receiver.locator("#fee-history tr", has_text=receipt)
    expect(fees).to_contain_text(sending)
    expect(fees).to_contain_text("Hợp lệ")
    width = receiver.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the member's page scrolls sideways: {width}"
