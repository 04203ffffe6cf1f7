"""Family honours in a real browser, on a phone, on the demo site: the city's officer makes a
family around a donor of the mountain communes, adds a second donor with the picker, sees
the donations of both counted together; the city's leader finds the family on the honour
list and the bands page shows the mountain communes' own band."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE_412, pick

pytestmark = pytest.mark.browser


def test_a_family_is_made_filled_and_found_on_the_honour_list(phone_as):
    officer = phone_as("hn.canbo")
    officer.goto("/hien-mau/nguoi-hien/?q=dinh+van+nui")
    officer.get_by_role("link", name="Đinh Văn Núi").click()
    officer.get_by_label("Lập gia đình hiến máu").fill("Gia đình ông Đinh Văn Núi")
    officer.get_by_role("button", name="Lập gia đình").click()
    expect(officer.locator("h1")).to_have_text("Gia đình ông Đinh Văn Núi")
    pick(officer, "id_donor", "pham quang vinh", "Phạm Quang Vinh")
    officer.get_by_role("button", name="Thêm vào gia đình").click()
    expect(officer.locator("#members")).to_contain_text("Phạm Quang Vinh")
    expect(officer.locator("#family-info")).to_contain_text("lần hiến của 2 thành viên")
    width = officer.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_412["viewport"]["width"]  # no sideways scrolling

    leader = phone_as("hn.lanhdao")
    leader.goto("/hien-mau/vinh-danh/?tinh=1")
    row = leader.locator("#family-candidates tr").filter(has_text="Gia đình ông Đinh Văn Núi")
    expect(row).to_contain_text("15 lần")
    leader.locator("#bands-link").click()
    expect(leader.locator("#bands")).to_contain_text("Cá nhân ở Các xã miền núi")
    width = leader.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_412["viewport"]["width"]
