"""Key flow in a real browser: a commune officer finds an organisation typed without
diacritics and opens it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_commune_officer_finds_an_organisation_typed_without_diacritics(phone):
    log_in(phone, "xa.canbo")
    expect(phone.get_by_role("heading", name="Hội Chữ thập đỏ Phường Ba Đình")).to_be_visible()

    phone.goto("/to-chuc/")
    phone.get_by_label("Tìm tổ chức").fill("quan thanh")
    phone.get_by_label("cả tổ chức đã hợp nhất/giải thể").check()
    phone.get_by_role("button", name="Tìm").click()
    phone.get_by_role("link", name="Hội Chữ thập đỏ Phường Quán Thánh").click()

    expect(phone.get_by_role("heading", name=re.compile("Phường Quán Thánh"))).to_be_visible()
    expect(phone.get_by_text("Kế thừa bởi")).to_be_visible()
    expect(phone.get_by_role("link", name="Hội Chữ thập đỏ Phường Ba Đình").first).to_be_visible()


def test_a_commune_officer_cannot_find_another_province(phone):
    log_in(phone, "xa.canbo")
    phone.goto("/to-chuc/?q=tuyen+quang")
    expect(phone.get_by_text("Không tìm thấy tổ chức nào trong phạm vi của bạn.")).to_be_visible()
